"""Audit events and the head of each chain."""

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from voting.db import Base, bigpk


class AuditChain(Base):
    """The head of one chain; its row is locked while an event is appended."""

    __tablename__ = "audit_chains"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    seq: Mapped[int] = mapped_column(default=0)
    head: Mapped[str] = mapped_column(String(64))


class AuditEvent(Base):
    """One event; ``hash`` commits to every field and, through ``prev``, to all before it."""

    __tablename__ = "audit_events"
    __table_args__ = (
        UniqueConstraint("chain", "seq"),
        Index("ix_audit_events_community_type", "community_id", "type"),
    )

    id: Mapped[bigpk]
    #: "community:<id>", "office:<id>" or "system".
    chain: Mapped[str] = mapped_column(String(64))
    community_id: Mapped[int | None] = mapped_column(ForeignKey("communities.id"))
    seq: Mapped[int]
    #: RFC 3339 UTC text, kept as text so the hash never depends on a database's time type.
    at: Mapped[str] = mapped_column(String(32))
    type: Mapped[str] = mapped_column(String(64))
    actor: Mapped[str] = mapped_column(String(128))
    data: Mapped[dict]
    prev: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    def as_dict(self) -> dict:
        """The event as published (FORMATS.md §5)."""
        return {
            "seq": self.seq,
            "at": self.at,
            "type": self.type,
            "actor": self.actor,
            "data": self.data,
            "prev": self.prev,
            "hash": self.hash,
        }
