"""Helpers of the verifier for untrusted JSON: type checks, safe display, first difference."""

from __future__ import annotations

import json
import re
from typing import Any, TypeVar

T = TypeVar("T")

HEX64 = re.compile(r"[0-9a-f]{64}")
# Characters a terminal may hide, reorder or take as a line break: shown as escapes.
_INVISIBLE = re.compile("[\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2028\u2029\u2066-\u2069\ufeff]")
_NAMES = {
    dict: "an object",
    list: "an array",
    str: "a string",
    int: "an integer",
    bool: "true or false",
    float: "a number",
    type(None): "null",
}


class Mismatch(Exception):
    """A check failed; the message says what and where."""


def kind_name(value: Any) -> str:
    """Name the JSON kind of a value, as the messages say it."""
    return _NAMES.get(type(value), type(value).__name__)


def show(value: Any, limit: int = 80) -> str:
    """Render an untrusted value as short one-line JSON that cannot fake output lines."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError, RecursionError):
        text = repr(value)
    text = _INVISIBLE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def same_meeting(board: Any, meeting_id: str) -> None:
    """Refuse a board whose ``meeting_id`` is not the meeting of the result."""
    if member(board, "meeting_id", str, "board") != meeting_id:
        raise Mismatch(
            f"board.meeting_id is {show(board['meeting_id'])}, "
            f"but the result is for meeting {show(meeting_id)}"
        )


def matter_line(matter: dict[str, Any], matches: str) -> str:
    """The "ok" line of a recomputed matter: its outcome, winners and alternates, and what
    every figure of it was found to match."""
    outcome = matter["outcome"]
    chosen = f", winners {show(outcome['winners'])}" if outcome["winners"] else ""
    if outcome["alternates"]:
        chosen += f", alternates {show(outcome['alternates'])}"
    return (
        f"ok  matter {show(matter['id'])} {show(matter['title'])}: {outcome['status']}"
        f"{chosen}; every figure matches {matches}"
    )


def member(obj: Any, name: str, kind: type[T], where: str) -> T:
    """Return ``obj[name]`` if ``obj`` is an object and the member has the JSON kind."""
    if not isinstance(obj, dict):
        raise Mismatch(f"{where} is {kind_name(obj)}, expected an object")
    if name not in obj:
        raise Mismatch(f"{where}.{name} is missing")
    value = obj[name]
    if type(value) is not kind:
        raise Mismatch(f"{where}.{name} is {kind_name(value)}, expected {_NAMES[kind]}")
    return value


def hex64(obj: Any, name: str, where: str) -> str:
    """Return ``obj[name]`` if it is 64 lowercase hex characters (a SHA-256 digest)."""
    value = member(obj, name, str, where)
    if not HEX64.fullmatch(value):
        raise Mismatch(f"{where}.{name} is {show(value)}, expected 64 lowercase hex characters")
    return value


def first_difference(stated: Any, computed: Any, path: str) -> str | None:
    """Describe the first JSON path where ``stated`` differs from ``computed``, or None."""
    if isinstance(stated, dict) and isinstance(computed, dict):
        for key in [*computed, *(key for key in stated if key not in computed)]:
            if key not in stated:
                return f"{path}.{key}: document lacks it, board gives {show(computed[key])}"
            if key not in computed:
                return f"{path}.{key}: document says {show(stated[key])}, board gives nothing"
            found = first_difference(stated[key], computed[key], f"{path}.{key}")
            if found:
                return found
        return None
    if isinstance(stated, list) and isinstance(computed, list):
        for index, (one, other) in enumerate(zip(stated, computed, strict=False)):
            found = first_difference(one, other, f"{path}[{index}]")
            if found:
                return found
        if len(stated) != len(computed):
            return f"{path}: document has {len(stated)} items, board gives {len(computed)}"
        return None
    if type(stated) is type(computed) and stated == computed:
        return None
    return f"{path}: document says {show(stated)}, board gives {show(computed)}"
