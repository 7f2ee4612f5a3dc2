"""What the secret-ballot tests and benchmarks compare the encrypted count with: the rules of
procedure their boards are counted under, and the count of the plaintext choices."""

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from voting.crypto.ballot2 import ABSTAIN

#: The rules of procedure of the test and benchmark boards (a tie goes to a runoff).
PROCEDURE = {
    "parking_policy": "include",
    "invalid_counts_as_participation": True,
    "ranking_rule": "HEAD_THEN_AREA",
    "tie_resolution": "runoff",
    "notice_rule": "CLEAR_15",
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
