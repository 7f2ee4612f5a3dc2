"""Deciding matters from totals (a secret ballot's decrypted counts) by the same rules as a
count of the board in the clear: the same MATTER for random boards, and counts no board can
give are refused."""

import random

import pytest

from voting.rules import BoardError, Procedure, matters_from_board, matters_from_totals
from voting.rules.numbers import fmt_area, parse_area

PROCEDURE = Procedure(parking_policy="include").document_dict()


def matter(mid, kind="motion", options=("agree", "disagree"), seats=1, **extra):
    return {
        "id": mid,
        "title": f"事项 {mid}",
        "category": extra.pop("category", "ordinary"),
        "kind": kind,
        "seats": seats,
        "alternates": extra.pop("alternates", 0),
        "minimum": extra.pop("minimum", 0),
        "options": [{"id": o, "label": o.upper()} for o in options],
    } | extra


MATTERS = [
    matter("m1"),
    matter("m2", "selection", ("1", "2", "3", "4"), category="special"),
    matter("m3", "election", ("1", "2", "3", "4", "5", "6"), seats=3, alternates=1, minimum=3),
]


def random_board(rng, voters):
    entries = []
    for n in range(voters):
        answers = {}
        for m in MATTERS:
            roll = rng.random()
            if roll < 0.1:
                continue
            if roll < 0.14:
                answers[m["id"]] = "invalid"
                continue
            ids = [o["id"] for o in m["options"]]
            most = m["seats"] if m["kind"] == "election" else 1
            # Mostly the first options, so that outcomes vary and some pass.
            weights = [len(ids) - i for i in range(len(ids))]
            chosen = set()
            for _ in range(rng.randint(0, most)):
                chosen.add(rng.choices(ids, weights)[0])
            answers[m["id"]] = sorted(chosen)
        entries.append(
            {
                "receipt": f"{n:032x}",
                "channel": "online",
                "area": fmt_area(rng.randint(2000, 20000)),
                "owners": 1,
                "answers": answers,
            }
        )
    return entries


def counts_of(entries):
    """Participation and per-slot counts, as a secret ballot's decryption gives them."""
    participation, counts = {}, {}
    for m in MATTERS:
        p = {"valid_owners": 0, "valid_area": 0, "invalid_owners": 0, "invalid_area": 0}
        slots = {o["id"]: {"owners": 0, "area": 0} for o in m["options"]}
        slots["abstain"] = {"owners": 0, "area": 0}
        for entry in entries:
            answer = entry["answers"].get(m["id"])
            area = parse_area(entry["area"])
            if answer is None:
                continue
            if answer == "invalid":
                p["invalid_owners"] += 1
                p["invalid_area"] += area
                continue
            p["valid_owners"] += 1
            p["valid_area"] += area
            for slot in answer or ["abstain"]:
                slots[slot]["owners"] += 1
                slots[slot]["area"] += area
        participation[m["id"]], counts[m["id"]] = p, slots
    return participation, counts


@pytest.mark.parametrize("seed", range(25))
def test_totals_decide_exactly_as_the_board(seed):
    rng = random.Random(seed)
    voters = rng.randint(0, 60)
    owners = voters + rng.randint(0, 30)
    entries = random_board(rng, voters)
    total_area = sum(parse_area(e["area"]) for e in entries) + rng.randint(0, 300_000)
    roster = {"units": owners, "owners": owners, "area": fmt_area(total_area)}
    participation, counts = counts_of(entries)
    expected = matters_from_board(PROCEDURE, roster, MATTERS, entries)
    assert matters_from_totals(PROCEDURE, roster, MATTERS, participation, counts) == expected
    with_totals = matters_from_totals(
        PROCEDURE,
        roster,
        MATTERS,
        participation,
        counts,
        {m["id"]: {"x": m["id"]} for m in MATTERS},
    )
    assert [m.pop("totals") for m in with_totals] == [{"x": "m1"}, {"x": "m2"}, {"x": "m3"}]
    assert with_totals == expected


def test_the_outcomes_vary_over_the_random_boards():
    statuses = set()
    for seed in range(25):
        rng = random.Random(seed)
        voters = rng.randint(0, 60)
        entries = random_board(rng, voters)
        roster = {
            "units": voters + 1,
            "owners": voters + 1,
            "area": fmt_area(sum(parse_area(e["area"]) for e in entries) + 100),
        }
        participation, counts = counts_of(entries)
        for m in matters_from_totals(PROCEDURE, roster, MATTERS, participation, counts):
            statuses.add(m["outcome"]["status"])
    assert {"passed", "rejected", "no_quorum"} <= statuses


def _good():
    rng = random.Random(7)
    entries = random_board(rng, 40)
    roster = {"units": 50, "owners": 50, "area": "9999.00"}
    participation, counts = counts_of(entries)
    return roster, participation, counts


@pytest.mark.parametrize(
    "change",
    [
        lambda p, c: c["m1"]["agree"].__setitem__("owners", c["m1"]["agree"]["owners"] + 1),
        lambda p, c: c["m2"]["abstain"].__setitem__("area", c["m2"]["abstain"]["area"] + 1),
        lambda p, c: c["m3"]["abstain"].__setitem__("owners", p["m3"]["valid_owners"] + 1),
        lambda p, c: c["m3"]["1"].__setitem__("owners", p["m3"]["valid_owners"] + 1),
        lambda p, c: c["m3"]["2"].__setitem__("area", -1),
        lambda p, c: c["m3"]["2"].__setitem__("area", True),
        lambda p, c: c["m2"].pop("abstain"),
        lambda p, c: c["m2"].__setitem__("5", {"owners": 0, "area": 0}),
        lambda p, c: p["m1"].pop("invalid_area"),
        lambda p, c: p["m1"].__setitem__("valid_owners", 51),
        lambda p, c: c.pop("m3"),
    ],
)
def test_counts_no_board_gives_are_refused(change):
    roster, participation, counts = _good()
    matters_from_totals(PROCEDURE, roster, MATTERS, participation, counts)
    change(participation, counts)
    with pytest.raises(BoardError):
        matters_from_totals(PROCEDURE, roster, MATTERS, participation, counts)
