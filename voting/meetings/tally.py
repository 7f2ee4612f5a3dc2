"""The count of a meeting: its board (FORMATS §3), matters and roster as document parts (§4).

The results feature builds the signed result document from these same helpers, and the
count itself is ``voting.rules.document.matters_from_board``: the verifier's count.
"""

from typing import Any

from sqlalchemy import select

from voting.ballots.models import Ballot
from voting.crypto import leaf_hashes, merkle_root
from voting.db import db
from voting.meetings.models import Meeting, RosterSnapshot, Voter
from voting.rosters.services import households
from voting.rules.document import matters_from_board
from voting.rules.numbers import fmt_area, parse_area
from voting.rules.persons import RosterTotals
from voting.rules.procedure import Procedure
from voting.rules.process import committee_minimum
from voting.rules.tally import MatterSpec, explain, tally_matter


def snapshot_of(meeting: Meeting) -> RosterSnapshot | None:
    """The roster frozen when the meeting opened, if it has opened."""
    return db.session.scalar(select(RosterSnapshot).where(RosterSnapshot.meeting_id == meeting.id))


def board_format(meeting: Meeting) -> str:
    """The board's format: ``gongyi-board/2`` (answers encrypted) for a secret meeting."""
    return "gongyi-board/2" if meeting.secret else "gongyi-board/1"


def board_entries(meeting: Meeting) -> list[dict[str, Any]]:
    """The bulletin-board entries (FORMATS §3) of the meeting's ballots, sorted by receipt.

    For a secret meeting they are ``gongyi-board/2`` entries (FORMATS §3.1): the same members,
    the answers being what the ballots store, ``{matter id: ENC_ANSWER | "invalid"}``.
    """
    rows = db.session.execute(
        select(Ballot.receipt, Ballot.channel, Ballot.answers, Voter.area)
        .join(Voter, Voter.id == Ballot.voter_id)
        .where(Ballot.meeting_id == meeting.id)
        .order_by(Ballot.receipt)
    )
    entries = [
        {
            "receipt": receipt,
            "channel": channel,
            "area": fmt_area(area),
            "owners": 1,
            "answers": answers,
        }
        for receipt, channel, answers, area in rows
    ]
    # The database's collation need not be byte order; the board is sorted by code point.
    entries.sort(key=lambda entry: entry["receipt"])
    return entries


def matters_document(meeting: Meeting, minimum: bool = True) -> list[dict[str, Any]]:
    """The meeting's matters as result-document matters (id, title, ..., options)."""
    if minimum:
        snapshot = snapshot_of(meeting)
        count = snapshot.households if snapshot else households(meeting.community_id)
    out = []
    for matter in meeting.matters:
        entry = {
            "id": matter.public_id,
            "title": matter.title,
            "category": matter.category,
            "kind": matter.kind,
            "seats": matter.seats,
            "alternates": matter.alternates,
            "options": [{"id": o.code, "label": o.label} for o in matter.options],
        }
        if minimum:
            # A by-election or runoff fills seats of a committee already counted against
            # the minimum by the election it follows.
            elected = matter.kind == "election" and not matter.follows
            entry["minimum"] = committee_minimum(count) if elected else 0
        out.append(entry)
    return out


def board_root(entries: list[dict[str, Any]]) -> str:
    """The Merkle root (hex) of the board entries, as FORMATS §3 computes it."""
    return merkle_root(leaf_hashes(entries)).hex()


def with_lot_seed(
    procedure: Procedure, definitions: list[dict[str, Any]], root: str
) -> list[dict[str, Any]]:
    """Give each election the board's root as its lot seed when the rules draw lots.

    The seed is auditable and unknown to anyone until the last ballot is in; the close
    preview and the publication draw with the same seed, so they elect the same people.
    """
    if procedure.tie_resolution == "lot":
        for matter in definitions:
            if matter["kind"] == "election":
                matter["outcome"] = {"lot_seed": root}
    return definitions


def roster_document(meeting: Meeting) -> dict[str, Any]:
    """The frozen roster's totals as the result document's ``roster`` member."""
    snapshot = snapshot_of(meeting)
    if snapshot is None:
        raise ValueError(f"meeting {meeting.id} has no roster snapshot: it never opened")
    return {
        "units": snapshot.units,
        "owners": snapshot.owners,
        "area": fmt_area(snapshot.area),
        "snapshot_hash": snapshot.snapshot_hash,
    }


def preview_tally(meeting: Meeting) -> list[dict[str, Any]] | None:
    """The count of a closed meeting from its board, as the close keeps it; None for a secret
    meeting, whose board holds only ciphertexts: it is counted from its decrypted totals."""
    if meeting.secret:
        return None
    return tally_meeting(meeting)


def tally_meeting(meeting: Meeting) -> list[dict[str, Any]]:
    """Count the board under the frozen procedure: the result document's matters list.

    Only for a meeting whose ballots are not secret (see ``preview_tally``).
    """
    if meeting.secret:
        raise ValueError(f"meeting {meeting.id} is secret: its board cannot be counted in clear")
    procedure = Procedure.from_dict(meeting.procedure)
    entries = board_entries(meeting)
    definitions = with_lot_seed(procedure, matters_document(meeting), board_root(entries))
    return matters_from_board(procedure, roster_document(meeting), definitions, entries)


def explain_meeting(meeting: Meeting, lang: str = "zh") -> dict[str, list[str]]:
    """Sentences per matter id saying why each outcome came out as it did (options by label).

    Worked out from the plaintext board: none for a secret meeting.
    """
    if meeting.secret:
        return {}
    procedure = Procedure.from_dict(meeting.procedure)
    snapshot = snapshot_of(meeting)
    totals = RosterTotals(snapshot.units, snapshot.owners, snapshot.area)
    entries = board_entries(meeting)
    out = {}
    root = board_root(entries)
    for matter in with_lot_seed(procedure, matters_document(meeting), root):
        # Sentences name options: by label for people to read (labels are unique per matter).
        motion = matter["kind"] == "motion"
        label = {o["id"]: o["id"] if motion else o["label"] for o in matter["options"]}
        spec = MatterSpec(
            id=matter["id"],
            category=matter["category"],
            kind=matter["kind"],
            option_ids=tuple(label.values()),
            seats=matter["seats"],
            alternates=matter["alternates"],
            minimum=matter["minimum"],
            lot_seed=matter.get("outcome", {}).get("lot_seed")
            if matter["kind"] == "election"
            else None,
        )
        votes = [
            (parse_area(e["area"]), 1, _relabel(e["answers"][matter["id"]], label))
            for e in entries
            if matter["id"] in e["answers"]
        ]
        out[matter["id"]] = explain(tally_matter(spec, totals, votes, procedure), lang)
    return out


def _relabel(answer: Any, label: dict[str, str]) -> Any:
    return answer if isinstance(answer, str) else [label.get(choice, choice) for choice in answer]
