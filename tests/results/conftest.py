"""Fixtures of the results tests: tallied meetings with a motion, a selection and an election.

Meetings are inserted as rows (meeting, matters, options, snapshot, voters, ballots) so that
publication is tested on its own; the figures follow DOMAIN.md TV-18.
"""

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest

from tests.rows import add_matters
from voting.db import db

# (building, unit, area in 0.01 m², channel, motion, selection, election) — TV-18's election.
VOTERS = [
    ("1号楼", "101", 6000, "online", ["agree"], ["1"], ["1", "2", "3"]),
    ("1号楼", "102", 6000, "online", ["agree"], ["1"], ["1", "2", "3"]),
    ("1号楼", "201", 6000, "paper", ["agree"], ["1"], ["1", "2", "4"]),
    ("2号楼", "101", 6000, "online", ["disagree"], ["1"], ["1", "2", "4"]),
    ("2号楼", "102", 16000, "proxy", ["agree"], ["1"], ["1", "3", "4"]),
    ("2号楼", "201", 16000, "online", ["agree"], ["1"], ["1", "3", "4"]),
    ("3号楼", "101", 16000, "online", ["agree"], ["2"], ["1", "2", "4"]),
    ("3号楼", "102", 10000, "paper", [], ["2"], ["2", "5"]),
    ("3号楼", "201", 10000, "online", ["agree"], "invalid", ["3", "5"]),
    ("3号楼", "202", 8000, None, None, None, None),  # did not vote
]
PROCEDURE = {"parking_policy": "include"}
T0 = datetime(2024, 6, 1, 2, 0, tzinfo=UTC)


@dataclass
class Seeded:
    """Ids of a seeded meeting and what its ballots were."""

    meeting_id: int
    community_id: int
    office_id: int
    matter_ids: list[str]
    voter_ids: list[int]
    receipts: list[str | None] = field(default_factory=list)


def seed_meeting(
    community, *, procedure=None, state="tallied", voters=VOTERS, title="业主大会", special=False,
    seats=3,
):  # fmt: skip
    """Insert a meeting of three matters with its snapshot, voters and ballots (in a context)."""
    from voting.ballots.models import Ballot
    from voting.meetings.models import Meeting, RosterSnapshot, Voter

    meeting = Meeting(
        community_id=community.id, title=title, opens_at=T0 + timedelta(days=16),
        closes_at=T0 + timedelta(days=23), procedure=procedure or PROCEDURE,
        created_by="user:test", announced_at=T0, approved_at=T0, submitted_at=T0,
    )  # fmt: skip
    if state in ("open", "closed", "tallied"):
        meeting.opened_at = T0 + timedelta(days=16)
    if state in ("closed", "tallied"):
        meeting.closed_at = T0 + timedelta(days=23)
    if state == "tallied":
        meeting.tallied_at = T0 + timedelta(days=23, minutes=5)
    db.session.add(meeting)
    db.session.flush()
    specs = [
        ("筹集专项维修资金" if special else "续聘物业服务企业",
         "special" if special else "ordinary", "motion", 1, 0,
         [("agree", "同意"), ("disagree", "反对")]),
        ("选聘物业服务企业", "ordinary", "selection", 1, 0,
         [("1", "甲物业"), ("2", "乙物业"), ("3", "丙物业")]),
        ("选举业主委员会委员", "ordinary", "election", seats, 3,
         [(str(i), f"候选人{c}") for i, c in enumerate("ABCDE", 1)]),
    ]  # fmt: skip
    matters = add_matters(meeting, specs)
    ids = [m.public_id for m in matters]
    total = sum(v[2] for v in voters)
    db.session.add(
        RosterSnapshot(
            meeting_id=meeting.id, community_id=community.id, taken_at=meeting.opened_at or T0,
            units=len(voters), owners=len(voters), area=total, households=len(voters),
            snapshot_hash=hashlib.sha256(f"snapshot {meeting.id}".encode()).hexdigest(),
        )
    )  # fmt: skip
    voter_ids, receipts = [], []
    for number, (building, unit, area, channel, *answers) in enumerate(voters):
        voter = Voter(
            meeting_id=meeting.id, community_id=community.id, person_key=f"o{number}",
            area=area, can_vote=True, units=[f"{building} {unit}"], building=building,
            display_name="王*",
        )  # fmt: skip
        db.session.add(voter)
        db.session.flush()
        voter_ids.append(voter.id)
        if channel is None:
            receipts.append(None)
            continue
        receipt = secrets.token_hex(16)
        receipts.append(receipt)
        db.session.add(
            Ballot(
                meeting_id=meeting.id, community_id=community.id, voter_id=voter.id,
                channel=channel, receipt=receipt,
                answers={mid: a for mid, a in zip(ids, answers, strict=True) if a is not None},
                cast_at=T0 + timedelta(days=17, minutes=number),
                entered_by="resident" if channel == "online" else "user:test",
            )
        )  # fmt: skip
    db.session.flush()
    return Seeded(meeting.id, community.id, community.office_id, ids, voter_ids, receipts)


class Results:
    """Builds the cast of a results test: a community, its committee and office, their keys."""

    def __init__(self, app, make):
        self.app, self.make = app, make

    def setup(self, *, procedure=None, keys=True, office=None, name="观澜苑", **seed):
        """A community with committee and office users (and keys), and a tallied meeting."""
        from voting.results.keys import create_signing_key
        from voting.rosters.models import Community, Office

        office = office or self.make.office()
        community = self.make.community(office=office, name=name)
        suffix = f"{community.id}"
        committee = self.make.user("committee", f"committee-{suffix}", community=community)
        officer = self.make.user("office", f"office-{suffix}", office=office)
        with self.app.app_context():
            if keys:
                create_signing_key(db.session.get(Community, community.id), "user:test")
                if not _has_key(office.id):
                    create_signing_key(db.session.get(Office, office.id), "user:test")
            community_row = db.session.get(Community, community.id)
            seeded = seed_meeting(community_row, procedure=procedure, **seed)
            db.session.commit()
        return Cast(self.app, community, office, committee, officer, seeded)


def _has_key(office_id: int) -> bool:
    from sqlalchemy import select

    from voting.results.models import SigningKey

    query = select(SigningKey.id).where(SigningKey.office_id == office_id)
    return db.session.scalar(query) is not None


@dataclass
class Cast:
    """Everything a results test needs, with helpers that run services in an app context."""

    app: object
    community: object
    office: object
    committee: object
    officer: object
    seeded: Seeded

    @property
    def meeting_id(self) -> int:
        return self.seeded.meeting_id

    def run(self, service, *args, user=None, **kwargs):
        """Call ``service(meeting, user, ...)`` in a context of its own and commit."""
        from voting.auth.models import User
        from voting.meetings.models import Meeting

        with self.app.app_context():
            meeting = db.session.get(Meeting, self.meeting_id)
            acting = db.session.get(User, (user or self.committee).id)
            try:
                value = service(meeting, acting, *args, **kwargs)
            except Exception:
                db.session.rollback()
                raise
            db.session.commit()
            return value


@pytest.fixture
def results(app, make):
    return Results(app, make)


@pytest.fixture
def cast(results):
    """A community with keys and a tallied meeting, not yet published."""
    return results.setup()
