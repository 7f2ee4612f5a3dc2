"""The outbox: every message to an owner, queued in the transaction that causes it."""

from datetime import datetime

from sqlalchemy import BigInteger, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from voting.db import Base, bigpk

KINDS = ("code", "ballot_recorded", "notice", "link", "reminder")
STATES = ("queued", "sent", "failed", "cancelled")


class Message(Base):
    """One message to one owner (to each of their phones once the worker fans it out).

    Nothing in a row is readable by staff: the phones are sealed (``recipients``), a code
    only sealed (``secret``) and wiped once sent; ``params`` holds what the text shows.
    """

    __tablename__ = "messages"
    __table_args__ = (
        Index("ix_messages_due", "state", "next_attempt_at"),
        Index("ix_messages_voter", "voter_id", "kind", "created_at"),
    )

    #: No foreign keys: each ballot writes a row while casting, and a key would lock the
    #: meeting's and community's rows once more per ballot.
    id: Mapped[bigpk]
    community_id: Mapped[int]
    meeting_id: Mapped[int | None]
    voter_id: Mapped[int | None] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
    kind: Mapped[str] = mapped_column(String(24))
    #: The sealed list of phones (voting.rosters.phones); one phone once fanned out.
    recipients: Mapped[str] = mapped_column(Text)
    #: Keyed hash of the one phone (None until fanned out): the audit log's recipient.
    recipient_hash: Mapped[str | None] = mapped_column(String(32), index=True)
    #: What the text shows (time, channel, link, language): never a secret.
    params: Mapped[dict] = mapped_column(default=dict)
    #: A one-time code, sealed; wiped when the message is sent or given up.
    secret: Mapped[str | None] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(12), default="queued")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    #: The provider's last refusal, for the operator (never the text).
    last_error: Mapped[str | None] = mapped_column(String(300))
