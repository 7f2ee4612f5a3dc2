"""What the crypto tests and benchmarks build on: the rules of procedure their boards are
counted under, a result document of a board, and the count of plaintext choices that the
secret-ballot tests compare the encrypted count with."""

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from voting.crypto.audit import GENESIS
from voting.crypto.ballot2 import ABSTAIN
from voting.crypto.merkle import board_root
from voting.rules.document import matters_from_board

#: The rules of procedure of the test and benchmark boards (a tie goes to a runoff).
PROCEDURE = {
    "parking_policy": "include",
    "invalid_counts_as_participation": True,
    "ranking_rule": "HEAD_THEN_AREA",
    "tie_resolution": "runoff",
    "notice_rule": "CLEAR_15",
}


def result_document(
    names: tuple[str, str, str],
    roster: dict[str, Any],
    matters: Sequence[Mapping[str, Any]],
    entries: Sequence[Mapping[str, Any]],
    events: Sequence[Mapping[str, Any]],
    closed_at: str,
    issued_at: str,
) -> dict[str, Any]:
    """A gongyi-result/1 document of meeting mtg-1 counted under PROCEDURE: the community's,
    office's and meeting's ``names``, the matters counted from the board ``entries`` and the
    audit log's head after ``events``."""
    community, office, title = names
    procedure = dict(PROCEDURE)
    return {
        "format": "gongyi-result/1",
        "community": {"id": "c-1", "name": community},
        "office": {"id": "o-1", "name": office},
        "meeting": {
            "id": "mtg-1",
            "title": title,
            "noticed_at": "2024-05-01T00:00:00Z",
            "opened_at": "2024-05-20T00:00:00Z",
            "closed_at": closed_at,
        },
        "procedure": procedure,
        "roster": roster,
        "matters": matters_from_board(procedure, roster, matters, entries),
        "board": {"entries": len(entries), "merkle_root": board_root(entries)},
        "audit": {"seq": len(events), "head": events[-1]["hash"] if events else GENESIS},
        "issued_at": issued_at,
    }


def plain_counts(
    matters: Sequence[Mapping[str, Any]], votes: Iterable[tuple[str, Mapping[str, Any]]]
) -> dict[str, dict[str, dict[str, int]]]:
    """The counts of plaintext choices, per matter, slot and dimension (owners, area in
    hundredths). ``votes`` gives each entry's area ("95.50") and its answers by matter id;
    an empty answer counts under ABSTAIN, "invalid" and a missing answer under no slot."""
    votes = list(votes)
    counts: dict[str, dict[str, dict[str, int]]] = {}
    for matter in matters:
        slots = {o["id"]: {"owners": 0, "area": 0} for o in matter["options"]}
        slots[ABSTAIN] = {"owners": 0, "area": 0}
        for area_text, answers in votes:
            answer = answers.get(matter["id"])
            if answer is None or answer == "invalid":
                continue
            area = int(area_text.replace(".", ""))
            for slot in answer or [ABSTAIN]:
                slots[slot]["owners"] += 1
                slots[slot]["area"] += area
        counts[matter["id"]] = slots
    return counts
