"""Consultations (协商议事 / 征求意见): topics, documents, participants, comments, opinions.

A consultation is non-binding: owners comment and answer opinion questions; nothing here is
a vote of the assembly. State is derived from timestamps (see ``Consultation.state``).
"""

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from voting.db import Base, InCommunity, bigpk, created_at, intpk, utcnow
from voting.errors import Refused
from voting.meetings.models import Choice
from voting.uploads import StoredDocument

if TYPE_CHECKING:
    from voting.rosters.models import Community

KINDS = ("general", "satisfaction")
QUESTION_KINDS = ("single", "multiple", "scale")
STATES = ("draft", "open", "closed")


class ConsultationStateError(Refused):
    """An action that the consultation's state does not allow."""


class OfConsultation(InCommunity):
    """A row of one topic (the topic lists its rows by the index), in its community. A table
    whose own composite key leads with consultation_id declares the column without one."""

    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"), index=True)


class Consultation(InCommunity, Base):
    """A topic put to the owners for discussion and opinions, with a deadline."""

    __tablename__ = "consultations"
    __table_args__ = (
        Index("ix_consultations_community", "community_id", "id"),
        UniqueConstraint("community_id", "survey_year"),
    )

    id: Mapped[intpk]
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    #: "general", or "satisfaction" for the yearly survey of the property firm's service.
    kind: Mapped[str] = mapped_column(String(16), default="general")
    #: The year a satisfaction survey measures: one survey per community and year.
    survey_year: Mapped[int | None]
    deadline: Mapped[datetime]
    #: Random key in the topic's QR code; entry then asks building, unit and last four digits.
    entry_key: Mapped[str] = mapped_column(String(32), unique=True)
    #: The rules-of-procedure settings applied when the participant list was built.
    procedure: Mapped[dict | None]
    created_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[created_at]
    opened_at: Mapped[datetime | None]
    #: Set when staff close before the deadline; otherwise the deadline closes it.
    closed_at: Mapped[datetime | None]

    #: Read only: a topic never moves to another community.
    community: Mapped["Community"] = relationship(viewonly=True)
    questions: Mapped[list["ConsultationQuestion"]] = relationship(
        back_populates="consultation",
        order_by="ConsultationQuestion.position",
        cascade="all, delete-orphan",
    )
    documents: Mapped[list["ConsultationDocument"]] = relationship(
        back_populates="consultation",
        order_by="ConsultationDocument.id",
        cascade="all, delete-orphan",
    )

    @property
    def state(self) -> str:
        """draft until opened; closed once closed early or past the deadline; else open."""
        if self.opened_at is None:
            return "draft"
        if self.closed_at is not None or utcnow() >= self.deadline:
            return "closed"
        return "open"

    def require(self, *states: str) -> None:
        """Raise ConsultationStateError unless the consultation is in one of ``states``."""
        if self.state not in states:
            raise ConsultationStateError(f"consultation {self.id} is {self.state}")


class ConsultationDocument(OfConsultation, StoredDocument, Base):
    """A document of the topic (PDF or image): a plan, a quotation, a photo."""

    __tablename__ = "consultation_documents"

    consultation: Mapped[Consultation] = relationship(back_populates="documents")


class ConsultationQuestion(OfConsultation, Base):
    """A non-binding opinion question: single choice, multiple choice or a scale."""

    __tablename__ = "consultation_questions"
    __table_args__ = (UniqueConstraint("consultation_id", "code"),)

    id: Mapped[intpk]
    position: Mapped[int]
    #: Stable within the topic; the satisfaction survey keeps the same codes every year.
    code: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(16))
    #: For multiple choice: at most this many options (None: any number).
    max_choices: Mapped[int | None]

    consultation: Mapped[Consultation] = relationship(back_populates="questions")
    options: Mapped[list["ConsultationOption"]] = relationship(
        back_populates="question",
        order_by="ConsultationOption.position",
        cascade="all, delete-orphan",
    )


class ConsultationOption(Choice, Base):
    """A choice of a question; a scale's points are options "1" to "5"."""

    __tablename__ = "consultation_options"

    id: Mapped[intpk]
    question_id: Mapped[int] = mapped_column(ForeignKey("consultation_questions.id"), index=True)

    question: Mapped[ConsultationQuestion] = relationship(back_populates="options")


class ConsultationParticipant(OfConsultation, Base):
    """A person of the roster when the topic opened (one head, the area of its units)."""

    __tablename__ = "consultation_participants"
    __table_args__ = (UniqueConstraint("consultation_id", "person_key"),)

    id: Mapped[bigpk]
    #: The rules engine's person key: sorted owner keys joined by "+", or "unit:<id>".
    person_key: Mapped[str] = mapped_column(String(300))
    area: Mapped[int]
    #: False for a unit whose owner is unknown: it counts in the totals but cannot take part.
    can_take_part: Mapped[bool]
    #: [building, number] of each unit, for letters and for entry by the topic's QR code.
    units: Mapped[list]
    building: Mapped[str] = mapped_column(String(64))
    #: Masked owner names for the letter, e.g. "王*、李*（代表 李*）".
    display_name: Mapped[str] = mapped_column(String(300))
    #: Identity check copied from the representative or sole owner (salted hashes only).
    salt: Mapped[str | None] = mapped_column(String(32))
    id_last4_hash: Mapped[str | None] = mapped_column(String(64))
    phone_last4_hash: Mapped[str | None] = mapped_column(String(64))
    #: SHA-256 of the personal token; the token is re-derived (HMAC) to reprint a letter.
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    failed_checks: Mapped[int] = mapped_column(default=0)
    locked_at: Mapped[datetime | None]
    verified_at: Mapped[datetime | None]

    @property
    def needs_check(self) -> bool:
        """True when the roster gives last four digits to confirm this person with."""
        return bool(self.id_last4_hash or self.phone_last4_hash)

    @property
    def unit_labels(self) -> str:
        """The units as people write them, e.g. ``1号楼 101、1号楼 102``."""
        return "、".join(f"{building} {number}" for building, number in self.units)


class ConsultationComment(InCommunity, Base):
    """A plain-text comment or reply; moderation hides it with a reason, never deletes it."""

    __tablename__ = "consultation_comments"
    __table_args__ = (Index("ix_consultation_comments_topic", "consultation_id", "id"),)

    id: Mapped[bigpk]
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("consultation_comments.id"))
    #: The owner who wrote it, or None for a reply by staff (``staff_author``).
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("consultation_participants.id"))
    #: "user:<username>" of a staff reply.
    staff_author: Mapped[str | None] = mapped_column(String(128))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    hidden_at: Mapped[datetime | None]
    hidden_reason: Mapped[str | None] = mapped_column(String(300))
    hidden_by: Mapped[str | None] = mapped_column(String(128))

    participant: Mapped[ConsultationParticipant | None] = relationship()


class ConsultationAnswerSet(InCommunity, Base):
    """A participant's answers to the topic's questions; one per participant, changeable."""

    __tablename__ = "consultation_answer_sets"
    __table_args__ = (UniqueConstraint("consultation_id", "participant_id"),)

    id: Mapped[bigpk]
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("consultation_participants.id"))
    #: question code -> list of option codes (an unanswered question is absent).
    answers: Mapped[dict]
    submitted_at: Mapped[datetime]
    updated_at: Mapped[datetime]
