"""How far a meeting is from two thirds: the gap to each line (by ballots returned) and the
fewest non-voters whose votes would close the area gap, largest first (voting.rules.reach);
for the community and per building, on the turnout page."""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from voting.ballots.models import Ballot
from voting.db import db
from voting.meetings.models import Meeting, Voter
from voting.meetings.tally import snapshot_of
from voting.rules.numbers import fmt_area
from voting.rules.reach import fewest_to_close, gap


@dataclass(frozen=True)
class NonVoter:
    """A voter who can vote and has no ballot yet."""

    id: int
    area: int
    #: Building -> the area held there (the first unit's building holds all on old rows).
    held: dict[str, int]
    units: list[str]
    has_phone: bool


def non_voters(meeting: Meeting) -> list[NonVoter]:
    """Every voter of the meeting who can vote and has not, by building and unit."""
    voted = select(Ballot.voter_id).where(Ballot.meeting_id == meeting.id)
    rows = db.session.execute(
        select(Voter.id, Voter.area, Voter.building, Voter.building_areas, Voter.units,
               Voter.phones_sealed)
        .where(Voter.meeting_id == meeting.id, Voter.can_vote.is_(True), Voter.id.not_in(voted))
        .order_by(Voter.building, Voter.id)
    )  # fmt: skip
    return [
        NonVoter(vid, area, dict(held or {building: area}), list(units), sealed is not None)
        for vid, area, building, held, units, sealed in rows
    ]


def _units_in(units: list[str], building: str) -> list[str]:
    return [label for label in units if label.startswith(building + " ")] or units


def reach(meeting: Meeting) -> dict[str, Any] | None:
    """The gap to each two-thirds line (by ballots returned) and the fewest non-voters whose
    votes would close the area gap, largest first: for the community and per building."""
    snapshot = snapshot_of(meeting)
    if snapshot is None:
        return None
    rows = db.session.execute(
        select(Voter.area, Voter.building, Voter.building_areas, Ballot.id)
        .outerjoin(Ballot, Ballot.voter_id == Voter.id)
        .where(Voter.meeting_id == meeting.id)
    )
    voted, voted_area, buildings = 0, 0, {}
    for area, building, held, ballot_id in rows:
        if ballot_id is not None:
            voted, voted_area = voted + 1, voted_area + area
        for name, part in (held or {building: area}).items():
            row = buildings.setdefault(name, [0, 0, 0, 0])  # owners, area, voted, voted area
            row[0], row[1] = row[0] + 1, row[1] + part
            if ballot_id is not None:
                row[2], row[3] = row[2] + 1, row[3] + part
    left = non_voters(meeting)
    owners_gap, area_gap = gap(voted, snapshot.owners), gap(voted_area, snapshot.area)
    closing = _closing(left, area_gap, owners_gap)
    return {
        "owners_gap": owners_gap,
        "area_gap": fmt_area(area_gap),
        "area_gap_value": area_gap,
        "closing": closing,
        "non_voters": len(left),
        "with_phone": sum(v.has_phone for v in left),
        "buildings": [_building(name, counts, left) for name, counts in sorted(buildings.items())],
    }


def _closing(left: list[NonVoter], area_gap: int, owners_gap: int) -> dict[str, Any]:
    """The fewest non-voters, largest area first, who close the area gap (and, if more heads
    are missing than that, the next largest up to the head gap)."""
    chosen = fewest_to_close(area_gap, ((v, v.area) for v in left))
    if len(chosen) < owners_gap:
        rest = sorted((v for v in left if v not in chosen), key=lambda v: -v.area)
        chosen += rest[: owners_gap - len(chosen)]
    area = sum(v.area for v in chosen)
    return {
        "count": len(chosen),
        "area": fmt_area(area),
        "closes": area >= area_gap and len(chosen) >= owners_gap,
        "voter_ids": [v.id for v in chosen],
        "units": [label for v in chosen for label in v.units],
    }


def _building(name: str, counts: list[int], left: list[NonVoter]) -> dict[str, Any]:
    owners, area, voted, voted_area = counts
    here = [v for v in left if name in v.held]
    area_gap = gap(voted_area, area)
    chosen = fewest_to_close(area_gap, ((v, v.held[name]) for v in here))
    return {
        "building": name,
        "owners": owners,
        "voted": voted,
        "owners_gap": gap(voted, owners),
        "area_gap": fmt_area(area_gap),
        "fewest": len(chosen),
        "closes": sum(v.held[name] for v in chosen) >= area_gap,
        "units": [label for v in chosen for label in _units_in(v.units, name)],
        "non_voters": len(here),
    }
