"""Committee elections: TV-18 under every ranking rule, TV-19 ties, lots, alternates, minimum."""

import hashlib
from fractions import Fraction as F

import pytest

from voting.rules import (
    MatterSpec,
    RosterTotals,
    explain,
    lot_ticket,
    sum_of_ratios,
    tally_matter,
)
from voting.rules.election import elect

from .support import count, flats, participation, procedure, sqm, support, unit

CANDIDATES = ("A", "B", "C", "D", "E")
TV18 = [
    ("U1", 60, "ABC"),
    ("U2", 60, "ABC"),
    ("U3", 60, "ABD"),
    ("U4", 60, "ABD"),
    ("U5", 160, "ACD"),
    ("U6", 160, "ACD"),
    ("U7", 160, "ABD"),
    ("U8", 100, "BE"),
    ("U9", 100, "CE"),
    ("U10", 80, None),
]


def tv18(ranking_rule: str, **spec: object):
    units = [unit(uid, area, f"o{uid[1:]}") for uid, area, _ in TV18]
    answers = {f"o{uid[1:]}": list(picks) for uid, _, picks in TV18 if picks}
    spec = {"seats": 3, "alternates": 3, "minimum": 3} | spec
    return count(
        units,
        answers,
        kind="election",
        options=CANDIDATES,
        proc=procedure(ranking_rule=ranking_rule),
        **spec,
    )


def test_tv18_candidate_results():
    result = tv18("HEAD_THEN_AREA")
    assert (result.totals.area, result.totals.owners) == (sqm(1000), 10)
    assert (result.p_area, result.p_head) == (sqm(920), 9)
    assert participation(result) == (F(23, 25), F(9, 10))
    expected = {
        "A": (7, 720, F(18, 23), F(7, 9)),
        "B": (6, 500, F(25, 46), F(2, 3)),
        "C": (5, 540, F(27, 46), F(5, 9)),
        "D": (5, 600, F(15, 23), F(5, 9)),
        "E": (2, 200, F(5, 23), F(2, 9)),
    }
    for cid, (head, area, area_ratio, head_ratio) in expected.items():
        opt = result.option(cid)
        assert (opt.head, opt.area) == (head, sqm(area))
        assert support(result, cid) == (area_ratio, head_ratio)
        assert opt.passed == (cid != "E")


@pytest.mark.parametrize(
    ("rule", "elected", "alternates"),
    [
        ("HEAD_THEN_AREA", ("A", "B", "D"), ("C",)),
        ("AREA_THEN_HEAD", ("A", "D", "C"), ("B",)),
        ("SUM_OF_RATIOS", ("A", "B", "D"), ("C",)),
    ],
)
def test_tv18_ranking_rules_elect_different_people(rule, elected, alternates):
    result = tv18(rule)
    assert result.status == "elected"
    assert result.winners == elected
    assert result.alternates == alternates
    assert "E" not in result.winners + result.alternates
    assert not result.lot_used


def test_tv18_sum_of_ratios_values():
    result = tv18("SUM_OF_RATIOS")
    values = {
        o.id: sum_of_ratios(o.area, o.head, result.p_area, result.p_head) for o in result.options
    }
    assert values["A"] == F(323, 207)
    assert values["B"] == F(167, 138)
    assert values["D"] == F(250, 207)
    assert values["C"] == F(473, 414)


def test_tv18_alternate_cap_limits_alternates():
    assert tv18("HEAD_THEN_AREA", alternates=0).alternates == ()
    assert tv18("AREA_THEN_HEAD", alternates=0).winners == ("A", "D", "C")


TV19 = {f"o{i}": ["A", "B", "X"] for i in (1, 2, 3)}
TV19 |= {f"o{i}": ["A", "B", "Y"] for i in (4, 5, 6)}
TV19 |= {"o7": ["A", "X", "Y"], "o8": ["A", "X", "Y"]}


def tv19(proc=None, **spec: object):
    spec = {"seats": 3} | spec
    options = ("A", "B", "X", "Y")
    return count(flats(8), TV19, kind="election", options=options, proc=proc, **spec)


@pytest.mark.parametrize("rule", ["HEAD_THEN_AREA", "AREA_THEN_HEAD", "SUM_OF_RATIOS"])
def test_tv19_tie_at_the_last_seat_is_not_broken_silently(rule):
    result = tv19(procedure(ranking_rule=rule), alternates=1)
    assert participation(result) == (1, 1)
    assert support(result, "A") == (1, 1)
    assert support(result, "B") == (F(3, 4), F(3, 4))
    assert support(result, "X") == support(result, "Y") == (F(5, 8), F(5, 8))
    assert all(opt.passed for opt in result.options)
    assert result.status == "tie_unresolved"
    assert result.winners == ("A", "B")
    assert result.alternates == ()
    assert set(result.tied) == {"X", "Y"}
    assert result.tie_at == "seat"
    assert any("决选" in line for line in explain(result))


def test_tv19_lot_without_a_seed_stays_unresolved():
    result = tv19(procedure(tie_resolution="lot"), alternates=1)
    assert result.status == "tie_unresolved"
    assert not result.lot_used


def test_tv19_runoff_setting_ignores_a_seed():
    result = tv19(procedure(), alternates=1, lot_seed="seed")
    assert result.status == "tie_unresolved"


@pytest.mark.parametrize("seed", ["2024-06-20 street office draw", "seed-b", "seed-c", "x"])
def test_tv19_lot_with_seed_resolves_deterministically(seed):
    def ticket(option_id: str) -> str:
        return hashlib.sha256(f"{seed}\n{option_id}".encode()).hexdigest()

    first, second = sorted(["X", "Y"], key=ticket)
    result = tv19(procedure(tie_resolution="lot"), alternates=1, lot_seed=seed)
    assert lot_ticket(seed, "X") == ticket("X")
    assert result.status == "elected"
    assert result.winners == ("A", "B", first)
    assert result.alternates == (second,)
    assert result.lot_used
    assert set(result.tied) == {"X", "Y"}
    assert any(seed in line for line in explain(result, "en"))
    assert tv19(procedure(tie_resolution="lot"), alternates=1, lot_seed=seed) == result


def election(support_by_candidate: dict, voters: int, **spec: object):
    """Tally an election from (head, area in m²) support totals built of single-choice ballots."""
    votes = []
    for cid, (head, area) in support_by_candidate.items():
        votes += [(sqm(area) // head, 1, [cid])] * head
    used = sum(h for h, _ in support_by_candidate.values())
    votes += [(sqm(10), 1, [])] * (voters - used)
    totals = RosterTotals(units=voters, owners=voters, area=sum(v[0] for v in votes))
    options = tuple(support_by_candidate)
    proc = spec.pop("proc", procedure())
    matter = MatterSpec("e", "ordinary", "election", options, **spec)
    return tally_matter(matter, totals, votes, proc)


def test_tie_at_the_alternate_boundary():
    # A fills the seat; B1 and B2 rank equal and straddle the single alternate place.
    passing = [("A", 900, 9), ("B1", 600, 6), ("B2", 600, 6)]
    spec = {"seats": 1, "alternates": 1, "minimum": 0, "ranking_rule": "HEAD_THEN_AREA"}
    result = elect(passing, 1000, 10, lot_seed=None, **spec)
    assert result.status == "tie_unresolved"
    assert result.tie_at == "alternate"
    assert result.winners == ("A",)
    assert result.alternates == ()
    assert set(result.tied) == {"B1", "B2"}
    drawn = elect(passing, 1000, 10, lot_seed="s", **spec)
    assert drawn.status == "elected"
    assert drawn.alternates == (min(["B1", "B2"], key=lambda c: lot_ticket("s", c)),)
    assert drawn.lot_used and drawn.tie_at == "alternate"


def test_tie_above_the_boundary_leaves_winners_strictly_above():
    passing = [("A", 900, 9), ("B", 700, 7), ("C1", 600, 6), ("C2", 600, 6), ("C3", 600, 6)]
    spec = {"seats": 3, "alternates": 2, "minimum": 0, "ranking_rule": "AREA_THEN_HEAD"}
    result = elect(passing, 1000, 10, lot_seed=None, **spec)
    assert (result.status, result.winners, result.tied) == (
        "tie_unresolved",
        ("A", "B"),
        ("C1", "C2", "C3"),
    )
    drawn = elect(passing, 1000, 10, lot_seed="draw", **spec)
    order = sorted(["C1", "C2", "C3"], key=lambda c: lot_ticket("draw", c))
    assert drawn.winners == ("A", "B", order[0])
    assert drawn.alternates == tuple(order[1:])
    assert drawn.status == "elected"


def test_equal_candidates_inside_the_seats_are_no_tie():
    votes = [(100, 1, ["A", "B", "C"])] * 3 + [(100, 1, ["C"])]
    spec = MatterSpec("e", "ordinary", "election", ("A", "B", "C"), seats=3)
    result = tally_matter(spec, RosterTotals(4, 4, 400), votes, procedure())
    assert result.status == "elected"
    assert result.winners == ("C", "A", "B")


def test_too_few_passing_candidates_do_not_form_the_committee():
    votes = [(100, 1, ["A", "B"])] * 3 + [(100, 1, ["C"])] * 2
    spec = MatterSpec("e", "ordinary", "election", ("A", "B", "C"), seats=3, minimum=3)
    result = tally_matter(spec, RosterTotals(5, 5, 500), votes, procedure())
    assert [o.passed for o in result.options] == [True, True, False]
    assert result.status == "committee_not_formed"
    assert result.winners == ("A", "B")
    assert "当选 2 人，少于法定最低人数 3 人，委员会未能组成" in explain(result)


def test_some_seats_filled_while_reaching_the_minimum_is_elected():
    votes = [(100, 1, ["A", "B", "C"])] * 3 + [(100, 1, ["D"])] * 2
    spec = MatterSpec("e", "ordinary", "election", ("A", "B", "C", "D"), seats=5, minimum=3)
    result = tally_matter(spec, RosterTotals(5, 5, 500), votes, procedure())
    assert result.status == "elected"
    assert result.winners == ("A", "B", "C")


def test_no_passing_candidate_forms_no_committee_even_without_minimum():
    votes = [(100, 1, ["A"]), (100, 1, ["B"])]
    spec = MatterSpec("e", "ordinary", "election", ("A", "B"), seats=1)
    result = tally_matter(spec, RosterTotals(2, 2, 200), votes, procedure())
    assert result.status == "committee_not_formed"
    assert result.winners == ()


def test_over_vote_is_an_invalid_ballot():
    votes = [(100, 1, ["A", "B"])] * 2 + [(100, 1, ["A", "B", "C"])]
    spec = MatterSpec("e", "ordinary", "election", ("A", "B", "C"), seats=2)
    counted = tally_matter(spec, RosterTotals(3, 3, 300), votes, procedure())
    assert (counted.invalid_head, counted.invalid_area, counted.p_head) == (1, 100, 3)
    assert counted.option("C").head == 0
    assert counted.winners == ("A", "B")
    proc = procedure(invalid_counts_as_participation=False)
    dropped = tally_matter(spec, RosterTotals(3, 3, 300), votes, proc)
    assert (dropped.p_head, dropped.invalid_head) == (2, 1)


def test_seat_tie_is_checked_before_the_minimum():
    votes = [(100, 1, b) for b in (["A", "B"], ["A", "B"], ["A", "C"], ["A", "C"], ["B", "C"])]
    spec = MatterSpec("e", "ordinary", "election", ("A", "B", "C"), seats=2, minimum=3)
    result = tally_matter(spec, RosterTotals(5, 5, 500), votes, procedure())
    assert support(result, "B") == support(result, "C") == (F(3, 5), F(3, 5))
    assert result.status == "tie_unresolved"
    assert result.winners == ("A",)


def test_candidates_that_fail_the_threshold_never_fill_seats():
    result = election({"A": (3, 300), "B": (1, 100)}, voters=4, seats=3, alternates=3)
    assert result.winners == ("A",)
    assert result.alternates == ()
    assert not result.option("B").passed


@pytest.mark.parametrize(
    ("rule", "elected", "alternate"),
    [
        ("HEAD_THEN_AREA", ("A", "H"), "R"),
        ("AREA_THEN_HEAD", ("A", "R"), "H"),
        ("SUM_OF_RATIOS", ("A", "R"), "H"),
    ],
)
def test_ranking_rule_decides_who_takes_the_last_seat(rule, elected, alternate):
    # H has more heads than R (7 to 6), R more area (900 to 700); A leads on both.
    votes = [(100, 1, ["A", "H"])] * 4 + [(200, 1, ["A", "R"])] * 3 + [(100, 1, ["H", "R"])] * 3
    spec = MatterSpec("e", "ordinary", "election", ("A", "H", "R"), seats=2, alternates=1)
    result = tally_matter(spec, RosterTotals(10, 10, 1300), votes, procedure(ranking_rule=rule))
    assert [(o.head, o.area) for o in result.options] == [(7, 1000), (7, 700), (6, 900)]
    assert all(o.passed for o in result.options)
    assert result.winners == elected
    assert result.alternates == (alternate,)
