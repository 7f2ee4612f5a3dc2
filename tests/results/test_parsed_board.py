"""A published board read once for receipt look-ups: each entry from its place in the
canonical text, the leaf hashes of the Merkle tree; a text that is not canonical is read as
parsed entries instead."""

import json

from voting.crypto import canonical, leaf_hashes
from voting.results.public import _parse_board

ENTRIES = [
    {"receipt": f"{n:032x}", "channel": "online", "area": f"{80 + n}.50", "owners": 1,
     "answers": {"7": ["agree"] if n % 2 else {"ciphertexts": ["ab" * 66]}}}
    for n in range(5)
]  # fmt: skip


def test_entries_come_from_their_place_in_the_canonical_text():
    text = canonical({"format": "gongyi-board/2", "meeting_id": "3", "entries": ENTRIES})
    board = _parse_board(1, "h1", text.decode())
    assert board.parsed is None
    assert [board.entry(i) for i in range(5)] == ENTRIES
    assert board.leaves == leaf_hashes(ENTRIES)
    assert board.index[ENTRIES[3]["receipt"]] == 3


def test_a_text_that_is_not_canonical_is_read_as_parsed_entries():
    text = json.dumps({"entries": ENTRIES, "format": "gongyi-board/1", "meeting_id": "3"})
    board = _parse_board(2, "h2", text)
    assert board.parsed == ENTRIES
    assert [board.entry(i) for i in range(5)] == ENTRIES
    assert board.leaves == leaf_hashes(ENTRIES)
