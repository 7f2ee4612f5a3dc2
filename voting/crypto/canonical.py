"""Canonical JSON (RFC 8785, JCS) and SHA-256 hex digests for signed documents.

Gongyi documents carry only objects, arrays, strings, integers, booleans and null. For
that value space the C JSON encoder with sorted keys writes the same bytes as RFC 8785,
except that it sorts keys by code point where RFC 8785 sorts by UTF-16 code unit; the two
orders differ only for characters beyond U+FFFF, so text holding such characters goes
through the ``rfc8785`` library instead. Strings are escaped alike: both escape only the
quote, the backslash and U+0000..U+001F, with the short forms \\b \\f \\n \\r \\t and
lowercase \\u00xx for the rest (tests/crypto prove the identity against ``rfc8785``).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from json import encoder as _json_encoder
from typing import Any

import rfc8785

MAX_INT = 2**53 - 1
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


class CanonicalError(ValueError):
    """A value that canonical JSON cannot carry (big integer, bad string, number with a dot)."""


def _make_encoder() -> Callable[[Any], str]:
    """Return the fastest str encoder with sorted keys and no insignificant whitespace."""
    make = getattr(_json_encoder, "c_make_encoder", None)
    if make is not None:
        try:
            # The same arguments json.JSONEncoder.iterencode passes; skipping its per-call
            # set-up is a fifth of the cost for the small objects of a board.
            encode = make(
                None, None, _json_encoder.encode_basestring, None, ":", ",", True, False, False
            )
        except TypeError:
            pass
        else:
            return lambda obj: "".join(encode(obj, 0))
    return json.JSONEncoder(
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
        check_circular=False,
    ).encode


_encode_text = _make_encoder()


def _check(obj: Any) -> None:
    """Raise unless ``obj`` lies in the value space of Gongyi documents."""
    kind = type(obj)
    if kind is str or kind is bool or obj is None:
        return
    if kind is dict:
        for key, value in obj.items():
            if type(key) is not str and not isinstance(key, str):
                raise TypeError(f"object keys must be strings, not {type(key).__name__}")
            _check(value)
    elif kind is list or kind is tuple:
        for value in obj:
            _check(value)
    elif kind is int:
        if not -MAX_INT <= obj <= MAX_INT:
            raise CanonicalError(f"integer {obj} is outside ±(2**53 - 1)")
    elif isinstance(obj, float):
        raise TypeError(f"floats are not allowed in canonical documents: {obj!r}")
    elif isinstance(obj, str | bool):
        return
    elif isinstance(obj, int):
        _check(int(obj))
    elif isinstance(obj, dict | list | tuple):
        _check(dict(obj) if isinstance(obj, dict) else list(obj))
    else:
        raise TypeError(f"type {type(obj).__name__} is not allowed in canonical documents")


def canonical_parsed(obj: Any) -> bytes:
    """Return the RFC 8785 bytes of a value from ``parse_json`` (already known to be clean)."""
    text = _encode_text(obj)
    if not text.isascii() and _ASTRAL.search(text):
        return rfc8785.dumps(obj)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise CanonicalError("string holds a lone surrogate, which is not Unicode text") from exc


def canonical(obj: Any) -> bytes:
    """Return the RFC 8785 canonical bytes of ``obj``; floats raise TypeError."""
    _check(obj)
    return canonical_parsed(obj)


def _parse_int(text: str) -> int:
    """Parse a JSON integer, refusing those RFC 8785 cannot carry exactly."""
    value = int(text)
    if len(text) > 15 and not -MAX_INT <= value <= MAX_INT:
        raise CanonicalError(f"integer {text} is outside ±(2**53 - 1)")
    return value


def _refuse_number(text: str) -> Any:
    """Refuse a JSON number with a fraction or exponent, or NaN and Infinity."""
    raise CanonicalError(f"number {text} is not an integer; documents carry only integers")


def parse_json(text: str | bytes) -> Any:
    """Parse JSON into the canonical value space; raise ValueError otherwise.

    Syntax errors raise ``json.JSONDecodeError``; numbers that are not safe integers raise
    ``CanonicalError``. The result can go to ``canonical_parsed`` without another check.
    """
    return json.loads(
        text, parse_int=_parse_int, parse_float=_refuse_number, parse_constant=_refuse_number
    )


def sha256_hex(data: bytes) -> str:
    """Return the SHA-256 digest of ``data`` as lowercase hex."""
    return hashlib.sha256(data).hexdigest()
