"""A small but complete published result, built by hand: a motion, a selection, an election."""

import copy
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.crypto.reference import result_document
from voting.crypto.audit import GENESIS, event_hash
from voting.crypto.keys import key_id, public_key_b64, sign_document

# Nine voters of a ten-owner roster (TV-18's election, plus a motion and a selection).
VOTERS = [
    # area, channel, motion, selection, election
    ("60.00", "online", ["agree"], ["x"], ["A", "B", "C"]),
    ("60.00", "online", ["agree"], ["x"], ["A", "B", "C"]),
    ("60.00", "paper", ["agree"], ["x"], ["A", "B", "D"]),
    ("60.00", "online", ["disagree"], ["y"], ["A", "B", "D"]),
    ("160.00", "proxy", ["agree"], ["x"], ["A", "C", "D"]),
    ("160.00", "online", ["agree"], ["x"], ["A", "C", "D"]),
    ("160.00", "online", ["agree"], ["y"], ["A", "B", "D"]),
    ("100.00", "paper", "invalid", ["z"], ["B", "E"]),
    ("100.00", "online", [], None, ["C", "E"]),
]

MATTERS = [
    {
        "id": "m1",
        "title": "续聘物业服务企业",
        "category": "ordinary",
        "kind": "motion",
        "seats": 1,
        "alternates": 0,
        "minimum": 0,
        "options": [{"id": "agree", "label": "同意"}, {"id": "disagree", "label": "反对"}],
    },
    {
        "id": "m2",
        "title": "选聘物业服务企业",
        "category": "ordinary",
        "kind": "selection",
        "seats": 1,
        "alternates": 0,
        "minimum": 0,
        "options": [
            {"id": "x", "label": "甲物业"},
            {"id": "y", "label": "乙物业"},
            {"id": "z", "label": "丙物业"},
        ],
    },
    {
        "id": "m3",
        "title": "选举业主委员会委员",
        "category": "ordinary",
        "kind": "election",
        "seats": 3,
        "alternates": 1,
        "minimum": 3,
        "options": [{"id": c, "label": f"候选人{c}"} for c in "ABCDE"],
    },
]


def make_board() -> dict[str, Any]:
    entries = []
    for number, (area, channel, motion, selection, election) in enumerate(VOTERS):
        answers = {"m1": motion, "m3": election}
        if selection is not None:
            answers["m2"] = selection
        receipt = hashlib.sha256(f"receipt {number}".encode()).hexdigest()[:32]
        entries.append(
            {"receipt": receipt, "channel": channel, "area": area, "owners": 1, "answers": answers}
        )
    entries.sort(key=lambda entry: entry["receipt"])
    return {"format": "gongyi-board/1", "meeting_id": "mtg-1", "entries": entries}


def make_audit(count: int) -> dict[str, Any]:
    events, prev = [], GENESIS
    for seq in range(1, count + 1):
        event = {
            "seq": seq,
            "at": f"2024-06-{seq:02d}T02:00:00Z",
            "type": "ballot.cast" if seq % 2 else "meeting.state",
            "actor": "committee:1" if seq % 2 else "system",
            "data": {"meeting": "mtg-1", "n": seq, "who": "王**"},
            "prev": prev,
        }
        event["hash"] = event_hash(event)
        prev = event["hash"]
        events.append(event)
    return {"format": "gongyi-audit/1", "events": events}


def make_document(board: dict[str, Any], audit: dict[str, Any], seq: int) -> dict[str, Any]:
    return result_document(
        ("观澜小区", "和平街道办事处", "2024年第一次业主大会会议"),
        {"units": 10, "owners": 10, "area": "1000.00", "snapshot_hash": "ab" * 32},
        MATTERS,
        board["entries"],
        audit["events"][:seq],
        closed_at="2024-06-03T10:00:00Z",
        issued_at="2024-06-04T01:00:00Z",
    )


def signed(doc: dict[str, Any], *keys: tuple[str, Ed25519PrivateKey]) -> dict[str, Any]:
    """Return {document, signatures} signed by (role, key) pairs."""
    signatures = []
    for role, key in keys:
        public = public_key_b64(key)
        signatures.append(
            {
                "role": role,
                "key_id": key_id(public),
                "public_key": public,
                "signature": sign_document(key, doc),
                "signed_at": "2024-06-04T01:00:00Z",
            }
        )
    return {"document": doc, "signatures": signatures}


@dataclass
class Published:
    """A published result with its board and audit log, and the keys that signed it."""

    result: dict[str, Any]
    board: dict[str, Any]
    audit: dict[str, Any]
    committee: Ed25519PrivateKey
    office: Ed25519PrivateKey
    directory: Path

    @property
    def doc(self) -> dict[str, Any]:
        return self.result["document"]

    def committee_b64(self) -> str:
        return public_key_b64(self.committee)

    @property
    def definitions(self) -> list[dict[str, Any]]:
        """The matters as planned, before the count."""
        return copy.deepcopy(MATTERS)

    def sign_as(self, *keys: tuple[str, Ed25519PrivateKey]) -> None:
        """Replace the signatures by those of the given (role, key) pairs."""
        self.result = signed(self.doc, *keys)

    def resign(self, *keys: tuple[str, Ed25519PrivateKey]) -> None:
        """Sign the (edited) document again, by the real keys unless others are given."""
        keys = keys or (("committee", self.committee), ("office", self.office))
        self.result = signed(self.doc, *keys)

    def files(self, *extra: str, board: bool = True, audit: bool = True) -> list[str]:
        """Write the three files and return verifier arguments."""
        args = [self._write("result.json", self.result)]
        if board:
            args += ["--board", self._write("board.json", self.board)]
        if audit:
            args += ["--audit", self._write("audit.json", self.audit)]
        return [*args, *extra]

    def _write(self, name: str, value: Any) -> str:
        path = self.directory / name
        path.write_text(json.dumps(value, ensure_ascii=False, indent=1), encoding="utf-8")
        return str(path)


@pytest.fixture
def published(tmp_path) -> Published:
    board, audit = make_board(), make_audit(8)
    doc = make_document(board, audit, seq=6)
    committee = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
    office = Ed25519PrivateKey.from_private_bytes(bytes(range(32, 64)))
    result = signed(doc, ("committee", committee), ("office", office))
    return Published(copy.deepcopy(result), board, audit, committee, office, tmp_path)
