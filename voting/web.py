"""Cross-cutting web behaviour: one commit per request, errors, headers, template helpers."""

import logging
import re
from datetime import datetime

from flask import (
    Flask,
    abort,
    current_app,
    g,
    jsonify,
    make_response,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError
from werkzeug.exceptions import HTTPException, NotFound
from werkzeug.routing import IntegerConverter, ValidationError

from voting.db import db
from voting.errors import DomainError
from voting.i18n import N_
from voting.schema import schema_behind
from voting.timeutil import SHANGHAI

log = logging.getLogger(__name__)

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


#: The largest key of a BIGINT column (credentials, ballots, audit events…).
MAX_ID = 2**63 - 1
#: The largest key of an INTEGER column (meetings, communities, users…).
MAX_INT_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """``<int:...>`` in every URL: ids from 0 to 2**63 - 1, the range of a BIGINT key, so that
    a credential numbered above 2**31 - 1 is found; larger numbers match no route (404)."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)

    def to_python(self, value: str) -> int:
        """The id; beyond the range, 404 at once (Werkzeug's own refusal would be a 405 where
        another rule of the same path takes other methods)."""
        try:
            return super().to_python(value)
        except ValidationError:
            raise NotFound() from None


def add_web_handlers(app: Flask) -> None:
    """Install the request hooks, error handlers and template helpers."""
    app.before_request(refuse_oversized)
    app.before_request(refuse_deep_json)
    app.before_request(check_schema)
    app.after_request(finish_request)
    app.after_request(secure_headers)
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(OverflowError, handle_out_of_range)
    app.register_error_handler(DataError, handle_out_of_range)
    app.register_error_handler(Exception, handle_unexpected)
    app.jinja_env.filters["area"] = format_area
    app.jinja_env.filters["local"] = local_time
    app.jinja_env.filters["fours"] = in_fours
    app.jinja_env.globals["current_lang"] = current_lang
    app.jinja_env.globals["community_nav_extra"] = community_nav_extra
    app.extensions.setdefault("community_nav", [])


def add_community_nav(app: Flask, label, endpoint: str) -> None:
    """Let a feature add a tab to the community pages (label may be lazy-translated)."""
    app.extensions.setdefault("community_nav", []).append((label, endpoint))


def community_nav_extra(community) -> list[dict]:
    """The tabs features added, as label and URL."""
    return [
        {"label": label, "url": url_for(endpoint, community_id=community.id)}
        for label, endpoint in current_app.extensions.get("community_nav", [])
    ]


def page_of(items: list, per_page: int) -> tuple[list, int, int]:
    """The page of ``items`` the request asks for (``?page=``, from 1): its items, its number
    and how many pages there are (at least one)."""
    page = max(request.args.get("page", 1, type=int), 1)
    pages = max(1, -(-len(items) // per_page))
    return items[(page - 1) * per_page : page * per_page], page, pages


def wants_json() -> bool:
    """API paths answer in JSON, everything else in HTML."""
    return request.path.startswith("/api/")


def current_lang() -> str:
    """``en`` or ``zh`` for messages built outside gettext."""
    from voting.extensions import select_locale

    return "en" if select_locale() == "en" else "zh"


def refuse_oversized():
    """413 before reading a body that is declared larger than allowed."""
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if limit and request.content_length and request.content_length > limit:
        abort(413)


def refuse_deep_json():
    """400 for a JSON body that does not parse or nests deeper than ``VOTING_JSON_MAX_DEPTH``,
    on every route.

    Parsing here caches the body for the view's own ``get_json``; a body too deep for the
    parser itself (RecursionError) is refused the same way instead of failing as a 500.
    """
    if not request.is_json:
        return None
    limit = current_app.config["VOTING_JSON_MAX_DEPTH"]
    try:
        value = request.get_json(silent=True)
    except RecursionError:
        value, too_deep = None, True
    else:
        too_deep = json_deeper_than(value, limit)
    if too_deep:
        message = _("请求内容的 JSON 嵌套太深（最多 %(limit)s 层）。", limit=limit)
        return error_response(400, "json_too_deep", message)
    body = request.get_data(cache=True).strip()
    if value is None and body and body != b"null":
        return error_response(400, "bad_json", _("请求内容不是有效的 JSON。"))
    return None


def json_deeper_than(value, limit: int) -> bool:
    """Whether arrays and objects nest more than ``limit`` levels (walked without recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def check_schema():
    """Refuse to serve with a clear message when the database is behind the migrations."""
    if current_app.extensions.get("voting_schema_ok") or request.blueprint == "health":
        return None
    behind = schema_behind()
    if behind is None:
        current_app.extensions["voting_schema_ok"] = True
        return None
    message = _("数据库结构需要升级：请运行 voting db upgrade。") + f" ({behind})"
    return error_response(503, "schema_behind", message)


def finish_request(response):
    """Commit once when the request succeeded; roll back otherwise."""
    if response.status_code < 400 and not g.get("rolled_back"):
        db.session.commit()
    else:
        db.session.rollback()
    return response


def secure_headers(response):
    """Headers that keep pages out of frames, scripts to our own, tokens out of referrers."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "no-referrer")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    if request.path.startswith(("/v/", "/login", "/account", "/api/")):
        headers.setdefault("Cache-Control", "no-store")
    return response


#: Translated where shown (handle_http_error); N_ puts them in the catalog.
ERROR_TEXT = {
    400: N_("请求无效。"),
    401: N_("请先登录。"),
    403: N_("您没有权限访问此页面。"),
    404: N_("找不到此页面。"),
    405: N_("不支持此操作。"),
    413: N_("上传的文件太大。"),
    422: N_("提交的内容有误。"),
    429: N_("尝试次数太多，请稍后再试。"),
    503: N_("服务暂时不可用。"),
}


def error_response(status: int, code: str, message: str, details: list | None = None):
    """An error as JSON on the API, as a friendly page elsewhere; never a stack trace."""
    db.session.rollback()
    g.rolled_back = True
    if wants_json():
        body = {"error": {"code": code, "message": message, "details": details or []}}
        return make_response(jsonify(body), status)
    return make_response(render_template("error.html", status=status, message=message), status)


def handle_domain_error(error: DomainError):
    """A refusal no view had to react to: the error page, or FORMATS.md's error object on the
    API; what the service kept (``keep``) is committed first, and a refusal that is a
    ``failure`` spends the failure budgets.

    Every detail carries a ``code`` and a ``message`` (the error's own where the detail has
    none), and no member is null: a client can show each detail without checking."""
    from voting.limits import note_failure

    if error.failure:
        note_failure()
    if error.keep:
        db.session.commit()
    lang = current_lang()
    code, message = error.error_code(), error.text(lang)
    details = [
        {**{k: v for k, v in d.items() if v is not None},
         "code": d.get("code") or code, "message": d.get("message") or message}
        for d in error.error_details(lang)
    ]  # fmt: skip
    return error_response(error.status, code, message, details)


def handle_http_error(error: HTTPException):
    status = error.code or 500
    code = (error.name or "error").lower().replace(" ", "_")
    message = _(ERROR_TEXT[status]) if status in ERROR_TEXT else _("出错了。")
    if status == 405 and wants_json():
        message = "method not allowed"
    response = error_response(status, code, message)
    if status == 405 and getattr(error, "valid_methods", None):
        response.headers["Allow"] = ", ".join(error.valid_methods)
    retry_after = error.get_response().headers.get("Retry-After") or g.get("retry_after")
    if retry_after:
        response.headers["Retry-After"] = str(retry_after)
    return response


def handle_csrf_error(error: CSRFError):
    return error_response(400, "csrf", _("页面已过期或表单无效，请返回重新提交。"))


def handle_out_of_range(error: Exception):
    """A number too large for the database is bad input, not a server error; but an id in the
    path beyond an INTEGER key names no row of that table (the lookup could not even be
    asked), so the answer is the 404 of any absent id."""
    ids = (request.view_args or {}).values()
    if any(isinstance(value, int) and value > MAX_INT_ID for value in ids):
        return error_response(404, "not_found", _(ERROR_TEXT[404]))
    return error_response(422, "out_of_range", _("提交的数字超出范围。"))


#: A path segment that may be a personal token (residents' links): never written to a log.
_TOKEN_SEGMENT = re.compile(r"(?<=/)[A-Za-z0-9_-]{16,}(?=/|$)")


def loggable_path(path: str) -> str:
    """The path with every segment that could be a personal token replaced by ``<token>``."""
    return _TOKEN_SEGMENT.sub("<token>", path)


def handle_unexpected(error: Exception):
    if isinstance(error, HTTPException):
        return handle_http_error(error)
    log.exception("unhandled error on %s %s", request.method, loggable_path(request.path))
    if current_app.config.get("PROPAGATE_EXCEPTIONS") and current_app.testing:
        raise error
    return error_response(500, "internal", _("系统出错了，请稍后再试或联系业委会。"))


def format_area(value: int | None) -> str:
    """Hundredths of m² as ``1234.50``."""
    if value is None:
        return "—"
    return f"{value // 100}.{value % 100:02d}"


def local_time(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A UTC datetime shown in Asia/Shanghai."""
    if value is None:
        return "—"
    return value.astimezone(SHANGHAI).strftime(fmt)


def in_fours(text: str) -> list[str]:
    """A receipt, fingerprint or code in groups of four characters, as people read it out."""
    return [text[i : i + 4] for i in range(0, len(text), 4)]
