"""The Merkle tree of RFC 6962 section 2.1 over the bulletin board, with audit paths."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from typing import Any

from voting.crypto.canonical import canonical

__all__ = [
    "board_root",
    "inclusion_proof",
    "leaf_hash",
    "leaf_hashes",
    "merkle_root",
    "verify_inclusion",
]

EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(entry: Any, encode: Callable[[Any], bytes] = canonical) -> bytes:
    """Return SHA-256(0x00 || canonical(entry)), the hash of one board entry."""
    return hashlib.sha256(b"\x00" + encode(entry)).digest()


def leaf_hashes(entries: Sequence[Any], encode: Callable[[Any], bytes] = canonical) -> list[bytes]:
    """Return the leaf hash of every entry, in order."""
    sha256 = hashlib.sha256
    return [sha256(b"\x00" + encode(entry)).digest() for entry in entries]


def _next_level(level: list[bytes]) -> list[bytes]:
    """Hash neighbours pairwise; an odd last node moves up unchanged."""
    sha256 = hashlib.sha256
    pairs = [
        sha256(b"\x01" + level[i] + level[i + 1]).digest() for i in range(0, len(level) - 1, 2)
    ]
    if len(level) % 2:
        pairs.append(level[-1])
    return pairs


def merkle_root(leaf_hashes: Sequence[bytes]) -> bytes:
    """Return the RFC 6962 Merkle tree hash of the leaves (SHA-256 of b"" when empty).

    Pairing level by level and carrying an odd last node up builds the same tree as
    RFC 6962's split at the largest power of two below n, without recursion.
    """
    level = list(leaf_hashes)
    if not level:
        return EMPTY_ROOT
    while len(level) > 1:
        level = _next_level(level)
    return level[0]


def board_root(entries: Sequence[Any]) -> str:
    """Return the Merkle root of board entries as lowercase hex."""
    return merkle_root(leaf_hashes(entries)).hex()


def inclusion_proof(leaf_hashes: Sequence[bytes], index: int) -> list[bytes]:
    """Return the RFC 6962 audit path of leaf ``index``, nearest the leaf first."""
    if not 0 <= index < len(leaf_hashes):
        raise IndexError(f"leaf {index} is not in a tree of {len(leaf_hashes)}")
    level, path = list(leaf_hashes), []
    while len(level) > 1:
        sibling = index ^ 1
        if sibling < len(level):
            path.append(level[sibling])
        level, index = _next_level(level), index // 2
    return path


def verify_inclusion(
    leaf: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> bool:
    """Tell whether ``proof`` shows leaf hash ``leaf`` at ``index`` in the tree ``root``.

    The algorithm of RFC 9162 section 2.1.3.2, which checks RFC 6962 audit paths.
    """
    try:
        if not (0 <= index < size) or len(leaf) != 32 or len(root) != 32:
            return False
        node, last, result = index, size - 1, bytes(leaf)
        for sibling in proof:
            if last == 0 or len(sibling) != 32:
                return False
            if node & 1 or node == last:
                result = hashlib.sha256(b"\x01" + sibling + result).digest()
                while not node & 1 and node != 0:
                    node, last = node >> 1, last >> 1
            else:
                result = hashlib.sha256(b"\x01" + result + sibling).digest()
            node, last = node >> 1, last >> 1
        return last == 0 and result == bytes(root)
    except TypeError:
        return False
