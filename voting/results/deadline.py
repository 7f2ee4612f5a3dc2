"""The publication deadline of a meeting's decisions (Beijing art. 37, DOMAIN.md 2.7).

The decisions are made when voting closes; the result must be posted within 3 days, counted
by ``voting.rules.calendar``. The first publication (even a preliminary one, which starts the
objection period) is what the deadline asks for.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select

from voting.db import db, utcnow
from voting.meetings.models import Meeting
from voting.results.models import Result
from voting.rules.calendar import publication_deadline
from voting.timeutil import SHANGHAI


@dataclass(frozen=True)
class PublicationDue:
    """When the result was due and whether it came (or is still missing) in time."""

    due_on: date
    #: 24:00 of ``due_on`` in Beijing time, in UTC.
    due_at: datetime
    published_at: datetime | None
    now: datetime

    @property
    def overdue(self) -> bool:
        """Not published, and the deadline has passed."""
        return self.published_at is None and self.now >= self.due_at

    @property
    def late(self) -> bool:
        """Published, but after the deadline."""
        return self.published_at is not None and self.published_at >= self.due_at


def first_published_at(meeting: Meeting) -> datetime | None:
    """When the meeting's result was first published, if ever."""
    return db.session.scalar(select(func.min(Result.published_at)).where(
        Result.meeting_id == meeting.id))  # fmt: skip


def first_publications(meeting_ids: list[int]) -> dict[int, datetime]:
    """When each of the meetings' results was first published (published ones only)."""
    if not meeting_ids:
        return {}
    rows = db.session.execute(
        select(Result.meeting_id, func.min(Result.published_at))
        .where(Result.meeting_id.in_(meeting_ids))
        .group_by(Result.meeting_id)
    )
    return {meeting_id: first for meeting_id, first in rows}


_UNKNOWN = object()


def publication_due(
    meeting: Meeting, now: datetime | None = None, published_at: object = _UNKNOWN
) -> PublicationDue | None:
    """The deadline to publish the decisions of a closed meeting (None before it closes or
    once it is voided); ``published_at`` saves the look-up when the caller has it."""
    if meeting.closed_at is None or meeting.voided_at is not None:
        return None
    if published_at is _UNKNOWN:
        published_at = first_published_at(meeting)
    due_on = publication_deadline(meeting.closed_at.astimezone(SHANGHAI).date())
    due_at = datetime.combine(due_on + timedelta(days=1), time(0, 0), tzinfo=SHANGHAI)
    return PublicationDue(due_on, due_at.astimezone(UTC), published_at, now or utcnow())
