"""Exact boundaries: 0.01 m² (or one head) either side of 2/3, 1/2 and 3/4, area and heads apart."""

import pytest

from voting.rules import MatterSpec, RosterTotals, approval_met, quorum_met, tally_matter

from .support import AGREE, DISAGREE, procedure


def motion(category: str, totals: RosterTotals, votes: list):
    spec = MatterSpec("m", category, "motion", ("agree", "disagree"))
    return tally_matter(spec, totals, votes, procedure())


@pytest.mark.parametrize(("delta", "met"), [(-1, False), (0, True), (1, True)])
def test_quorum_area_at_two_thirds(delta, met):
    # Two of three persons vote (heads exactly 2/3); their area is 200.00 m² + delta cents.
    totals = RosterTotals(3, 3, 30000)
    votes = [(10000, 1, AGREE), (10000 + delta, 1, AGREE)]
    result = motion("ordinary", totals, votes)
    assert result.p_head * 3 == totals.owners * 2
    assert result.quorum_met is met
    assert result.status == ("passed" if met else "no_quorum")


@pytest.mark.parametrize(("voters", "met"), [(5, False), (6, True), (7, True)])
def test_quorum_heads_at_two_thirds(voters, met):
    # Nine persons; the voters hold far more than 2/3 of the area in every case.
    totals = RosterTotals(9, 9, 100000)
    votes = [(90000 // voters, 1, AGREE)] * voters
    result = motion("ordinary", totals, votes)
    assert 3 * result.p_area > 2 * totals.area
    assert result.quorum_met is met


@pytest.mark.parametrize(("delta", "passed"), [(-1, False), (0, False), (1, True)])
def test_ordinary_approval_area_more_than_half(delta, passed):
    # Heads approve 2 to 1; agreeing area is 100.00 m² + delta cents of 200.00 m².
    votes = [(5000, 1, AGREE), (5000 + delta, 1, AGREE), (10000 - delta, 1, DISAGREE)]
    result = motion("ordinary", RosterTotals(3, 3, 20000), votes)
    assert result.p_area == 20000
    assert result.option("agree").passed is passed


@pytest.mark.parametrize(("agree", "passed"), [(2, False), (3, False), (4, True)])
def test_ordinary_approval_heads_more_than_half(agree, passed):
    # Six voters; the agreeing ones hold 90% of the area in every case.
    votes = [(9000 // agree, 1, AGREE)] * agree + [(1000 // (6 - agree), 1, DISAGREE)] * (6 - agree)
    result = motion("ordinary", RosterTotals(6, 6, 10000), votes)
    assert 2 * result.option("agree").area > result.p_area
    assert result.option("agree").passed is passed


@pytest.mark.parametrize(("delta", "passed"), [(-1, False), (0, True), (1, True)])
def test_special_approval_area_three_quarters(delta, passed):
    # Heads approve 3 to 1; agreeing area is 300.00 m² + delta cents of 400.00 m².
    votes = [(10000, 1, AGREE), (10000, 1, AGREE), (10000 + delta, 1, AGREE)]
    votes.append((10000 - delta, 1, DISAGREE))
    result = motion("special", RosterTotals(4, 4, 40000), votes)
    assert result.option("agree").passed is passed
    assert result.status == ("passed" if passed else "rejected")


@pytest.mark.parametrize(("agree", "passed"), [(5, False), (6, True), (7, True)])
def test_special_approval_heads_three_quarters(agree, passed):
    votes = [(9000 // agree, 1, AGREE)] * agree + [(10, 1, DISAGREE)] * (8 - agree)
    result = motion("special", RosterTotals(8, 8, 10000), votes)
    assert 4 * result.option("agree").area >= 3 * result.p_area
    assert result.option("agree").passed is passed


def test_threshold_functions_agree_with_the_boundaries():
    assert quorum_met(2, 2, 3, 3) and not quorum_met(1999, 2, 3000, 3)
    assert approval_met("ordinary", 10001, 2, 20000, 3)
    assert not approval_met("ordinary", 10000, 2, 20000, 3)
    assert approval_met("special", 30000, 3, 40000, 4)
    assert not approval_met("special", 29999, 3, 40000, 4)


def test_nobody_taking_part_passes_nothing():
    result = motion("ordinary", RosterTotals(0, 0, 0), [])
    assert not result.quorum_met
    assert result.status == "no_quorum"
    assert not quorum_met(0, 0, 0, 0)
    assert not approval_met("ordinary", 0, 0, 0, 0)
