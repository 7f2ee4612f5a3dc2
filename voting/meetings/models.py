"""A meeting (业主大会会议), its matters and options, documents, the frozen roster, credentials.

State is derived from timestamps (see ``Meeting.state``); model methods guard transitions.
"""

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from voting.db import Base, InCommunity, bigpk, created_at, intpk, stamped, utcnow
from voting.errors import Refused
from voting.i18n import N_
from voting.uploads import StoredDocument

if TYPE_CHECKING:
    from voting.rosters.models import Community

STATES = ("draft", "submitted", "approved", "announced", "open", "closed", "tallied",
          "published", "countersigned", "revoked", "voided")  # fmt: skip
CATEGORIES = ("ordinary", "special")
KINDS = ("motion", "selection", "election")
#: The states a timestamp (``<state>_at``) marks, from the last a meeting can reach.
STAMPS = ("voided", "revoked", "countersigned", "published", "tallied", "closed", "opened",
          "announced", "approved", "submitted")  # fmt: skip
#: The stored labels stay zh-CN; the ballot shows them through _().
MOTION_OPTIONS = (("agree", N_("同意")), ("disagree", N_("反对")))


class StateError(Refused):
    """A transition that the meeting's state does not allow."""


class OfMeeting(InCommunity):
    """A row of one meeting (the meeting lists its rows by the index), in its community. A
    table whose own composite key leads with meeting_id declares the column without one."""

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)


class Meeting(InCommunity, Base):
    """A meeting of the assembly that puts one or more matters to the owners."""

    __tablename__ = "meetings"
    __table_args__ = (Index("ix_meetings_community", "community_id", "id"),)

    id: Mapped[intpk]
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    #: Where and how owners take part (shown in the notice).
    place: Mapped[str] = mapped_column(String(300), default="")
    is_first_meeting: Mapped[bool] = mapped_column(default=False)
    opens_at: Mapped[datetime]
    closes_at: Mapped[datetime]
    #: The rules-of-procedure settings, frozen at announcement.
    procedure: Mapped[dict | None]
    created_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[created_at]
    submitted_at: Mapped[datetime | None]
    approved_at: Mapped[datetime | None]
    approved_by: Mapped[str | None] = mapped_column(String(128))
    #: The office's reason when it returned the plan (the plan goes back to draft).
    returned_reason: Mapped[str | None] = mapped_column(Text)
    announced_at: Mapped[datetime | None]
    opened_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    tallied_at: Mapped[datetime | None]
    published_at: Mapped[datetime | None]
    countersigned_at: Mapped[datetime | None]
    voided_at: Mapped[datetime | None]
    #: Set when the street office revoked the published decision (voting.results.revocation).
    revoked_at: Mapped[datetime | None]
    void_reason: Mapped[str | None] = mapped_column(Text)
    #: The tally preview kept at close: the FORMATS.md §4 matters list.
    tally: Mapped[list | None]
    #: Secret ballot (FORMATS §9, gongyi-board/2): choices are stored only as ciphertexts under
    #: the trustees' joint key, and only the totals are ever decrypted.
    secret: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: k of the k-of-n trustees (the office and the plan's scrutineers) needed to decrypt.
    trustee_threshold: Mapped[int | None]
    #: The key ceremony's public outcome, FORMATS §9.6 JOINT_KEY; set when the plan is approved.
    joint_key: Mapped[dict | None]
    key_ceremony_at: Mapped[datetime | None]

    #: Read only: a meeting never moves to another community.
    community: Mapped["Community"] = relationship(viewonly=True)
    matters: Mapped[list["Matter"]] = relationship(
        back_populates="meeting", order_by="Matter.position", cascade="all, delete-orphan"
    )
    documents: Mapped[list["MeetingDocument"]] = relationship(
        back_populates="meeting", order_by="MeetingDocument.id", cascade="all, delete-orphan"
    )
    trustees: Mapped[list["Trustee"]] = relationship(
        back_populates="meeting", order_by="Trustee.number", cascade="all, delete-orphan"
    )

    @property
    def state(self) -> str:
        """The state, derived from the latest timestamp set."""
        state = stamped(self, *STAMPS)
        return "open" if state == "opened" else state or "draft"

    def require(self, *states: str) -> None:
        """Raise StateError unless the meeting is in one of ``states``."""
        if self.state not in states:
            raise StateError(f"meeting {self.id} is {self.state}, not {' or '.join(states)}")

    def mark(self, state: str) -> None:
        """Stamp a transition's timestamp now."""
        setattr(self, "opened_at" if state == "open" else f"{state}_at", utcnow())


class Trustee(OfMeeting, Base):
    """A trustee (监票人) of a secret-ballot meeting: trustee 1 is the street office, the others
    the scrutineers the plan names. Each holds a key share; any k of them decrypt the totals."""

    __tablename__ = "meeting_trustees"
    __table_args__ = (UniqueConstraint("meeting_id", "number"),)

    id: Mapped[intpk]
    #: 1..n, the x of the trustee's share (FORMATS §9.6).
    number: Mapped[int]
    #: "office" or "scrutineer".
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(100))
    #: Kᵢ in hex, once the ceremony has run.
    public_share: Mapped[str | None] = mapped_column(String(66))
    #: The passphrase-sealed share file (FORMATS §9.9), kept for the trustee to download.
    key_share: Mapped[dict | None]
    #: The trustee's partial decryptions of the totals (voting.crypto), once submitted.
    partials: Mapped[dict | None]
    #: SHA-256 of the encrypted totals those partials decrypt (they must be the board's).
    partials_for: Mapped[str | None] = mapped_column(String(64))
    submitted_at: Mapped[datetime | None]
    submitted_by: Mapped[str | None] = mapped_column(String(128))

    meeting: Mapped[Meeting] = relationship(back_populates="trustees")


class Matter(OfMeeting, Base):
    """One matter put to the vote (表决事项); its category is explicit, never inferred."""

    __tablename__ = "matters"

    id: Mapped[intpk]
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16))
    seats: Mapped[int] = mapped_column(default=1)
    alternates: Mapped[int] = mapped_column(default=0)
    #: Warnings on the category that the committee confirmed (voting.rules.wording.HINTS).
    category_warnings: Mapped[list | None]
    #: For a by-election or runoff drafted from a published election (voting.rules.follow_up):
    #: {"kind", "meeting_id", "matter_id", "seats"}, where seats is the most it may fill.
    follows: Mapped[dict | None]

    meeting: Mapped[Meeting] = relationship(back_populates="matters")
    options: Mapped[list["Option"]] = relationship(
        back_populates="matter", order_by="Option.position", cascade="all, delete-orphan"
    )

    @property
    def public_id(self) -> str:
        """The matter's id in ballots, the board and the result document."""
        return str(self.id)


class Choice:
    """A choice offered in a list (a matter's options, a topic question's): its place in the
    list, the code that answers store, and the label shown."""

    position: Mapped[int]
    code: Mapped[str] = mapped_column(String(32))
    label: Mapped[str] = mapped_column(String(200))


class Option(Choice, Base):
    """A choice of a matter: agree/disagree, a bidder, or a candidate. Its code is "agree" or
    "disagree" for motions, else the option's number as text."""

    __tablename__ = "options"

    id: Mapped[intpk]
    matter_id: Mapped[int] = mapped_column(ForeignKey("matters.id"), index=True)
    #: A candidate's statement or a bidder's offer summary.
    statement: Mapped[str] = mapped_column(Text, default="")
    #: Eligibility conditions a candidate attested (Beijing art. 39), as flags.
    attestations: Mapped[dict] = mapped_column(default=dict)

    matter: Mapped[Matter] = relationship(back_populates="options")


class MeetingDocument(OfMeeting, StoredDocument, Base):
    """A document attached to a meeting (PDF or image): the fee plan, the contract draft."""

    __tablename__ = "meeting_documents"

    meeting: Mapped[Meeting] = relationship(back_populates="documents")


class RosterSnapshot(InCommunity, Base):
    """The roster frozen when the meeting opened; every weight comes from it."""

    __tablename__ = "roster_snapshots"

    id: Mapped[intpk]
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), unique=True)
    taken_at: Mapped[datetime]
    units: Mapped[int]
    owners: Mapped[int]
    #: Total counted area in 0.01 m² under the frozen parking policy.
    area: Mapped[int]
    #: Dwelling units (户数), for the committee size rule (DOMAIN.md 2.5).
    households: Mapped[int]
    #: SHA-256 of the canonical JSON of the frozen units and persons.
    snapshot_hash: Mapped[str] = mapped_column(String(64))


class Voter(InCommunity, Base):
    """A voting person of the snapshot (计票主体): one head, the area of its units."""

    __tablename__ = "voters"
    __table_args__ = (
        UniqueConstraint("meeting_id", "person_key"),
        Index("ix_voters_meeting_building", "meeting_id", "building"),
    )

    id: Mapped[bigpk]
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"))
    #: The rules engine's person key: sorted owner keys joined by "+", or "unit:<id>".
    person_key: Mapped[str] = mapped_column(String(300))
    area: Mapped[int]
    can_vote: Mapped[bool]
    #: Unit labels such as "1号楼 101", for letters and the participant list.
    units: Mapped[list]
    building: Mapped[str] = mapped_column(String(64))
    #: Building -> the counted area (0.01 m²) the person holds there, for turnout by building;
    #: None on voters frozen before it was kept (their first unit's building then holds all).
    building_areas: Mapped[dict | None]
    #: Masked owner names for the letter, e.g. "王*、李*（代表 李*）".
    display_name: Mapped[str] = mapped_column(String(300))
    #: Identity check copied from the representative or sole owner (salted hashes only).
    salt: Mapped[str | None] = mapped_column(String(32))
    id_last4_hash: Mapped[str | None] = mapped_column(String(64))
    phone_last4_hash: Mapped[str | None] = mapped_column(String(64))
    #: The owners' phones, sealed (voting.rosters.phones), the checked one first; for the
    #: one-time code and ballot alerts only.
    phones_sealed: Mapped[str | None] = mapped_column(Text)


class Credential(OfMeeting, Base):
    """A voter's personal link for one meeting; only the token's hash is stored."""

    __tablename__ = "credentials"

    id: Mapped[bigpk]
    voter_id: Mapped[int] = mapped_column(ForeignKey("voters.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    issued_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    revoked_reason: Mapped[str | None] = mapped_column(String(300))
    failed_checks: Mapped[int] = mapped_column(default=0)
    locked_at: Mapped[datetime | None]
    verified_at: Mapped[datetime | None]
    #: Keyed hash of the latest one-time code sent to the owner's phone (never the code).
    code_hash: Mapped[str | None] = mapped_column(String(64))
    #: When that code was asked for; it expires ten minutes later.
    code_sent_at: Mapped[datetime | None]

    voter: Mapped[Voter] = relationship()
