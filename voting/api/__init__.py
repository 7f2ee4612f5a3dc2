"""JSON API v1 (FORMATS.md §7): thin views over the same services as the pages."""

import re
from importlib import import_module

from flask import Blueprint, abort, g, jsonify, request

from voting.auth.services import user_for_token
from voting.errors import DomainError
from voting.limits import check, client_address, spend_failure
from voting.rules.problems import Problem

bp = Blueprint("api", __name__)

#: The API's features, in the order the OpenAPI document lists them: each has its endpoints in
#: ``voting.api.<feature>`` and its part of the document in ``voting.api.schemas.<feature>``.
FEATURES = (
    "communities",
    "consultations",
    "meetings",
    "messages",
    "ballots",
    "results",
    "supervision",
)


class ApiError(DomainError):
    """A refusal of the API itself (a body or a token), answered as FORMATS.md's
    ``{"error": {"code", "message", "details"}}`` by the app's one handler."""

    def __init__(self, status: int, code: str, message: str, details: list | None = None):
        super().__init__(Problem(code, message, message), status)
        self.message, self.details = message, details or []

    def error_code(self) -> str:
        """The code as given."""
        return self.code

    def error_details(self, lang: str = "zh") -> list[dict]:
        """The details as given."""
        return self.details


@bp.before_request
def _authenticate():
    """Accept ``Authorization: Bearer <token>``; public endpoints work without it."""
    header = request.headers.get("Authorization", "")
    g.api_user = None
    if header:
        check("BEARER_RATE_LIMIT", client_address())
        scheme, _, token = header.partition(" ")
        user = user_for_token(token.strip()) if scheme.lower() == "bearer" else None
        if user is None:
            spend_failure("BEARER_RATE_LIMIT", client_address())
            raise ApiError(401, "unauthorized", "invalid or revoked bearer token")
        g.api_user = user


def require_user(*roles: str):
    """The token's user, refusing anonymous callers (401) and other roles (403)."""
    user = g.get("api_user")
    if user is None:
        raise ApiError(401, "unauthorized", "a bearer token is required")
    if roles and user.role not in roles:
        raise ApiError(403, "forbidden", "your role may not do this")
    return user


def json_body(optional: bool = False) -> dict:
    """The request's JSON object (``{}`` for an empty optional body), or 400; checked against
    its operation's schema in the OpenAPI document, or 422 naming each field that does not
    fit (voting.api.validation)."""
    from voting.api.validation import problems
    from voting.web import current_lang

    if optional and not request.get_data():
        data = {}
    else:
        data = request.get_json(silent=True)
        if not isinstance(data, dict):
            raise ApiError(400, "bad_json", "the body must be a JSON object")
    rule = request.url_rule.rule if request.url_rule else request.path
    status, found = problems(request.method, rule, data, current_lang())
    if found:
        raise ApiError(status, found[0]["code"], found[0]["message"], found)
    return data


def public_id(value: int | None) -> str | None:
    """An id as the API shows it: a string (FORMATS.md: ids are strings), so that a 64-bit key
    survives JavaScript's numbers; None stays null."""
    return None if value is None else str(value)


def public_ids(values: list[int] | None) -> list[str] | None:
    """A list of ids as strings."""
    return None if values is None else [str(v) for v in values]


#: An id as a request may write it in a string: a positive decimal of at most 19 digits.
_ID_TEXT = re.compile(r"[1-9][0-9]{0,18}")


def as_id(value: object) -> object:
    """An id a request sent as a string or an integer, as an integer; anything else unchanged
    (and refused where it is used), so that ``"12"`` and ``12`` name the same thing."""
    if isinstance(value, str) and _ID_TEXT.fullmatch(value):
        return int(value)
    return value


def as_ids(values: object) -> object:
    """:func:`as_id` over a list (anything else unchanged)."""
    return [as_id(v) for v in values] if isinstance(values, list) else values


def not_found():
    """404 in the API's shape."""
    abort(404)


@bp.get("/openapi.json")
def openapi():
    """Serve the OpenAPI document."""
    from voting.api.schemas import document

    return jsonify(document())


for _feature in FEATURES:  # each module adds its endpoints to bp
    import_module(f"voting.api.{_feature}")
