"""Ballots, paper-ballot entries, proxies and refused conflicts."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from voting.db import Base, InCommunity, bigpk, intpk
from voting.meetings.models import OfMeeting

CHANNELS = ("online", "paper", "proxy")


class Ballot(InCommunity, Base):
    """The one counted ballot of a voter in a meeting, whatever its channel.

    The unique constraint on (meeting_id, voter_id) is what makes a second ballot impossible,
    under any concurrency.
    """

    __tablename__ = "ballots"
    __table_args__ = (
        UniqueConstraint("meeting_id", "voter_id"),
        UniqueConstraint("meeting_id", "receipt"),
        Index("ix_ballots_meeting_cast", "meeting_id", "cast_at"),
    )

    id: Mapped[bigpk]
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"))
    voter_id: Mapped[int] = mapped_column(ForeignKey("voters.id"))
    channel: Mapped[str] = mapped_column(String(8))
    #: 32 hex characters, unpredictable, shown to the voter (FORMATS.md §3).
    receipt: Mapped[str] = mapped_column(String(32))
    #: matter id -> list of option ids ([] abstains) or "invalid" (FORMATS.md §3 ANSWER).
    answers: Mapped[dict]
    #: matter id -> reason, for matters ruled invalid (unsigned, over-vote, co-owner conflict).
    invalid_reasons: Mapped[dict] = mapped_column(default=dict)
    cast_at: Mapped[datetime]
    #: "resident" for online ballots, else "user:<username>" of the confirming entry.
    entered_by: Mapped[str] = mapped_column(String(128))
    proxy_id: Mapped[int | None] = mapped_column(ForeignKey("proxy_authorisations.id"))
    #: Keyed hash of the client address (online ballots), for anomaly checks only.
    source_hash: Mapped[str | None] = mapped_column(String(32))
    #: The committee's help desk where the owner was assisted (online ballots), if any.
    desk_id: Mapped[int | None] = mapped_column(ForeignKey("help_desks.id"))
    #: When the ballot box or the collector received a paper or proxy ballot (the later of
    #: its two entries'); None for online ballots.
    received_at: Mapped[datetime | None]


class ProxyAuthorisation(OfMeeting, Base):
    """A written authorisation (委托书): agent, matters, scope and term, with its scan."""

    __tablename__ = "proxy_authorisations"

    id: Mapped[intpk]
    voter_id: Mapped[int] = mapped_column(ForeignKey("voters.id"))
    agent_name: Mapped[str] = mapped_column(String(100))
    #: Matter ids the authorisation covers; empty means all matters of the meeting.
    matters: Mapped[list] = mapped_column(default=list)
    #: The principal's instructions, if the authorisation gives any.
    instructions: Mapped[str] = mapped_column(Text, default="")
    valid_until: Mapped[datetime | None]
    file_name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    recorded_by: Mapped[str] = mapped_column(String(128))
    recorded_at: Mapped[datetime]


class PaperEntry(OfMeeting, Base):
    """One member's keying of a paper or proxy ballot; two matching entries make the ballot."""

    __tablename__ = "paper_entries"
    __table_args__ = (UniqueConstraint("meeting_id", "voter_id", "entered_by"),)

    id: Mapped[bigpk]
    voter_id: Mapped[int] = mapped_column(ForeignKey("voters.id"))
    channel: Mapped[str] = mapped_column(String(8))
    answers: Mapped[dict]
    invalid_reasons: Mapped[dict] = mapped_column(default=dict)
    proxy_id: Mapped[int | None] = mapped_column(ForeignKey("proxy_authorisations.id"))
    #: "user:<username>"; the second entry must come from a different member.
    entered_by: Mapped[str] = mapped_column(String(128))
    entered_at: Mapped[datetime]
    #: When the ballot box or the collector received the ballot, as this member keyed it.
    received_at: Mapped[datetime | None]
    #: pending, matched, mismatch or conflict.
    status: Mapped[str] = mapped_column(String(16), default="pending")
    ballot_id: Mapped[int | None] = mapped_column(ForeignKey("ballots.id"))


class BallotConflict(OfMeeting, Base):
    """A refused ballot: someone tried to vote again; listed for the committee, never merged."""

    __tablename__ = "ballot_conflicts"

    id: Mapped[bigpk]
    voter_id: Mapped[int] = mapped_column(ForeignKey("voters.id"))
    channel: Mapped[str] = mapped_column(String(8))
    attempted_by: Mapped[str] = mapped_column(String(128))
    attempted_at: Mapped[datetime]
    reason: Mapped[str] = mapped_column(String(300))


class RosterErrorReport(OfMeeting, Base):
    """An owner's note, sent from their link, that the roster counts them wrongly."""

    __tablename__ = "roster_error_reports"

    id: Mapped[intpk]
    voter_id: Mapped[int] = mapped_column(ForeignKey("voters.id"))
    message: Mapped[str] = mapped_column(Text)
    reported_at: Mapped[datetime]
    #: When a committee member marked the report as dealt with, and who.
    resolved_at: Mapped[datetime | None]
    resolved_by: Mapped[str | None] = mapped_column(String(128))


class HelpDesk(OfMeeting, Base):
    """A device where committee members help owners vote (e.g. at the clubhouse) during one
    meeting: it carries a signed, time-limited desk cookie; its ballots are marked assisted."""

    __tablename__ = "help_desks"

    id: Mapped[intpk]
    label: Mapped[str] = mapped_column(String(100))
    opened_by: Mapped[str] = mapped_column(String(128))
    opened_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    closed_by: Mapped[str | None] = mapped_column(String(128))
