"""Checks of the hash-chained audit log (FORMATS section 5)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from typing import Any

from voting.crypto.canonical import canonical

GENESIS = "0" * 64
MEMBERS = ("seq", "at", "type", "actor", "data", "prev", "hash")
_MEMBER_SET = frozenset(MEMBERS)


def event_hash(event: dict[str, Any], encode: Callable[[Any], bytes] = canonical) -> str:
    """Return SHA-256 hex of canonical(event without its "hash" member)."""
    body = dict(event)
    body.pop("hash", None)
    return hashlib.sha256(encode(body)).hexdigest()


def _name(event: Any, position: int) -> str:
    """Name an event by its seq, or by its position when the seq is unusable."""
    seq = event.get("seq") if isinstance(event, dict) else None
    if type(seq) is int:
        return f"event {seq}"
    return f"event at position {position + 1} (seq {seq!r})"


def _event_problem(event: Any, expected_seq: int, prev: str, encode: Callable[[Any], bytes]) -> str:
    """Return what is wrong with one event in its place in the chain, or ""."""
    if not isinstance(event, dict):
        return f"is a {type(event).__name__}, not an object"
    if not event.keys() >= _MEMBER_SET:
        return "lacks " + ", ".join(member for member in MEMBERS if member not in event)
    if event["seq"] != expected_seq or type(event["seq"]) is not int:
        return f"has seq {event['seq']!r} where {expected_seq} should follow"
    if event["prev"] != prev:
        return f"has prev {event['prev']!r}, but the event before it has hash {prev}"
    try:
        recomputed = event_hash(event, encode)
    except (TypeError, ValueError, RecursionError) as exc:
        return f"cannot be hashed: {exc}"
    if event["hash"] != recomputed:
        return f"has hash {event['hash']!r}, but its content hashes to {recomputed}"
    return ""


def verify_chain(
    events: Sequence[Any],
    head: str | None = None,
    seq: int | None = None,
    encode: Callable[[Any], bytes] = canonical,
) -> list[str]:
    """Return the problems of an audit chain (empty when sound), the first one first.

    Events must run 1, 2, 3, ..., each ``prev`` naming the hash of the one before (64
    zeros for event 1) and each ``hash`` matching its content. With ``seq`` or ``head``
    the chain is checked up to that event, which must be there (later events may follow).
    """
    problems: list[str] = []
    prev, expected, stop = GENESIS, 1, None
    sha256 = hashlib.sha256
    for position, event in enumerate(events):
        # The common case inline: this loop runs once per event of a large log.
        sound = False
        if type(event) is dict and event.keys() >= _MEMBER_SET:
            this_seq, this_hash = event["seq"], event["hash"]
            body = event.copy()
            del body["hash"]
            try:
                sound = (
                    this_seq == expected
                    and type(this_seq) is int
                    and event["prev"] == prev
                    and sha256(encode(body)).hexdigest() == this_hash
                )
            except (TypeError, ValueError, RecursionError):
                sound = False
        if not sound:
            problem = _event_problem(event, expected, prev, encode)
            if problem:
                problems.append(f"{_name(event, position)} {problem}")
            if not isinstance(event, dict):
                continue
            this_seq, this_hash = event.get("seq"), event.get("hash")
        if (this_seq == seq and seq is not None) or (
            seq is None and head is not None and this_hash == head
        ):
            stop = event
            break
        prev = this_hash if isinstance(this_hash, str) else prev
        expected = this_seq + 1 if type(this_seq) is int else expected + 1
    if seq is None and head is None:
        return problems
    if stop is None:
        target = f"event {seq}" if seq is not None else f"an event with hash {head}"
        problems.append(f"{target}, which the result names, is not in the log")
    elif head is not None and stop.get("hash") != head:
        problems.append(f"event {seq} has hash {stop.get('hash')!r}, but the result names {head}")
    return problems
