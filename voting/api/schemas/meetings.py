"""Meetings (FORMATS.md §7): plans, the state machine, credentials and turnout."""

from voting.api.schemas.common import (
    ANYONE_OR_BEARER,
    AREA,
    AREA_LINE,
    BEARER,
    ERROR,
    ID,
    MEETING_STATES,
    MEETING_SUMMARY,
    NONEMPTY,
    OWNERS_LINE,
    community_list,
    id_param,
    json_body,
    ok,
    record,
)


def meeting_report(
    summary: str, answer: str, required: list[str], properties: dict, **more
) -> dict:
    """The operation that reads a report on a meeting (a bearer token): ``{meeting_id, …}``
    with the report's ``properties``, of which ``required`` are always present (and any
    further keywords of the operation: ``description``)."""
    return {
        "summary": summary,
        **more,
        "security": BEARER,
        "parameters": [id_param("meeting_id")],
        "responses": ok(
            answer, record(["meeting_id", *required], {"meeting_id": ID, **properties})
        ),
    }


OPTION_IN = record(
    ["label"],
    {
        "label": {**NONEMPTY, "maxLength": 200},
        "statement": {"type": "string", "maxLength": 5000},
        "attestations": {
            "type": "object",
            "additionalProperties": {"type": "boolean"},
            "description": "eligibility conditions a candidate attested",
        },
    },
)
MATTER_IN = {
    "type": "object",
    "required": ["title", "category", "kind"],
    "description": (
        "category and kind are explicit, never inferred. A motion takes no options "
        "(agree and disagree are added; [] abstains); a selection 2-60 options; an "
        "election 1-60 candidates and seats (odd, at least 5, or 3 at 100 "
        "households or fewer) with alternates up to seats."
    ),
    "properties": {
        "title": {**NONEMPTY, "maxLength": 300},
        "description": {"type": "string", "maxLength": 20000},
        "category": {
            "enum": ["ordinary", "special"],
            "x-error-code": "MATTER_CATEGORY",
            "x-error-message": [
                "{field}：必须明确选择事项类别（一般 ordinary 或重大 special）",
                "{field}: category must be ordinary or special",
            ],
        },
        "kind": {
            "enum": ["motion", "selection", "election"],
            "x-error-code": "MATTER_KIND",
        },
        "options": {"type": "array", "maxItems": 60, "items": OPTION_IN},
        "seats": {
            "type": "integer",
            "minimum": 1,
            "maximum": 99,
            "not": {
                "multipleOf": 2,
                "x-error-code": "SEATS_EVEN",
                "x-error-message": ["{field}：委员人数须为单数", "{field}: the number must be odd"],
            },
        },
        "alternates": {"type": "integer", "minimum": 0, "maximum": 99},
        "confirm_category": {
            "type": "boolean",
            "description": (
                "true confirms the category where the wording suggests another one (422 "
                "CATEGORY_* until confirmed; the office sees the confirmed warnings)"
            ),
        },
    },
}
OPTION_OUT = record(
    ["id", "label"],
    {
        "id": {"type": "string", "description": "agree/disagree for motions, else a number"},
        "label": {"type": "string"},
        "statement": {"type": "string"},
    },
)
MEETING = record(
    ["id", "community_id", "title", "state", "opens_at", "closes_at", "matters"],
    {
        **MEETING_SUMMARY,
        "state": {"enum": MEETING_STATES},
        "place": {"type": "string"},
        "revoked_at": {
            "type": ["string", "null"],
            "format": "date-time",
            "description": "when the street office revoked the decision (GET .../revocation)",
        },
        "procedure": {
            "type": ["object", "null"],
            "description": "the rules of procedure, frozen at announcement",
        },
        "secret": {"type": "boolean", "description": "a secret ballot (FORMATS §9)"},
        "trustee_threshold": {
            "type": ["integer", "null"],
            "description": "k of the n trustees needed to decrypt (secret meetings)",
        },
        "scrutineers": {"type": "array", "items": {"type": "string"}},
        "trustees": {
            "type": "array",
            "description": "trustee 1 the street office, then the scrutineers; public parts only",
            "items": {
                "type": "object",
                "required": ["number", "kind", "name"],
                "properties": {
                    "number": {"type": "integer"},
                    "kind": {"enum": ["office", "scrutineer"]},
                    "name": {"type": "string"},
                    "public_share": {"type": ["string", "null"]},
                    "submitted": {"type": "boolean"},
                },
            },
        },
        "joint_key": {
            "type": ["object", "null"],
            "description": "JOINT_KEY of FORMATS §9.6, once the office approved a secret plan",
        },
        "key_cards": {
            "type": "array",
            "description": (
                "only in the answer to approving a secret plan, and never again: each "
                "trustee's passphrase and sealed key-share file (FORMATS §9.9)"
            ),
            "items": {
                "type": "object",
                "required": ["number", "kind", "name", "passphrase", "key_share"],
                "properties": {
                    "number": {"type": "integer"},
                    "kind": {"enum": ["office", "scrutineer"]},
                    "name": {"type": "string"},
                    "passphrase": {"type": "string"},
                    "key_share": {"type": "object"},
                },
            },
        },
        "matters": {
            "type": "array",
            "items": record(
                ["id", "title", "category", "kind", "options"],
                {
                    "id": {"type": "string"},
                    "title": {"type": "string"},
                    "category": {"enum": ["ordinary", "special"]},
                    "kind": {"enum": ["motion", "selection", "election"]},
                    "seats": {"type": "integer"},
                    "alternates": {"type": "integer"},
                    "options": {"type": "array", "items": OPTION_OUT},
                },
            ),
        },
        "follows": {
            "type": "object",
            "description": (
                "staff only: per matter id of a by-election or runoff, the published election "
                "it follows: {kind: by_election|runoff, meeting_id, matter_id, seats}"
            ),
        },
        "category_warnings": {
            "type": "object",
            "description": (
                "staff only: per matter id, the category warnings the committee confirmed"
            ),
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
        "issues": {
            "type": "array",
            "description": "staff only: what blocks the next step",
            "items": {"type": "object", "required": ["code", "message", "severity"]},
        },
        "tally": {
            "type": ["array", "null"],
            "description": "staff only, once tallied: the MATTER list of FORMATS.md §4",
        },
    },
)
STEP = {**ok("the meeting in its new state", MEETING), "409": ERROR}


def step(summary: str, description: str, body: dict | None = None) -> dict:
    """A step of the meeting's state machine, answered with the meeting."""
    operation = {
        "summary": summary,
        "description": description,
        "security": BEARER,
        "parameters": [id_param("meeting_id")],
        "responses": STEP,
    }
    if body is not None:
        operation["requestBody"] = body
    return {"post": operation}


PATHS = {
    "/communities/{community_id}/meetings": {
        "get": community_list(
            "A community's meetings (staff in scope), newest first", "meetings", MEETING
        ),
        "post": {
            "summary": "Plan a meeting with its matters (committee), in draft",
            "description": (
                "The window must fit the community's window_days_min and "
                "window_days_max. 422 with every problem listed."
            ),
            "security": BEARER,
            "parameters": [id_param("community_id")],
            "requestBody": json_body(
                record(
                    ["title", "opens_at", "closes_at", "matters"],
                    {
                        "title": {**NONEMPTY, "maxLength": 200},
                        "opens_at": {"type": "string", "format": "date-time"},
                        "closes_at": {"type": "string", "format": "date-time"},
                        "description": {"type": "string", "maxLength": 20000},
                        "place": {"type": "string", "maxLength": 300},
                        "is_first_meeting": {"type": "boolean"},
                        "secret": {
                            "type": "boolean",
                            "description": (
                                "secret ballot (FORMATS §9): choices stored only encrypted, "
                                "totals decrypted by k trustees; default false here (the "
                                "page's form defaults to secret)"
                            ),
                        },
                        "scrutineers": {
                            "type": "array",
                            "maxItems": 10,
                            "items": {"type": "string", "maxLength": 200},
                            "description": (
                                "a secret plan's scrutineers (监票人), 2-5 names; trustee 1 is "
                                "always the street office, the scrutineers are 2..n"
                            ),
                        },
                        "trustee_threshold": {
                            "type": "integer",
                            "description": "k, the trustees needed to decrypt: 2 ≤ k ≤ n",
                        },
                        "matters": {
                            "type": "array",
                            "minItems": 1,
                            "maxItems": 30,
                            "items": MATTER_IN,
                        },
                    },
                )
            ),
            "responses": ok("the meeting with matter and option ids", MEETING, "201"),
        },
    },
    "/meetings/{meeting_id}": {
        "get": {
            "summary": "The meeting, its state, matters and options",
            "description": "Staff in scope see all of it; anyone may read it once announced.",
            "security": ANYONE_OR_BEARER,
            "parameters": [id_param("meeting_id")],
            "responses": ok("the meeting", MEETING),
        }
    },
    "/meetings/{meeting_id}/submit": step(
        "Send the plan to the street office (committee)",
        "From draft, once the plan has matters, a valid window and a countable roster.",
    ),
    "/meetings/{meeting_id}/approve": step(
        'Approve the plan (office), or return it to draft with {"return": reason}',
        "Approves a submitted plan; a return (from submitted or approved) keeps the reason.",
        json_body(
            {"type": "object", "properties": {"return": {**NONEMPTY, "maxLength": 1000}}},
            required=False,
        ),
    ),
    "/meetings/{meeting_id}/decryptions": {
        "post": {
            "summary": "A trustee's decryption of a closed secret meeting's totals",
            "description": (
                "A TRUSTEE_DECRYPTION (FORMATS §4.3), as `voting trustee decrypt` writes it, "
                "of the board's current aggregates. The first accepted freezes the board; "
                "once k are stored the meeting is counted (tallied). 422 when it does not "
                "check against the board, 409 when the meeting is not a closed secret meeting "
                "awaiting decryption."
            ),
            "security": BEARER,
            "parameters": [id_param("meeting_id")],
            "requestBody": json_body(
                {
                    "type": "object",
                    "required": [
                        "format",
                        "meeting_id",
                        "trustee",
                        "aggregates_sha256",
                        "partials",
                    ],
                    "properties": {
                        "format": {"const": "gongyi-decryption/1"},
                        "meeting_id": {"type": "string"},
                        "trustee": {"type": "integer", "minimum": 1},
                        "aggregates_sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                        "partials": {"type": "object"},
                    },
                }
            ),  # fmt: skip
            "responses": {**ok("the meeting, counted once k are in", MEETING), "409": ERROR},
        }
    },
    "/meetings/{meeting_id}/announce": step(
        "Publish the notice (公告) (committee)",
        "Freezes the rules of procedure. 409 when the parking policy is not chosen or the "
        "notice comes later than the notice rule allows (VOTING_MIN_NOTICE_DAYS).",
    ),
    "/meetings/{meeting_id}/open": step(
        "Open voting (committee): freeze the roster and issue one credential per voter",
        "At or after opens_at and before closes_at.",
    ),
    "/meetings/{meeting_id}/close": step(
        "Close voting and tally (committee)",
        "At or after closes_at, or earlier once every voter who can vote has a ballot.",
    ),
    "/meetings/{meeting_id}/void": step(
        "Void the meeting with a reason (committee or the supervising office)",
        "From any state before the result is countersigned.",
        json_body(record(["reason"], {"reason": {**NONEMPTY, "maxLength": 1000}})),
    ),
    "/meetings/{meeting_id}/follow-up": {
        "post": {
            "summary": "Draft the by-election or runoff of a published election (committee)",
            "description": (
                "From the meeting's final published result: each election that left seats "
                "vacant gives a by-election matter (seats = the vacant seats, candidates to "
                "name), each tie at the last seat under the runoff rule a runoff matter among "
                "the tied candidates (DOMAIN.md 2.5). Answers with the new draft meeting; 409 "
                "when the result leaves nothing to fill."
            ),
            "security": BEARER,
            "parameters": [id_param("meeting_id")],
            "responses": {**ok("the drafted meeting", MEETING, "201"), "409": ERROR},
        }
    },
    "/meetings/{meeting_id}/matters/{matter_id}/candidates": {
        "put": {
            "summary": "Name the candidates of a drafted by-election or runoff (committee)",
            "security": BEARER,
            "parameters": [id_param("meeting_id"), id_param("matter_id")],
            "requestBody": json_body(
                record(
                    ["candidates"],
                    {
                        "candidates": {
                            "type": "array",
                            "minItems": 1,
                            "items": record(
                                ["label"],
                                {
                                    "label": {**NONEMPTY, "maxLength": 200},
                                    "statement": {"type": "string", "maxLength": 5000},
                                },
                            ),
                        }
                    },
                )
            ),
            "responses": {**ok("the meeting", MEETING), "409": ERROR},
        }
    },
    "/meetings/{meeting_id}/credentials.csv": {
        "get": {
            "summary": "Voters' links for a mail merge (committee), once voting opened",
            "description": "CSV with a BOM; columns owner_key, building, units, name "
            "(masked), link to /v/<token>. The export is logged.",
            "security": BEARER,
            "parameters": [id_param("meeting_id")],
            "responses": {
                **ok("the CSV"),
                "200": {
                    "description": "the CSV",
                    "content": {"text/csv": {"schema": {"type": "string"}}},
                },
                "409": ERROR,
            },
        }
    },
    "/meetings/{meeting_id}/turnout": {
        "get": meeting_report(
            "Turnout per matter and by building against the 2/3 quorum lines",
            "turnout",
            ["state", "opened"],
            {
                "state": {"enum": MEETING_STATES},
                "opened": {"type": "boolean"},
                "ballots": {"type": "integer", "minimum": 0},
                "roster": record(
                    ["owners", "area"],
                    {"owners": {"type": "integer", "minimum": 0}, "area": AREA},
                ),
                "matters": {
                    "type": "array",
                    "items": record(
                        ["id", "title", "owners", "area"],
                        {
                            "id": {"type": "string"},
                            "title": {"type": "string"},
                            "owners": OWNERS_LINE,
                            "area": AREA_LINE,
                        },
                    ),
                },
                "buildings": {
                    "type": "array",
                    "items": record(
                        ["building", "owners", "voted", "area", "voted_area"],
                        {
                            "building": {"type": "string"},
                            "owners": {"type": "integer", "minimum": 0},
                            "voted": {"type": "integer", "minimum": 0},
                            "area": AREA,
                            "voted_area": AREA,
                        },
                    ),
                },
            },
        )
    },
}
