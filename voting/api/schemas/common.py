"""Building blocks shared by the features' schemas: parameters, bodies, answers, shared types.

Each shared type is defined once, here; where two meanings differ they have two names
(``TEXT`` is any string, ``NONEMPTY`` a string with at least one character; ``TIME`` a
moment that is always present, ``TIME_OR_NULL`` one that may not have happened yet).
"""

ERROR = {"$ref": "#/components/responses/Error"}
BEARER = [{"bearer": []}]
#: Anyone, or staff with a token (answers differ by scope).
ANYONE_OR_BEARER = [{}, *BEARER]

#: The largest id a table can hold (BIGINT); ids in paths and bodies go up to it.
MAX_ID = 2**63 - 1
#: An id in an answer: always a string (FORMATS.md), so that no client rounds a 64-bit key.
ID = {"type": "string", "pattern": "^[1-9][0-9]{0,18}$"}
ID_OR_NULL = {"type": ["string", "null"], "pattern": "^[1-9][0-9]{0,18}$"}
#: An id in a request: a string or an integer.
ID_IN = {
    "anyOf": [{"type": "integer", "minimum": 1, "maximum": MAX_ID}, ID],
    "description": "an id, as a string or an integer",
}
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

#: The properties that name a meeting in an answer, but for its state (each answer says which
#: states it may be in): its id, community, title and voting window.
MEETING_SUMMARY = {
    "id": ID,
    "community_id": ID,
    "title": TEXT,
    "opens_at": TIME,
    "closes_at": TIME,
}


def record(required: list[str], properties: dict, **more) -> dict:
    """An object with these ``properties``, of which ``required`` must be present (and any
    further keywords: ``additionalProperties``, ``description``…)."""
    return {"type": "object", "required": required, "properties": properties, **more}


def quorum_line(figure: dict) -> dict:
    """A turnout line against the two-thirds line: owners as numbers, area as "0.00"."""
    return {
        "type": "object",
        "required": ["voted", "total", "needed", "ratio", "quorum_met"],
        "properties": {
            "voted": figure,
            "total": figure,
            "needed": {**figure, "description": "two thirds of the total, rounded up"},
            "ratio": RATIO,
            "quorum_met": {"type": "boolean"},
        },
    }


OWNERS_LINE = quorum_line({"type": "integer", "minimum": 0})
AREA_LINE = quorum_line(AREA)


def id_param(name: str) -> dict:
    """A numeric id in the path (up to the largest BIGINT; 404 beyond)."""
    return {
        "name": name,
        "in": "path",
        "required": True,
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
    }


def community_list(summary: str, name: str, items: dict) -> dict:
    """The operation that lists a community's ``name`` (a bearer token): ``{name: [items]}``."""
    return {
        "summary": summary,
        "security": BEARER,
        "parameters": [id_param("community_id")],
        "responses": ok(name, record([name], {name: {"type": "array", "items": items}})),
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


#: One problem of an error: always a code and a message; ``field`` names the member of the
#: request it concerns, others (``matter``, ``row``, ``column``…) say where.
ERROR_DETAIL = {
    "type": "object",
    "required": ["code", "message"],
    "properties": {
        "code": {"type": "string", "minLength": 1},
        "message": {"type": "string", "minLength": 1},
        "field": {"type": "string"},
    },
}
ERROR_BODY = {
    "type": "object",
    "required": ["code", "message", "details"],
    "properties": {
        "code": {"type": "string", "minLength": 1},
        "message": {"type": "string", "minLength": 1},
        "details": {"type": "array", "items": ERROR_DETAIL},
    },
}
ERROR_RESPONSE = {
    "description": "an error",
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "required": ["error"],
                "properties": {"error": ERROR_BODY},
            }
        }
    },
}
