"""Builders shared by the rules tests: units in m², persons, votes and one-call counts."""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

from voting.rules import (
    MatterResult,
    MatterSpec,
    Person,
    Procedure,
    RosterTotals,
    UnitRecord,
    build_persons,
    roster_totals,
    tally_matter,
)

AGREE = ["agree"]
DISAGREE = ["disagree"]
ABSTAIN: list[str] = []
INVALID = "invalid"
MOTION = ("agree", "disagree")


def sqm(value: int | str) -> int:
    """Square metres (an int, or a string with two decimals) in 0.01 m²."""
    if isinstance(value, int):
        return value * 100
    whole, cents = value.split(".")
    return int(whole) * 100 + int(cents)


def unit(uid: str, area: int | str | None, *owners: str, **flags: object) -> UnitRecord:
    """A unit with a registered area in m² (None: no area source) and its owners."""
    return UnitRecord(
        uid, None if area is None else sqm(area), None, None, frozenset(owners), **flags
    )


def procedure(**settings: object) -> Procedure:
    """Default settings (parking included) with the named ones changed."""
    return Procedure(**{"parking_policy": "include", **settings})


def votes_for(persons: list[Person], answers: Mapping[str, object]) -> list[tuple]:
    """(area, heads, answer) for each person key in ``answers``; unknown keys fail loudly."""
    by_key = {p.key: p for p in persons}
    missing = set(answers) - set(by_key)
    assert not missing, f"no such person: {sorted(missing)}"
    return [(by_key[key].area, 1, answer) for key, answer in answers.items()]


def count(
    units: list[UnitRecord],
    answers: Mapping[str, object],
    *,
    category: str = "ordinary",
    kind: str = "motion",
    options: tuple[str, ...] = MOTION,
    proc: Procedure | None = None,
    **spec: object,
) -> MatterResult:
    """Build persons from units, cast ``answers`` (by person key) and tally one matter."""
    proc = proc or procedure()
    persons = build_persons(units, proc)
    matter = MatterSpec("m", category, kind, options, **spec)
    return tally_matter(matter, roster_totals(persons), votes_for(persons, answers), proc)


def participation(result: MatterResult) -> tuple[Fraction, Fraction]:
    """(P_area/T_area, P_head/T_head) as exact fractions."""
    totals: RosterTotals = result.totals
    return Fraction(result.p_area, totals.area), Fraction(result.p_head, totals.owners)


def support(result: MatterResult, option_id: str = "agree") -> tuple[Fraction, Fraction]:
    """(A_area/P_area, A_head/P_head) of one option as exact fractions."""
    opt = result.option(option_id)
    return Fraction(opt.area, result.p_area), Fraction(opt.head, result.p_head)


def owners_of(n: int, prefix: str = "o", start: int = 1) -> list[str]:
    """Owner keys o1..on."""
    return [f"{prefix}{i}" for i in range(start, start + n)]


def owned(*areas: int | str) -> list[UnitRecord]:
    """Units U1..Un of these areas, owned by o1..on."""
    return [unit(f"U{i}", area, f"o{i}") for i, area in enumerate(areas, 1)]


def flats(n: int, area: int | str = 100) -> list[UnitRecord]:
    """n units U1..Un of the same area, owned by o1..on."""
    return owned(*[area] * n)
