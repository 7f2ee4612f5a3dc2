"""Signing keys, published results (one row per version) and objections (异议)."""

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from voting.db import Base, InCommunity, created_at, intpk, stamped
from voting.meetings.models import Voter
from voting.uploads import StoredDocument

OWNER_KINDS = ("community", "office")
OBJECTION_KINDS = ("receipt_missing", "wrong_area", "other")
#: "这不是我投的": filed from the ballot alert's page, answered by the street office.
NOT_ME = "not_me"
#: Who annulled a decision: the street office itself, or a court whose ruling it records.
REVOCATION_AUTHORITIES = ("office", "court")


class SigningKey(Base):
    """An Ed25519 key of a committee (community) or a street office; one current per owner."""

    __tablename__ = "signing_keys"
    __table_args__ = (
        CheckConstraint("(community_id IS NULL) <> (office_id IS NULL)", name="one_owner"),
        Index("ix_signing_keys_community", "community_id", "retired_at"),
        Index("ix_signing_keys_office", "office_id", "retired_at"),
    )

    id: Mapped[intpk]
    community_id: Mapped[int | None] = mapped_column(ForeignKey("communities.id"))
    office_id: Mapped[int | None] = mapped_column(ForeignKey("offices.id"))
    #: First 16 hex characters of SHA-256 of the raw public key (FORMATS.md §2).
    key_id: Mapped[str] = mapped_column(String(16), unique=True)
    public_key: Mapped[str] = mapped_column(String(64))
    #: PKCS#8 PEM encrypted under the instance's key passphrase; never leaves the server.
    private_key_pem: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    created_at: Mapped[created_at]
    created_by: Mapped[str] = mapped_column(String(128))
    #: Set when a newer key replaced this one; the public key stays listed for old results.
    retired_at: Mapped[datetime | None]

    @property
    def owner_kind(self) -> str:
        """``community`` for a committee's key, ``office`` for a street office's."""
        return "community" if self.community_id is not None else "office"

    @property
    def role(self) -> str:
        """The signature role this key signs in: committee or office."""
        return "committee" if self.community_id is not None else "office"


class Result(Base):
    """One version of a meeting's signed result; never changed once published, only superseded."""

    __tablename__ = "results"
    __table_args__ = (UniqueConstraint("meeting_id", "version"),)

    id: Mapped[intpk]
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    version: Mapped[int]
    #: The signed DOC (FORMATS.md §4) exactly as signed.
    document: Mapped[dict]
    document_hash: Mapped[str] = mapped_column(String(64))
    #: The SIG objects, committee first, then the office's countersignature.
    signatures: Mapped[list]
    #: The bulletin board (FORMATS.md §3) frozen at publication, as canonical JSON text.
    board_json: Mapped[str] = mapped_column(Text, deferred=True)
    entries: Mapped[int]
    merkle_root: Mapped[str] = mapped_column(String(64))
    #: A preliminary result opens the objection period of the rules of procedure.
    is_preliminary: Mapped[bool] = mapped_column(default=False)
    objections_close_at: Mapped[datetime | None]
    published_at: Mapped[datetime]
    published_by: Mapped[str] = mapped_column(String(128))
    #: Seq of the "result.published" audit event: the chain up to it is public.
    published_seq: Mapped[int]
    countersigned_at: Mapped[datetime | None]
    countersigned_by: Mapped[str | None] = mapped_column(String(128))
    countersigned_seq: Mapped[int | None]
    returned_at: Mapped[datetime | None]
    returned_by: Mapped[str | None] = mapped_column(String(128))
    returned_reason: Mapped[str | None] = mapped_column(Text)
    #: Why this version replaced the one before it (empty for the first version).
    correction_reason: Mapped[str | None] = mapped_column(Text)
    superseded_at: Mapped[datetime | None]
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("results.id"))

    objections: Mapped[list["Objection"]] = relationship(
        back_populates="result", order_by="Objection.id"
    )

    @property
    def is_current(self) -> bool:
        """True for the version in force (not superseded)."""
        return self.superseded_at is None

    @property
    def status(self) -> str:
        """superseded, returned, countersigned, preliminary or published."""
        stamp = stamped(self, "superseded", "returned", "countersigned")
        return stamp or ("preliminary" if self.is_preliminary else "published")

    def signed(self) -> dict:
        """The result as served and verified: ``{"document", "signatures", "countersigned"}``;
        ``countersigned`` is the claim a verifier checks against the office's signature."""
        return {
            "document": self.document,
            "signatures": self.signatures,
            "countersigned": any(s.get("role") == "office" for s in self.signatures),
        }


class Objection(InCommunity, Base):
    """An owner's objection to a preliminary result, and the committee's answer."""

    __tablename__ = "objections"
    __table_args__ = (Index("ix_objections_meeting", "meeting_id", "id"),)

    id: Mapped[intpk]
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"))
    #: The preliminary version the owner objected to (for not_me, the version in force when
    #: filed, if any: the ballot may be contested while voting is still open).
    result_id: Mapped[int | None] = mapped_column(ForeignKey("results.id"))
    #: Who objected, so that the committee can look into it; never published.
    voter_id: Mapped[int] = mapped_column(ForeignKey("voters.id"))
    #: receipt_missing, wrong_area or other; not_me when the owner did not cast the ballot
    #: recorded in their name (answered by the street office, not the committee).
    kind: Mapped[str] = mapped_column(String(16))
    #: For receipt_missing: the receipt the owner kept, which is not on the board.
    receipt: Mapped[str | None] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text, default="")
    filed_at: Mapped[datetime]
    answer: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None]
    answered_by: Mapped[str | None] = mapped_column(String(128))

    result: Mapped[Result | None] = relationship(back_populates="objections")
    #: The objecting owner as the roster froze them: unit labels and masked names.
    voter: Mapped[Voter] = relationship(viewonly=True)


class Revocation(StoredDocument, Base):
    """The street office's signed revocation of a meeting's result (DOMAIN.md 2.7 REVOKED),
    with the ruling or annulment it rests on; the revoked result stays published."""

    __tablename__ = "revocations"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), unique=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    #: The version in force when it was revoked.
    result_id: Mapped[int] = mapped_column(ForeignKey("results.id"))
    #: office or court.
    authority: Mapped[str] = mapped_column(String(16))
    #: The court's case number or the office's document number; may be empty.
    reference: Mapped[str] = mapped_column(String(200), default="")
    reason: Mapped[str] = mapped_column(Text)
    #: The day of the ruling or annulment.
    decided_on: Mapped[date]
    #: The signed RDOC (FORMATS.md §4.2) exactly as signed, and its SIG objects.
    document: Mapped[dict]
    document_hash: Mapped[str] = mapped_column(String(64))
    signatures: Mapped[list]
    revoked_at: Mapped[datetime]
    revoked_by: Mapped[str] = mapped_column(String(128))
    #: Seq of the "result.revoked" audit event: the chain up to it is public.
    revoked_seq: Mapped[int]

    result: Mapped[Result] = relationship()

    def signed(self) -> dict:
        """The revocation as served and verified: ``{"document", "signatures"}``."""
        return {"document": self.document, "signatures": self.signatures}
