"""The result document's matters from a bulletin board (FORMATS §3, §4), and its numbers."""

import copy

import pytest

from voting.rules import (
    BoardError,
    Procedure,
    fmt_area,
    fmt_ratio,
    lot_ticket,
    matters_from_board,
    parse_area,
)

PROCEDURE = Procedure(parking_policy="include").document_dict()


def matter(mid, kind="motion", options=("agree", "disagree"), category="ordinary", **extra):
    return {
        "id": mid,
        "title": f"事项 {mid}",
        "category": category,
        "kind": kind,
        "seats": 1,
        "alternates": 0,
        "minimum": 0,
        "options": [{"id": o, "label": o.upper()} for o in options],
    } | extra


def entry(n, area, answers, channel="online", owners=1):
    return {
        "receipt": f"{n:032x}",
        "channel": channel,
        "area": area,
        "owners": owners,
        "answers": answers,
    }


def roster(owners, area, units=None):
    return {"units": units or owners, "owners": owners, "area": area, "snapshot_hash": "ab" * 32}


# TV-01 as a board: six owners, o6 did not vote.
TV01_BOARD = [
    entry(1, "100.00", {"m1": ["agree"]}),
    entry(2, "100.00", {"m1": ["agree"]}, channel="paper"),
    entry(3, "80.00", {"m1": ["agree"]}),
    entry(4, "120.00", {"m1": ["disagree"]}, channel="proxy"),
    entry(5, "100.00", {"m1": ["agree"]}),
]


def test_motion_matter_is_rendered_exactly():
    [doc] = matters_from_board(PROCEDURE, roster(6, "600.00"), [matter("m1")], TV01_BOARD)
    assert doc == {
        "id": "m1",
        "title": "事项 m1",
        "category": "ordinary",
        "kind": "motion",
        "seats": 1,
        "alternates": 0,
        "minimum": 0,
        "options": [{"id": "agree", "label": "AGREE"}, {"id": "disagree", "label": "DISAGREE"}],
        "rule": {"quorum": "2/3", "approval": "1/2", "approval_strict": True},
        "participation": {
            "owners": 5,
            "area": "500.00",
            "owners_ratio": "5/6",
            "area_ratio": "5/6",
            "quorum_met": True,
        },
        "tally": [
            {
                "id": "agree",
                "owners": 4,
                "area": "380.00",
                "owners_ratio": "4/5",
                "area_ratio": "19/25",
                "passed": True,
            },
            {
                "id": "disagree",
                "owners": 1,
                "area": "120.00",
                "owners_ratio": "1/5",
                "area_ratio": "6/25",
                "passed": False,
            },
        ],
        "abstain": {"owners": 0, "area": "0.00"},
        "invalid": {"owners": 0, "area": "0.00"},
        "outcome": {"status": "passed", "winners": ["agree"], "alternates": []},
    }


def test_special_rule_and_abstentions_and_invalid_ballots():
    board = [
        entry(1, "100.00", {"m": ["agree"]}),
        entry(2, "100.00", {"m": ["agree"]}),
        entry(3, "100.00", {"m": ["agree"]}),
        entry(4, "100.00", {"m": []}),
        entry(5, "100.00", {"m": "invalid"}, channel="paper"),
    ]
    [doc] = matters_from_board(
        PROCEDURE, roster(5, "500.00"), [matter("m", category="special")], board
    )
    assert doc["rule"] == {"quorum": "2/3", "approval": "3/4", "approval_strict": False}
    assert doc["abstain"] == {"owners": 1, "area": "100.00"}
    assert doc["invalid"] == {"owners": 1, "area": "100.00"}
    assert doc["participation"]["owners"] == 5
    assert doc["tally"][0]["owners_ratio"] == "3/5"
    assert doc["outcome"]["status"] == "rejected"

    dropped = dict(PROCEDURE, invalid_counts_as_participation=False)
    [doc] = matters_from_board(
        dropped, roster(5, "500.00"), [matter("m", category="special")], board
    )
    assert doc["invalid"] == {"owners": 1, "area": "100.00"}
    assert doc["participation"]["owners_ratio"] == "4/5"
    assert doc["tally"][0]["area_ratio"] == "3/4"
    assert doc["outcome"]["status"] == "passed"


def test_selection_matter_tv21():
    areas = ["200.00", "50.00", "50.00", "50.00", "50.00", "100.00", "100.00"]
    picks = ["X", "X", "X", "X", "Y", "Y", "Z"]
    board = [entry(i, a, {"s": [p]}) for i, (a, p) in enumerate(zip(areas, picks, strict=True))]
    sel = matter("s", kind="selection", options=("X", "Y", "Z"))
    [doc] = matters_from_board(PROCEDURE, roster(7, "600.00"), [sel], board)
    assert [(t["id"], t["owners_ratio"], t["area_ratio"], t["passed"]) for t in doc["tally"]] == [
        ("X", "4/7", "7/12", True),
        ("Y", "2/7", "1/4", False),
        ("Z", "1/7", "1/6", False),
    ]
    assert doc["outcome"] == {"status": "selected", "winners": ["X"], "alternates": []}


TV19_ANSWERS = [["A", "B", "X"]] * 3 + [["A", "B", "Y"]] * 3 + [["Y", "A", "X"]] * 2


def election_matter(**extra):
    return (
        matter("e", kind="election", options=("A", "B", "X", "Y"), seats=3, alternates=1, minimum=3)
        | extra
    )


def test_election_tie_and_lot_seed():
    board = [entry(i, "100.00", {"e": a}) for i, a in enumerate(TV19_ANSWERS)]
    [doc] = matters_from_board(PROCEDURE, roster(8, "800.00"), [election_matter()], board)
    assert doc["outcome"] == {"status": "tie_unresolved", "winners": ["A", "B"], "alternates": []}
    assert [t["owners"] for t in doc["tally"]] == [8, 6, 5, 5]

    lot = dict(PROCEDURE, tie_resolution="lot")
    seeded = election_matter(outcome={"lot_seed": "draw-1"})
    [doc] = matters_from_board(lot, roster(8, "800.00"), [seeded], board)
    first, second = sorted(["X", "Y"], key=lambda c: lot_ticket("draw-1", c))
    assert doc["outcome"] == {
        "status": "elected",
        "winners": ["A", "B", first],
        "alternates": [second],
        "lot_seed": "draw-1",
    }


def test_lot_seed_is_shown_only_when_the_lot_decided():
    board = [entry(i, "100.00", {"e": ["A", "B", "X"]}) for i in range(4)]
    lot = dict(PROCEDURE, tie_resolution="lot")
    seeded = election_matter(outcome={"lot_seed": "unused"})
    [doc] = matters_from_board(lot, roster(4, "400.00"), [seeded], board)
    assert doc["outcome"] == {"status": "elected", "winners": ["A", "B", "X"], "alternates": []}


def test_zero_participation_gives_zero_ratios():
    matters = [matter("m1"), election_matter()]
    board = [entry(1, "0.00", {})]
    docs = matters_from_board(PROCEDURE, roster(3, "300.00"), matters, board)
    for doc in docs:
        assert doc["participation"] == {
            "owners": 0,
            "area": "0.00",
            "owners_ratio": "0/1",
            "area_ratio": "0/1",
            "quorum_met": False,
        }
        assert {t["owners_ratio"] for t in doc["tally"]} == {"0/1"}
        assert {t["area_ratio"] for t in doc["tally"]} == {"0/1"}
        assert doc["outcome"] == {"status": "no_quorum", "winners": [], "alternates": []}


def test_several_matters_in_one_pass_and_generators_work():
    board = (
        entry(i, "100.00", {"m1": ["agree"], "m2": ["disagree"]} if i % 2 else {"m1": []})
        for i in range(6)
    )
    docs = matters_from_board(PROCEDURE, roster(6, "600.00"), [matter("m1"), matter("m2")], board)
    assert [d["participation"]["owners"] for d in docs] == [6, 3]
    assert docs[0]["abstain"]["owners"] == 3
    assert docs[1]["outcome"]["status"] == "no_quorum"


def test_inputs_are_not_changed():
    matters = [election_matter(outcome={"lot_seed": "s"})]
    board = [entry(i, "100.00", {"e": a}) for i, a in enumerate(TV19_ANSWERS)]
    before = copy.deepcopy((matters, board))
    matters_from_board(PROCEDURE, roster(8, "800.00"), matters, board)
    assert (matters, board) == before


@pytest.mark.parametrize(
    ("bad", "problem"),
    [
        ({"answers": {"m9": ["agree"]}}, "unknown matter"),
        ({"area": "100.5"}, "two decimals"),
        ({"area": 100}, "not a string"),
        ({"area": "1,00.00"}, "two decimals"),
        ({"owners": 2}, "is not 1"),
        ({"owners": True}, "is not 1"),
        ({"channel": "fax"}, "channel"),
        ({"answers": {"m1": ["yes"]}}, "UNKNOWN_OPTION"),
        ({"answers": {"m1": ["agree", "agree"]}}, "REPEATED_OPTION"),
        ({"answers": {"m1": ["agree", "disagree"]}}, "TOO_MANY_CHOICES"),
        ({"answers": {"m1": "agree"}}, "ANSWER_MALFORMED"),
        ({"answers": {"m1": {"agree": True}}}, "malformed"),
        ({"answers": {"m1": [["agree"]]}}, "answer"),
        ({"answers": ["m1"]}, "answers is not an object"),
    ],
)
def test_malformed_entries_name_the_receipt(bad, problem):
    board = [entry(1, "100.00", {"m1": ["agree"]}), entry(2, "100.00", {"m1": ["agree"]}) | bad]
    with pytest.raises(BoardError) as caught:
        matters_from_board(PROCEDURE, roster(6, "600.00"), [matter("m1")], board)
    assert caught.value.receipt == f"{2:032x}"
    assert problem in str(caught.value)


def test_duplicate_receipts_and_missing_fields():
    board = [entry(1, "100.00", {}), entry(1, "100.00", {})]
    with pytest.raises(BoardError, match="twice"):
        matters_from_board(PROCEDURE, roster(6, "600.00"), [matter("m1")], board)
    no_area = entry(3, "100.00", {})
    del no_area["area"]
    with pytest.raises(BoardError) as caught:
        matters_from_board(PROCEDURE, roster(6, "600.00"), [matter("m1")], [no_area])
    assert caught.value.receipt == f"{3:032x}"


def test_more_entries_than_the_roster_is_refused():
    board = [entry(i, "100.00", {"m1": ["agree"]}) for i in range(3)]
    with pytest.raises(BoardError, match="PARTICIPATION_EXCEEDS_ROSTER"):
        matters_from_board(PROCEDURE, roster(2, "600.00"), [matter("m1")], board)


@pytest.mark.parametrize(
    "bad_matter",
    [
        matter("m1", kind="referendum"),
        matter("m1", options=("yes", "no")),
        {k: v for k, v in matter("m1").items() if k != "title"},
        matter("m1", options=()) | {"options": [{"id": "agree"}]},
        matter("m1", seats="1"),
    ],
)
def test_malformed_matters_are_refused(bad_matter):
    with pytest.raises(BoardError):
        matters_from_board(PROCEDURE, roster(6, "600.00"), [bad_matter], [])


def test_roster_and_matter_ids_are_checked():
    with pytest.raises(BoardError):
        matters_from_board(PROCEDURE, {"owners": 6, "area": "600"}, [matter("m1")], [])
    with pytest.raises(BoardError, match="share an id"):
        matters_from_board(PROCEDURE, roster(6, "600.00"), [matter("m1"), matter("m1")], [])


@pytest.mark.parametrize(
    ("area", "text"), [(0, "0.00"), (5, "0.05"), (123450, "1234.50"), (100, "1.00")]
)
def test_fmt_and_parse_area(area, text):
    assert fmt_area(area) == text
    assert parse_area(text) == area


@pytest.mark.parametrize(
    "text", ["1.5", "1.500", "-1.00", " 1.00", "1.00\n", ".50", "1", "1e2", "١.٠٠", "+1.00", ""]
)
def test_parse_area_is_strict(text):
    with pytest.raises(ValueError):
        parse_area(text)


@pytest.mark.parametrize("value", [-1, True, "100"])
def test_fmt_area_refuses_non_areas(value):
    with pytest.raises(ValueError):
        fmt_area(value)


@pytest.mark.parametrize(
    ("num", "den", "text"),
    [(4, 6, "2/3"), (0, 0, "0/1"), (0, 5, "0/1"), (6, 6, "1/1"), (21880, 30600, "547/765")],
)
def test_fmt_ratio(num, den, text):
    assert fmt_ratio(num, den) == text
