"""The state machine: each transition, its audit event, and its refusals (nothing changes)."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from voting.audit.models import AuditEvent
from voting.db import db
from voting.meetings import services as s
from voting.meetings.errors import MeetingError
from voting.meetings.models import Credential, Meeting, RosterSnapshot, Voter

from .conftest import CLOSES_AT, FEE, OPENS_AT, PLANNED_AT, cast


def snapshot_rows(app) -> tuple[int, int, int]:
    with app.app_context():
        return tuple(
            db.session.scalar(select(func.count()).select_from(model))
            for model in (RosterSnapshot, Voter, Credential)
        )


def events(app, meeting_id: int) -> list[str]:
    with app.app_context():
        rows = db.session.scalars(
            select(AuditEvent).where(AuditEvent.type.like("meeting.%")).order_by(AuditEvent.seq)
        )
        return [e.type for e in rows if e.data.get("meeting_id") == meeting_id]


def refused(meetings, meeting_id, step, code):
    state = meetings.state(meeting_id)
    with pytest.raises(MeetingError) as caught:
        meetings.run(step, meeting_id)
    assert code in [p.code for p in caught.value.problems]
    assert meetings.state(meeting_id) == state


def give_reason(meetings, meeting_id, step, reason):
    """Run ``step`` (a return or a void) with ``reason``, after a blank reason (empty, or
    spaces only) was refused and changed nothing."""
    for blank in ("", "  "):
        refused(meetings, meeting_id, lambda m, blank=blank: step(m, blank), "REASON_REQUIRED")
    meetings.run(lambda m: step(m, reason), meeting_id)


def test_whole_path_is_logged(app, meetings, community):
    meeting_id = meetings.planned(community, "tallied")
    assert events(app, meeting_id) == [
        "meeting.created",
        "meeting.submitted",
        "meeting.approved",
        "meeting.announced",
        "meeting.opened",
        "meeting.closed",
        "meeting.tallied",
    ]
    with meetings.loaded(meeting_id) as meeting:
        assert meeting.procedure["parking_policy"] == "include"
        assert (meeting.announced_at, meeting.opened_at) == (PLANNED_AT, OPENS_AT)
        assert meeting.closed_at == meeting.tallied_at == CLOSES_AT
        assert [m["outcome"]["status"] for m in meeting.tally] == ["no_quorum"] * 3
        announced = db.session.scalar(
            select(AuditEvent).where(AuditEvent.type == "meeting.announced")
        )
        assert [m["title"] for m in announced.data["matters"]][0] == FEE["title"]


def test_wrong_states_are_refused(app, meetings, community):
    meeting_id = meetings.plan(community)
    refused(meetings, meeting_id, s.approve_meeting, "WRONG_STATE")
    refused(meetings, meeting_id, lambda m: s.announce_meeting(m, now=PLANNED_AT), "WRONG_STATE")
    refused(meetings, meeting_id, lambda m: s.open_meeting(m, now=OPENS_AT), "WRONG_STATE")
    refused(meetings, meeting_id, lambda m: s.close_meeting(m, now=CLOSES_AT), "WRONG_STATE")
    meetings.advance(meeting_id, "submitted")
    refused(meetings, meeting_id, s.submit_meeting, "WRONG_STATE")
    assert snapshot_rows(app) == (0, 0, 0)


def test_return_sends_the_plan_back_with_its_reason(app, meetings, community):
    meeting_id = meetings.planned(community, "approved")
    give_reason(meetings, meeting_id, s.return_meeting, "公告期不足")
    with meetings.loaded(meeting_id) as meeting:
        assert (meeting.state, meeting.returned_reason) == ("draft", "公告期不足")
        assert meeting.approved_at is None and meeting.submitted_at is None
    meetings.run(s.submit_meeting, meeting_id)
    assert meetings.state(meeting_id) == "submitted"
    assert events(app, meeting_id).count("meeting.returned") == 1


def test_notice_too_late_is_refused(app, meetings, community):
    meeting_id = meetings.planned(community, "approved")
    # 20 days before opening is fine at 15 days' notice, not at 20 (CLEAR_15 needs 21).
    app.config["VOTING_MIN_NOTICE_DAYS"] = 20
    refused(
        meetings, meeting_id, lambda m: s.announce_meeting(m, now=PLANNED_AT), "NOTICE_TOO_LATE"
    )
    app.config["VOTING_MIN_NOTICE_DAYS"] = 15
    late = PLANNED_AT + timedelta(days=5)
    refused(meetings, meeting_id, lambda m: s.announce_meeting(m, now=late), "NOTICE_TOO_LATE")
    app.config["VOTING_MIN_NOTICE_DAYS"] = 3
    meetings.run(lambda m: s.announce_meeting(m, now=late), meeting_id)
    assert meetings.state(meeting_id) == "announced"


def test_announce_needs_a_parking_policy(app, make, meetings):
    community = make.community(parking_policy=None)
    meeting_id = meetings.planned(community, "approved")
    refused(
        meetings,
        meeting_id,
        lambda m: s.announce_meeting(m, now=PLANNED_AT),
        "PARKING_POLICY_REQUIRED",
    )


def test_opening_before_time_and_after_window_is_refused(app, meetings, community):
    meeting_id = meetings.planned(community, "announced")
    early = OPENS_AT - timedelta(minutes=1)
    refused(meetings, meeting_id, lambda m: s.open_meeting(m, now=early), "NOT_YET_OPEN")
    refused(meetings, meeting_id, lambda m: s.open_meeting(m, now=CLOSES_AT), "WINDOW_OVER")
    assert snapshot_rows(app) == (0, 0, 0)
    meetings.run(lambda m: s.open_meeting(m, now=OPENS_AT), meeting_id)
    assert snapshot_rows(app) == (1, 7, 6)


def test_closing_early_only_when_everyone_voted(app, meetings, community):
    meeting_id = meetings.planned(community, "open", matters=[FEE])
    early = CLOSES_AT - timedelta(days=1)
    with app.app_context():
        keys = list(db.session.scalars(select(Voter.person_key).where(Voter.can_vote)))
    cast(app, meeting_id, {key: {"1": ["agree"]} for key in keys[:-1]})
    refused(meetings, meeting_id, lambda m: s.close_meeting(m, now=early), "VOTERS_REMAIN")
    cast(app, meeting_id, {keys[-1]: {"1": ["disagree"]}})
    meetings.run(lambda m: s.close_meeting(m, now=early), meeting_id)
    with meetings.loaded(meeting_id) as meeting:
        assert meeting.state == "tallied" and meeting.closed_at == early
        assert meeting.tally[0]["participation"]["owners"] == 6
        assert meeting.tally[0]["outcome"]["status"] == "passed"


def test_void_from_any_state_before_countersigned(app, meetings, community):
    meeting_id = meetings.planned(community, "open")
    give_reason(meetings, meeting_id, s.void_meeting, "公告张贴不规范")
    with meetings.loaded(meeting_id) as meeting:
        assert (meeting.state, meeting.void_reason) == ("voided", "公告张贴不规范")
    refused(meetings, meeting_id, lambda m: s.void_meeting(m, "again"), "WRONG_STATE")
    refused(meetings, meeting_id, lambda m: s.close_meeting(m, now=CLOSES_AT), "WRONG_STATE")


def test_countersigned_meeting_cannot_be_voided(app, meetings, community):
    meeting_id = meetings.planned(community, "tallied")

    def countersign(meeting):
        meeting.published_at = meeting.countersigned_at = CLOSES_AT

    meetings.run(countersign, meeting_id)
    refused(meetings, meeting_id, lambda m: s.void_meeting(m, "too late"), "WRONG_STATE")


def test_actor_is_the_acting_user(app, meetings, community, make):
    user = make.user("committee", community=community)
    meeting_id = meetings.plan(community)
    with app.test_request_context("/"):
        from flask import g

        from voting.auth.models import User

        g.api_user = db.session.get(User, user.id)
        s.submit_meeting(db.session.get(Meeting, meeting_id))
        db.session.commit()
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.type == "meeting.submitted"))
        assert event.actor == f"user:{user.username}"
