"""The roster: who owns which exclusive part (专有部分), and how large it is."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from voting.db import Area, Base, InCommunity, created_at, intpk

COMMITTEE_KINDS = ("owners_committee", "management_committee", "preparatory_group")
UNIT_TYPES = ("dwelling", "commercial", "parking", "stall")


class Office(Base):
    """A street office (街道办事处) or township government that supervises communities."""

    __tablename__ = "offices"

    id: Mapped[intpk]
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[created_at]

    communities: Mapped[list["Community"]] = relationship(back_populates="office")


class Community(Base):
    """A residential community (小区): one management area, one roster, one assembly."""

    __tablename__ = "communities"

    id: Mapped[intpk]
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    #: 业委会 (owners_committee), 物管会 (management_committee) or 筹备组 (preparatory_group).
    committee_kind: Mapped[str] = mapped_column(String(32))
    #: The rules-of-procedure settings (DOMAIN.md); ``parking_policy`` absent until chosen.
    procedure: Mapped[dict] = mapped_column(default=dict)
    #: Where owners reach the committee and the street office: printed on every resident page.
    committee_phone: Mapped[str] = mapped_column(String(40), default="")
    committee_place: Mapped[str] = mapped_column(String(200), default="")
    committee_hours: Mapped[str] = mapped_column(String(100), default="")
    office_phone: Mapped[str] = mapped_column(String(40), default="")
    office_place: Mapped[str] = mapped_column(String(200), default="")
    office_hours: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[created_at]

    office: Mapped[Office] = relationship(back_populates="communities")


class Unit(Base):
    """An exclusive part: a flat, a shop, a parking space or a stall."""

    __tablename__ = "units"
    __table_args__ = (UniqueConstraint("community_id", "building", "number"),)

    id: Mapped[intpk]
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    building: Mapped[str] = mapped_column(String(64))
    number: Mapped[str] = mapped_column(String(64))
    unit_type: Mapped[str] = mapped_column(String(16), default="dwelling")
    registered_area: Mapped[Area]
    surveyed_area: Mapped[Area]
    contract_area: Mapped[Area]
    is_developer_held: Mapped[bool] = mapped_column(default=False)

    holdings: Mapped[list["Holding"]] = relationship(
        back_populates="unit", cascade="all, delete-orphan"
    )

    @property
    def area(self) -> int | None:
        """The counted area: registered, else surveyed, else contract (SPC art. 8)."""
        for value in (self.registered_area, self.surveyed_area, self.contract_area):
            if value is not None:
                return value
        return None

    @property
    def label(self) -> str:
        """Building and number as people write them, e.g. ``1号楼 101``."""
        return f"{self.building} {self.number}"


class Owner(Base):
    """A natural or legal person, or the developer; identity data only as salted hashes."""

    __tablename__ = "owners"
    __table_args__ = (UniqueConstraint("community_id", "key"),)

    id: Mapped[intpk]
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    #: Stable identifier within the community: the file's owner_key, else derived.
    key: Mapped[str] = mapped_column(String(128))
    name: Mapped[str] = mapped_column(String(200))
    is_developer: Mapped[bool] = mapped_column(default=False)
    salt: Mapped[str] = mapped_column(String(32))
    id_hash: Mapped[str | None] = mapped_column(String(64))
    id_last4_hash: Mapped[str | None] = mapped_column(String(64))
    id_masked: Mapped[str | None] = mapped_column(String(32))
    phone_hash: Mapped[str | None] = mapped_column(String(64))
    phone_last4_hash: Mapped[str | None] = mapped_column(String(64))
    phone_masked: Mapped[str | None] = mapped_column(String(32))
    #: The phone itself, sealed (voting.rosters.phones), for messages only: never shown.
    phone_sealed: Mapped[str | None] = mapped_column(Text)

    holdings: Mapped[list["Holding"]] = relationship(back_populates="owner")


class Holding(InCommunity, Base):
    """Owner <-> Unit; co-owners of one unit vote through the representative."""

    __tablename__ = "holdings"
    __table_args__ = (
        UniqueConstraint("unit_id", "owner_id"),
        Index("ix_holdings_community_owner", "community_id", "owner_id"),
    )

    id: Mapped[intpk]
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("owners.id", ondelete="CASCADE"), index=True)
    is_representative: Mapped[bool] = mapped_column(default=False)

    unit: Mapped[Unit] = relationship(back_populates="holdings")
    owner: Mapped[Owner] = relationship(back_populates="holdings")


class RosterImport(Base):
    """One accepted roster file: what it held and who imported it."""

    __tablename__ = "roster_imports"

    id: Mapped[intpk]
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    file_name: Mapped[str] = mapped_column(String(255))
    file_sha256: Mapped[str] = mapped_column(String(64))
    units: Mapped[int]
    owners: Mapped[int]
    report: Mapped[dict]
    imported_by: Mapped[str] = mapped_column(String(128))
    imported_at: Mapped[datetime] = mapped_column()
