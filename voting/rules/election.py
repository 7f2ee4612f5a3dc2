"""Filling seats and alternates from the passing candidates of an election (DOMAIN 2.5)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction

#: A passing candidate: (option id, A_area, A_head).
Candidate = tuple[str, int, int]


@dataclass(frozen=True)
class Outcome:
    """Status, winners and alternates of a matter; of an election also what tied and whether
    lots decided."""

    status: str
    winners: tuple[str, ...]
    alternates: tuple[str, ...]
    #: The equal-ranked group that straddled a boundary ("seat" or "alternate"), if any.
    tied: tuple[str, ...] = ()
    tie_at: str | None = None
    #: True when lots (lot_ticket) decided the order within ``tied``.
    lot_used: bool = False


def lot_ticket(seed: str, option_id: str) -> str:
    """Return the auditable lot ticket of a candidate; lower tickets win a tie."""
    return hashlib.sha256((seed + "\n" + option_id).encode()).hexdigest()


def sum_of_ratios(a_area: int, a_head: int, p_area: int, p_head: int) -> Fraction:
    """Return A_head/P_head + A_area/P_area, the SUM_OF_RATIOS ranking value."""
    return Fraction(a_head, p_head) + Fraction(a_area, p_area)


def rank_key(ranking_rule: str, p_area: int, p_head: int) -> Callable[[Candidate], tuple[int, ...]]:
    """Return the sort key (higher ranks first) of a ranking rule for one election."""
    if ranking_rule == "HEAD_THEN_AREA":
        return lambda c: (c[2], c[1])
    if ranking_rule == "AREA_THEN_HEAD":
        return lambda c: (c[1], c[2])
    if ranking_rule == "SUM_OF_RATIOS":
        # Over the common denominator P_head·P_area the sums compare as integers.
        return lambda c: (c[2] * p_area + c[1] * p_head,)
    raise ValueError(f"unknown ranking rule {ranking_rule!r}")


def elect(
    passing: Sequence[Candidate],
    p_area: int,
    p_head: int,
    *,
    seats: int,
    alternates: int,
    minimum: int,
    ranking_rule: str,
    lot_seed: str | None,
) -> Outcome:
    """Rank the passing candidates (in ballot order) and fill seats, then alternates.

    ``lot_seed`` is given only when the rules resolve ties by lot and a seed was drawn;
    without it a tie across a boundary is left unresolved.
    """
    key = rank_key(ranking_rule, p_area, p_head)
    groups: list[list[str]] = []
    last = None
    # sorted() is stable, so equal keys keep ballot order.
    for cand in sorted(passing, key=key, reverse=True):
        k = key(cand)
        if groups and k == last:
            groups[-1].append(cand[0])
        else:
            groups.append([cand[0]])
        last = k
    winners, rest, seat_tie, seat_lot = _fill(groups, seats, lot_seed)
    if seat_tie and not seat_lot:
        return Outcome("tie_unresolved", winners, (), seat_tie, "seat", False)
    if not winners or len(winners) < minimum:
        return Outcome("committee_not_formed", winners, (), seat_tie, "seat", seat_lot)
    alts, _, alt_tie, alt_lot = _fill(rest, alternates, lot_seed)
    if alt_tie and not alt_lot:
        return Outcome("tie_unresolved", winners, alts, alt_tie, "alternate", seat_lot)
    tied, tie_at = (seat_tie, "seat") if seat_tie else (alt_tie, "alternate" if alt_tie else None)
    return Outcome("elected", winners, alts, tied, tie_at, seat_lot or alt_lot)


def _fill(
    groups: list[list[str]], cap: int, lot_seed: str | None
) -> tuple[tuple[str, ...], list[list[str]], tuple[str, ...], bool]:
    """Take whole groups up to ``cap``; return (taken, rest, group split at the cap, lot used)."""
    taken: list[str] = []
    for i, group in enumerate(groups):
        room = cap - len(taken)
        if room <= 0:
            return tuple(taken), groups[i:], (), False
        if len(group) <= room:
            taken += group
            continue
        if lot_seed is None:
            return tuple(taken), groups[i:], tuple(group), False
        drawn = sorted(group, key=lambda option_id: lot_ticket(lot_seed, option_id))
        taken += drawn[:room]
        return tuple(taken), [drawn[room:], *groups[i + 1 :]], tuple(group), True
    return tuple(taken), [], (), False
