"""Ballots (FORMATS.md §3, §7): online ballots, paper and proxy entry."""

from voting.api.schemas.common import BEARER, ERROR, ID, ID_IN, id_param, json_body, ok, record

CHOICES = {
    "type": "array",
    "uniqueItems": True,
    "maxItems": 60,
    "items": {"type": "string", "minLength": 1, "maxLength": 32},
    "description": "chosen option ids of the matter; [] abstains (弃权)",
}
RECEIPT = {"type": "string", "pattern": "^[0-9a-f]{32}$"}
REFUSALS = {"409": ERROR, "410": ERROR, "429": ERROR}
PROXY_ON_FILE = record(["id"], {"id": ID_IN})
PROXY_SCAN = record(
    ["agent_name", "file_name", "content_base64"],
    {
        "agent_name": {
            "type": "string",
            "minLength": 1,
            "maxLength": 100,
            "x-error-code": "agent_required",
        },
        "matters": {
            "type": "array",
            "items": {"type": "string"},
            "description": "matter ids; empty means all",
        },
        "instructions": {"type": "string", "maxLength": 2000},
        "valid_until": {"type": "string", "format": "date-time"},
        "file_name": {"type": "string", "maxLength": 255},
        "content_base64": {
            "type": "string",
            "format": "byte",
            "contentEncoding": "base64",
        },
    },
)

#: A secret-ballot meeting's ballot: the SHA-256 of its board entry, which the owner checks.
FINGERPRINT = {
    "type": "string",
    "pattern": "^[0-9a-f]{64}$",
    "description": (
        "secret-ballot meetings only: SHA-256 of the ballot's board entry (its Merkle leaf "
        "hash, FORMATS.md §3)"
    ),
}

PATHS = {
    "/ballots": {
        "post": {
            "summary": "Cast an online ballot with a resident's personal token (no account)",
            "description": (
                "answers maps matter ids to option ids: motions take agree or disagree, "
                "selections one option, elections at most `seats` candidates; [] abstains, a "
                "matter left out is not taken part in. An over-vote is refused, not stored. "
                "`verification` is the one-time code sent to the owner's phone (POST "
                "/ballots/code) when the roster holds a phone and the rules of procedure keep "
                "`one_time_code`; otherwise the last four characters of the ID number or phone "
                "when the roster holds them; five wrong tries lock the token. Each voter casts one "
                "ballot per meeting (409 already_voted). Rate limited per address (429)."
            ),
            "security": [],
            "requestBody": json_body(
                record(
                    ["token"],
                    {
                        "token": {"type": "string", "minLength": 1, "maxLength": 64},
                        "answers": {
                            "type": "object",
                            "additionalProperties": CHOICES,
                            "x-error-code": "invalid_answers",
                            "description": (
                                "needed: without it the ballot is refused (422 invalid_answers) "
                                "once the token is known; an unknown token is 404 first"
                            ),
                        },
                        "verification": {"type": "string", "minLength": 1, "maxLength": 8},
                    },
                )
            ),
            "responses": {
                **ok(
                    "the ballot is counted; keep the receipt",
                    record(
                        ["receipt"],
                        {
                            "receipt": RECEIPT,
                            "fingerprint": FINGERPRINT,
                        },
                    ),
                    "201",
                ),
                **REFUSALS,
            },
        }
    },
    "/ballots/code": {
        "post": {
            "summary": "Send a one-time code to the phone on the owner's roster entry",
            "description": (
                "Queues a 6-digit code to the phone of the token's roster entry (202); the "
                "answer never holds the code. The code is valid for 10 minutes and replaces "
                "any earlier one; a new one can be asked for after 60 seconds (429 code_wait). "
                "409 code_not_needed when the roster holds no phone for the owner or the rules "
                "of procedure turn the code off (then `verification` is the last four digits)."
            ),
            "security": [],
            "requestBody": json_body(
                record(["token"], {"token": {"type": "string", "minLength": 1, "maxLength": 64}})
            ),
            "responses": {
                **ok(
                    "the code is queued to the owner's phone",
                    record(
                        ["status", "expires_in"],
                        {
                            "status": {"enum": ["queued"]},
                            "expires_in": {"type": "integer", "description": "seconds"},
                        },
                    ),
                    "202",
                ),
                **REFUSALS,
            },
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
                'A matter may be ruled "invalid" with a reason in invalid_reasons. A proxy '
                'ballot names a recorded authorisation by {"id"} (returned as proxy_id by the '
                "first call), or records one from its scan (PDF, PNG or JPEG, base64)."
            ),
            "security": BEARER,
            "parameters": [id_param("meeting_id")],
            "requestBody": json_body(
                record(
                    ["owner_key", "answers"],
                    {
                        "owner_key": {
                            "type": "string",
                            "minLength": 1,
                            "maxLength": 300,
                            "x-error-code": "not_on_roster",
                            "x-error-status": 404,
                        },
                        "channel": {"enum": ["paper", "proxy"], "default": "paper"},
                        "received_at": {
                            "type": "string",
                            "format": "date-time",
                            "description": (
                                "when the ballot box or collector received the ballot; "
                                "required once voting has closed (else the time of entry); "
                                "after the close: 409 received_after_close"
                            ),
                        },
                        "answers": {
                            "type": "object",
                            "additionalProperties": {"oneOf": [CHOICES, {"const": "invalid"}]},
                            "x-error-code": "invalid_answers",
                        },
                        "invalid_reasons": {
                            "type": "object",
                            "additionalProperties": {
                                "enum": ["unsigned", "over_vote", "co_owner_conflict", "unclear"]
                            },
                        },
                        "proxy": {
                            "oneOf": [PROXY_ON_FILE, PROXY_SCAN, {"type": "null"}],
                            "description": "required for a proxy ballot (422 proxy_required)",
                        },
                    },
                )
            ),
            "responses": {
                **ok(
                    "both entries agree: the ballot is counted",
                    record(
                        ["status", "entry_id", "receipt"],
                        {
                            "status": {"const": "counted"},
                            "entry_id": ID,
                            "receipt": RECEIPT,
                            "fingerprint": FINGERPRINT,
                        },
                    ),
                    "201",
                ),
                "202": {
                    "description": "first entry stored; another member must enter it again",
                    "content": {
                        "application/json": {
                            "schema": record(
                                ["status", "entry_id"],
                                {
                                    "status": {"const": "pending"},
                                    "entry_id": ID,
                                    "proxy_id": ID,
                                },
                            )
                        }
                    },
                },
                "409": ERROR,
                "413": ERROR,
            },
        }
    },
}
