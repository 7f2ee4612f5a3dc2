"""Request bodies checked against the schemas the OpenAPI document publishes.

The document (``voting.api.schemas``) is the one source: each operation's request schema is
compiled once and every JSON body of the API is checked against it before a view reads it,
so the document and the behaviour cannot drift. A refusal is FORMATS.md's error: 422, one
detail per problem naming its ``field`` (``matters[0].title``), the message in the language
of the request (Chinese first).

A schema may carry ``"x-error-code"``: the code of the problems found at or below it (the
ballot's ``answers`` are refused as ``invalid_answers`` whichever check fails, a matter's
category as ``MATTER_CATEGORY`` like the pages say it), else ``invalid``; and
``"x-error-message"``, ``[Chinese, English]`` sentences for them, where ``{field}`` is the
place in the body; and ``"x-error-status"``, where the API answers other than 422 (a paper
ballot's ``owner_key`` that names nobody is 404 ``not_on_roster`` whatever its shape). A
missing required member takes these from its own schema.
"""

import base64
import binascii
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from functools import cache

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError, best_match

#: RFC 3339 date-time with a zone (``Z`` or ``±HH:MM``), as FORMATS.md writes times.
_RFC3339 = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})", re.ASCII
)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)

FORMATS = FormatChecker(formats=())


def parse_time(value: object) -> datetime | None:
    """An RFC 3339 time with a zone as an aware UTC datetime, or None."""
    if not isinstance(value, str) or not _RFC3339.fullmatch(value):
        return None
    try:
        return datetime.fromisoformat(value.upper().replace("Z", "+00:00")).astimezone(UTC)
    except (ValueError, OverflowError):
        return None


def parse_date(value: object) -> date | None:
    """A ``YYYY-MM-DD`` date, or None."""
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


@FORMATS.checks("date-time")
def _is_time(value: object) -> bool:
    return not isinstance(value, str) or parse_time(value) is not None


@FORMATS.checks("date")
def _is_date(value: object) -> bool:
    return not isinstance(value, str) or parse_date(value) is not None


@FORMATS.checks("byte")
def _is_base64(value: object) -> bool:
    """OpenAPI's ``byte``: base64 of the standard alphabet, padded."""
    try:
        return not isinstance(value, str) or base64.b64decode(value, validate=True) is not None
    except (binascii.Error, ValueError):
        return False


def openapi_path(rule: str) -> str:
    """The document's path of a Flask rule: ``/api/v1/meetings/<int:meeting_id>`` gives
    ``/meetings/{meeting_id}``."""
    path = rule.removeprefix("/api/v1")
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", path)


@cache
def request_schemas() -> dict[tuple[str, str], Draft202012Validator]:
    """The JSON request schema of each operation, by (method, document path)."""
    from voting.api.schemas import document

    validators = {}
    for path, operations in document()["paths"].items():
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {})
            schema = content.get("application/json", {}).get("schema")
            if schema is not None:
                Draft202012Validator.check_schema(schema)
                validators[(method, path)] = Draft202012Validator(schema, format_checker=FORMATS)
    return validators


def field_name(path) -> str:
    """A place in the body as people write it: ``matters[0].options[1].label``."""
    name = ""
    for step in path:
        name += f"[{step}]" if isinstance(step, int) else (f".{step}" if name else str(step))
    return name


def _nearest(schema: dict, error: ValidationError, key: str, missing: str | None) -> object:
    """The value of ``key`` in the schema nearest above (or at) the failing check; for a
    missing member, down to that member's own schema."""
    node: object = schema
    found = None
    path = list(error.absolute_schema_path)
    if missing is not None:
        path = [*path[:-1], "properties", missing]
    for step in [*path, None]:
        if isinstance(node, dict) and key in node:
            found = node[key]
        try:
            node = node[step]  # type: ignore[index]
        except (KeyError, IndexError, TypeError):
            break
    return found


def problems(method: str, rule: str, body: object, lang: str) -> tuple[int, list[dict]]:
    """The status and every problem of the body under its operation's schema (none for an
    undocumented operation): 422 unless the first problem's schema says otherwise."""
    validator = request_schemas().get((method.lower(), openapi_path(rule)))
    if validator is None:
        return 422, []
    found, statuses = [], []
    for top in sorted(validator.iter_errors(body), key=lambda e: list(map(str, e.path))):
        error = best_match([top])  # within oneOf/anyOf, the alternative that came closest
        for field, missing, zh, en in _explain(error):
            code = _nearest(validator.schema, error, "x-error-code", missing) or "invalid"
            sentences = _nearest(validator.schema, error, "x-error-message", missing)
            if isinstance(sentences, list):
                zh, en = (text.format(field=field) for text in sentences)
            statuses.append(_nearest(validator.schema, error, "x-error-status", missing) or 422)
            found.append({"field": field, "code": code, "message": en if lang == "en" else zh})
    return (int(statuses[0]) if statuses else 422), found


def _explain(error: ValidationError) -> Iterator[tuple[str, str | None, str, str]]:
    """(field, the missing member's name or None, Chinese, English) for one failed check."""
    field = field_name(error.absolute_path)
    shown = field or "请求内容"
    shown_en = field or "the body"
    keyword, expected = error.validator, error.validator_value
    if keyword == "required":
        present = error.instance if isinstance(error.instance, dict) else {}
        for name in expected:
            if name not in present:
                missing = field_name([*error.absolute_path, name])
                yield missing, name, f"缺少必填项 {missing}。", f"{missing} is required."
        return
    if keyword == "format" and expected == "date-time":
        yield (
            field,
            None,
            f"{shown} 须为带时区的 RFC 3339 时间，如 2026-05-01T09:00:00+08:00。",
            f"{shown_en} must be an RFC 3339 time with a zone, like 2026-05-01T09:00:00+08:00.",
        )
        return
    if keyword == "format" and expected == "date":
        yield (
            field,
            None,
            f"{shown} 须为日期 YYYY-MM-DD。",
            f"{shown_en} must be a date YYYY-MM-DD.",
        )
        return
    if keyword == "format" and expected == "byte":
        yield field, None, f"{shown} 须为 base64 编码。", f"{shown_en} must be base64."
        return
    if keyword == "minLength" and expected == 1:
        yield field, None, f"{shown} 不能为空。", f"{shown_en} must not be empty."
        return
    zh, en = _SENTENCES.get(keyword, _OTHER)
    value = _expected(expected)
    yield field, None, zh.format(field=shown, value=value), en.format(field=shown_en, value=value)


def _expected(expected: object) -> str:
    if isinstance(expected, list):
        return ", ".join(map(str, expected))
    if isinstance(expected, bool):
        return str(expected).lower()
    return str(expected)


_OTHER = ("{field} 的值不符合要求。", "{field} has a value that is not allowed.")
_SENTENCES = {
    "type": ("{field} 的类型不对，应为 {value}。", "{field} must be of type {value}."),
    "enum": ("{field} 只能是以下之一：{value}。", "{field} must be one of: {value}."),
    "const": ("{field} 只能是 {value}。", "{field} must be {value}."),
    "minLength": ("{field} 至少 {value} 个字符。", "{field} needs at least {value} characters."),
    "maxLength": ("{field} 最多 {value} 个字符。", "{field} takes at most {value} characters."),
    "minimum": ("{field} 不能小于 {value}。", "{field} must be at least {value}."),
    "maximum": ("{field} 不能大于 {value}。", "{field} must be at most {value}."),
    "minItems": ("{field} 至少 {value} 项。", "{field} needs at least {value} items."),
    "maxItems": ("{field} 最多 {value} 项。", "{field} takes at most {value} items."),
    "maxProperties": ("{field} 最多 {value} 项。", "{field} takes at most {value} members."),
    "uniqueItems": ("{field} 中有重复项。", "{field} has an item twice."),
    "pattern": ("{field} 的格式不对。", "{field} is not in the expected form."),
    "anyOf": ("{field} 的值不对：请参照接口说明。", "{field} is not one of the accepted forms."),
    "oneOf": ("{field} 的值不对：请参照接口说明。", "{field} is not one of the accepted forms."),
    "additionalProperties": ("{field} 含有不认识的项。", "{field} has members it does not take."),
}
