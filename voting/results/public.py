"""What the public pages show: figures in words and bars, the participant list, receipts.

The board and the participant list must not be joinable: the board (choices and weights,
no units) is in receipt order; the participant list (units, no choices) is in building and
unit order, and shows no areas unless the rules of procedure say ``publish_unit_areas``.
"""

import hashlib
import json
import re
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache

from sqlalchemy import select

from voting.audit.models import AuditEvent
from voting.audit.services import chain_name
from voting.ballots.models import Ballot
from voting.crypto import canonical, inclusion_proof
from voting.db import db
from voting.i18n import N_
from voting.meetings.models import Voter
from voting.results.models import Result, Revocation
from voting.rules import Procedure, explain
from voting.rules.published import matter_result

#: In zh-CN; the announcement shows them through _() (N_ puts them in the catalog).
CATEGORY_ZH = {"ordinary": N_("一般事项"), "special": N_("重大事项")}


@dataclass(frozen=True)
class ParsedBoard:
    """A published board, read once: each entry's place in the board's canonical text (an
    entry is parsed again from it when asked for), each receipt's position and the leaf
    hashes. The parsed entries are not kept: a secret meeting's take kilobytes each."""

    text: str
    spans: list[tuple[int, int]]
    index: dict[str, int]
    leaves: list[bytes]
    #: The entries themselves, for a board whose text is not canonical (never expected).
    parsed: list[dict] | None = None

    def entry(self, position: int) -> dict:
        """The entry at ``position``."""
        if self.parsed is not None:
            return self.parsed[position]
        start, end = self.spans[position]
        return json.loads(self.text[start:end])


@lru_cache(maxsize=8)
def _parse_board(result_id: int, document_hash: str, text: str) -> ParsedBoard:
    entries = json.loads(text)["entries"]
    index = {entry["receipt"]: i for i, entry in enumerate(entries)}
    # The board's text is canonical, {"entries":[E0,E1,...],...}: entry i is its own
    # canonical bytes at a place that follows from the lengths before it (checked).
    start, spans, leaves, canonical_text = len('{"entries":['), [], [], text.isascii()
    for entry in entries:
        encoded = canonical(entry)
        end = start + len(encoded)
        canonical_text = canonical_text and text[start:end] == encoded.decode("ascii")
        spans.append((start, end))
        leaves.append(hashlib.sha256(b"\x00" + encoded).digest())
        start = end + 1
    if not canonical_text or not text.startswith('{"entries":['):
        return ParsedBoard(text, spans, index, leaves, parsed=entries)
    return ParsedBoard(text, spans, index, leaves)


def parsed_board(result: Result) -> ParsedBoard:
    """The result's frozen board; published boards never change, so it is cached."""
    return _parse_board(result.id, result.document_hash, result.board_json)


def board_receipts(result: Result) -> dict[str, int]:
    """Receipt -> position on the result's board."""
    return parsed_board(result).index


@dataclass(frozen=True)
class ReceiptCheck:
    """A receipt found on the board: its entry, position and (optionally) inclusion proof."""

    entry: dict
    index: int
    size: int
    leaf: str
    proof: list[str]
    root: str


def check_receipt(result: Result, receipt: str, with_proof: bool = False) -> ReceiptCheck | None:
    """Find a receipt on the published board; None when it is not there."""
    board = parsed_board(result)
    index = board.index.get(receipt)
    if index is None:
        return None
    entry = board.entry(index)
    proof: list[str] = []
    if with_proof:
        proof = [node.hex() for node in inclusion_proof(board.leaves, index)]
    return ReceiptCheck(entry, index, len(board.leaves), board.leaves[index].hex(), proof,
                        result.merkle_root)  # fmt: skip


def participants(meeting_id: int) -> list[tuple[str, list[str], int]]:
    """Voters who took part: (building, unit labels, area), in building and unit order."""
    rows = db.session.execute(
        select(Voter.building, Voter.units, Voter.area)
        .join(Ballot, Ballot.voter_id == Voter.id)
        .where(Ballot.meeting_id == meeting_id)
    ).all()
    return sorted(((b, list(u), a) for b, u, a in rows), key=lambda row: _natural(row))


def _natural(row: tuple) -> list:
    text = " ".join([row[0], *row[1]])
    return [(0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"(\d+)", text)]


def percent(ratio: str) -> str:
    """A FORMATS ratio ("2/3") as a display percentage with two decimals ("66.67%")."""
    value = Fraction(ratio)
    hundredths = (value.numerator * 10000 * 2 + value.denominator) // (2 * value.denominator)
    return f"{hundredths // 100}.{hundredths % 100:02d}%"


def fraction_parts(ratio: str) -> tuple[int, int]:
    """Numerator and denominator of a ratio, for a <meter> bar (no floats)."""
    value = Fraction(ratio)
    return value.numerator, value.denominator


def matter_views(document: dict, lang: str) -> list[dict]:
    """Each matter of a published document with labels, percentages, bars and sentences."""
    procedure = Procedure.from_dict(document["procedure"])
    views = []
    for matter in document["matters"]:
        labels = {o["id"]: o["label"] for o in matter["options"]}
        part = matter["participation"]
        rows = [
            {**t, "label": labels.get(t["id"], t["id"]),
             "owners_pct": percent(t["owners_ratio"]), "area_pct": percent(t["area_ratio"]),
             "owners_bar": fraction_parts(t["owners_ratio"]),
             "area_bar": fraction_parts(t["area_ratio"])}
            for t in matter["tally"]
        ]  # fmt: skip
        outcome = matter["outcome"]
        views.append({
            "matter": matter,
            "participation": {
                **part, "owners_pct": percent(part["owners_ratio"]),
                "area_pct": percent(part["area_ratio"]),
                "owners_bar": fraction_parts(part["owners_ratio"]),
                "area_bar": fraction_parts(part["area_ratio"]),
            },
            "rows": rows,
            "winners": [labels.get(i, i) for i in outcome["winners"]],
            "alternates": [labels.get(i, i) for i in outcome["alternates"]],
            "sentences": explain(matter_result(matter, document["roster"], procedure), lang),
        })  # fmt: skip
    return views


def public_seq(community_id: int) -> int:
    """How far the community's audit chain is public: up to the last event a result names."""
    seqs = db.session.execute(
        select(Result.published_seq, Result.countersigned_seq).where(
            Result.community_id == community_id
        )
    ).all()
    revoked = db.session.scalars(
        select(Revocation.revoked_seq).where(Revocation.community_id == community_id)
    ).all()
    return max([*(max(p or 0, c or 0) for p, c in seqs), *revoked], default=0)


def audit_events(community_id: int, upto_seq: int | None = None) -> list[dict]:
    """The community's audit chain as published (FORMATS.md §5), up to ``upto_seq``."""
    query = (
        select(AuditEvent)
        .where(AuditEvent.chain == chain_name(community_id))
        .order_by(AuditEvent.seq)
    )
    if upto_seq is not None:
        query = query.where(AuditEvent.seq <= upto_seq)
    return [event.as_dict() for event in db.session.scalars(query)]
