"""The street office's dashboard: every community with its committee and term, its meetings by
state, live turnout of open meetings, plans to approve and results to countersign.

A constant handful of queries whatever the number of communities: communities with their
current mandate, meeting counts grouped by community and state, the meetings that need the
office, one aggregate of their ballots, and their current results.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import load_only

from voting.ballots.models import Ballot
from voting.db import db, utcnow
from voting.meetings.models import STATES, Meeting, RosterSnapshot, Voter
from voting.results.deadline import PublicationDue, first_publications, publication_due
from voting.results.models import Result
from voting.rosters.models import Community, Office
from voting.rules.numbers import fmt_area, fmt_ratio
from voting.rules.thresholds import quorum_share_met
from voting.supervision.models import CommitteeMandate

#: Meeting states in which the office has something to do or watch.
WATCHED = ("submitted", "open", "closed", "tallied", "published")
#: What the dashboard reads of those meetings and their results (not their documents).
MEETING_COLUMNS = ("id", "community_id", "title", "opens_at", "closes_at", "submitted_at",
                   "closed_at", "voided_at", "revoked_at", "published_at")  # fmt: skip
RESULT_COLUMNS = ("id", "meeting_id", "version", "is_preliminary", "objections_close_at",
                  "published_at", "countersigned_at", "returned_at", "superseded_at")  # fmt: skip


def state_expression():
    """Meeting.state in SQL: the latest timestamp set decides (same order as the model)."""
    return case(
        (Meeting.voided_at.is_not(None), "voided"),
        (Meeting.revoked_at.is_not(None), "revoked"),
        (Meeting.countersigned_at.is_not(None), "countersigned"),
        (Meeting.published_at.is_not(None), "published"),
        (Meeting.tallied_at.is_not(None), "tallied"),
        (Meeting.closed_at.is_not(None), "closed"),
        (Meeting.opened_at.is_not(None), "open"),
        (Meeting.announced_at.is_not(None), "announced"),
        (Meeting.approved_at.is_not(None), "approved"),
        (Meeting.submitted_at.is_not(None), "submitted"),
        else_="draft",
    )


@dataclass
class QuorumLine:
    """Part of a total against the two-thirds line (3·P ≥ 2·T), for a progress bar."""

    value: int
    total: int
    is_area: bool

    @property
    def needed(self) -> int:
        """The least part that reaches two thirds."""
        return -(-2 * self.total // 3)

    @property
    def met(self) -> bool:
        """Whether the part reaches two thirds (and is not nothing)."""
        return self.value > 0 and quorum_share_met(self.value, self.total)

    @property
    def percent(self) -> int:
        """Whole percent, rounded down, for the label."""
        return 100 * self.value // self.total if self.total else 0

    def shown(self, value: int | None = None) -> str:
        """A figure of this line as people read it (m² for areas)."""
        value = self.value if value is None else value
        return fmt_area(value) if self.is_area else str(value)

    @cached_property
    def text(self) -> dict[str, str]:
        """The figures as shown: voted, total, needed and still missing."""
        return {"voted": self.shown(), "total": self.shown(self.total),
                "needed": self.shown(self.needed),
                "missing": self.shown(max(self.needed - self.value, 0))}  # fmt: skip

    def as_dict(self) -> dict[str, Any]:
        """The line for the API: owners as numbers, areas as "0.00" strings (FORMATS.md §2)."""
        figure = fmt_area if self.is_area else int
        return {"voted": figure(self.value), "total": figure(self.total),
                "needed": figure(self.needed), "ratio": fmt_ratio(self.value, self.total),
                "quorum_met": self.met}  # fmt: skip


@dataclass
class CommunityRow:
    """A community of the office, its body and term, and its meetings by state."""

    id: int
    name: str
    committee_kind: str
    mandate_started_at: datetime | None
    term_ends_on: date | None
    states: dict[str, int] = field(default_factory=dict)

    @property
    def has_committee(self) -> bool:
        """An elected 业主委员会 is recorded (or declared when the community was registered)."""
        return self.committee_kind == "owners_committee"


@dataclass
class WatchedMeeting:
    """A meeting that needs the office: a plan to approve, a vote to watch, a result to sign."""

    meeting: Meeting
    community_name: str
    state: str
    owners: QuorumLine | None = None
    area: QuorumLine | None = None
    result: Result | None = None
    #: For a closed meeting not yet published: the deadline of Beijing art. 37.
    due: PublicationDue | None = None

    def time_left(self, now: datetime) -> timedelta:
        """Until online voting closes (negative once past)."""
        return self.meeting.closes_at - now


@dataclass
class Dashboard:
    """Everything the office dashboard shows."""

    office: Office
    now: datetime
    communities: list[CommunityRow]
    plans: list[WatchedMeeting]
    open_meetings: list[WatchedMeeting]
    results: list[WatchedMeeting]
    #: Closed meetings whose result is not published yet, with their deadline.
    awaiting: list[WatchedMeeting] = field(default_factory=list)

    @property
    def state_totals(self) -> dict[str, int]:
        """Meetings of the whole office by state."""
        totals = dict.fromkeys(STATES, 0)
        for row in self.communities:
            for state, count in row.states.items():
                totals[state] += count
        return totals


def _communities(office: Office) -> list[CommunityRow]:
    mandate = and_(
        CommitteeMandate.community_id == Community.id, CommitteeMandate.ended_at.is_(None)
    )
    rows = db.session.execute(
        select(Community.id, Community.name, Community.committee_kind,
               CommitteeMandate.kind, CommitteeMandate.started_at, CommitteeMandate.term_ends_on)
        .outerjoin(CommitteeMandate, mandate)
        .where(Community.office_id == office.id)
        .order_by(Community.name, Community.id)
    )  # fmt: skip
    return [CommunityRow(cid, name, kind or declared, started, ends)
            for cid, name, declared, kind, started, ends in rows]  # fmt: skip


def _state_counts(office: Office) -> dict[int, dict[str, int]]:
    state = state_expression()
    rows = db.session.execute(
        select(Meeting.community_id, state, func.count())
        .join(Community, Community.id == Meeting.community_id)
        .where(Community.office_id == office.id)
        .group_by(Meeting.community_id, state)
    )
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for community_id, name, count in rows:
        counts[community_id][name] = count
    return counts


def _watched(office: Office) -> list[tuple[Meeting, str, str, int | None, int | None]]:
    state = state_expression()
    return list(
        db.session.execute(
            select(Meeting, Community.name, state, RosterSnapshot.owners, RosterSnapshot.area)
            .options(load_only(*(getattr(Meeting, c) for c in MEETING_COLUMNS)))
            .join(Community, Community.id == Meeting.community_id)
            .outerjoin(RosterSnapshot, RosterSnapshot.meeting_id == Meeting.id)
            .where(Community.office_id == office.id, state.in_(WATCHED))
            .order_by(Meeting.closes_at, Meeting.id)
        ).tuples()
    )


def _ballot_totals(meeting_ids: list[int]) -> dict[int, tuple[int, int]]:
    if not meeting_ids:
        return {}
    rows = db.session.execute(
        select(Ballot.meeting_id, func.count(), func.coalesce(func.sum(Voter.area), 0))
        .join(Voter, Voter.id == Ballot.voter_id)
        .where(Ballot.meeting_id.in_(meeting_ids))
        .group_by(Ballot.meeting_id)
    )
    return {meeting_id: (count, int(area)) for meeting_id, count, area in rows}


def _current_results(meeting_ids: list[int]) -> dict[int, Result]:
    if not meeting_ids:
        return {}
    rows = db.session.scalars(
        select(Result)
        .options(load_only(*(getattr(Result, c) for c in RESULT_COLUMNS)))
        .where(Result.meeting_id.in_(meeting_ids), Result.superseded_at.is_(None))
    )
    return {r.meeting_id: r for r in rows}


def office_dashboard(office: Office, now: datetime | None = None) -> Dashboard:
    """The office's communities, meetings by state, live turnout, plans and results."""
    now = now or utcnow()
    communities = _communities(office)
    counts = _state_counts(office)
    for row in communities:
        found = counts.get(row.id, {})
        row.states = {state: found[state] for state in STATES if state in found}
    watched = _watched(office)
    open_ids = [m.id for m, _, state, _, _ in watched if state == "open"]
    published_ids = [m.id for m, _, state, _, _ in watched if state == "published"]
    ballots = _ballot_totals(open_ids)
    results = _current_results(published_ids)
    first = first_publications([m.id for m, _, state, _, _ in watched
                                if state in ("closed", "tallied")])  # fmt: skip
    plans, open_meetings, to_sign, awaiting = [], [], [], []
    for meeting, name, state, owners, area in watched:
        item = WatchedMeeting(meeting, name, state)
        if state == "submitted":
            plans.append(item)
        elif state == "open":
            voted, voted_area = ballots.get(meeting.id, (0, 0))
            item.owners = QuorumLine(voted, owners or 0, False)
            item.area = QuorumLine(voted_area, area or 0, True)
            open_meetings.append(item)
        elif state in ("closed", "tallied"):
            item.due = publication_due(meeting, now, first.get(meeting.id))
            awaiting.append(item)
        else:
            item.result = results.get(meeting.id)
            to_sign.append(item)
    return Dashboard(office, now, communities, plans, open_meetings, to_sign, awaiting)
