"""Checks shared by the verifiers of both board versions: a document's format, the entries'
order by receipt, and the Merkle root (FORMATS §3)."""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from typing import Any

from voting.crypto.merkle import leaf_hashes, merkle_root
from voting.crypto.shape import Mismatch, kind_name, member, show

_RECEIPT = re.compile(r"[0-9a-f]{32}")

Encode = Callable[[Any], bytes]


def check_format(obj: Any, expected: str, where: str) -> None:
    """Check the format member of a document."""
    if member(obj, "format", str, where) != expected:
        raise Mismatch(f"{where}.format is {show(obj['format'])}, expected {show(expected)}")


def check_entries(entries: list[Any]) -> None:
    """Check that entries are objects with receipts in strictly increasing order."""
    try:  # the common case in C loops; the loops below find and name a problem
        receipts = [entry["receipt"] for entry in entries]
        if all(map(_RECEIPT.fullmatch, receipts)) and all(map(operator.lt, receipts, receipts[1:])):
            return
    except (KeyError, TypeError):
        pass
    for index, entry in enumerate(entries):
        if type(entry) is not dict:
            raise Mismatch(f"board entries[{index}] is {kind_name(entry)}, expected an object")
    receipts = [entry.get("receipt") for entry in entries]
    for index, receipt in enumerate(receipts):
        if type(receipt) is not str or not _RECEIPT.fullmatch(receipt):
            raise Mismatch(
                f"board entries[{index}].receipt is {show(receipt)}, "
                "expected 32 lowercase hex characters"
            )
    for index in range(1, len(receipts)):
        if receipts[index - 1] >= receipts[index]:
            same = receipts[index - 1] == receipts[index]
            raise Mismatch(
                f"board entries[{index}].receipt {receipts[index]} "
                + (
                    "repeats the one before it"
                    if same
                    else f"comes before {receipts[index - 1]} of entries[{index - 1}]"
                )
                + ": entries must be sorted by receipt, each once"
            )


def board_root_of(entries: list[Any], encode: Encode) -> str:
    """Return the board's Merkle root in hex, naming an entry that cannot be hashed."""
    try:
        return merkle_root(leaf_hashes(entries, encode)).hex()
    except (TypeError, ValueError, RecursionError):
        for index, entry in enumerate(entries):
            try:
                encode(entry)
            except (TypeError, ValueError, RecursionError) as exc:
                raise Mismatch(
                    f"board entries[{index}] cannot be put in canonical form: {exc}"
                ) from None
        raise
