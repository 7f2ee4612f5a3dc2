"""Voting persons from units: merging, parking policies, unknown owners, area sources."""

import pytest

from voting.rules import (
    AreaUnresolved,
    UnitRecord,
    build_persons,
    co_owner_answer,
    resolve_duplicates,
    roster_totals,
    unit_area,
)

from .support import AGREE, DISAGREE, INVALID, procedure, sqm, unit


def by_key(units, **settings):
    return {p.key: p for p in build_persons(units, procedure(**settings))}


def test_persons_are_sorted_with_stable_keys():
    units = [
        unit("B-2", 80, "zhou"),
        unit("A-1", 100, "wu", "zheng"),
        unit("C-3", 70),
        unit("D-1", 90, "devco", is_developer_held=True),
        unit("D-2", 95, is_developer_held=True),
        unit("B-1", 60, "zhou"),
    ]
    persons = build_persons(units, procedure())
    assert [p.key for p in persons] == ["developer", "unit:C-3", "wu+zheng", "zhou"]
    zhou = persons[-1]
    assert (zhou.unit_ids, zhou.area, zhou.owners, zhou.can_vote) == (
        ("B-1", "B-2"),
        sqm(140),
        frozenset({"zhou"}),
        True,
    )
    developer = persons[0]
    assert developer.unit_ids == ("D-1", "D-2")
    assert developer.owners == frozenset({"devco"})
    assert developer.can_vote
    assert not persons[1].can_vote
    totals = roster_totals(persons)
    assert (totals.units, totals.owners, totals.area) == (6, 4, sqm(495))


def test_developer_units_merge_whoever_is_recorded_as_owner():
    units = [
        unit("D1", 100, "devco", is_developer_held=True),
        unit("D2", 100, "devco-branch", is_developer_held=True),
        unit("U3", 100, "devco"),
    ]
    persons = by_key(units)
    assert persons["developer"].area == sqm(200)
    # A delivered unit the developer still owns is its own owner set, not the developer person.
    assert persons["devco"].unit_ids == ("U3",)


def test_exclude_area_only_keeps_parking_owners_as_heads_with_no_area():
    units = [
        unit("U1", 100, "m"),
        unit("P1", 15, "m", is_parking=True),
        unit("P2", 15, "r", is_parking=True),
    ]
    persons = by_key(units, parking_policy="exclude_area_only")
    assert persons["m"].area == sqm(100)
    assert persons["m"].unit_ids == ("P1", "U1")
    assert (persons["r"].area, persons["r"].can_vote) == (0, True)
    assert roster_totals(persons.values()).owners == 2


def test_exclude_entirely_drops_parking_and_parking_only_owners():
    units = [
        unit("U1", 100, "m"),
        unit("P1", 15, "m", is_parking=True),
        unit("P2", None, "r", is_parking=True),
    ]
    persons = by_key(units, parking_policy="exclude_entirely")
    assert list(persons) == ["m"]
    assert persons["m"].unit_ids == ("U1",)
    assert roster_totals(persons.values()).units == 1


@pytest.mark.parametrize("policy", ["include", "exclude_area_only"])
def test_counted_parking_without_area_is_unresolved(policy):
    units = [unit("U1", 100, "m"), unit("P2", None, "r", is_parking=True)]
    with pytest.raises(AreaUnresolved) as caught:
        build_persons(units, procedure(parking_policy=policy))
    assert caught.value.unit_ids == ["P2"]


def test_every_unresolved_unit_is_named_sorted():
    units = [unit("U9", None, "a"), unit("U1", 100, "b"), unit("U3", None, "c"), unit("U2", None)]
    with pytest.raises(AreaUnresolved) as caught:
        build_persons(units, procedure())
    assert caught.value.unit_ids == ["U2", "U3", "U9"]
    assert "U3" in str(caught.value)


def test_area_sources_in_order_and_zero_is_an_area():
    assert unit_area(UnitRecord("U", 0, 5, 6, frozenset())) == 0
    assert unit_area(UnitRecord("U", None, None, 7, frozenset())) == 7
    assert unit_area(UnitRecord("U", None, None, None, frozenset())) is None


def test_merge_if_any_common_owner_is_transitive():
    units = [
        unit("U1", 100, "A"),
        unit("U2", 100, "A", "B"),
        unit("U3", 100, "B", "C"),
        unit("U4", 100, "D"),
        unit("U5", 100, "E", "F"),
    ]
    exact = by_key(units)
    assert sorted(exact) == ["A", "A+B", "B+C", "D", "E+F"]
    merged = by_key(units, owner_merge="merge_if_any_common_owner")
    assert sorted(merged) == ["A+B+C", "D", "E+F"]
    assert merged["A+B+C"].unit_ids == ("U1", "U2", "U3")
    assert merged["A+B+C"].owners == frozenset("ABC")
    assert merged["A+B+C"].area == sqm(300)


def test_duplicate_unit_ids_are_refused():
    with pytest.raises(ValueError, match="duplicate unit id"):
        build_persons([unit("U1", 100, "a"), unit("U1", 90, "b")], procedure())


@pytest.mark.parametrize("owner", ["", "a+b", "developer", "unit:U1"])
def test_owner_keys_that_could_collide_are_refused(owner):
    with pytest.raises(ValueError, match="owner keys"):
        build_persons([unit("U1", 100, owner, "x")], procedure())


def test_negative_area_is_refused():
    with pytest.raises(ValueError, match="negative"):
        build_persons([UnitRecord("U1", -1, None, None, frozenset({"a"}))], procedure())


def test_co_owner_answers():
    assert co_owner_answer([AGREE, AGREE]) == AGREE
    assert co_owner_answer([AGREE, DISAGREE]) == INVALID
    assert co_owner_answer([["A", "B"], ["B", "A"]]) == ["A", "B"]
    assert co_owner_answer([[], AGREE]) == INVALID
    assert co_owner_answer([]) is None


def test_duplicate_policies():
    assert resolve_duplicates([INVALID, DISAGREE, AGREE], "first_valid") == DISAGREE
    assert resolve_duplicates([INVALID, INVALID], "first_valid") == INVALID
    assert resolve_duplicates([AGREE], "reject_all") == AGREE
    assert resolve_duplicates([AGREE, AGREE], "reject_all") == INVALID
    assert resolve_duplicates([], "first_valid") is None
    with pytest.raises(ValueError):
        resolve_duplicates([AGREE], "last_wins")
