"""Random meetings counted both ways: the same roster and ballots (online, paper and proxy,
invalid matters and abstentions included) in an open meeting, counted in the clear at the
close, and in a secret meeting, counted from the totals two of its three trustees decrypt
(voting.crypto.ballot2 with a test-made ceremony, voting.rules matters_from_totals). Every
figure and outcome is the same."""

import random

import pytest

from voting.db import db

from .drivers import DRIVERS
from .support import Unit, election, motion, selection
from .test_secret import decrypted_counts


def random_meeting(rng: random.Random):
    """A roster, matters and each owner's ballot: (channel, {matter index: labels|"invalid"})."""
    owners = rng.randint(6, 14)
    units = [
        Unit(f"{n}01", f"{rng.randint(40, 200)}.{rng.choice(['00', '50', '25'])}", f"o{n}")
        for n in range(1, owners + 1)
    ]
    candidates = ["赵一", "钱二", "孙三", "李四", "周五"]
    matters = [
        rng.choice(
            [motion("调整物业服务收费标准"), motion("改建、重建建筑物及其附属设施", "special")]
        ),
        selection("选聘物业服务企业", ["金盾物业", "银桥物业", "铜锣物业"]),
        election("选举业主委员会委员", candidates, seats=3, alternates=1),
    ]
    labels = [["同意", "反对"], ["金盾物业", "银桥物业", "铜锣物业"], candidates]
    most = [1, 1, 3]
    bias = rng.choice([1, 3, 3])  # how strongly owners prefer the first options
    ballots = {}
    for unit in units:
        roll = rng.random()
        if roll < 0.15:
            continue  # did not vote
        channel = "online" if roll < 0.65 else ("paper" if roll < 0.9 else "proxy")
        answers: dict = {}
        for index, options in enumerate(labels):
            part = rng.random()
            if part < 0.1:
                continue
            if part < 0.17 and channel != "online":
                answers[index] = "invalid"
                continue
            # Mostly the first options, so that outcomes vary and some pass.
            weights = [(len(options) - i) ** bias for i in range(len(options))]
            picks = rng.choice([0, *[most[index]] * 4, rng.randint(1, most[index])])
            chosen = {rng.choices(options, weights)[0] for _ in range(picks)}
            answers[index] = sorted(chosen, key=options.index)
        if answers:
            ballots[unit.key] = (channel, answers)
    return units, matters, ballots


def cast(app, make, kit, units, matters, ballots, secret: bool, tag: str):
    opened = kit.open(kit.community(units), matters, secret=secret)
    driver = DRIVERS["api"](app, make, kit, opened, names=(f"{tag}wang", f"{tag}li"))
    for owner, (channel, answers) in ballots.items():
        given = opened.answers({i: a for i, a in answers.items() if a != "invalid"})
        given |= {opened.matter_ids[i]: "invalid" for i, a in answers.items() if a == "invalid"}
        if channel == "online":
            driver.online(owner, given)
        else:
            driver.paper(owner, given, channel=channel)
    kit.close(opened)
    return opened


def without_ids(matters: list[dict], opened) -> list[dict]:
    """The MATTER list with matter and option ids replaced by their positions."""
    out = []
    for i, (matter, codes) in enumerate(zip(matters, opened.codes, strict=True)):
        assert matter["id"] == opened.matter_ids[i]
        names = {code: f"option {j}" for j, code in enumerate(codes.values())}
        outcome = matter["outcome"]
        out.append(
            matter
            | {"id": f"matter {i}"}
            | {
                key: [o | {"id": names[o["id"]]} for o in matter[key]]
                for key in ("options", "tally")
            }
            | {
                "outcome": outcome
                | {k: [names[x] for x in outcome[k]] for k in ("winners", "alternates")}
            }
        )
    return out


@pytest.mark.parametrize("seed", range(6))
def test_a_random_meeting_counts_the_same_secret_or_open(app, make, kit, seed):
    from voting.meetings.models import Meeting
    from voting.meetings.tally import (
        board_entries,
        board_root,
        matters_document,
        roster_document,
        with_lot_seed,
    )
    from voting.rules import Procedure
    from voting.rules.document import matters_from_totals

    units, matters, ballots = random_meeting(random.Random(seed))
    plain = cast(app, make, kit, units, matters, ballots, secret=False, tag="p")
    secret = cast(app, make, kit, units, matters, ballots, secret=True, tag="s")
    with app.app_context():
        clear = db.session.get(Meeting, plain.meeting_id).tally
        meeting = db.session.get(Meeting, secret.meeting_id)
        assert meeting.tally is None  # nothing counted in clear at the close
        entries = board_entries(meeting)
        counts, participation = decrypted_counts(meeting, entries, secret.shares)
        procedure = Procedure.from_dict(meeting.procedure)
        definitions = with_lot_seed(procedure, matters_document(meeting), board_root(entries))
        counted = matters_from_totals(
            procedure, roster_document(meeting), definitions, participation, counts
        )
    assert without_ids(counted, secret) == without_ids(clear, plain)
    print(
        "STATUSES",
        [m["outcome"]["status"] for m in clear],
        [m["participation"]["owners"] for m in clear],
    )
