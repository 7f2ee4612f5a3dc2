"""What a building head recorded at an owner's door."""

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from voting.db import Base, InCommunity, intpk
from voting.i18n import N_

#: The outcomes of a visit, in the order the visit page offers them; in zh-CN, shown
#: through _().
OUTCOME_LABELS = {
    "visited": N_("已上门告知"),
    "nobody_home": N_("无人在家"),
    "refused": N_("拒绝"),
    "paper_ballot": N_("已收回纸质表决票"),
    "proxy_form": N_("已收回授权委托书"),
}
OUTCOMES = tuple(OUTCOME_LABELS)


class DoorVisit(InCommunity, Base):
    """One visit to one voter of a meeting: who went, when, and what came of it.

    No choice and no identity data: the voter row already masks the names, and a collected
    paper ballot is entered by two clerks like any other.
    """

    __tablename__ = "door_visits"
    __table_args__ = (Index("ix_door_visits_meeting_voter", "meeting_id", "voter_id"),)

    id: Mapped[intpk]
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"))
    voter_id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    outcome: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime]
