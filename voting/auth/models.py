"""Staff users, their API tokens and the committee mandates that decide which committee
accounts act for a community."""

from datetime import date, datetime, timedelta

from flask_login import UserMixin
from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from voting.db import Base, InCommunity, created_at, intpk
from voting.timeutil import SHANGHAI

#: A building head (楼长) goes door to door in some buildings of one community: no staff page,
#: no choices, no identity data; only the non-voters' list and the visit page (voting.door).
ROLES = ("admin", "office", "committee", "building_head")


class User(UserMixin, Base):
    """A staff account: an administrator, office staff of one office, a committee member, or a
    building head of some buildings of one community."""

    __tablename__ = "users"

    id: Mapped[intpk]
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    office_id: Mapped[int | None] = mapped_column(ForeignKey("offices.id"))
    community_id: Mapped[int | None] = mapped_column(ForeignKey("communities.id"))
    is_enabled: Mapped[bool] = mapped_column(default=True)
    #: A building head's buildings (as the roster names them); None for other roles.
    buildings: Mapped[list | None]
    created_at: Mapped[created_at]
    last_login_at: Mapped[datetime | None]

    tokens: Mapped[list["ApiToken"]] = relationship(back_populates="user")

    @property
    def is_active(self) -> bool:  # Flask-Login refuses disabled accounts
        return self.is_enabled

    @property
    def is_admin(self) -> bool:
        """True for the administrator."""
        return self.role == "admin"

    @property
    def is_building_head(self) -> bool:
        """True for a building head (楼长), who sees nothing of the staff pages."""
        return self.role == "building_head"


class ApiToken(Base):
    """A bearer token for the JSON API; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[created_at]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(back_populates="tokens")


#: 筹备组, 物业管理委员会 (物管会), 业主委员会 (elected): the kinds of Community.committee_kind.
MANDATE_KINDS = ("preparatory_group", "management_committee", "owners_committee")


class CommitteeMandate(InCommunity, Base):
    """A body holding committee powers for a community: appointed by the office or elected.

    At most one mandate of a community is current (``ended_at`` unset). Members of an ended
    mandate who are not named by the current one lose their committee powers there.
    """

    __tablename__ = "committee_mandates"
    __table_args__ = (Index("ix_committee_mandates_community", "community_id", "ended_at"),)

    id: Mapped[intpk]
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
