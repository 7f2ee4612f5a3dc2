"""Owners' notes that the roster counts them wrongly, sent from their link to the committee."""

from datetime import datetime

from sqlalchemy import func, select

from voting.audit.services import record_event
from voting.ballots.errors import BallotError
from voting.ballots.models import RosterErrorReport
from voting.ballots.paper import require_committee
from voting.ballots.services import RESIDENT, Link, voter_keys
from voting.db import db, utcnow

MAX_REPORTS_PER_VOTER = 10


def report_roster_error(link: Link, message: str, now: datetime | None = None) -> RosterErrorReport:
    """Pass an owner's note that the roster counts them wrongly to the committee."""
    if link.state in ("unknown_token", "revoked", "voided"):
        raise link.error
    text = (message or "").strip()
    if not 1 <= len(text) <= 1000:
        raise BallotError(
            "report_length",
            "请写下哪里有误（最多 1000 字）。",
            "Say what is wrong (1 to 1000 characters).",
        )
    sent = db.session.scalar(
        select(func.count()).where(
            RosterErrorReport.meeting_id == link.meeting.id,
            RosterErrorReport.voter_id == link.voter.id,
        )
    )
    if sent >= MAX_REPORTS_PER_VOTER:
        raise BallotError(
            "too_many_reports",
            "您已多次报告，请直接联系业委会。",
            "You have reported many times: contact the committee directly.",
            status=429,
        )
    report = RosterErrorReport(
        **voter_keys(link.meeting, link.voter),
        message=text,
        reported_at=now or utcnow(),
    )
    db.session.add(report)
    db.session.flush()
    record_event(
        "roster.error_reported",
        {"meeting_id": link.meeting.id, "report_id": report.id},
        community_id=link.meeting.community_id,
        actor=RESIDENT,
    )
    return report


def resolve_roster_report(report: RosterErrorReport, user, now: datetime | None = None) -> None:
    """A committee member marks an owner's roster note as dealt with."""
    require_committee(
        user,
        report.community_id,
        "只有本小区业委会委员可以处理。",
        "Only members of this community's committee can do this.",
    )
    if report.resolved_at is not None:
        return
    report.resolved_at, report.resolved_by = now or utcnow(), f"user:{user.username}"
    db.session.flush()
    record_event(
        "roster.error_resolved",
        {"meeting_id": report.meeting_id, "report_id": report.id},
        community_id=report.community_id,
        actor=report.resolved_by,
    )
