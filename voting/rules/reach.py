"""Reaching two thirds: how far participation is from each line, and the fewest owners whose
votes would close the area gap (DOMAIN 2.3; a help for the committee, never part of a count).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import TypeVar

K = TypeVar("K", bound=Hashable)


def needed(total: int) -> int:
    """The least part that reaches two thirds of total (3·P ≥ 2·T)."""
    return -(-2 * total // 3)


def gap(part: int, total: int) -> int:
    """How much is missing to reach two thirds of total (0 once reached)."""
    return max(needed(total) - part, 0)


def fewest_to_close(missing: int, candidates: Iterable[tuple[K, int]]) -> list[K]:
    """The fewest candidates whose areas add up to ``missing``: the largest first.

    Taking the largest first is optimal for the count: no smaller set reaches the sum. Ties
    keep the candidates' order, so that the same roster always gives the same list. When all
    of them together fall short, all are returned (the gap cannot be closed).
    """
    if missing <= 0:
        return []
    ranked = sorted(enumerate(candidates), key=lambda item: (-item[1][1], item[0]))
    chosen: list[K] = []
    total = 0
    for _, (key, area) in ranked:
        if total >= missing:
            break
        chosen.append(key)
        total += area
    return chosen
