"""What the audit log says about a meeting (its timeline, the ballot entries it logged), and
the record of wrong identity checks that the anomaly checks read."""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from flask import has_request_context, request
from sqlalchemy import func, select

from voting.audit.models import AuditEvent
from voting.db import db, utcnow
from voting.meetings.models import Credential, Meeting
from voting.supervision.models import IdentityCheckFailure

#: Events that come once per ballot or entry: counted on the timeline, not listed.
BULK_EVENTS = ("ballot.cast", "paper.entered", "paper.discarded", "proxy.recorded",
               "credential.revoked", "credential.locked",
               "roster.error_reported", "roster.error_resolved", "objection.filed")  # fmt: skip


@dataclass
class TimelineEntry:
    """One event of a meeting's timeline."""

    seq: int
    at: datetime
    type: str
    actor: str
    data: dict


def _naming(meeting: Meeting):
    """Events of the meeting's community whose data names the meeting."""
    return select(AuditEvent).where(
        AuditEvent.community_id == meeting.community_id,
        AuditEvent.data["meeting_id"].as_integer() == meeting.id,
    )


def event_time(text: str) -> datetime:
    """An event's RFC 3339 UTC time as an aware datetime."""
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def meeting_events(meeting: Meeting, types: tuple[str, ...]) -> list[AuditEvent]:
    """The meeting's events of the given types, in order."""
    query = _naming(meeting).where(AuditEvent.type.in_(types)).order_by(AuditEvent.seq)
    return list(db.session.scalars(query))


def closed_seq(meeting: Meeting) -> int | None:
    """The seq of the last ``meeting.closed`` event, if the meeting was closed."""
    query = _naming(meeting).where(AuditEvent.type == "meeting.closed")
    return db.session.scalar(query.with_only_columns(func.max(AuditEvent.seq)))


def logged_ballot_entries(meeting: Meeting) -> Counter:
    """How often each board-entry hash was logged by ``ballot.cast`` for the meeting."""
    query = _naming(meeting).where(AuditEvent.type == "ballot.cast")
    rows = db.session.scalars(query.with_only_columns(AuditEvent.data))
    return Counter(data.get("entry") for data in rows)


def meeting_timeline(meeting: Meeting) -> tuple[list[TimelineEntry], dict[str, int]]:
    """The meeting's events in order, and how many of each per-ballot event there were."""
    rows = db.session.scalars(
        _naming(meeting).where(AuditEvent.type.not_in(BULK_EVENTS)).order_by(AuditEvent.seq)
    )
    entries = [TimelineEntry(e.seq, event_time(e.at), e.type, e.actor, e.data) for e in rows]
    counts = dict(
        db.session.execute(
            _naming(meeting)
            .where(AuditEvent.type.in_(BULK_EVENTS))
            .with_only_columns(AuditEvent.type, func.count())
            .group_by(AuditEvent.type)
        ).all()
    )
    return entries, counts


def note_failed_check(credential: Credential, **extra: object) -> None:
    """Keep a wrong identity check with a keyed hash of the client's address (receiver of
    voting.ballots.services.identity_check_failed)."""
    from voting.ballots.services import source_hash

    address = request.remote_addr if has_request_context() else None
    now = extra.get("now")
    db.session.add(
        IdentityCheckFailure(
            meeting_id=credential.meeting_id,
            community_id=credential.community_id,
            credential_id=credential.id,
            source_hash=source_hash(address),
            failed_at=now if isinstance(now, datetime) else utcnow(),
        )
    )
    db.session.flush()
