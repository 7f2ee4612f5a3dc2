"""Committee mandates (who holds committee powers for a community, and until when) and the
failed identity checks that the anomaly checks read."""

from datetime import date, datetime, timedelta

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from voting.db import Base, bigpk, intpk
from voting.timeutil import SHANGHAI

#: 筹备组, 物业管理委员会 (物管会), 业主委员会 (elected): the kinds of Community.committee_kind.
MANDATE_KINDS = ("preparatory_group", "management_committee", "owners_committee")


class CommitteeMandate(Base):
    """A body holding committee powers for a community: appointed by the office or elected.

    At most one mandate of a community is current (``ended_at`` unset). Members of an ended
    mandate who are not named by the current one lose their committee powers there.
    """

    __tablename__ = "committee_mandates"
    __table_args__ = (Index("ix_committee_mandates_community", "community_id", "ended_at"),)

    id: Mapped[intpk]
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    kind: Mapped[str] = mapped_column(String(32))
    #: Ids of the staff users (role committee) who act for the body.
    members: Mapped[list]
    #: The members who are owners' representatives (Beijing arts. 31 and 54).
    owner_reps: Mapped[list]
    #: The meeting whose published election result the committee comes from, if any.
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"))
    #: For a committee recorded from an election: the seats to fill (some may stay vacant)…
    seats: Mapped[int | None]
    #: …and the winners: ``[{"option_id", "label", "user_id"}]`` of the published result.
    elected: Mapped[list | None]
    started_at: Mapped[datetime]
    term_ends_on: Mapped[date | None]
    appointed_by: Mapped[str] = mapped_column(String(128))
    ended_at: Mapped[datetime | None]
    ended_by: Mapped[str | None] = mapped_column(String(128))
    end_reason: Mapped[str | None] = mapped_column(Text)

    @property
    def is_current(self) -> bool:
        """True until the mandate is ended."""
        return self.ended_at is None

    @property
    def vacant(self) -> int:
        """Seats of an elected committee that the election left unfilled."""
        return max(self.seats - len(self.members), 0) if self.seats is not None else 0

    @property
    def first_meeting_due(self) -> date | None:
        """A preparatory group holds the first meeting within 60 days of forming (Beijing
        art. 32): the last day, in Beijing time; None for other bodies."""
        if self.kind != "preparatory_group":
            return None
        return self.started_at.astimezone(SHANGHAI).date() + timedelta(days=60)


class IdentityCheckFailure(Base):
    """One wrong identity check on a resident's link, with a keyed hash of the address."""

    __tablename__ = "identity_check_failures"
    __table_args__ = (Index("ix_identity_check_failures_meeting", "meeting_id", "source_hash"),)

    id: Mapped[bigpk]
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"))
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    credential_id: Mapped[int] = mapped_column(ForeignKey("credentials.id"))
    #: ballots.services.source_hash of the client address; None outside a request.
    source_hash: Mapped[str | None] = mapped_column(String(32))
    failed_at: Mapped[datetime]
