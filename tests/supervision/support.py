"""Helpers of the supervision tests: communities with owners who can confirm their identity,
meetings driven through the meetings services into the state a test needs."""

from datetime import datetime, timedelta

from sqlalchemy import func, select

from tests.ballots.support import MeetingKit, Opened
from voting.db import db, utcnow

HEADER = "building,unit,unit_type,registered_area,owner,owner_key,id_number,phone\n"
MOTION = {"title": "续聘物业服务企业", "category": "ordinary", "kind": "motion"}
PDF = b"%PDF-1.4\n% written authorisation\n"


def roster_csv(owners: int) -> bytes:
    """``owners`` dwellings of 100 m², owner ``o<n>`` each, phones ending in 000<n>."""
    rows = [
        f"1号楼,{100 + n},dwelling,100.00,业主{n},o{n},,1380000{n:04d}\n"
        for n in range(1, owners + 1)
    ]
    return (HEADER + "".join(rows)).encode()


def last4(owner: str) -> str:
    """The four digits owner ``o<n>`` confirms their identity with."""
    return f"{int(owner[1:]):04d}"


class World:
    """Builds communities and meetings for one app, each step committed in its own context."""

    def __init__(self, app, make):
        self.app, self.make = app, make

    def run(self, fn, *args, **kwargs):
        """Call fn in an app context and commit."""
        with self.app.app_context():
            value = fn(*args, **kwargs)
            db.session.commit()
            return value

    def community(self, office=None, name: str = "观澜苑", owners: int = 9):
        """A community with ``owners`` owners, each with a phone to confirm identity with by
        its last four digits (the rules of procedure turn the one-time code off, so that the
        tests type the checks themselves)."""
        from voting.rosters.models import Community
        from voting.rosters.services import import_roster, update_procedure

        community = self.make.community(office=office, name=name, roster=None)
        with self.app.app_context():
            row = db.session.get(Community, community.id)
            update_procedure(row, {"parking_policy": "include", "one_time_code": False})
            import_roster(row, roster_csv(owners), "r.csv")
            db.session.commit()
        return community

    def plan(self, community_id: int, state: str = "submitted", title: str = "业主大会会议") -> int:
        """A meeting planned 20 days ahead, taken to draft or submitted; returns its id."""
        from voting.meetings import services
        from voting.rosters.models import Community

        opens = utcnow() + timedelta(days=20)
        with self.app.app_context():
            community = db.session.get(Community, community_id)
            meeting = services.create_meeting(
                community, title, opens, opens + timedelta(days=7), [MOTION]
            )
            if state == "submitted":
                services.submit_meeting(meeting)
            db.session.commit()
            return meeting.id

    def open(self, community_id: int, title: str = "业主大会会议", days_left: int = 10) -> Opened:
        """A meeting of one motion whose window contains now, opened: credentials issued."""
        return MeetingKit(self.app).open(community_id, [MOTION], title, days_left=days_left)

    def vote(
        self,
        opened: Opened,
        owner: str,
        choice: str = "agree",
        source: str | None = None,
        now: datetime | None = None,
    ) -> None:
        """Cast an online ballot through the ballots service."""
        from voting.ballots.services import cast_ballot

        answers = {opened.matter_id: [choice]}
        self.run(cast_ballot, opened.tokens[owner], answers, last4(owner), source, now=now)

    def close(self, opened: Opened, early: bool = True) -> None:
        """Close (everyone voted, or after the window) and tally."""
        from voting.meetings.models import Meeting
        from voting.meetings.services import close_meeting

        with self.app.app_context():
            meeting = db.session.get(Meeting, opened.meeting_id)
            when = utcnow() if early else meeting.closes_at + timedelta(minutes=1)
            close_meeting(meeting, now=when)
            db.session.commit()

    def state(self, meeting_id: int) -> str:
        from voting.meetings.models import Meeting

        with self.app.app_context():
            return db.session.get(Meeting, meeting_id).state

    def count(self, model, *where) -> int:
        """Rows of a model (matching ``where``)."""
        with self.app.app_context():
            return db.session.scalar(select(func.count()).select_from(model).where(*where))

    def anomalies(self, meeting_id: int) -> list:
        """The meeting's anomalies, computed in a fresh context."""
        from voting.meetings.models import Meeting
        from voting.supervision.anomalies import anomalies_for_meeting

        with self.app.app_context():
            return anomalies_for_meeting(db.session.get(Meeting, meeting_id))


def api(make, user) -> dict:
    """Bearer headers of a user."""
    return {"Authorization": f"Bearer {make.token(user)}"}
