"""Helpers of the ballots tests: rosters built in code, meetings opened through the meeting
services, and counts of every table a ballot could touch (to assert that refusals record
nothing)."""

import os
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import func, select

from voting.db import db, utcnow

PG = bool(os.environ.get("VOTING_TEST_DATABASE_URL"))
HEADER = "building,unit,unit_type,registered_area,owner,owner_key,id_number,phone\n"


@dataclass(frozen=True)
class Unit:
    """One roster row: unit ``number`` of building ``building``, owned by ``key``."""

    number: str
    area: str
    key: str | None
    id_number: str = ""
    phone: str = ""
    building: str = "1号楼"
    unit_type: str = "dwelling"


def roster_csv(units: list[Unit]) -> bytes:
    """A roster file of the given units; owners are named after their keys."""
    lines = [
        f"{u.building},{u.number},{u.unit_type},{u.area},{('业主' + u.key) if u.key else ''},"
        f"{u.key or ''},{u.id_number},{u.phone}\n"
        for u in units
    ]
    return (HEADER + "".join(lines)).encode()


def motion(title: str, category: str = "ordinary") -> dict:
    """A motion matter (agree / disagree / abstain)."""
    return {"title": title, "category": category, "kind": "motion"}


def selection(title: str, labels: list[str]) -> dict:
    """A single-choice matter among several options."""
    return {
        "title": title,
        "category": "ordinary",
        "kind": "selection",
        "options": [{"label": label, "statement": f"{label}的报价与服务方案"} for label in labels],
    }


def election(title: str, labels: list[str], seats: int, alternates: int) -> dict:
    """A committee election with candidate statements."""
    return {
        "title": title,
        "category": "ordinary",
        "kind": "election",
        "seats": seats,
        "alternates": alternates,
        "options": [
            {"label": label, "statement": f"{label}：热心公益，愿为大家服务。"} for label in labels
        ],
    }


@dataclass
class Opened:
    """An open meeting as the tests drive it."""

    meeting_id: int
    community_id: int
    matter_ids: list[str]
    #: Per matter: option label -> option code.
    codes: list[dict[str, str]]
    tokens: dict[str, str] = field(default_factory=dict)
    voter_ids: dict[str, int] = field(default_factory=dict)
    credential_ids: dict[str, int] = field(default_factory=dict)
    #: Person key -> the voter's units as the pages show them ("1号楼 101").
    labels: dict[str, str] = field(default_factory=dict)
    #: A secret meeting's trustees' key shares (trustee number -> share); empty otherwise.
    shares: dict[int, int] = field(default_factory=dict)

    @property
    def matter_id(self) -> str:
        """The first matter's id (meetings of one motion)."""
        return self.matter_ids[0]

    def answers(self, choices: dict[int, list[str] | str]) -> dict:
        """Answers by matter index and option labels, as matter ids and option codes."""
        out: dict = {}
        for index, labels in choices.items():
            key = self.matter_ids[index]
            out[key] = labels if isinstance(labels, str) else [self.codes[index][x] for x in labels]
        return out


class MeetingKit:
    """Builds communities with rosters, opens meetings, closes them, counts rows."""

    def __init__(self, app):
        self.app = app

    def community(self, units: list[Unit], parking_policy: str = "include", **settings) -> int:
        """A community with this roster and procedure; returns its id."""
        from voting.rosters.services import (
            create_community,
            create_office,
            import_roster,
            update_procedure,
        )

        with self.app.app_context():
            office = create_office("望京街道办事处")
            community = create_community("观澜苑", office.id, "owners_committee")
            update_procedure(community, {"parking_policy": parking_policy, **settings})
            import_roster(community, roster_csv(units), "roster.csv")
            db.session.commit()
            return community.id

    def open(
        self,
        community_id: int,
        matters: list[dict],
        title: str = "业主大会会议",
        days_left: int = 10,
        secret: bool = False,
    ) -> Opened:
        """Plan, approve, announce and open a meeting whose window contains now; ``secret``
        makes its ballots secret under a 2-of-3 joint key from a test-made ceremony."""
        from voting.meetings import services
        from voting.meetings.credentials import credential_token
        from voting.meetings.models import Credential, Meeting, Voter
        from voting.rosters.models import Community

        now = utcnow()
        opens_at, closes_at = now - timedelta(hours=1), now + timedelta(days=days_left)
        with self.app.app_context():
            community = db.session.get(Community, community_id)
            meeting = services.create_meeting(community, title, opens_at, closes_at, matters)
            services.submit_meeting(meeting, now=opens_at - timedelta(days=30))
            services.approve_meeting(meeting, now=opens_at - timedelta(days=25))
            shares = make_secret(meeting) if secret else {}
            services.announce_meeting(meeting, now=opens_at - timedelta(days=20))
            services.open_meeting(meeting, now=now)
            db.session.commit()
            meeting = db.session.get(Meeting, meeting.id)
            opened = Opened(
                meeting.id,
                community_id,
                [m.public_id for m in meeting.matters],
                [{o.label: o.code for o in m.options} for m in meeting.matters],
            )
            rows = db.session.execute(
                select(Voter, Credential)
                .join(Credential, Credential.voter_id == Voter.id)
                .where(Voter.meeting_id == meeting.id)
            )
            for voter, credential in rows:
                opened.tokens[voter.person_key] = credential_token(credential)
                opened.voter_ids[voter.person_key] = voter.id
                opened.credential_ids[voter.person_key] = credential.id
            for voter in db.session.scalars(select(Voter).where(Voter.meeting_id == meeting.id)):
                opened.voter_ids.setdefault(voter.person_key, voter.id)
                opened.labels[voter.person_key] = "、".join(voter.units)
            opened.shares = shares
            return opened

    def close(self, opened: Opened) -> list[dict]:
        """Close and tally after the window; returns the result document's matters."""
        from voting.meetings.models import Meeting
        from voting.meetings.services import close_meeting

        with self.app.app_context():
            meeting = db.session.get(Meeting, opened.meeting_id)
            close_meeting(meeting, now=meeting.closes_at + timedelta(minutes=1))
            db.session.commit()
            return meeting.tally

    def shift_window(self, opened: Opened, **delta) -> None:
        """Move the meeting's window (e.g. into the past, to test a closed window)."""
        from voting.meetings.models import Meeting

        with self.app.app_context():
            meeting = db.session.get(Meeting, opened.meeting_id)
            meeting.opens_at -= timedelta(**delta)
            meeting.closes_at -= timedelta(**delta)
            db.session.commit()

    def counts(self) -> dict[str, int]:
        """Rows in every table a ballot, an entry or a refusal could write."""
        from voting.audit.models import AuditEvent
        from voting.ballots.models import (
            Ballot,
            BallotConflict,
            PaperEntry,
            ProxyAuthorisation,
            RosterErrorReport,
        )

        models = (
            Ballot,
            AuditEvent,
            PaperEntry,
            BallotConflict,
            ProxyAuthorisation,
            RosterErrorReport,
        )
        with self.app.app_context():
            return {
                m.__tablename__: db.session.scalar(select(func.count()).select_from(m))
                for m in models
            }

    def committee(self, make, community_id: int, name: str):
        """A committee member of the community."""
        from voting.rosters.models import Community

        with self.app.app_context():
            community = db.session.get(Community, community_id)
        return make.user("committee", username=name, community=community)

    def signed_in_members(self, make, community_id: int, names=("wang", "li")) -> dict:
        """Committee members of the community, each signed in on a client of their own (two
        clerks at two desks): name -> test client."""
        members = {}
        for name in names:
            user = self.committee(make, community_id, name)
            client = self.app.test_client()
            client.post("/login", data={"username": user.username, "password": make.password})
            members[name] = client
        return members


def make_secret(meeting, threshold: int = 2, trustees: int = 3) -> dict[int, int]:
    """Make the meeting's ballots secret under a joint key of a trusted-dealer ceremony run
    here; the trustees' shares (trustee number -> share)."""
    from voting.crypto.ballot2 import ceremony_context
    from voting.crypto.secret_json import joint_key_to_json
    from voting.crypto.trustees import dealer_ceremony

    key, shares = dealer_ceremony(threshold, trustees, ceremony_context(str(meeting.id)))
    meeting.secret = True
    meeting.trustee_threshold = threshold
    meeting.joint_key = joint_key_to_json(key)
    meeting.key_ceremony_at = utcnow()
    db.session.flush()
    return shares


def six_owners(**extra) -> list[Unit]:
    """TV-01's roster: six owners, one unit each (areas 100, 100, 80, 120, 100, 100)."""
    areas = ["100.00", "100.00", "80.00", "120.00", "100.00", "100.00"]
    return [
        Unit(f"{n}01", area, f"o{n}", **extra.get(f"o{n}", {}))
        for n, area in enumerate(areas, start=1)
    ]


def text(response) -> str:
    """A response's body as text."""
    return response.get_data(as_text=True)
