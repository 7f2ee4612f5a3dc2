"""The OpenAPI 3 document of API v1, served at /api/v1/openapi.json."""

from flask import jsonify

from voting.api import bp

ERROR = {"$ref": "#/components/responses/Error"}
BEARER = [{"bearer": []}]


def _id(name: str) -> dict:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "schema": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
    }


def _json(schema: dict) -> dict:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def _ok(description: str, schema: dict | None = None, status: str = "200") -> dict:
    body = {"description": description}
    if schema is not None:
        body["content"] = {"application/json": {"schema": schema}}
    return {status: body, "400": ERROR, "401": ERROR, "403": ERROR, "404": ERROR, "422": ERROR}


OBJECT = {"type": "object"}
PROCEDURE = {
    "type": "object",
    "required": ["parking_policy"],
    "properties": {
        "parking_policy": {"enum": ["include", "exclude_area_only", "exclude_entirely"]},
        "invalid_counts_as_participation": {"type": "boolean"},
        "ranking_rule": {"enum": ["HEAD_THEN_AREA", "AREA_THEN_HEAD", "SUM_OF_RATIOS"]},
        "tie_resolution": {"enum": ["runoff", "lot"]},
        "notice_rule": {"enum": ["CLEAR_15", "PLAIN_15"]},
        "duplicate_policy": {"enum": ["first_valid", "reject_all"]},
        "window_days_min": {"type": "integer", "minimum": 1},
        "window_days_max": {"type": "integer", "minimum": 1},
        "max_principals_per_agent": {"type": ["integer", "null"], "minimum": 1},
        "objection_days": {"type": "integer", "minimum": 0},
        "publish_unit_areas": {"type": "boolean"},
    },
}

PATHS: dict[str, dict] = {
    "/offices": {
        "post": {
            "summary": "Register a street office (admin)",
            "security": BEARER,
            "requestBody": _json(
                {"type": "object", "required": ["name"],
                 "properties": {"name": {"type": "string", "minLength": 1, "maxLength": 200}}}
            ),
            "responses": _ok("the office", OBJECT, "201"),
        }
    },
    "/communities": {
        "post": {
            "summary": "Register a community (admin, office)",
            "security": BEARER,
            "requestBody": _json(
                {"type": "object", "required": ["name", "office_id"],
                 "properties": {
                     "name": {"type": "string", "minLength": 1, "maxLength": 200},
                     "office_id": {"type": "integer"},
                     "committee_kind": {"enum": ["owners_committee", "management_committee",
                                                 "preparatory_group"]}}}
            ),
            "responses": _ok("the community", OBJECT, "201"),
        }
    },
    "/communities/{community_id}": {
        "get": {"summary": "A community with roster totals", "security": BEARER,
                "parameters": [_id("community_id")], "responses": _ok("community", OBJECT)}
    },
    "/communities/{community_id}/roster": {
        "get": {
            "summary": "Units and owners, identity data masked", "security": BEARER,
            "parameters": [_id("community_id"),
                           {"name": "q", "in": "query", "schema": {"type": "string"}},
                           {"name": "page", "in": "query", "schema": {"type": "integer"}},
                           {"name": "per_page", "in": "query", "schema": {"type": "integer"}}],
            "responses": _ok("roster page", OBJECT),
        },
        "put": {
            "summary": "Replace the roster with a CSV/XLSX file (all or nothing)",
            "security": BEARER,
            "parameters": [_id("community_id")],
            "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
                "type": "object", "required": ["file"],
                "properties": {"file": {"type": "string", "format": "binary"}}}}}},
            "responses": _ok("import report", OBJECT),
        },
    },
    "/communities/{community_id}/procedure": {
        "put": {"summary": "Rules-of-procedure settings", "security": BEARER,
                "parameters": [_id("community_id")], "requestBody": _json(PROCEDURE),
                "responses": _ok("settings", OBJECT)}
    },
    "/communities/{community_id}/audit": {
        "get": {"summary": "The audit chain (gongyi-audit/1)", "security": BEARER,
                "parameters": [_id("community_id")], "responses": _ok("events", OBJECT)}
    },
}  # fmt: skip

# --- consultations (协商议事 / 征求意见) ---------------------------------------------------------
_TOKEN = {
    "name": "token",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "minLength": 1, "maxLength": 64},
}
_VERIFY = {
    "type": "string",
    "minLength": 4,
    "maxLength": 4,
    "description": "last four characters of the ID number or phone, when required",
}
_TEXT = {"type": "string"}
_TIME = {"type": ["string", "null"], "format": "date-time"}
_AREA = {"type": "string", "pattern": "^[0-9]+\\.[0-9]{2}$"}
_QUESTION = {
    "type": "object",
    "required": ["title", "kind"],
    "properties": {
        "title": {"type": "string", "minLength": 1, "maxLength": 300},
        "kind": {"enum": ["single", "multiple", "scale"]},
        "options": {
            "type": "array",
            "maxItems": 30,
            "items": {"type": "string", "minLength": 1, "maxLength": 200},
        },
        "max_choices": {"type": ["integer", "null"], "minimum": 1},
    },
}
_SUMMARY = {
    "type": "object",
    "required": [
        "id",
        "community_id",
        "title",
        "kind",
        "state",
        "deadline",
        "opened_at",
        "closed_at",
    ],
    "properties": {
        "id": {"type": "integer"},
        "community_id": {"type": "integer"},
        "title": _TEXT,
        "kind": {"enum": ["general", "satisfaction"]},
        "survey_year": {"type": ["integer", "null"]},
        "state": {"enum": ["draft", "open", "closed"]},
        "deadline": _TIME,
        "opened_at": _TIME,
        "closed_at": _TIME,
    },
}
_CONSULTATION = {
    **_SUMMARY,
    "required": [*_SUMMARY["required"], "body", "documents", "questions"],
    "properties": {
        **_SUMMARY["properties"],
        "body": _TEXT,
        "documents": {"type": "array", "items": {"type": "object"}},
        "questions": {
            "type": "array",
            "items": {"type": "object", "required": ["code", "title", "kind", "options"]},
        },
    },
}
_SHARE = {
    "type": "object",
    "required": ["heads", "area", "heads_ratio", "area_ratio", "heads_percent", "area_percent"],
    "properties": {
        "heads": {"type": "integer"},
        "area": _AREA,
        "heads_ratio": {"type": "string", "pattern": "^[0-9]+/[0-9]+$"},
        "area_ratio": {"type": "string", "pattern": "^[0-9]+/[0-9]+$"},
        "heads_percent": _TEXT,
        "area_percent": _TEXT,
    },
}
_RESULTS = {
    "type": "object",
    "required": ["roster", "can_take_part", "answered", "comments", "questions"],
    "properties": {
        "roster": {"type": "object", "required": ["heads", "area"]},
        "can_take_part": _SHARE,
        "answered": _SHARE,
        "comments": {"type": "object", "required": ["total", "hidden", "commenters"]},
        "questions": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["code", "title", "kind", "respondents", "options"],
                "properties": {
                    "respondents": _SHARE,
                    "options": {"type": "array", "items": _SHARE},
                },
            },
        },
    },
}
_COMMENT = {
    "type": "object",
    "required": ["id", "parent_id", "depth", "author", "created_at", "hidden", "body"],
    "properties": {
        "id": {"type": "integer"},
        "parent_id": {"type": ["integer", "null"]},
        "depth": {"type": "integer", "minimum": 0},
        "author": {"enum": ["owner", "staff"]},
        "hidden": {"type": "boolean"},
        "body": {"type": ["string", "null"]},
    },
}
PATHS.update({
    "/communities/{community_id}/consultations": {
        "get": {"summary": "The community's consultations", "security": BEARER,
                "parameters": [_id("community_id")],
                "responses": _ok("consultations", {
                    "type": "object", "required": ["consultations"],
                    "properties": {"consultations": {"type": "array", "items": _SUMMARY}}})},
        "post": {
            "summary": "Draft a consultation with opinion questions (committee, office)",
            "security": BEARER, "parameters": [_id("community_id")],
            "requestBody": _json({"type": "object", "required": ["title", "deadline"],
                                  "properties": {
                                      "title": {"type": "string", "minLength": 1, "maxLength": 200},
                                      "body": {"type": "string", "maxLength": 20000},
                                      "deadline": {"type": "string", "format": "date-time"},
                                      "questions": {"type": "array", "maxItems": 50,
                                                    "items": _QUESTION}}}),
            "responses": _ok("the consultation", _CONSULTATION, "201"),
        },
    },
    "/consultations/{consultation_id}": {
        "get": {"summary": "A consultation with documents and questions", "security": BEARER,
                "parameters": [_id("consultation_id")],
                "responses": _ok("consultation", _CONSULTATION)}
    },
    "/consultations/{consultation_id}/results": {
        "get": {"summary": "Participation and answers by headcount and by area",
                "security": BEARER, "parameters": [_id("consultation_id")],
                "responses": _ok("results", {**_RESULTS, "required": [
                    *_RESULTS["required"], "consultation_id", "state"]})}
    },
    "/participation/{token}": {
        "get": {"summary": "An owner's topic by personal token (no account)", "security": [],
                "parameters": [_TOKEN],
                "responses": {**_ok("topic", {
                    "type": "object",
                    "required": ["consultation", "units", "verification_required", "comments"],
                    "properties": {"consultation": _CONSULTATION,
                                   "units": {"type": "array", "items": _TEXT},
                                   "verification_required": {"type": "boolean"},
                                   "comments": {"type": "array", "items": _COMMENT},
                                   "results": _RESULTS}}), "429": ERROR}}
    },
    "/participation/{token}/comments": {
        "post": {"summary": "An owner's comment or reply (plain text, at most 2,000 characters)",
                 "security": [], "parameters": [_TOKEN],
                 "requestBody": _json({"type": "object", "required": ["body"], "properties": {
                     "body": {"type": "string", "minLength": 1, "maxLength": 2000},
                     "parent_id": {"type": ["integer", "null"], "minimum": 1},
                     "verification": _VERIFY}}),
                 "responses": {**_ok("the comment", _COMMENT, "201"), "429": ERROR}}
    },
    "/participation/{token}/answers": {
        "post": {"summary": "Submit or replace an owner's answers until the deadline",
                 "security": [], "parameters": [_TOKEN],
                 "requestBody": _json({"type": "object", "required": ["answers"], "properties": {
                     "answers": {"type": "object", "additionalProperties": {
                         "type": "array", "items": {"type": "string", "maxLength": 32}}},
                     "verification": _VERIFY}}),
                 "responses": {**_ok("the answers kept", {
                     "type": "object", "required": ["answers", "updated_at"],
                     "properties": {"answers": {"type": "object"}, "updated_at": _TIME}}),
                     "429": ERROR}}
    },
})  # fmt: skip


# --- meetings (FORMATS.md §7): plans, the state machine, credentials, turnout ----------------
_TEXT = {"type": "string", "minLength": 1}
_OPTION_IN = {"type": "object", "required": ["label"], "properties": {
    "label": {**_TEXT, "maxLength": 200},
    "statement": {"type": "string", "maxLength": 5000},
    "attestations": {"type": "object", "additionalProperties": {"type": "boolean"},
                     "description": "eligibility conditions a candidate attested"}}}  # fmt: skip
_MATTER_IN = {
    "type": "object", "required": ["title", "category", "kind"],
    "description": ("category and kind are explicit, never inferred. A motion takes no options "
                    "(agree and disagree are added; [] abstains); a selection 2-60 options; an "
                    "election 1-60 candidates and seats (odd, at least 5, or 3 at 100 "
                    "households or fewer) with alternates up to seats."),
    "properties": {
        "title": {**_TEXT, "maxLength": 300},
        "description": {"type": "string", "maxLength": 20000},
        "category": {"enum": ["ordinary", "special"]},
        "kind": {"enum": ["motion", "selection", "election"]},
        "options": {"type": "array", "maxItems": 60, "items": _OPTION_IN},
        "seats": {"type": "integer", "minimum": 1, "maximum": 99},
        "alternates": {"type": "integer", "minimum": 0, "maximum": 99}}}  # fmt: skip
_OPTION_OUT = {"type": "object", "required": ["id", "label"], "properties": {
    "id": {"type": "string", "description": "agree/disagree for motions, else a number"},
    "label": {"type": "string"}, "statement": {"type": "string"}}}  # fmt: skip
_MEETING = {
    "type": "object",
    "required": ["id", "community_id", "title", "state", "opens_at", "closes_at", "matters"],
    "properties": {
        "id": {"type": "integer"}, "community_id": {"type": "integer"},
        "title": {"type": "string"}, "place": {"type": "string"},
        "state": {"enum": ["draft", "submitted", "approved", "announced", "open", "closed",
                           "tallied", "published", "countersigned", "voided"]},
        "opens_at": {"type": "string", "format": "date-time"},
        "closes_at": {"type": "string", "format": "date-time"},
        "procedure": {"type": ["object", "null"],
                      "description": "the rules of procedure, frozen at announcement"},
        "matters": {"type": "array", "items": {
            "type": "object", "required": ["id", "title", "category", "kind", "options"],
            "properties": {"id": {"type": "string"}, "title": {"type": "string"},
                           "category": {"enum": ["ordinary", "special"]},
                           "kind": {"enum": ["motion", "selection", "election"]},
                           "seats": {"type": "integer"}, "alternates": {"type": "integer"},
                           "options": {"type": "array", "items": _OPTION_OUT}}}},
        "issues": {"type": "array", "description": "staff only: what blocks the next step",
                   "items": {"type": "object", "required": ["code", "message", "severity"]}},
        "tally": {
            "type": ["array", "null"],
            "description": "staff only, once tallied: the MATTER list of FORMATS.md §4",
        }}}  # fmt: skip
_STEP = {**_ok("the meeting in its new state", _MEETING), "409": ERROR}
_TURNOUT_LINE = {"type": "object", "required": ["voted", "total", "needed", "ratio", "quorum_met"]}


def _step(summary: str, description: str, body: dict | None = None) -> dict:
    operation = {"summary": summary, "description": description, "security": BEARER,
                 "parameters": [_id("meeting_id")], "responses": _STEP}  # fmt: skip
    if body is not None:
        operation["requestBody"] = body
    return {"post": operation}


PATHS.update({
    "/communities/{community_id}/meetings": {
        "get": {"summary": "A community's meetings (staff in scope), newest first",
                "security": BEARER, "parameters": [_id("community_id")],
                "responses": _ok("meetings", {"type": "object", "required": ["meetings"],
                                              "properties": {"meetings": {
                                                  "type": "array", "items": _MEETING}}})},
        "post": {
            "summary": "Plan a meeting with its matters (committee), in draft",
            "description": ("The window must fit the community's window_days_min and "
                            "window_days_max. 422 with every problem listed."),
            "security": BEARER, "parameters": [_id("community_id")],
            "requestBody": _json({
                "type": "object", "required": ["title", "opens_at", "closes_at", "matters"],
                "properties": {
                    "title": {**_TEXT, "maxLength": 200},
                    "opens_at": {"type": "string", "format": "date-time"},
                    "closes_at": {"type": "string", "format": "date-time"},
                    "description": {"type": "string", "maxLength": 20000},
                    "place": {"type": "string", "maxLength": 300},
                    "is_first_meeting": {"type": "boolean"},
                    "matters": {"type": "array", "minItems": 1, "maxItems": 30,
                                "items": _MATTER_IN}}}),
            "responses": _ok("the meeting with matter and option ids", _MEETING, "201"),
        },
    },
    "/meetings/{meeting_id}": {
        "get": {"summary": "The meeting, its state, matters and options",
                "description": "Staff in scope see all of it; anyone may read it once announced.",
                "security": [{}, *BEARER], "parameters": [_id("meeting_id")],
                "responses": _ok("the meeting", _MEETING)}
    },
    "/meetings/{meeting_id}/submit": _step(
        "Send the plan to the street office (committee)",
        "From draft, once the plan has matters, a valid window and a countable roster."),
    "/meetings/{meeting_id}/approve": _step(
        "Approve the plan (office), or return it to draft with {\"return\": reason}",
        "Approves a submitted plan; a return (from submitted or approved) keeps the reason.",
        {"required": False, "content": {"application/json": {"schema": {
            "type": "object", "properties": {"return": {**_TEXT, "maxLength": 1000}}}}}}),
    "/meetings/{meeting_id}/announce": _step(
        "Publish the notice (公告) (committee)",
        "Freezes the rules of procedure. 409 when the parking policy is not chosen or the "
        "notice comes later than the notice rule allows (VOTING_MIN_NOTICE_DAYS)."),
    "/meetings/{meeting_id}/open": _step(
        "Open voting (committee): freeze the roster and issue one credential per voter",
        "At or after opens_at and before closes_at."),
    "/meetings/{meeting_id}/close": _step(
        "Close voting and tally (committee)",
        "At or after closes_at, or earlier once every voter who can vote has a ballot."),
    "/meetings/{meeting_id}/void": _step(
        "Void the meeting with a reason (committee or the supervising office)",
        "From any state before the result is countersigned.",
        _json({"type": "object", "required": ["reason"],
               "properties": {"reason": {**_TEXT, "maxLength": 1000}}})),
    "/meetings/{meeting_id}/credentials.csv": {
        "get": {"summary": "Voters' links for a mail merge (committee), once voting opened",
                "description": "CSV with a BOM; columns owner_key, building, units, name "
                               "(masked), link to /v/<token>. The export is logged.",
                "security": BEARER, "parameters": [_id("meeting_id")],
                "responses": {**_ok("the CSV"), "200": {
                    "description": "the CSV",
                    "content": {"text/csv": {"schema": {"type": "string"}}}}, "409": ERROR}}
    },
    "/meetings/{meeting_id}/turnout": {
        "get": {"summary": "Turnout per matter and by building against the 2/3 quorum lines",
                "security": BEARER, "parameters": [_id("meeting_id")],
                "responses": _ok("turnout", {
                    "type": "object", "required": ["meeting_id", "state", "opened"],
                    "properties": {"matters": {"type": "array", "items": {
                        "type": "object", "properties": {"owners": _TURNOUT_LINE,
                                                         "area": _TURNOUT_LINE}}}}})}
    },
})  # fmt: skip


# --- ballots (FORMATS.md §3, §7): online ballots, paper and proxy entry ---------------------
_CHOICES = {
    "type": "array",
    "uniqueItems": True,
    "maxItems": 60,
    "items": {"type": "string", "minLength": 1, "maxLength": 32},
    "description": "chosen option ids of the matter; [] abstains (弃权)",
}
_RECEIPT = {"type": "string", "pattern": "^[0-9a-f]{32}$"}
_REFUSALS = {"409": ERROR, "410": ERROR, "429": ERROR}
PATHS.update({
    "/ballots": {
        "post": {
            "summary": "Cast an online ballot with a resident's personal token (no account)",
            "description": (
                "answers maps matter ids to option ids: motions take agree or disagree, "
                "selections one option, elections at most `seats` candidates; [] abstains, a "
                "matter left out is not taken part in. An over-vote is refused, not stored. "
                "`verification` is the last four characters of the ID number or phone when "
                "the roster holds them; five wrong tries lock the token. Each voter casts one "
                "ballot per meeting (409 already_voted). Rate limited per address (429)."),
            "security": [],
            "requestBody": _json({
                "type": "object", "required": ["token", "answers"],
                "properties": {
                    "token": {"type": "string", "minLength": 1, "maxLength": 64},
                    "answers": {"type": "object", "additionalProperties": _CHOICES},
                    "verification": {"type": "string", "minLength": 1, "maxLength": 8}}}),
            "responses": {
                **_ok("the ballot is counted; keep the receipt",
                      {"type": "object", "required": ["receipt"],
                       "properties": {"receipt": _RECEIPT}}, "201"),
                **_REFUSALS},
        }
    },
    "/meetings/{meeting_id}/paper-ballots": {
        "post": {
            "summary": "Enter a paper or proxy ballot (committee); two members must agree",
            "description": (
                "Each paper ballot is keyed twice by two different committee members. The first "
                "call stores an entry and answers 202 pending; a second call by another member "
                "with the same answers, invalid_reasons, channel and proxy makes the ballot "
                "(201, with its receipt); a different second entry is stored and listed for "
                "correction (409 entry_mismatch). A voter who already has a ballot in any "
                "channel is refused (409 already_voted) and the attempt listed as a conflict. "
                "owner_key is the voter's person key in the frozen roster (404 not_on_roster). "
                "A matter may be ruled \"invalid\" with a reason in invalid_reasons. A proxy "
                "ballot names a recorded authorisation by {\"id\"} (returned as proxy_id by the "
                "first call), or records one from its scan (PDF, PNG or JPEG, base64)."),
            "security": BEARER,
            "parameters": [_id("meeting_id")],
            "requestBody": _json({
                "type": "object", "required": ["owner_key", "answers"],
                "properties": {
                    "owner_key": {"type": "string", "minLength": 1, "maxLength": 300},
                    "channel": {"enum": ["paper", "proxy"], "default": "paper"},
                    "answers": {"type": "object", "additionalProperties": {
                        "oneOf": [_CHOICES, {"const": "invalid"}]}},
                    "invalid_reasons": {"type": "object", "additionalProperties": {
                        "enum": ["unsigned", "over_vote", "co_owner_conflict", "unclear"]}},
                    "proxy": {"oneOf": [
                        {"type": "object", "required": ["id"],
                         "properties": {"id": {"type": "integer", "minimum": 1}}},
                        {"type": "object",
                         "required": ["agent_name", "file_name", "content_base64"],
                         "properties": {
                             "agent_name": {"type": "string", "minLength": 1, "maxLength": 100},
                             "matters": {"type": "array", "items": {"type": "string"},
                                         "description": "matter ids; empty means all"},
                             "instructions": {"type": "string", "maxLength": 2000},
                             "valid_until": {"type": "string", "format": "date-time"},
                             "file_name": {"type": "string", "maxLength": 255},
                             "content_base64": {"type": "string", "contentEncoding": "base64"}}},
                    ]}}}),
            "responses": {
                **_ok("both entries agree: the ballot is counted",
                      {"type": "object", "required": ["status", "entry_id", "receipt"],
                       "properties": {"status": {"const": "counted"},
                                      "entry_id": {"type": "integer"}, "receipt": _RECEIPT}},
                      "201"),
                "202": {"description": "first entry stored; another member must enter it again",
                        "content": {"application/json": {"schema": {
                            "type": "object", "required": ["status", "entry_id"],
                            "properties": {"status": {"const": "pending"},
                                           "entry_id": {"type": "integer"},
                                           "proxy_id": {"type": "integer"}}}}}},
                "409": ERROR, "413": ERROR},
        }
    },
})  # fmt: skip

# --- results (FORMATS.md §4, §7): signed results, the bulletin board, keys -------------------
_VERSION = {
    "name": "version",
    "in": "query",
    "required": False,
    "description": "an earlier version of the result (default: the one in force)",
    "schema": {"type": "integer", "minimum": 1},
}
_SIG = {
    "type": "object",
    "required": ["role", "key_id", "public_key", "signature", "signed_at"],
    "properties": {
        "role": {"enum": ["committee", "office"]},
        "key_id": {"type": "string", "pattern": "^[0-9a-f]{16}$"},
        "public_key": {"type": "string"},
        "signature": {"type": "string"},
        "signed_at": {"type": "string", "format": "date-time"},
    },
}
_RESULT = {
    "type": "object",
    "required": ["document", "signatures"],
    "properties": {
        "document": {"type": "object", "description": "DOC of FORMATS.md §4"},
        "signatures": {"type": "array", "items": _SIG},
    },
}
_BOARD = {
    "type": "object",
    "required": ["format", "meeting_id", "entries"],
    "properties": {
        "format": {"const": "gongyi-board/1"},
        "meeting_id": {"type": "string"},
        "entries": {"type": "array", "items": {"type": "object"}},
    },
}
_REASON = {"type": "string", "minLength": 1, "maxLength": 1000}
PATHS.update({
    "/meetings/{meeting_id}/result": {
        "get": {"summary": "The signed result (anyone, once published; 404 before)",
                "security": [], "parameters": [_id("meeting_id"), _VERSION],
                "responses": _ok("the result and its signatures", _RESULT)}
    },
    "/meetings/{meeting_id}/board": {
        "get": {"summary": "The bulletin board frozen with the result (anyone, once published)",
                "security": [], "parameters": [_id("meeting_id"), _VERSION],
                "responses": _ok("the board", _BOARD)}
    },
    "/meetings/{meeting_id}/publish": {
        "post": {
            "summary": "Sign and publish the result (committee)",
            "description": (
                "Without a body: the first publication of a tallied meeting (preliminary when "
                "the rules of procedure set an objection period), or the final result once "
                "the period is over and every objection answered. With {\"correction\": "
                "reason}: a new version that supersedes the one in force; published results "
                "are never changed. 409 when the state does not allow it."),
            "security": BEARER, "parameters": [_id("meeting_id")],
            "requestBody": {"required": False, "content": {"application/json": {"schema": {
                "type": "object", "properties": {"correction": _REASON}}}}},
            "responses": {**_ok("the signed result", _RESULT, "201"), "409": ERROR},
        }
    },
    "/meetings/{meeting_id}/countersign": {
        "post": {
            "summary": "Countersign the result (office), or return it with {\"return\": reason}",
            "security": BEARER, "parameters": [_id("meeting_id")],
            "requestBody": {"required": False, "content": {"application/json": {"schema": {
                "type": "object", "properties": {"return": _REASON}}}}},
            "responses": {**_ok("the countersigned result, or {returned, version, reason}",
                                OBJECT), "409": ERROR},
        }
    },
    "/keys": {
        "get": {"summary": "Public keys of committees and offices, current and retired",
                "security": [],
                "responses": _ok("keys", {"type": "object", "required": ["keys"], "properties": {
                    "keys": {"type": "array", "items": {"type": "object", "required": [
                        "key_id", "public_key", "role", "owner", "created_at", "retired_at"]}}}})}
    },
})  # fmt: skip
PATHS["/communities/{community_id}/audit"]["get"].update({
    "summary": "The audit chain (gongyi-audit/1): whole for staff in scope; for anyone else, "
               "once a result is published, the events up to the last one a result names",
    "security": [{}, *BEARER],
})  # fmt: skip


# --- supervision: the office dashboard, anomalies, timelines, committee mandates -------------
_STATES = [
    "draft",
    "submitted",
    "approved",
    "announced",
    "open",
    "closed",
    "tallied",
    "published",
    "countersigned",
    "voided",
]
_BY_STATE = {
    "type": "object",
    "description": "meetings counted by state",
    "propertyNames": {"enum": _STATES},
    "additionalProperties": {"type": "integer"},
}
_TIME = {"type": "string", "format": "date-time"}
_KINDS = ["preparatory_group", "management_committee", "owners_committee"]
_LINE = {
    "type": "object",
    "required": ["voted", "total", "needed", "ratio", "quorum_met"],
    "properties": {
        "voted": {"type": "string"},
        "total": {"type": "string"},
        "needed": {"type": "string", "description": "two thirds of the total"},
        "ratio": {"type": "string"},
        "quorum_met": {"type": "boolean"},
    },
}
_WATCHED = {
    "type": "object",
    "required": ["id", "community_id", "community", "title", "state", "opens_at", "closes_at"],
    "properties": {
        "id": {"type": "integer"},
        "community_id": {"type": "integer"},
        "community": {"type": "string"},
        "title": {"type": "string"},
        "state": {"enum": ["submitted", "open", "published"]},
        "opens_at": _TIME,
        "closes_at": _TIME,
        "turnout": {
            "type": "object",
            "description": "open meetings: ballots so far",
            "required": ["owners", "area", "seconds_left"],
            "properties": {"owners": _LINE, "area": _LINE, "seconds_left": {"type": "integer"}},
        },
        "result": {
            "type": ["object", "null"],
            "description": "published meetings",
            "properties": {
                "version": {"type": "integer"},
                "status": {"enum": ["preliminary", "published"]},
                "published_at": _TIME,
                "objections_close_at": {"type": ["string", "null"]},
            },
        },
    },
}
_MANDATE = {
    "type": "object",
    "required": ["id", "community_id", "kind", "members", "owner_reps", "started_at", "current"],
    "properties": {
        "id": {"type": "integer"},
        "community_id": {"type": "integer"},
        "kind": {"enum": _KINDS},
        "members": {"type": "array", "items": {"type": "integer"}, "description": "user ids"},
        "owner_reps": {"type": "array", "items": {"type": "integer"}},
        "meeting_id": {"type": ["integer", "null"]},
        "started_at": _TIME,
        "term_ends_on": {"type": ["string", "null"], "format": "date"},
        "appointed_by": {"type": "string"},
        "current": {"type": "boolean"},
        "ended_at": {"type": ["string", "null"]},
        "end_reason": {"type": ["string", "null"]},
    },
}
_EVIDENCE = {
    "type": "object",
    "required": ["at", "voter"],
    "description": "when, whom (units and masked name), and details such as "
    "credential_id, source (8 characters of a keyed address hash), "
    "channel, entered_by, reason, seq and type",
    "properties": {"at": {"type": ["string", "null"]}, "voter": {"type": ["string", "null"]}},
}
_ANOMALY_CODES = [
    "reissues_voter",
    "reissues_meeting",
    "failed_checks_link",
    "failed_checks_address",
    "ballot_burst",
    "proxy_holder",
    "ballot_conflicts",
    "ballots_outside_window",
    "logged_after_close",
    "ballots_changed",
]
PATHS.update({
    "/offices/{office_id}/dashboard": {
        "get": {
            "summary": "The office dashboard (office staff of the office, admin)",
            "description": ("Every community of the office with its committee kind and term, "
                            "meetings by state, plans awaiting approval, open meetings with "
                            "turnout against the 2/3 quorum lines (ballots returned, by owners "
                            "and area), and published results awaiting countersignature."),
            "security": BEARER, "parameters": [_id("office_id")],
            "responses": _ok("the dashboard", {
                "type": "object",
                "required": ["office", "generated_at", "meetings_by_state", "communities",
                             "plans_awaiting_approval", "open_meetings",
                             "results_awaiting_countersignature"],
                "properties": {
                    "office": {"type": "object", "required": ["id", "name"]},
                    "generated_at": _TIME, "meetings_by_state": _BY_STATE,
                    "communities": {"type": "array", "items": {
                        "type": "object",
                        "required": ["id", "name", "committee_kind", "meetings_by_state"],
                        "properties": {"id": {"type": "integer"}, "name": {"type": "string"},
                                       "committee_kind": {"enum": _KINDS},
                                       "term_started_at": {"type": ["string", "null"]},
                                       "term_ends_on": {"type": ["string", "null"]},
                                       "meetings_by_state": _BY_STATE}}},
                    "plans_awaiting_approval": {"type": "array", "items": _WATCHED},
                    "open_meetings": {"type": "array", "items": _WATCHED},
                    "results_awaiting_countersignature": {"type": "array", "items": _WATCHED}}}),
        }
    },
    "/meetings/{meeting_id}/anomalies": {
        "get": {
            "summary": "A meeting's anomalies with their evidence (staff in scope)",
            "description": ("Thresholds are the VOTING_ANOMALY_* settings. Evidence never "
                            "shows how anyone voted."),
            "security": BEARER, "parameters": [_id("meeting_id")],
            "responses": _ok("anomalies", {
                "type": "object", "required": ["meeting_id", "thresholds", "anomalies"],
                "properties": {
                    "meeting_id": {"type": "integer"},
                    "thresholds": {"type": "object",
                                   "additionalProperties": {"type": "integer"}},
                    "anomalies": {"type": "array", "items": {
                        "type": "object",
                        "required": ["code", "subject", "message", "counts", "evidence"],
                        "properties": {
                            "code": {"enum": _ANOMALY_CODES}, "subject": {"type": "string"},
                            "message": {"type": "string"},
                            "counts": {"type": "object",
                                       "additionalProperties": {"type": "integer"}},
                            "first_at": {"type": ["string", "null"]},
                            "last_at": {"type": ["string", "null"]},
                            "evidence": {"type": "array", "items": _EVIDENCE}}}}}}),
        }
    },
    "/meetings/{meeting_id}/timeline": {
        "get": {
            "summary": "A meeting's events from the audit log (staff in scope)",
            "description": "Per-ballot events (ballots, entries, reissues) are counted only.",
            "security": BEARER, "parameters": [_id("meeting_id")],
            "responses": _ok("the timeline", {
                "type": "object", "required": ["meeting_id", "events", "counts"],
                "properties": {
                    "meeting_id": {"type": "integer"},
                    "events": {"type": "array", "items": {
                        "type": "object", "required": ["seq", "at", "type", "actor", "data"]}},
                    "counts": {"type": "object",
                               "additionalProperties": {"type": "integer"}}}}),
        }
    },
    "/communities/{community_id}/mandates": {
        "get": {"summary": "The community's committee mandates, newest first (staff in scope)",
                "security": BEARER, "parameters": [_id("community_id")],
                "responses": _ok("mandates", {
                    "type": "object", "required": ["mandates"],
                    "properties": {"mandates": {"type": "array", "items": _MANDATE}}})},
        "post": {
            "summary": "Appoint a preparatory group or a 物管会, or record the elected committee "
                       "(office staff of the community's office)",
            "description": (
                "members are committee accounts of the community. preparatory_group: odd, "
                "owner_reps at least half; management_committee: 7 or more, odd, owner_reps "
                "at least half; owners_committee: odd, at least 5 (3 at 100 households or "
                "fewer), term_ends_on required (within five years), owner_reps ignored, "
                "meeting_id optionally names the meeting whose final published result "
                "elected it. Recording a committee ends the current group or 物管会: its "
                "members who are not in the committee lose their committee powers. 409 when "
                "a group or 物管会 would replace a recorded committee."),
            "security": BEARER, "parameters": [_id("community_id")],
            "requestBody": _json({
                "type": "object", "required": ["kind", "members"],
                "properties": {
                    "kind": {"enum": _KINDS},
                    "members": {"type": "array", "minItems": 1, "maxItems": 99,
                                "uniqueItems": True, "items": {"type": "integer"}},
                    "owner_reps": {"type": "array", "uniqueItems": True,
                                   "items": {"type": "integer"}},
                    "term_ends_on": {"type": "string", "format": "date"},
                    "meeting_id": {"type": ["integer", "null"]}}}),
            "responses": {**_ok("the new mandate", _MANDATE, "201"), "409": ERROR},
        },
    },
    "/mandates/{mandate_id}/end": {
        "post": {
            "summary": "End a mandate with a reason (office); its members lose their powers",
            "security": BEARER, "parameters": [_id("mandate_id")],
            "requestBody": _json({"type": "object", "required": ["reason"],
                                  "properties": {"reason": _REASON}}),
            "responses": {**_ok("the ended mandate", _MANDATE), "409": ERROR},
        }
    },
})  # fmt: skip


def document() -> dict:
    """The whole OpenAPI document."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "Gongyi (共议) API", "version": "1"},
        "servers": [{"url": "/api/v1"}],
        "paths": PATHS,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "responses": {
                "Error": {
                    "description": "an error",
                    "content": {"application/json": {"schema": {
                        "type": "object", "required": ["error"],
                        "properties": {"error": {"type": "object",
                                                 "required": ["code", "message", "details"]}}}}},
                }
            },
        },
    }  # fmt: skip


@bp.get("/openapi.json")
def openapi():
    """Serve the OpenAPI document."""
    return jsonify(document())
