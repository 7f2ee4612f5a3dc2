"""Building blocks shared by the features' schemas: parameters, bodies, answers, shared types.

Each shared type is defined once, here; where two meanings differ they have two names
(``TEXT`` is any string, ``NONEMPTY`` a string with at least one character; ``TIME`` a
moment that is always present, ``TIME_OR_NULL`` one that may not have happened yet).
"""

ERROR = {"$ref": "#/components/responses/Error"}
BEARER = [{"bearer": []}]
#: Anyone, or staff with a token (answers differ by scope).
ANYONE_OR_BEARER = [{}, *BEARER]

OBJECT = {"type": "object"}
TEXT = {"type": "string"}
NONEMPTY = {"type": "string", "minLength": 1}
TIME = {"type": "string", "format": "date-time"}
TIME_OR_NULL = {"type": ["string", "null"], "format": "date-time"}
AREA = {"type": "string", "pattern": "^[0-9]+\\.[0-9]{2}$"}
RATIO = {"type": "string", "pattern": "^[0-9]+/[0-9]+$"}
REASON = {"type": "string", "minLength": 1, "maxLength": 1000}
VERIFY = {
    "type": "string",
    "minLength": 4,
    "maxLength": 4,
    "description": "last four characters of the ID number or phone, when required",
}
COMMITTEE_KINDS = ["preparatory_group", "management_committee", "owners_committee"]
MEETING_STATES = [
    "draft",
    "submitted",
    "approved",
    "announced",
    "open",
    "closed",
    "tallied",
    "published",
    "countersigned",
    "revoked",
    "voided",
]


def id_param(name: str) -> dict:
    """A numeric id in the path."""
    return {
        "name": name,
        "in": "path",
        "required": True,
        "schema": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
    }


TOKEN_PARAM = {
    "name": "token",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "minLength": 1, "maxLength": 64},
}


def json_body(schema: dict, required: bool = True) -> dict:
    """A JSON request body of that schema."""
    return {"required": required, "content": {"application/json": {"schema": schema}}}


def ok(description: str, schema: dict | None = None, status: str = "200") -> dict:
    """The success answer with the errors every operation may give."""
    body: dict = {"description": description}
    if schema is not None:
        body["content"] = {"application/json": {"schema": schema}}
    return {status: body, "400": ERROR, "401": ERROR, "403": ERROR, "404": ERROR, "422": ERROR}


ERROR_RESPONSE = {
    "description": "an error",
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "required": ["error"],
                "properties": {
                    "error": {"type": "object", "required": ["code", "message", "details"]}
                },
            }
        }
    },
}
