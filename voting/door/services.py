"""Door to door: the committee's building heads (楼长), the non-voters of their buildings and
the visits they record.

A building head is a staff account of one community limited to some of its buildings. It
sees, per open meeting and building, the voters who have not voted: their units, their
masked names and the code of their personal paper ballot (so that the committee can print
the letter or ballot again on the spot); never a choice, a phone or an ID number.
"""

from datetime import datetime

from sqlalchemy import distinct, select

from voting.audit.services import current_actor, record_event
from voting.auth.models import User
from voting.auth.services import AccountError, add_user
from voting.ballots.models import Ballot
from voting.ballots.paper_codes import paper_code
from voting.db import db, utcnow
from voting.door.models import OUTCOMES, DoorVisit
from voting.errors import Refused
from voting.meetings.models import Meeting, Voter
from voting.rosters.models import Community, Unit


class DoorError(Refused):
    """A visit or a building head that cannot be recorded; ``reason`` says which rule."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


def community_buildings(community_id: int) -> list[str]:
    """The buildings the community's roster names, in order."""
    return list(
        db.session.scalars(
            select(distinct(Unit.building))
            .where(Unit.community_id == community_id)
            .order_by(Unit.building)
        )
    )


def building_heads(community: Community) -> list[User]:
    """The community's building heads, newest last."""
    return list(
        db.session.scalars(
            select(User)
            .where(User.community_id == community.id, User.role == "building_head")
            .order_by(User.id)
        )
    )


def add_building_head(community: Community, username: str, password: str, display_name: str,
                      buildings: list[str]) -> User:  # fmt: skip
    """A building head of some of the community's buildings (logged as ``user.added``)."""
    known = set(community_buildings(community.id))
    chosen = list(dict.fromkeys(b for b in buildings if b))
    if not chosen or not set(chosen) <= known:
        raise AccountError("choose buildings of the roster", "buildings")
    return add_user(username, password, "building_head", community_id=community.id,
                    display_name=display_name, buildings=chosen)  # fmt: skip


def disable_building_head(head: User) -> None:
    """Close a building head's account; logged."""
    head.is_enabled = False
    record_event("user.disabled", {"username": head.username, "role": head.role},
                 community_id=head.community_id, actor=current_actor())  # fmt: skip


def open_meetings(head: User) -> list[Meeting]:
    """The meetings of the building head's community whose voting is open."""
    meetings = db.session.scalars(
        select(Meeting)
        .where(Meeting.community_id == head.community_id, Meeting.opened_at.is_not(None))
        .order_by(Meeting.id)
    )
    return [m for m in meetings if m.state == "open"]


def _in_building(voter: Voter, building: str) -> bool:
    return building in (voter.building_areas or {voter.building: 0})


def non_voters(meeting: Meeting, building: str) -> list[dict]:
    """The building's voters who can vote and have no ballot yet: units there, masked name,
    paper-ballot code and the latest visit."""
    voted = set(db.session.scalars(select(Ballot.voter_id).where(Ballot.meeting_id == meeting.id)))
    voters = db.session.scalars(
        select(Voter)
        .where(Voter.meeting_id == meeting.id, Voter.can_vote.is_(True))
        .order_by(Voter.building, Voter.id)
    )
    rows = [v for v in voters if v.id not in voted and _in_building(v, building)]
    latest = _latest_visits(meeting, [v.id for v in rows])
    return [
        {"voter": v, "units": "、".join(u for u in v.units if u.startswith(f"{building} "))
         or "、".join(v.units), "name": v.display_name, "code": paper_code(v),
         "last": latest.get(v.id)}
        for v in rows
    ]  # fmt: skip


def _latest_visits(meeting: Meeting, voter_ids: list[int]) -> dict[int, tuple[str, datetime]]:
    out: dict[int, tuple[str, datetime]] = {}
    if not voter_ids:
        return out
    for voter_id, outcome, at in db.session.execute(
        select(DoorVisit.voter_id, DoorVisit.outcome, DoorVisit.at)
        .where(DoorVisit.meeting_id == meeting.id, DoorVisit.voter_id.in_(voter_ids))
        .order_by(DoorVisit.id)
    ):
        out[voter_id] = (outcome, at)
    return out


def record_visit(
    meeting: Meeting, voter_id: int, building: str, head: User, outcome: str
) -> DoorVisit:
    """Record what came of a visit to a voter of the building; logged as ``door.visit``."""
    if outcome not in OUTCOMES:
        raise DoorError(f"unknown outcome {outcome!r}", "outcome")
    if meeting.state != "open":
        raise DoorError("voting is not open", "closed")
    voter = db.session.get(Voter, voter_id) if 0 < voter_id < 2**63 else None
    if voter is None or voter.meeting_id != meeting.id or not _in_building(voter, building):
        raise DoorError("no such owner in this building", "voter")
    visit = DoorVisit(meeting_id=meeting.id, community_id=meeting.community_id, voter_id=voter.id,
                      user_id=head.id, outcome=outcome, at=utcnow())  # fmt: skip
    db.session.add(visit)
    db.session.flush()
    record_event("door.visit", {"meeting_id": meeting.id, "voter_id": voter.id,
                                "building": building, "outcome": outcome},
                 community_id=meeting.community_id, actor=current_actor())  # fmt: skip
    return visit
