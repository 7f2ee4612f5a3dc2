"""Live turnout: owners and area that have voted, per matter and by building, against quorum."""

from typing import Any

from sqlalchemy import func, select, text

from voting.ballots.models import Ballot, PaperEntry
from voting.db import db
from voting.meetings.models import Meeting, Voter
from voting.meetings.tally import snapshot_of
from voting.rules.numbers import fmt_area, fmt_ratio
from voting.rules.thresholds import quorum_share_met


def voters_left(meeting: Meeting) -> int:
    """Voters who can vote and have no ballot yet."""
    voted = select(Ballot.voter_id).where(Ballot.meeting_id == meeting.id)
    return db.session.scalar(
        select(func.count()).where(
            Voter.meeting_id == meeting.id, Voter.can_vote.is_(True), Voter.id.not_in(voted)
        )
    )


def pending_paper_entries(meeting: Meeting) -> int:
    """Voters whose paper ballot is keyed once only or mismatched (not yet a ballot)."""
    return db.session.scalar(
        select(func.count(func.distinct(PaperEntry.voter_id))).where(
            PaperEntry.meeting_id == meeting.id,
            PaperEntry.status.in_(("pending", "mismatch")),
            PaperEntry.ballot_id.is_(None),
        )
    )


#: Each ballot's answered matters, and whether the answer is "invalid" (the only answer that
#: is a string): read in the database, so that a secret meeting's ciphertexts (kilobytes a
#: matter) never leave it for a count of who took part.
_ANSWERED = {
    "postgresql": "SELECT b.voter_id, e.key, json_typeof(e.value) = 'string' FROM ballots b "
    "CROSS JOIN LATERAL json_each(b.answers) AS e WHERE b.meeting_id = :meeting_id",
    "sqlite": "SELECT b.voter_id, e.key, e.type = 'text' FROM ballots b, json_each(b.answers) AS e "
    "WHERE b.meeting_id = :meeting_id",
}


def answered_matters(meeting_id: int) -> list[tuple[int, str, bool]]:
    """(voter id, matter id, invalid) for every matter every ballot of the meeting answers:
    participation only, never a choice."""
    dialect = db.session.get_bind().dialect.name
    rows = db.session.execute(text(_ANSWERED[dialect]), {"meeting_id": meeting_id})
    return [(voter_id, str(key), bool(invalid)) for voter_id, key, invalid in rows]


def _needed(total: int) -> int:
    """The least part that reaches two thirds of total (3·P ≥ 2·T)."""
    return -(-2 * total // 3)


def _line(part: int, total: int, is_area: bool) -> dict[str, Any]:
    """One progress line: part, total, the 2/3 target, what is missing, the bar's percent."""
    needed = _needed(total)
    show = fmt_area if is_area else (lambda value: value)
    return {
        "value": part,
        "total": total,
        "needed": needed,
        "shown": show(part),
        "total_shown": show(total),
        "needed_shown": show(needed),
        "missing_shown": show(max(needed - part, 0)),
        "ratio": fmt_ratio(part, total),
        "percent": (100 * part // total) if total else 0,
        "met": total > 0 and part > 0 and quorum_share_met(part, total),
    }


def _count_in_buildings(buildings: dict, held: dict[str, int], voted: bool) -> None:
    """Count one person in every building where they hold units, with the area held there.

    The developer's flats over eight buildings count one head in each of the eight; the
    buildings' heads therefore add up to more than the roster's owners.
    """
    for name, area in held.items():
        row = buildings.setdefault(name, {"owners": 0, "area": 0, "voted": 0, "voted_area": 0})
        row["owners"] += 1
        row["area"] += area
        if voted:
            row["voted"] += 1
            row["voted_area"] += area


def turnout(meeting: Meeting) -> dict[str, Any]:
    """Per matter and by building: owners and area that voted, against the frozen roster."""
    snapshot = snapshot_of(meeting)
    if snapshot is None:
        return {"opened": False, "matters": [], "buildings": []}
    invalid_counts = (meeting.procedure or {}).get("invalid_counts_as_participation", True)
    per_matter = {m.public_id: [0, 0] for m in meeting.matters}
    buildings: dict[str, dict[str, int]] = {}
    rows = db.session.execute(
        select(Voter.id, Voter.building, Voter.area, Voter.building_areas, Ballot.id)
        .outerjoin(Ballot, Ballot.voter_id == Voter.id)
        .where(Voter.meeting_id == meeting.id)
    )
    areas: dict[int, int] = {}
    for voter_id, building, area, held, ballot_id in rows:
        _count_in_buildings(buildings, held or {building: area}, ballot_id is not None)
        if ballot_id is not None:
            areas[voter_id] = area
    for voter_id, matter_id, invalid in answered_matters(meeting.id):
        if matter_id in per_matter and (not invalid or invalid_counts):
            per_matter[matter_id][0] += 1
            per_matter[matter_id][1] += areas[voter_id]
    ballots = len(areas)
    return {
        "opened": True,
        "ballots": ballots,
        "roster": {"owners": snapshot.owners, "area": fmt_area(snapshot.area)},
        "matters": [
            {
                "id": m.public_id,
                "title": m.title,
                "owners": _line(per_matter[m.public_id][0], snapshot.owners, False),
                "area": _line(per_matter[m.public_id][1], snapshot.area, True),
            }
            for m in meeting.matters
        ],
        "buildings": [
            {
                "building": name,
                "owners": b["owners"],
                "voted": b["voted"],
                "area": fmt_area(b["area"]),
                "voted_area": fmt_area(b["voted_area"]),
                "percent": 100 * b["voted"] // b["owners"] if b["owners"] else 0,
            }
            for name, b in sorted(buildings.items())
        ],
    }
