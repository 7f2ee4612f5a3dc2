"""Fixtures of the meetings tests: a planned meeting on the small roster, driven by services."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest

from voting.db import db, utcnow

#: "Now" when the committee plans: voting opens 20 days later, for 7 days.
PLANNED_AT = datetime(2030, 3, 1, 2, 0, tzinfo=UTC)
OPENS_AT = PLANNED_AT + timedelta(days=20)
CLOSES_AT = OPENS_AT + timedelta(days=7)

FEE = {"title": "物业费由 1.47 元调整为 2.38 元/㎡·月", "category": "ordinary", "kind": "motion"}
FIRMS = {
    "title": "选聘物业服务企业",
    "category": "ordinary",
    "kind": "selection",
    "options": [{"label": "甲物业"}, {"label": "乙物业"}, {"label": "丙物业"}],
}
COMMITTEE = {
    "title": "选举第一届业主委员会",
    "category": "ordinary",
    "kind": "election",
    "seats": 3,
    "alternates": 1,
    "options": [{"label": n, "statement": f"{n}的简介"} for n in ("张三", "李四", "王五", "赵六")],
}


def window(
    write, opens_in: timedelta = timedelta(days=20), length: timedelta = timedelta(days=7)
) -> dict[str, str]:
    """The ``opens_at`` and ``closes_at`` of a meeting planned now (voting opens in
    ``opens_in``, for ``length``), each as ``write`` writes a moment."""
    opens = utcnow() + opens_in
    return {"opens_at": write(opens), "closes_at": write(opens + length)}


class Meetings:
    """Service-level steps on one app, each in an app context of its own and committed."""

    def __init__(self, app):
        self.app = app

    def run(self, fn, meeting_id: int | None = None, *args, **kwargs):
        """Call fn(meeting, ...) (or fn(...) without an id) in a context, then commit."""
        from voting.meetings.models import Meeting

        with self.app.app_context():
            if meeting_id is None:
                result = fn(*args, **kwargs)
            else:
                result = fn(db.session.get(Meeting, meeting_id), *args, **kwargs)
            db.session.commit()
            return result

    def plan(self, community, matters=None, **kwargs) -> int:
        """A draft meeting on the community; returns its id."""
        from voting.meetings.services import create_meeting
        from voting.rosters.models import Community

        with self.app.app_context():
            meeting = create_meeting(
                db.session.get(Community, community.id),
                kwargs.pop("title", "2030 年第一次业主大会会议"),
                kwargs.pop("opens_at", OPENS_AT),
                kwargs.pop("closes_at", CLOSES_AT),
                matters if matters is not None else [FEE, FIRMS, COMMITTEE],
                **kwargs,
            )
            db.session.commit()
            return meeting.id

    def planned(self, community, to: str, **kwargs) -> int:
        """A meeting planned on the community (as ``plan``) and driven up to ``to``."""
        meeting_id = self.plan(community, **kwargs)
        self.advance(meeting_id, to)
        return meeting_id

    def advance(self, meeting_id: int, to: str) -> None:
        """Drive the meeting through the state machine up to ``to``."""
        from voting.meetings import services as s

        steps = [
            ("submitted", lambda m: s.submit_meeting(m)),
            ("approved", lambda m: s.approve_meeting(m)),
            ("announced", lambda m: s.announce_meeting(m, now=PLANNED_AT)),
            ("open", lambda m: s.open_meeting(m, now=OPENS_AT)),
            ("tallied", lambda m: s.close_meeting(m, now=CLOSES_AT)),
        ]
        for state, step in steps:
            self.run(step, meeting_id)
            if state == to:
                return
        raise AssertionError(f"no step to {to}")

    @contextmanager
    def loaded(self, meeting_id: int) -> Iterator:
        """The meeting, read in an app context that lasts as long as the ``with`` block."""
        from voting.meetings.models import Meeting

        with self.app.app_context():
            yield db.session.get(Meeting, meeting_id)

    def state(self, meeting_id: int) -> str:
        with self.loaded(meeting_id) as meeting:
            return meeting.state


@pytest.fixture
def meetings(app):
    return Meetings(app)


def roster_csv(units: list[tuple]) -> bytes:
    """A roster file from (building, unit, area m², owner_key[, type]) tuples."""
    lines = ["楼栋,房号,类型,登记面积,业主,业主标识"]
    for building, number, area, owner, *kind in units:
        name = "" if owner is None else f"业主{owner}"
        lines.append(
            f"{building},{number},{kind[0] if kind else '住宅'},{area},{name},{owner or ''}"
        )
    return ("\n".join(lines) + "\n").encode()


def one_building(areas: list[int], owners: list[str] | None = None) -> list[tuple]:
    """Units 1, 2, … of 1栋 with these areas in m², owned by ``owners`` (o1, o2, … unless
    given), as roster_csv takes them."""
    owners = owners or [f"o{i}" for i in range(1, len(areas) + 1)]
    return [
        ("1栋", str(i), f"{area}.00", owner)
        for i, (area, owner) in enumerate(zip(areas, owners, strict=True), start=1)
    ]


@pytest.fixture
def vector_community(make, app):
    """Make a community whose roster is given as tuples (see roster_csv)."""

    def build(units: list[tuple], parking_policy: str = "include", **settings):
        from voting.rosters.models import Community
        from voting.rosters.services import import_roster, update_procedure

        community = make.community(roster=None, parking_policy=None)
        with app.app_context():
            row = db.session.get(Community, community.id)
            update_procedure(row, {"parking_policy": parking_policy, **settings})
            import_roster(row, roster_csv(units), "vector.csv")
            db.session.commit()
        return community

    return build


def cast(app, meeting_id: int, answers_by_person: dict, channel: str = "online") -> None:
    """Insert Ballot rows directly, one per person key, as the ballots feature would."""
    import secrets

    from sqlalchemy import select

    from voting.ballots.models import Ballot
    from voting.meetings.models import Voter

    with app.app_context():
        voters = {
            v.person_key: v
            for v in db.session.scalars(select(Voter).where(Voter.meeting_id == meeting_id))
        }
        for key, answers in answers_by_person.items():
            voter = voters[key]
            db.session.add(
                Ballot(
                    meeting_id=meeting_id,
                    community_id=voter.community_id,
                    voter_id=voter.id,
                    channel=channel,
                    receipt=secrets.token_hex(16),
                    answers=answers,
                    cast_at=OPENS_AT + timedelta(hours=1),
                    entered_by="resident",
                )
            )
        db.session.commit()


def shift_clock(app, meeting_id: int, opens_in: timedelta, length: timedelta = timedelta(days=7)):
    """Simulate the passing of time for requests (which use the real clock): move the window."""
    from voting.meetings.models import Meeting

    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        meeting.opens_at = utcnow() + opens_in
        meeting.closes_at = meeting.opens_at + length
        db.session.commit()


class Staff:
    """Users made on first use (password hashing is slow): ``staff["committee"]`` etc."""

    def __init__(self, make, community):
        self.make, self.community, self.users = make, community, {}

    def __getitem__(self, name: str):
        if name not in self.users:
            self.users[name] = self._make(name)
        return self.users[name]

    def _make(self, name: str):
        if name == "committee":
            return self.make.user("committee", community=self.community)
        if name == "office":
            return self.make.user("office", office=self.community.office)
        other = self.users.get("_other") or self.make.community(name="别的小区", roster=None)
        self.users["_other"] = other
        if name == "stranger":
            return self.make.user("committee", username="stranger", community=other)
        return self.make.user("office", username="other-office", office=other.office)


@pytest.fixture
def staff(make, community):
    """Committee and office users of the community, and users of another community."""
    return Staff(make, community)
