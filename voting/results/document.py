"""The bulletin board (FORMATS.md §3) and the result document (§4) of a meeting.

Gongyi's extensions of DOC (FORMATS says extend, never rename; the verifier ignores members
it does not know, and every member is signed):

- ``"version"``: 1 for the first publication, +1 for each version that supersedes another;
- ``"preliminary"``: true while the objection period (异议期) of the rules of procedure runs;
- ``"objections"``: ``{"period_days", "closes_at"?, "filed", "answered"}``, the objections
  filed against earlier versions of this meeting's result and how many were answered;
- ``"supersedes"``: ``{"version", "document_hash", "reason"}`` of the version it replaces,
  where ``document_hash`` is SHA-256 of canonical(that DOC).

The matter definitions and roster come from ``voting.meetings.tally``; the matters
are counted from the frozen board by ``voting.rules.matters_from_board``, the very function
the offline verifier runs, so a published document always re-tallies. Where the rules of
procedure break ties by lot, the seed is the board's Merkle root: auditable, and unknown to
anyone until the last ballot is in (it is written in each election's ``outcome.lot_seed``).
"""

import hashlib
from datetime import datetime
from typing import Any

from voting.crypto import canonical
from voting.crypto.ballot2 import aggregate, decrypt
from voting.crypto.statement import SCHEME
from voting.errors import Refused
from voting.meetings.models import Meeting
from voting.meetings.tally import matters_document, roster_document, with_lot_seed
from voting.results.board import Board
from voting.rosters.models import Community
from voting.rules import Procedure, matters_from_board
from voting.rules.document import matters_from_totals
from voting.timeutil import rfc3339

RESULT_FORMAT = "gongyi-result/1"
#: A secret meeting's result (FORMATS §4.3): its board v2 and the decrypted totals.
SECRET_RESULT_FORMAT = "gongyi-result/2"


class DocumentError(Refused):
    """The meeting lacks what a result document needs (snapshot, procedure)."""


def meeting_procedure(meeting: Meeting) -> Procedure:
    """The rules of procedure frozen for the meeting."""
    if not meeting.procedure:
        raise DocumentError(f"meeting {meeting.id} has no frozen rules of procedure")
    return Procedure.from_dict(meeting.procedure)


def count_matters(meeting: Meeting, board: Board) -> list[dict]:
    """The MATTER list of DOC, counted from the frozen board (a secret meeting's from the
    trustees' decryptions of its totals, each MATTER with its ``totals``)."""
    if meeting.secret:
        return count_secret(meeting, board, board_aggregates(meeting, board), totals=True)
    procedure = meeting_procedure(meeting)
    # Lots, if the rules use them, are drawn with the board's root as the auditable seed:
    # nobody can know it before the last ballot is in.
    definitions = with_lot_seed(procedure, matters_document(meeting), board.merkle_root)
    return matters_from_board(procedure, _roster(meeting), definitions, board.entries)


def secret_definitions(meeting: Meeting) -> list[dict]:
    """A secret meeting's MATTER definitions (id, kind, seats, options): what its answers
    encrypt and its totals add up, slot by slot."""
    return matters_document(meeting, minimum=False)


def trustee_decryptions(meeting: Meeting, aggregates) -> list[dict]:
    """The stored TRUSTEE_DECRYPTIONs that decrypt exactly these aggregates."""
    digest = aggregates.digest()
    return [t.partials for t in meeting.trustees if t.partials and t.partials_for == digest]


def count_secret(meeting: Meeting, board: Board, aggregates, totals: bool) -> list[dict]:
    """The MATTER list of a secret meeting from the trustees' stored decryptions of its
    board's aggregates (voting.crypto.ballot2.decrypt, then the rules' matters_from_totals);
    with ``totals`` each MATTER carries its ciphertexts, counts and partials (result v2).
    Raises ValueError when fewer than k valid decryptions are stored."""
    procedure = meeting_procedure(meeting)
    decrypted = decrypt(
        meeting.joint_key, str(meeting.id), aggregates, trustee_decryptions(meeting, aggregates)
    )
    definitions = with_lot_seed(procedure, matters_document(meeting), board.merkle_root)
    members = {m["id"]: decrypted.totals_member(m["id"]) for m in definitions} if totals else None
    return matters_from_totals(
        procedure, _roster(meeting), definitions, aggregates.participation, decrypted.counts,
        members,
    )  # fmt: skip


#: Aggregates of recent boards in this process, by meeting, board root and joint key: a
#: closed board's sums are asked for by every look at the decryption page, each submission
#: and the publication, and adding up a large board takes seconds.
_AGGREGATES: dict[tuple[int, str, str, str], Any] = {}
_KEPT = 8


def board_aggregates(meeting: Meeting, board: Board):
    """The homomorphic totals of a secret meeting's board (voting.crypto.ballot2.aggregate);
    the proofs were checked when each ballot was cast. The Merkle root fixes the entries and
    the matters are frozen at the notice, so a board's sums are worked out once."""
    definitions = secret_definitions(meeting)
    key = (meeting.id, board.merkle_root, meeting.joint_key["public_key"],
           hashlib.sha256(canonical(definitions)).hexdigest())  # fmt: skip
    found = _AGGREGATES.get(key)
    if found is None:
        found = aggregate(str(meeting.id), definitions, board.entries, meeting.joint_key)
        while len(_AGGREGATES) >= _KEPT:
            _AGGREGATES.pop(next(iter(_AGGREGATES)))
        _AGGREGATES[key] = found
    return found


def encryption_member(meeting: Meeting) -> dict:
    """DOC's ``encryption`` member of result v2: the group, the joint key, the trustees."""
    return {
        "group": "secp256k1",
        "joint_key": meeting.joint_key,
        "trustees": [{"number": t.number, "kind": t.kind, "name": t.name}
                     for t in meeting.trustees],
    }  # fmt: skip


def _roster(meeting: Meeting) -> dict:
    try:
        return roster_document(meeting)
    except ValueError as error:
        raise DocumentError(str(error)) from None


def build_document(
    meeting: Meeting,
    community: Community,
    board: Board,
    matters: list[dict],
    audit: dict,
    extensions: dict,
    issued_at: datetime,
) -> dict:
    """Assemble DOC (FORMATS.md §4) with Gongyi's extensions; ids are strings."""
    office = community.office
    secret = {}
    if meeting.secret:
        secret = {
            "format": SECRET_RESULT_FORMAT,
            "board": {"format": "gongyi-board/2", "entries": len(board.entries),
                      "merkle_root": board.merkle_root},
            "encryption": encryption_member(meeting),
        }  # fmt: skip
    return {
        "format": RESULT_FORMAT,
        "community": {"id": str(community.id), "name": community.name},
        "office": {"id": str(office.id), "name": office.name},
        "meeting": {
            "id": str(meeting.id),
            "title": meeting.title,
            "noticed_at": rfc3339(meeting.announced_at),
            "opened_at": rfc3339(meeting.opened_at),
            "closed_at": rfc3339(meeting.closed_at),
        },
        "procedure": meeting_procedure(meeting).document_dict(),
        "roster": _roster(meeting),
        "matters": matters,
        "board": {"entries": len(board.entries), "merkle_root": board.merkle_root},
        "audit": audit,
        "issued_at": rfc3339(issued_at),
        # Every signature must then sign its role and time too (voting/crypto/statement.py).
        "signature_scheme": SCHEME,
        **secret,
        **extensions,
    }


def document_hash(doc: dict) -> str:
    """SHA-256 hex of canonical(DOC)."""
    return hashlib.sha256(canonical(doc)).hexdigest()
