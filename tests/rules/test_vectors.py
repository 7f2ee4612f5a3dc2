"""DOMAIN.md test vectors TV-01 to TV-17 and TV-20 to TV-22 (elections are in test_elections)."""

from fractions import Fraction as F

import pytest

from voting.rules import (
    AreaUnresolved,
    Procedure,
    ProcedureError,
    UnitRecord,
    build_persons,
    co_owner_answer,
    explain,
    roster_totals,
    unit_area,
)

from .support import (
    ABSTAIN,
    AGREE,
    DISAGREE,
    count,
    flats,
    owned,
    participation,
    procedure,
    sqm,
    support,
    unit,
)


def test_tv01_basic_ordinary_pass():
    units = owned(100, 100, 80, 120, 100, 100)
    answers = {"o1": AGREE, "o2": AGREE, "o3": AGREE, "o5": AGREE, "o4": DISAGREE}
    result = count(units, answers)
    assert (result.totals.area, result.totals.owners) == (sqm(600), 6)
    assert (result.p_area, result.p_head) == (sqm(500), 5)
    assert participation(result) == (F(5, 6), F(5, 6))
    assert result.quorum_met
    assert (result.option("agree").area, result.option("agree").head) == (sqm(380), 4)
    assert support(result) == (F(19, 25), F(4, 5))
    assert result.status == "passed"
    assert result.winners == ("agree",)


def test_tv02_exactly_two_thirds_participation_is_enough():
    answers = {"o1": AGREE, "o2": AGREE, "o3": AGREE, "o4": DISAGREE}
    result = count(flats(6), answers)
    assert participation(result) == (F(2, 3), F(2, 3))
    assert result.quorum_met
    assert support(result) == (F(3, 4), F(3, 4))
    assert result.status == "passed"


def test_tv03_headcount_at_two_thirds_but_area_short():
    units = flats(6) + [unit(f"U{i}", 150, f"o{i}") for i in (7, 8, 9)]
    result = count(units, {f"o{i}": AGREE for i in range(1, 7)})
    assert (result.totals.area, result.totals.owners) == (sqm(1050), 9)
    assert participation(result) == (F(4, 7), F(2, 3))
    assert not result.quorum_met
    assert result.status == "no_quorum"
    assert result.winners == ()
    assert not result.option("agree").passed
    assert "参与表决面积占比 4/7，未达到三分之二" in explain(result)
    assert "参与表决人数占比 2/3，达到三分之二" in explain(result)
    assert "Participating area 4/7 is below two thirds" in explain(result, "en")


def test_tv04_exactly_half_is_not_more_than_half():
    result = count(flats(4), {"o1": AGREE, "o2": AGREE, "o3": DISAGREE, "o4": DISAGREE})
    assert participation(result) == (1, 1)
    assert support(result) == (F(1, 2), F(1, 2))
    assert result.status == "rejected"
    assert result.winners == ()
    assert "同意面积占比 1/2，未超过二分之一" in explain(result)


def test_tv05_abstentions_count_as_participants():
    answers = {"o1": AGREE, "o2": AGREE, "o3": AGREE, "o4": DISAGREE, "o5": ABSTAIN, "o6": ABSTAIN}
    result = count(flats(6), answers)
    assert participation(result) == (1, 1)
    assert (result.abstain_area, result.abstain_head) == (sqm(200), 2)
    assert support(result) == (F(1, 2), F(1, 2))
    assert result.status == "rejected"


def test_tv06_fee_change_passes_with_abstentions():
    answers = {f"o{i}": AGREE for i in range(1, 6)}
    answers |= {"o6": DISAGREE, "o7": ABSTAIN, "o8": ABSTAIN}
    result = count(flats(10), answers)
    assert participation(result) == (F(4, 5), F(4, 5))
    assert support(result) == (F(5, 8), F(5, 8))
    assert result.status == "passed"


def test_tv07_special_at_exactly_three_quarters_passes():
    answers = {f"o{i}": AGREE for i in range(1, 7)} | {"o7": DISAGREE, "o8": DISAGREE}
    result = count(flats(8), answers, category="special")
    assert participation(result) == (1, 1)
    assert support(result) == (F(3, 4), F(3, 4))
    assert result.status == "passed"


def test_tv08_special_headcount_meets_three_quarters_but_area_does_not():
    units = [unit("U1", 100, "a"), unit("U2", 100, "b"), unit("U3", 100, "c"), unit("U4", 140, "d")]
    answers = {"a": AGREE, "b": AGREE, "c": AGREE, "d": DISAGREE}
    result = count(units, answers, category="special")
    assert (result.totals.area, result.p_area) == (sqm(440), sqm(440))
    assert support(result) == (F(15, 22), F(3, 4))
    assert result.status == "rejected"
    assert "同意面积占比 15/22，未达到四分之三" in explain(result)
    assert "同意人数占比 3/4，达到四分之三" in explain(result)


def test_tv09_one_owner_with_several_units_is_one_person():
    units = [
        unit("U1", 90, "alice"),
        unit("U2", 90, "alice"),
        unit("U3", 100, "bob"),
        unit("U4", 100, "carol"),
        unit("U5", 120, "dan"),
    ]
    persons = build_persons(units, procedure())
    alice = next(p for p in persons if p.key == "alice")
    assert (alice.area, alice.unit_ids) == (sqm(180), ("U1", "U2"))
    totals = roster_totals(persons)
    assert (totals.units, totals.owners, totals.area) == (5, 4, sqm(500))
    result = count(units, {"alice": AGREE, "bob": AGREE, "carol": DISAGREE})
    assert (result.p_area, result.p_head) == (sqm(380), 3)
    assert participation(result) == (F(19, 25), F(3, 4))
    assert support(result) == (F(14, 19), F(2, 3))
    assert result.status == "passed"


def test_tv10_developer_unsold_units_are_one_person():
    units = [unit(f"D{i}", 100, "devco", is_developer_held=True) for i in (1, 2, 3)]
    units += [unit("U4", 100, "ann"), unit("U5", 100, "ben"), unit("U6", 100, "cat")]
    persons = build_persons(units, procedure())
    developer = next(p for p in persons if p.key == "developer")
    assert (developer.area, developer.unit_ids, developer.can_vote) == (
        sqm(300),
        ("D1", "D2", "D3"),
        True,
    )
    answers = {"developer": DISAGREE, "ann": AGREE, "ben": AGREE, "cat": AGREE}
    result = count(units, answers)
    assert (result.totals.area, result.totals.owners) == (sqm(600), 4)
    assert participation(result) == (1, 1)
    assert support(result) == (F(1, 2), F(3, 4))
    assert result.status == "rejected"


def test_tv11_co_owned_unit_is_one_person_quorum_at_two_thirds():
    units = [unit("U1", 100, "wang", "li"), unit("U2", 100, "zhao"), unit("U3", 100, "qian")]
    persons = build_persons(units, procedure())
    assert [p.key for p in persons] == ["li+wang", "qian", "zhao"]
    # The representative li votes for the person {wang, li}.
    result = count(units, {"li+wang": AGREE, "zhao": AGREE})
    assert (result.totals.area, result.totals.owners) == (sqm(300), 3)
    assert participation(result) == (F(2, 3), F(2, 3))
    assert support(result) == (1, 1)
    assert result.status == "passed"


@pytest.mark.parametrize(
    ("invalid_counts", "quorum", "status"),
    [(True, (F(3, 4), F(3, 4)), "passed"), (False, (F(1, 2), F(1, 2)), "no_quorum")],
)
def test_tv12_conflicting_co_owner_ballots_are_one_invalid_ballot(invalid_counts, quorum, status):
    units = [
        unit("U1", 100, "wang", "li"),
        unit("U2", 100, "zhao"),
        unit("U3", 100, "qian"),
        unit("U4", 100, "sun"),
    ]
    u1_answer = co_owner_answer([AGREE, DISAGREE])
    assert u1_answer == "invalid"
    answers = {"li+wang": u1_answer, "zhao": AGREE, "qian": AGREE}
    proc = procedure(invalid_counts_as_participation=invalid_counts)
    result = count(units, answers, proc=proc)
    assert (result.invalid_area, result.invalid_head) == (sqm(100), 1)
    assert participation(result) == quorum
    assert result.status == status
    if invalid_counts:
        assert (result.p_area, result.p_head) == (sqm(300), 3)
        assert support(result) == (F(2, 3), F(2, 3))
    else:
        assert (result.p_area, result.p_head) == (sqm(200), 2)


def test_tv13_unit_with_unknown_owner_stays_in_the_denominators():
    units = flats(6) + [unit("U7", 100)]
    persons = build_persons(units, procedure())
    unknown = next(p for p in persons if p.key == "unit:U7")
    assert not unknown.can_vote
    result = count(units, {f"o{i}": AGREE for i in range(1, 5)})
    assert (result.totals.area, result.totals.owners) == (sqm(700), 7)
    assert participation(result) == (F(4, 7), F(4, 7))
    assert result.status == "no_quorum"


def test_tv14_order_of_area_sources():
    units = [
        UnitRecord("U1", sqm("98.50"), sqm("99.10"), sqm("100.00"), frozenset({"p1"})),
        UnitRecord("U2", None, sqm("87.20"), sqm("88.00"), frozenset({"p2"})),
        UnitRecord("U3", None, None, sqm("120.30"), frozenset({"p3"})),
    ]
    assert [unit_area(u) for u in units] == [9850, 8720, 12030]
    result = count(units, {"p1": AGREE, "p2": DISAGREE, "p3": AGREE})
    assert (result.totals.area, result.p_area, result.p_head) == (30600, 30600, 3)
    assert result.option("agree").area == 21880
    assert support(result) == (F(547, 765), F(2, 3))
    assert result.status == "passed"


def test_tv15_unit_without_any_area_source_stops_the_count():
    units = [unit("U1", 100, "o1"), UnitRecord("U2", None, None, None, frozenset({"o2"}))]
    with pytest.raises(AreaUnresolved) as caught:
        build_persons(units, procedure())
    assert caught.value.code == "AREA_UNRESOLVED"
    assert caught.value.unit_ids == ["U2"]


def test_tv16_no_silent_majority_imputation():
    result = count(flats(9), {f"o{i}": AGREE for i in range(1, 6)})
    assert participation(result) == (F(5, 9), F(5, 9))
    assert result.status == "no_quorum"
    with pytest.raises(ProcedureError) as caught:
        Procedure.from_dict({"parking_policy": "include", "silent_counts_with_majority": True})
    assert [p.code for p in caught.value.problems] == ["SILENT_MAJORITY_UNSUPPORTED"]


TV17_UNITS = [
    unit("U1", 100, "m"),
    unit("U2", 100, "n"),
    unit("U3", 100, "q"),
    unit("P1", 15, "r", is_parking=True, is_dwelling=False),
    unit("P2", 15, "s", is_parking=True, is_dwelling=False),
    unit("P3", 15, "t", is_parking=True, is_dwelling=False),
]


@pytest.mark.parametrize(
    ("policy", "totals", "quorum", "approval", "status"),
    [
        ("include", (345, 6), (F(49, 69), F(5, 6)), (F(40, 49), F(2, 5)), "rejected"),
        ("exclude_area_only", (300, 6), (F(2, 3), F(5, 6)), (1, F(2, 5)), "rejected"),
        ("exclude_entirely", (300, 3), (F(2, 3), F(2, 3)), (1, 1), "passed"),
    ],
)
def test_tv17_parking_policy_changes_the_outcome(policy, totals, quorum, approval, status):
    proc = procedure(parking_policy=policy)
    persons = {p.key for p in build_persons(TV17_UNITS, proc)}
    answers = {"m": AGREE, "n": AGREE} | {k: DISAGREE for k in "rst" if k in persons}
    assert ({"r", "s", "t"} <= persons) == (policy != "exclude_entirely")
    result = count(TV17_UNITS, answers, proc=proc)
    assert (result.totals.area, result.totals.owners) == (sqm(totals[0]), totals[1])
    assert participation(result) == quorum
    assert result.quorum_met
    assert support(result) == approval
    assert result.status == status


TV20_UNITS = [unit("U1", 200, "u1")] + [unit(f"U{i}", 50, f"u{i}") for i in (2, 3, 4, 5)]
TV20_UNITS += [unit("U6", 100, "u6"), unit("U7", 100, "u7")]


def test_tv20_bidders_without_double_majority_give_no_decision():
    answers = {f"u{i}": ["X"] for i in (2, 3, 4, 5)} | {"u1": ["Y"], "u6": ["Y"], "u7": ["Z"]}
    result = count(TV20_UNITS, answers, kind="selection", options=("X", "Y", "Z"))
    assert (result.totals.area, result.totals.owners) == (sqm(600), 7)
    assert participation(result) == (1, 1)
    assert support(result, "X") == (F(1, 3), F(4, 7))
    assert support(result, "Y") == (F(1, 2), F(2, 7))
    assert not any(opt.passed for opt in result.options)
    assert result.status == "no_decision"
    assert result.winners == ()


def test_tv21_one_bidder_selected():
    answers = {f"u{i}": ["X"] for i in (1, 2, 3, 4)} | {"u5": ["Y"], "u6": ["Y"], "u7": ["Z"]}
    result = count(TV20_UNITS, answers, kind="selection", options=("X", "Y", "Z"))
    assert support(result, "X") == (F(7, 12), F(4, 7))
    assert support(result, "Y") == (F(1, 4), F(2, 7))
    assert support(result, "Z") == (F(1, 6), F(1, 7))
    assert [opt.passed for opt in result.options] == [True, False, False]
    assert result.status == "selected"
    assert result.winners == ("X",)


@pytest.mark.parametrize(
    ("merge", "persons"),
    [
        ("exact_owner_set", {"A": 100, "A+B": 100, "C": 100}),
        ("merge_if_any_common_owner", {"A+B": 200, "C": 100}),
    ],
)
def test_tv22_mixed_ownership_sets(merge, persons):
    units = [unit("U1", 100, "A"), unit("U2", 100, "A", "B"), unit("U3", 100, "C")]
    built = build_persons(units, procedure(owner_merge=merge))
    assert {p.key: p.area for p in built} == {k: sqm(v) for k, v in persons.items()}
    assert roster_totals(built).owners == len(persons)
    assert roster_totals(built).units == 3
