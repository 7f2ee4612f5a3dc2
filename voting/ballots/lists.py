"""What the committee sees while entering paper ballots: voters, entries, conflicts, reports."""

from collections import defaultdict

from sqlalchemy import func, select
from sqlalchemy.orm import defer

from voting.ballots.models import (
    Ballot,
    BallotConflict,
    PaperEntry,
    ProxyAuthorisation,
    RosterErrorReport,
)
from voting.db import db
from voting.meetings.models import Meeting, Voter


def search_voters(meeting: Meeting, query: str, limit: int = 40) -> list[Voter]:
    """Voters whose building and unit labels contain every word of the query."""
    words = [w.lower() for w in (query or "").split()][:5]
    if not words:
        return []
    voters = db.session.scalars(
        select(Voter).where(Voter.meeting_id == meeting.id).order_by(Voter.building, Voter.id)
    )
    found = []
    for voter in voters:
        text = " ".join([voter.building, *voter.units]).lower()
        if all(word in text for word in words):
            found.append(voter)
            if len(found) >= limit:
                break
    return found


def voters_who_can_vote(meeting: Meeting) -> list[Voter]:
    """The meeting's voters who can vote, by building and unit, for printed ballots."""
    return list(
        db.session.scalars(
            select(Voter)
            .where(Voter.meeting_id == meeting.id, Voter.can_vote.is_(True))
            .order_by(Voter.building, Voter.id)
        )
    )


def voter_states(meeting: Meeting, voter_ids: list[int]) -> dict[int, str]:
    """Per voter: the channel of their ballot, else ``pending``/``mismatch``, else absent."""
    if not voter_ids:
        return {}
    states: dict[int, str] = {}
    for voter_id, status in db.session.execute(
        select(PaperEntry.voter_id, PaperEntry.status).where(
            PaperEntry.meeting_id == meeting.id,
            PaperEntry.voter_id.in_(voter_ids),
            PaperEntry.ballot_id.is_(None),
        )
    ):
        if states.get(voter_id) != "mismatch":
            states[voter_id] = status
    for voter_id, channel in db.session.execute(
        select(Ballot.voter_id, Ballot.channel).where(
            Ballot.meeting_id == meeting.id, Ballot.voter_id.in_(voter_ids)
        )
    ):
        states[voter_id] = channel
    return states


def unconfirmed_entries(meeting: Meeting, status: str) -> list[tuple[Voter, list[PaperEntry]]]:
    """Voters whose entries wait for a second member (pending) or disagree (mismatch)."""
    grouped: dict[int, list[PaperEntry]] = defaultdict(list)
    for entry in db.session.scalars(
        select(PaperEntry)
        .where(
            PaperEntry.meeting_id == meeting.id,
            PaperEntry.ballot_id.is_(None),
            PaperEntry.status == status,
        )
        .order_by(PaperEntry.id)
    ):
        grouped[entry.voter_id].append(entry)
    voters = {v.id: v for v in db.session.scalars(select(Voter).where(Voter.id.in_(grouped)))}
    return [(voters[vid], entries) for vid, entries in grouped.items()]


def entries_of(meeting: Meeting, voter: Voter) -> list[PaperEntry]:
    """A voter's unconfirmed entries, oldest first."""
    return list(
        db.session.scalars(
            select(PaperEntry)
            .where(
                PaperEntry.meeting_id == meeting.id,
                PaperEntry.voter_id == voter.id,
                PaperEntry.ballot_id.is_(None),
            )
            .order_by(PaperEntry.id)
        )
    )


def _with_voters(model, meeting: Meeting, *order) -> list[tuple]:
    """The meeting's rows of ``model`` in that ``order``, each with its voter."""
    return list(
        db.session.execute(
            select(model, Voter)
            .join(Voter, Voter.id == model.voter_id)
            .where(model.meeting_id == meeting.id)
            .order_by(*order)
        ).tuples()
    )


def conflicts(meeting: Meeting) -> list[tuple[BallotConflict, Voter]]:
    """Refused second ballots, newest first."""
    return _with_voters(BallotConflict, meeting, BallotConflict.id.desc())


def proxies_of(meeting: Meeting, voter: Voter) -> list[ProxyAuthorisation]:
    """The written authorisations recorded for a voter (without their scans)."""
    return list(
        db.session.scalars(
            select(ProxyAuthorisation)
            .options(defer(ProxyAuthorisation.data))
            .where(
                ProxyAuthorisation.meeting_id == meeting.id, ProxyAuthorisation.voter_id == voter.id
            )
            .order_by(ProxyAuthorisation.id)
        )
    )


def roster_reports(meeting: Meeting) -> list[tuple[RosterErrorReport, Voter]]:
    """Owners' notes about the roster, open ones first."""
    order = (RosterErrorReport.resolved_at.is_not(None), RosterErrorReport.id)
    return _with_voters(RosterErrorReport, meeting, *order)


def ballots_by_channel(meeting: Meeting) -> dict[str, int]:
    """How many ballots each channel has brought in."""
    rows = db.session.execute(
        select(Ballot.channel, func.count())
        .where(Ballot.meeting_id == meeting.id)
        .group_by(Ballot.channel)
    )
    return {channel: count for channel, count in rows}
