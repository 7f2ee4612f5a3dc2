"""Two secret meetings that differ only in one owner's choice (issue 15's acceptance test):
their boards differ only in that entry's ciphertexts and proofs, the participation and its
weights are the same, and the decrypted totals differ by that one vote's weight."""

import hashlib
import re

import pytest

from voting.db import db

from .drivers import DRIVERS
from .support import Unit, election, motion, selection
from .test_secret import decrypted_counts

UNITS = [Unit(f"{n}01", f"{80 + 10 * n}.00", f"o{n}") for n in range(1, 8)]
MATTERS = [
    motion("调整物业服务收费标准"),
    selection("选聘物业服务企业", ["金盾物业", "银桥物业", "铜锣物业"]),
    election("选举业主委员会委员", ["赵一", "钱二", "孙三", "李四", "周五"], seats=3, alternates=0),
]
HEX = re.compile(r"[0-9a-f]{64,}")


@pytest.fixture
def seeded_receipts(monkeypatch):
    """Receipts from a seeded generator, restarted for each meeting: the same casting order
    gives the same receipts."""
    state = {"n": 0}

    def new_receipt() -> str:
        state["n"] += 1
        return hashlib.sha256(f"receipt {state['n']}".encode()).hexdigest()[:32]

    from voting.ballots import services

    monkeypatch.setattr(services, "new_receipt", new_receipt)  # online and paper ballots alike
    return state


def run_meeting(app, make, kit, state, o2_choice: str, tag: str):
    """A secret meeting with online, paper and proxy ballots; o2 answers the motion with
    ``o2_choice``. Returns the opened meeting after the close."""
    state["n"] = 0
    opened = kit.open(kit.community(UNITS), MATTERS, secret=True)
    driver = DRIVERS["api"](app, make, kit, opened, names=(f"{tag}wang", f"{tag}li"))
    a = opened.answers
    driver.online("o1", a({0: ["同意"], 1: ["金盾物业"], 2: ["赵一", "钱二"]}))
    driver.online("o2", a({0: [o2_choice], 1: ["银桥物业"], 2: ["赵一"]}))
    driver.online("o3", a({0: [], 2: []}))
    driver.paper("o4", a({0: ["同意"], 1: ["金盾物业"], 2: ["孙三", "李四", "周五"]}))
    driver.paper("o5", {**a({0: ["反对"]}), opened.matter_ids[1]: "invalid"})
    driver.paper("o6", a({0: ["同意"], 1: ["铜锣物业"]}), channel="proxy")
    kit.close(opened)
    return opened


def normalised(value, names: dict[str, str]):
    """The value with ids renamed (meeting and matters by position) and every ciphertext,
    point and scalar replaced by its length: the board's shape and public members."""
    if isinstance(value, dict):
        return {names.get(k, k): normalised(v, names) for k, v in value.items()}
    if isinstance(value, list):
        return [normalised(v, names) for v in value]
    if isinstance(value, str) and HEX.fullmatch(value):
        return f"<{len(value)} hex>"
    return names.get(value, value) if isinstance(value, str) else value


def test_boards_differ_only_in_the_changed_entry_ciphertexts(app, make, kit, seeded_receipts):
    from voting.meetings.models import Meeting
    from voting.meetings.turnout import turnout
    from voting.results.board import read_board

    first = run_meeting(app, make, kit, seeded_receipts, "同意", "a")
    second = run_meeting(app, make, kit, seeded_receipts, "反对", "b")
    boards, figures, counts, participation = [], [], [], []
    for opened in (first, second):
        with app.app_context():
            meeting = db.session.get(Meeting, opened.meeting_id)
            board = read_board(meeting)
            boards.append(board.entries)
            shown = turnout(meeting)
            found, part = decrypted_counts(meeting, board.entries, opened.shares)
        for line in shown["matters"]:
            del line["id"]
        figures.append(shown)
        # By position: matter i, its options in order, then the abstention.
        counts.append(
            [
                [found[m][slot] for slot in [*codes.values(), "abstain"]]
                for m, codes in zip(opened.matter_ids, opened.codes, strict=True)
            ]
        )
        participation.append([part[m] for m in opened.matter_ids])
    one, two = boards
    # Same receipts, channels, areas and heads, entry by entry, and the same matters answered.
    public = [
        [{k: e[k] for k in ("receipt", "channel", "area", "owners")} for e in b] for b in boards
    ]
    assert public[0] == public[1]
    # Every answer has the same shape: nothing but ciphertexts and proofs could differ.
    assert normalised(one, {}) != one  # (the masking does mask)
    names_one = {m: f"matter {i}" for i, m in enumerate(first.matter_ids)}
    names_two = {m: f"matter {i}" for i, m in enumerate(second.matter_ids)}
    assert normalised(one, names_one) == normalised(two, names_two)
    # The participation, per matter and by building, with its weights, is the same.
    assert figures[0] == figures[1]
    assert participation[0] == participation[1]
    # The totals differ by o2's vote alone: one head and 100.00 m² moved on the motion.
    motion_one, motion_two = counts[0].pop(0), counts[1].pop(0)
    assert counts[0] == counts[1]
    (agree_1, disagree_1, abstain_1), (agree_2, disagree_2, abstain_2) = motion_one, motion_two
    assert agree_1["owners"] - agree_2["owners"] == 1 == disagree_2["owners"] - disagree_1["owners"]
    assert agree_1["area"] - agree_2["area"] == 10000 == disagree_2["area"] - disagree_1["area"]
    assert abstain_1 == abstain_2
