"""The failed identity checks that the anomaly checks read. Committee mandates are kept by
voting.auth (they decide who may act); supervision records them."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from voting.auth.models import MANDATE_KINDS, CommitteeMandate
from voting.db import Base, InCommunity, bigpk

__all__ = ["MANDATE_KINDS", "CommitteeMandate", "IdentityCheckFailure"]


class IdentityCheckFailure(InCommunity, Base):
    """One wrong identity check on a resident's link, with a keyed hash of the address."""

    __tablename__ = "identity_check_failures"
    __table_args__ = (Index("ix_identity_check_failures_meeting", "meeting_id", "source_hash"),)

    id: Mapped[bigpk]
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"))
    credential_id: Mapped[int] = mapped_column(ForeignKey("credentials.id"))
    #: ballots.services.source_hash of the client address; None outside a request.
    source_hash: Mapped[str | None] = mapped_column(String(32))
    failed_at: Mapped[datetime]
