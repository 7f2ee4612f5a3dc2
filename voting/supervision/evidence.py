"""The shape of an anomaly and its evidence, and the helpers every check uses."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select

from voting.db import db
from voting.meetings.models import Meeting, Voter

#: Evidence rows kept per anomaly; the counts always cover everything.
MAX_EVIDENCE = 50


@dataclass
class Evidence:
    """One fact behind an anomaly: when, whom it concerns (masked), and details."""

    at: datetime | None
    voter: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass
class Anomaly:
    """Something the office and the committee should look into, with what shows it."""

    code: str
    #: What it concerns: a voter's units, an address's short hash, an agent's masked name.
    subject: str
    counts: dict[str, int]
    first_at: datetime | None
    last_at: datetime | None
    evidence: list[Evidence]


def voter_label(voter: Voter | None) -> str | None:
    """Units and the masked name, e.g. ``1号楼 101（王*）``."""
    if voter is None:
        return None
    return f"{'、'.join(voter.units)}（{voter.display_name}）"


def short_source(source: str | None) -> str:
    """An address shown only as the first 8 characters of its keyed hash."""
    return (source or "")[:8] or "—"


def make_anomaly(code: str, subject: str, counts: dict, evidence: list[Evidence]) -> Anomaly:
    """An anomaly spanning its evidence's times, keeping the first MAX_EVIDENCE rows."""
    times = [e.at for e in evidence if e.at is not None]
    return Anomaly(
        code,
        subject,
        counts,
        min(times, default=None),
        max(times, default=None),
        evidence[:MAX_EVIDENCE],
    )


def voters_by_id(meeting: Meeting, ids: set[int]) -> dict[int, Voter]:
    """The meeting's voters with these ids, in one query."""
    if not ids:
        return {}
    rows = db.session.scalars(
        select(Voter).where(Voter.meeting_id == meeting.id, Voter.id.in_(ids))
    )
    return {v.id: v for v in rows}


def grouped(items, key) -> dict:
    """The items by ``key(item)``, in the order they come (keys in first-seen order)."""
    groups: dict = defaultdict(list)
    for item in items:
        groups[key(item)].append(item)
    return groups


def row_evidence(meeting: Meeting, rows, at: str, details) -> list[Evidence]:
    """One line of evidence a row (a ballot, a proxy): its time (attribute ``at``), its voter
    as the office may see them, and ``details(row)``."""
    voters = voters_by_id(meeting, {row.voter_id for row in rows})
    return [
        Evidence(getattr(row, at), voter_label(voters.get(row.voter_id)), details(row))
        for row in rows
    ]
