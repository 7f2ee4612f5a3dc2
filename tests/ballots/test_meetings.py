"""Whole meetings, voted through the pages and through the API, counted as DOMAIN.md says.

Each scenario rebuilds DOMAIN.md test vectors as a roster and ballots (online, paper and
proxy), closes the meeting and compares every figure of the tally with the vector.
"""

import pytest

from voting.db import db

from .drivers import DRIVERS
from .support import Unit, election, motion, selection, six_owners

ID_O1 = "110108198003030021"
PHONE_O3 = "13900000303"


def units_of(areas: list[str]) -> list[Unit]:
    return [Unit(f"{n}01", area, f"o{n}") for n, area in enumerate(areas, start=1)]


def firm_selection(votes: str, channels: dict[str, str], tally: dict, outcome: tuple) -> dict:
    """TV-20's and TV-21's meeting: on U1 200, U2-U5 50, U6 100 and U7 100, all seven owners
    choose among X, Y and Z (``votes``: o1's choice first), online unless ``channels`` says
    otherwise."""
    return {
        "units": units_of(["200.00", "50.00", "50.00", "50.00", "50.00", "100.00", "100.00"]),
        "verify": {},
        "matters": [selection("选聘物业服务企业", ["X", "Y", "Z"])],
        "ballots": {
            f"o{n}": (channels.get(f"o{n}", "online"), {0: [choice]})
            for n, choice in enumerate(votes, start=1)
        },
        "expected": [
            {
                "participation": (7, "600.00", "1/1", "1/1", True),
                "tally": tally,
                "abstain": (0, "0.00"),
                "outcome": outcome,
            }
        ],
    }


# Expected figures per matter: participation (owners, area, owners_ratio, area_ratio,
# quorum_met); per option label (owners, area, passed); abstentions (owners, area);
# outcome (status, winner labels, alternate labels).
SCENARIOS = {
    # The first meeting of an assembly on TV-01's roster (areas 100, 100, 80, 120, 100, 100).
    "first meeting": {
        "units": six_owners(o1={"id_number": ID_O1}, o3={"phone": PHONE_O3}),
        "verify": {"o1": "0021", "o3": "0303"},
        "matters": [
            motion("制定《业主大会议事规则》"),
            motion("制定《管理规约》"),
            election("选举第一届业主委员会委员", list("ABCDEFG"), seats=5, alternates=2),
        ],
        "ballots": {
            "o1": ("online", {0: ["同意"], 1: ["同意"], 2: list("ABCDE")}),
            "o2": ("online", {0: ["同意"], 1: ["同意"], 2: list("ABCDF")}),
            "o3": ("online", {0: ["同意"], 1: ["反对"], 2: list("ABCFG")}),
            "o4": ("online", {0: ["反对"], 1: ["反对"], 2: list("ABDEG")}),
            "o5": ("paper", {0: ["同意"], 1: [], 2: list("ACDFG")}),
        },
        "expected": [
            {  # TV-01: P 500/5 of 600/6; A 380/4 -> 19/25 and 4/5 -> passed.
                "participation": (5, "500.00", "5/6", "5/6", True),
                "tally": {"同意": (4, "380.00", True), "反对": (1, "120.00", False)},
                "abstain": (0, "0.00"),
                "outcome": ("passed", ["同意"], []),
            },
            {  # A 200/2 of P 500/5 -> 2/5 and 2/5 -> rejected; the abstention takes part.
                "participation": (5, "500.00", "5/6", "5/6", True),
                "tally": {"同意": (2, "200.00", False), "反对": (2, "200.00", False)},
                "abstain": (1, "100.00"),
                "outcome": ("rejected", [], []),
            },
            {  # Pass line: 3 heads and more than 250 m²; six pass for five seats and two
                # alternates; ranked by heads, then area: A, D, B, C, G elected, F alternate.
                "participation": (5, "500.00", "5/6", "5/6", True),
                "tally": {
                    "A": (5, "500.00", True),
                    "B": (4, "400.00", True),
                    "C": (4, "380.00", True),
                    "D": (4, "420.00", True),
                    "E": (2, "220.00", False),
                    "F": (3, "280.00", True),
                    "G": (3, "300.00", True),
                },
                "abstain": (0, "0.00"),
                "outcome": ("elected", ["A", "D", "B", "C", "G"], ["F"]),
            },
        ],
    },
    # TV-21: X gets U1-U4, Y U5 and U6, Z U7 -> X selected.
    "property firm selected": firm_selection(
        "XXXXYYZ",
        {"o3": "paper", "o6": "proxy"},
        tally={"X": (4, "350.00", True), "Y": (2, "150.00", False), "Z": (1, "100.00", False)},
        outcome=("selected", ["X"], []),
    ),
    # TV-20: X gets U2-U5, Y U1 and U6, Z U7 -> X has a plurality, no decision.
    "property firm not selected": firm_selection(
        "YXXXXYZ",
        {"o4": "paper"},
        tally={"X": (4, "200.00", False), "Y": (2, "300.00", False), "Z": (1, "100.00", False)},
        outcome=("no_decision", [], []),
    ),
    # TV-06: ten units of 100; o1-o5 agree, o6 disagrees, o7 and o8 abstain, o9 and o10 do
    # not vote -> participation 4/5, approval 5/8 -> the fee goes from 1.47 to 2.38.
    "fee change": {
        "units": units_of(["100.00"] * 10),
        "verify": {},
        "matters": [motion("物业服务费由 1.47 元/㎡·月调整为 2.38 元/㎡·月")],
        "ballots": {
            "o1": ("online", {0: ["同意"]}),
            "o2": ("online", {0: ["同意"]}),
            "o3": ("paper", {0: ["同意"]}),
            "o4": ("proxy", {0: ["同意"]}),
            "o5": ("online", {0: ["同意"]}),
            "o6": ("online", {0: ["反对"]}),
            "o7": ("online", {0: []}),
            "o8": ("paper", {0: []}),
        },
        "expected": [
            {
                "participation": (8, "800.00", "4/5", "4/5", True),
                "tally": {"同意": (5, "500.00", True), "反对": (1, "100.00", False)},
                "abstain": (2, "200.00"),
                "outcome": ("passed", ["同意"], []),
            }
        ],
    },
}


@pytest.mark.parametrize("driver", list(DRIVERS))
@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_whole_meeting(app, make, kit, scenario, driver):
    spec = SCENARIOS[scenario]
    # Owners confirm with their last four digits ("verify"): the one-time code is off here
    # (tests/messages/test_codes.py drives it).
    community_id = kit.community(spec["units"], one_time_code=False)
    opened = kit.open(community_id, spec["matters"], title=scenario)
    voter = DRIVERS[driver](app, make, kit, opened)
    receipts = {}
    for owner, (channel, choices) in spec["ballots"].items():
        answers = opened.answers(choices)
        if channel == "online":
            receipts[owner] = voter.online(owner, answers, spec["verify"].get(owner))
        else:
            receipts[owner] = voter.paper(owner, answers, channel)
    assert kit.counts()["ballots"] == len(spec["ballots"])
    check_receipts(app, opened, spec, receipts)
    matters = kit.close(opened)
    assert matters is not None, "the meeting did not tally"
    for index, (matter, expected) in enumerate(zip(matters, spec["expected"], strict=True)):
        check_matter(matter, expected, opened.codes[index])
    check_audit(app, opened, len(spec["ballots"]))


def check_receipts(app, opened, spec, receipts):
    """Each voter's receipt is on the ballot of that voter, with the channel used."""
    from sqlalchemy import select

    from voting.ballots.models import Ballot

    with app.app_context():
        rows = {b.voter_id: b for b in db.session.scalars(select(Ballot))}
    for owner, (channel, choices) in spec["ballots"].items():
        ballot = rows[opened.voter_ids[owner]]
        assert ballot.receipt == receipts[owner] and ballot.channel == channel
        assert ballot.answers == opened.answers(choices)


def check_matter(matter: dict, expected: dict, codes: dict[str, str]):
    labels = {code: label for label, code in codes.items()}
    participation = matter["participation"]
    assert (
        participation["owners"],
        participation["area"],
        participation["owners_ratio"],
        participation["area_ratio"],
        participation["quorum_met"],
    ) == expected["participation"]
    tally = {labels[t["id"]]: (t["owners"], t["area"], t["passed"]) for t in matter["tally"]}
    assert tally == expected["tally"]
    assert (matter["abstain"]["owners"], matter["abstain"]["area"]) == expected["abstain"]
    status, winners, alternates = expected["outcome"]
    outcome = matter["outcome"]
    assert outcome["status"] == status
    assert [labels[w] for w in outcome["winners"]] == winners
    assert [labels[a] for a in outcome["alternates"]] == alternates


def check_audit(app, opened, ballots: int):
    """The chain is unbroken and holds one anonymous ballot.cast event per ballot."""
    from sqlalchemy import select

    from voting.audit.models import AuditEvent
    from voting.audit.services import chain_name, verify_live_chain

    with app.app_context():
        assert verify_live_chain(chain_name(opened.community_id)) == []
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.type == "ballot.cast"))
        data = [event.data for event in events]
    assert len(data) == ballots
    assert all(set(d) == {"meeting_id", "channel", "entry"} for d in data)
