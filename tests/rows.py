"""Rows that the tests and the benchmarks seed the same way."""

from typing import Any


def add_matters(meeting: Any, specs: list[tuple]) -> list[Any]:
    """Add a meeting's matters, in order, from ``(title, category, kind, seats, alternates,
    options)`` with options as ``(code, label)``; flushed, so that each has its id."""
    from voting.db import db
    from voting.meetings.models import Matter, Option

    matters = []
    for position, (title, category, kind, seats, alternates, options) in enumerate(specs):
        matter = Matter(
            meeting_id=meeting.id, community_id=meeting.community_id, position=position,
            title=title, category=category, kind=kind, seats=seats, alternates=alternates,
            options=[Option(position=i, code=code, label=label)
                     for i, (code, label) in enumerate(options)],
        )  # fmt: skip
        db.session.add(matter)
        matters.append(matter)
    db.session.flush()
    return matters
