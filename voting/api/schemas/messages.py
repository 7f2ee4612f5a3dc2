"""Messages (FORMATS.md §7): reminders to owners who have not voted."""

from voting.api.schemas.common import BEARER, ERROR, ID_IN, id_param, json_body, ok, record

REMINDERS_IN = {
    "type": "object",
    "description": (
        "Without members: every owner who has not voted. Only owners with a phone and a "
        "live link who were not reminded the same day (Beijing time) are queued; refused "
        "(409) outside the voting window and during quiet hours (VOTING_QUIET_HOURS)."
    ),
    "properties": {
        "building": {
            "type": "string",
            "minLength": 1,
            "maxLength": 64,
            "pattern": "\\S",
            "description": "a building of the roster (422 UNKNOWN_BUILDING otherwise)",
        },
        "voters": {
            "type": "array",
            "maxItems": 5000,
            "items": ID_IN,
            "description": "voter ids: remind only these (among those who have not voted)",
        },
    },
}

PATHS = {
    "/meetings/{meeting_id}/reminders": {
        "post": {
            "summary": "Remind the owners who have not voted (committee)",
            "security": BEARER,
            "parameters": [id_param("meeting_id")],
            "requestBody": json_body(REMINDERS_IN, required=False),
            "responses": {
                **ok(
                    "reminders queued",
                    record(["queued"], {"queued": {"type": "integer", "minimum": 0}}),
                ),
                "409": ERROR,
            },
        }
    },
}
