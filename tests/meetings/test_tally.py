"""The count at close, on ballots inserted directly, reproduces DOMAIN.md's vectors."""

import pytest

from voting.db import db
from voting.meetings.models import Meeting
from voting.meetings.services import close_meeting
from voting.meetings.tally import board_entries, explain_meeting, matters_document, roster_document

from .conftest import CLOSES_AT, cast, one_building


def matter(kind, labels=(), category="ordinary", **extra):
    data = {"title": f"{kind} 事项", "category": category, "kind": kind, **extra}
    if labels:
        data["options"] = [{"label": label} for label in labels]
    return data


def run_vector(app, meetings, community, spec, answers):
    """Plan one matter, open, cast answers by owner key (labels for options), close."""
    meeting_id = meetings.planned(community, "open", matters=[spec])
    with app.app_context():
        doc = matters_document(db.session.get(Meeting, meeting_id))[0]
    code = {o["label"]: o["id"] for o in doc["options"]}
    code.update(agree="agree", disagree="disagree")

    def encode(answer):
        return answer if isinstance(answer, str) else [code[x] for x in answer]

    cast(app, meeting_id, {key: {doc["id"]: encode(a)} for key, a in answers.items()})
    meetings.run(lambda m: close_meeting(m, now=CLOSES_AT), meeting_id)
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        return meeting, meeting.tally[0], {o["id"]: o["label"] for o in doc["options"]}


def test_tv01_basic_pass(app, meetings, vector_community):
    community = vector_community(one_building([100, 100, 80, 120, 100, 100]))
    answers = {
        "o1": ["agree"],
        "o2": ["agree"],
        "o3": ["agree"],
        "o5": ["agree"],
        "o4": ["disagree"],
    }
    _, result, _ = run_vector(app, meetings, community, matter("motion"), answers)
    assert result["participation"] == {
        "owners": 5,
        "area": "500.00",
        "owners_ratio": "5/6",
        "area_ratio": "5/6",
        "quorum_met": True,
    }
    assert (
        result["tally"][0]["area_ratio"] == "19/25" and result["tally"][0]["owners_ratio"] == "4/5"
    )
    assert result["outcome"]["status"] == "passed"


def test_tv05_abstentions_reject_a_fee_change(app, meetings, vector_community):
    community = vector_community(one_building([100] * 6))
    answers = {
        "o1": ["agree"],
        "o2": ["agree"],
        "o3": ["agree"],
        "o4": ["disagree"],
        "o5": [],
        "o6": [],
    }
    meeting, result, _ = run_vector(app, meetings, community, matter("motion"), answers)
    assert result["abstain"] == {"owners": 2, "area": "200.00"}
    assert result["tally"][0]["owners_ratio"] == "1/2"
    assert result["outcome"]["status"] == "rejected"
    with app.app_context():
        lines = explain_meeting(db.session.get(Meeting, meeting.id))[result["id"]]
    assert lines[-1] == "本事项未获通过" and any("未超过二分之一" in line for line in lines)


def test_tv09_one_owner_with_several_units(app, meetings, vector_community):
    units = one_building([90, 90, 100, 100, 120], ["alice", "alice", "bob", "carol", "dan"])
    community = vector_community(units)
    answers = {"alice": ["agree"], "bob": ["agree"], "carol": ["disagree"]}
    meeting, result, _ = run_vector(app, meetings, community, matter("motion"), answers)
    with app.app_context():
        assert roster_document(db.session.get(Meeting, meeting.id))["owners"] == 4
    assert result["participation"]["area_ratio"] == "19/25"
    assert result["tally"][0]["area_ratio"] == "14/19"
    assert result["outcome"]["status"] == "passed"


def test_tv07_special_at_three_quarters(app, meetings, vector_community):
    community = vector_community(one_building([100] * 8))
    answers = {f"o{i}": ["agree"] for i in range(1, 7)} | {"o7": ["disagree"], "o8": ["disagree"]}
    spec = matter("motion", category="special")
    _, result, _ = run_vector(app, meetings, community, spec, answers)
    assert result["rule"] == {"quorum": "2/3", "approval": "3/4", "approval_strict": False}
    assert result["outcome"]["status"] == "passed"


@pytest.mark.parametrize(
    ("policy", "status"), [("include", "rejected"), ("exclude_entirely", "passed")]
)
def test_tv17_parking_policy(app, meetings, vector_community, policy, status):
    units = [
        ("1栋", "1", "100.00", "m"),
        ("1栋", "2", "100.00", "n"),
        ("1栋", "3", "100.00", "q"),
        ("车库", "P1", "15.00", "r", "车位"),
        ("车库", "P2", "15.00", "s", "车位"),
        ("车库", "P3", "15.00", "t", "车位"),
    ]
    community = vector_community(units, parking_policy=policy)
    answers = {"m": ["agree"], "n": ["agree"]}
    if policy == "include":
        answers |= {"r": ["disagree"], "s": ["disagree"], "t": ["disagree"]}
    _, result, _ = run_vector(app, meetings, community, matter("motion"), answers)
    assert result["outcome"]["status"] == status


def test_tv18_committee_election(app, meetings, vector_community):
    areas = [60, 60, 60, 60, 160, 160, 160, 100, 100, 80]
    community = vector_community(one_building(areas))
    approves = ["ABC", "ABC", "ABD", "ABD", "ACD", "ACD", "ABD", "BE", "CE"]
    answers = {f"o{i}": list(a) for i, a in enumerate(approves, start=1)}
    spec = matter("election", "ABCDE", seats=3, alternates=3)
    _, result, label = run_vector(app, meetings, community, spec, answers)
    assert result["minimum"] == 3
    assert result["participation"]["area_ratio"] == "23/25"
    assert [label[x] for x in result["outcome"]["winners"]] == ["A", "B", "D"]
    assert [label[x] for x in result["outcome"]["alternates"]] == ["C"]
    assert result["outcome"]["status"] == "elected"


@pytest.mark.parametrize(
    ("votes", "status", "winner"),
    [("YXXXXYZ", "no_decision", None), ("XXXXYYZ", "selected", "X")],
)
def test_tv20_tv21_property_firm_selection(app, meetings, vector_community, votes, status, winner):
    areas = [200, 50, 50, 50, 50, 100, 100]
    community = vector_community(one_building(areas))
    answers = {f"o{i}": [v] for i, v in enumerate(votes, start=1)}
    _, result, label = run_vector(app, meetings, community, matter("selection", "XYZ"), answers)
    assert result["outcome"]["status"] == status
    assert [label[x] for x in result["outcome"]["winners"]] == ([winner] if winner else [])


def test_board_entries_follow_formats(app, meetings, community):
    meeting_id = meetings.planned(community, "open", matters=[matter("motion")])
    from voting.meetings.models import Voter

    with app.app_context():
        keys = [v.person_key for v in db.session.query(Voter).filter(Voter.can_vote)][:3]
    cast(app, meeting_id, {keys[0]: {"1": ["agree"]}, keys[1]: {"1": "invalid"}, keys[2]: {}})
    with app.app_context():
        entries = board_entries(db.session.get(Meeting, meeting_id))
    assert [e["receipt"] for e in entries] == sorted(e["receipt"] for e in entries)
    assert all(set(e) == {"receipt", "channel", "area", "owners", "answers"} for e in entries)
    assert all(e["owners"] == 1 and len(e["receipt"]) == 32 for e in entries)
    assert sorted(e["area"] for e in entries)[0].count(".") == 1
