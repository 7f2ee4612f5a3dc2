"""tally_matter input checks, answer classification, matter specs and explanations."""

import pytest

from voting.rules import (
    AnswerError,
    MatterSpec,
    RosterTotals,
    TallyError,
    explain,
    tally_matter,
)
from voting.rules.tally import classify_answer

from .support import ABSTAIN, AGREE, DISAGREE, INVALID, procedure

MOTION = MatterSpec("m1", "ordinary", "motion", ("agree", "disagree"))
SELECTION = MatterSpec("s1", "ordinary", "selection", ("X", "Y", "Z"))
ELECTION = MatterSpec("e1", "ordinary", "election", ("A", "B", "C", "D"), seats=3)
TOTALS = RosterTotals(10, 10, 100000)


@pytest.mark.parametrize(
    ("spec", "answer", "code"),
    [
        (MOTION, ["yes"], "UNKNOWN_OPTION"),
        (MOTION, ["agree", "disagree"], "TOO_MANY_CHOICES"),
        (MOTION, ["agree", "agree"], "REPEATED_OPTION"),
        (MOTION, "agree", "ANSWER_MALFORMED"),
        (MOTION, {"agree": 1}, "ANSWER_MALFORMED"),
        (MOTION, [1], "UNKNOWN_OPTION"),
        (MOTION, [["agree"]], "ANSWER_MALFORMED"),
        (SELECTION, ["X", "Y"], "TOO_MANY_CHOICES"),
        (SELECTION, ["W"], "UNKNOWN_OPTION"),
        (ELECTION, ["A", "A"], "REPEATED_OPTION"),
        (ELECTION, ["A", "E"], "UNKNOWN_OPTION"),
        (ELECTION, ["A", "B", "C", "D", "D"], "REPEATED_OPTION"),
    ],
)
def test_malformed_answers_are_errors(spec, answer, code):
    with pytest.raises(AnswerError) as caught:
        tally_matter(spec, TOTALS, [(100, 1, answer)], procedure())
    assert caught.value.code == code


@pytest.mark.parametrize(
    ("spec", "answer", "classified"),
    [
        (MOTION, AGREE, ("agree",)),
        (MOTION, ABSTAIN, ()),
        (MOTION, INVALID, None),
        (SELECTION, ("Y",), ("Y",)),
        (ELECTION, ["C", "A"], ("C", "A")),
        (ELECTION, ["A", "B", "C"], ("A", "B", "C")),
        (ELECTION, ["A", "B", "C", "D"], None),
    ],
)
def test_answers_are_classified(spec, answer, classified):
    assert classify_answer(spec, answer) == classified


def test_absent_answers_do_not_count():
    votes = [(100, 1, AGREE), (5000, 1, None)]
    result = tally_matter(MOTION, RosterTotals(2, 2, 5100), votes, procedure())
    assert (result.p_area, result.p_head) == (100, 1)


def test_grouped_votes_count_like_single_votes():
    single = [(100, 1, AGREE)] * 3 + [(250, 1, DISAGREE), (70, 1, ABSTAIN), (80, 1, INVALID)]
    grouped = [(300, 3, AGREE), (250, 1, DISAGREE), (70, 1, ABSTAIN), (80, 1, INVALID)]
    totals = RosterTotals(7, 7, 1000)
    assert tally_matter(MOTION, totals, single, procedure()) == tally_matter(
        MOTION, totals, grouped, procedure()
    )


def test_disagree_is_tallied_and_can_pass_too():
    votes = [(100, 1, DISAGREE)] * 3 + [(100, 1, AGREE)]
    result = tally_matter(MOTION, RosterTotals(4, 4, 400), votes, procedure())
    assert result.option("disagree").passed
    assert not result.option("agree").passed
    assert result.status == "rejected"


def test_more_ballots_than_the_roster_is_an_error():
    with pytest.raises(TallyError) as caught:
        tally_matter(MOTION, RosterTotals(1, 1, 100), [(100, 1, AGREE)] * 2, procedure())
    assert caught.value.code == "PARTICIPATION_EXCEEDS_ROSTER"
    with pytest.raises(TallyError):
        tally_matter(MOTION, RosterTotals(1, 1, 100), [(101, 1, AGREE)], procedure())


def test_negative_weights_are_an_error():
    with pytest.raises(TallyError) as caught:
        tally_matter(MOTION, TOTALS, [(-100, 1, AGREE)], procedure())
    assert caught.value.code == "NEGATIVE_WEIGHT"


@pytest.mark.parametrize(
    "fields",
    [
        {"category": "urgent"},
        {"kind": "poll"},
        {"option_ids": ("yes", "no")},
        {"kind": "selection", "option_ids": ("X", "X")},
        {"kind": "selection", "option_ids": ()},
        {"kind": "selection", "option_ids": ("X", "Y"), "seats": 2},
        {"kind": "election", "option_ids": ("A",), "seats": 0},
        {"kind": "election", "option_ids": ("A",), "alternates": -1},
        {"kind": "election", "option_ids": ("A",), "minimum": True},
        {"kind": "election", "option_ids": ("A", "")},
        {"id": ""},
    ],
)
def test_matter_spec_is_checked(fields):
    values = {"id": "m", "category": "ordinary", "kind": "motion"}
    values |= {"option_ids": ("agree", "disagree")} | fields
    with pytest.raises(TallyError) as caught:
        MatterSpec(**values)
    assert caught.value.code == "MATTER_SPEC_INVALID"


def test_explain_passed_motion_in_both_languages():
    votes = [(100, 1, AGREE)] * 5 + [(100, 1, DISAGREE)]
    result = tally_matter(MOTION, RosterTotals(6, 6, 600), votes, procedure())
    assert explain(result) == [
        "参与表决面积占比 1/1，达到三分之二",
        "参与表决人数占比 1/1，达到三分之二",
        "同意面积占比 5/6，超过二分之一",
        "同意人数占比 5/6，超过二分之一",
        "本事项表决通过",
    ]
    assert explain(result, "en")[-1] == "The matter is passed"
    assert explain(result, "en")[2] == "Agreeing area 5/6 is more than one half"


def test_explain_names_invalid_ballots_and_their_setting():
    votes = [(100, 1, AGREE)] * 2 + [(100, 1, INVALID)]
    counted = tally_matter(MOTION, RosterTotals(3, 3, 300), votes, procedure())
    assert "无效票 1 人、面积 1.00 平方米，计入参与表决" in explain(counted)
    dropped = procedure(invalid_counts_as_participation=False)
    result = tally_matter(MOTION, RosterTotals(3, 3, 300), votes, dropped)
    assert "1 invalid ballots (1.00 m²) do not count as participation" in explain(result, "en")


def test_explain_no_decision_names_the_follow_up():
    votes = [(100, 1, ["X"])] * 2 + [(100, 1, ["Y"])] * 2
    proc = procedure(selection_followup="runoff_top2")
    result = tally_matter(SELECTION, RosterTotals(4, 4, 400), votes, proc)
    assert result.status == "no_decision"
    assert "a runoff between the two leading options" in explain(result, "en")[-1]
    assert "多数票不足以当选" in explain(result)[-1]


def test_explain_nobody_took_part():
    result = tally_matter(MOTION, TOTALS, [], procedure())
    lines = explain(result, "en")
    assert lines[0] == "Nobody took part in this matter"
    assert lines[-1] == "Quorum not met: no valid decision on this matter"


def test_explain_rejects_unknown_language():
    result = tally_matter(MOTION, TOTALS, [], procedure())
    with pytest.raises(ValueError):
        explain(result, "fr")
