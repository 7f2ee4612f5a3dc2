"""Tenancy across every feature: staff of one community or office get 403/404 on every
staff page and API call that names an object of another office's community."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from tests.routing import answers, route_urls
from voting.db import db

PLANNED_AT = datetime(2030, 3, 1, 2, 0, tzinfo=UTC)
OPENS_AT = PLANNED_AT + timedelta(days=20)
#: Pages and calls meant for residents or for everyone.
PUBLIC = ("/public/", "/v/", "/c/", "/t/", "/keys", "/static/", "/lang/", "/api/v1/participation/",
          "/api/v1/ballots", "/api/v1/keys", "/api/v1/openapi.json")  # fmt: skip


@pytest.fixture
def world(app, make):
    """Community A (office A) and community B (office B) with an open meeting and a topic."""
    from voting.consultations.services import add_question, create_consultation
    from voting.meetings import services as meetings
    from voting.meetings.models import Credential, Voter
    from voting.rosters.models import Community, Unit

    a = make.community(make.office("东城街道"), name="甲小区")
    b = make.community(make.office("西城街道"), name="乙小区")
    with app.app_context():
        community = db.session.get(Community, b.id)
        meeting = meetings.create_meeting(
            community, "乙小区业主大会", OPENS_AT, OPENS_AT + timedelta(days=7),
            [{"title": "物业费调整", "category": "ordinary", "kind": "motion"}],
        )  # fmt: skip
        for step in (meetings.submit_meeting, meetings.approve_meeting):
            step(meeting)
        meetings.announce_meeting(meeting, now=PLANNED_AT)
        meetings.open_meeting(meeting, now=OPENS_AT)
        topic = create_consultation(community, "电梯加装征求意见", OPENS_AT + timedelta(days=30))
        question = add_question(topic, "是否同意加装电梯？", "single", ["同意", "不同意"])
        db.session.commit()
        ids = {
            "community_id": b.id,
            "office_id": b.office.id,
            "meeting_id": meeting.id,
            "matter_id": meeting.matters[0].id,
            "consultation_id": topic.id,
            "question_id": question.id,
            "unit_id": db.session.scalar(select(Unit.id).where(Unit.community_id == b.id)),
            "voter_id": db.session.scalar(select(Voter.id).where(Voter.meeting_id == meeting.id)),
            "credential_id": db.session.scalar(
                select(Credential.id).where(Credential.meeting_id == meeting.id)
            ),
        }
    return a, b, ids


SCOPED = {"community_id", "office_id", "meeting_id", "consultation_id"}


def _urls(app, ids: dict, api: bool):
    return route_urls(
        app, ids, api=api, public=PUBLIC, keep=lambda rule: bool(rule.arguments & SCOPED)
    )


@pytest.mark.parametrize("role", ["committee", "office"])
def test_staff_pages_of_another_office_are_refused(app, make, client, auth, world, role):
    a, _, ids = world
    user = make.user(role, community=a if role == "committee" else None,
                     office=a.office if role == "office" else None)  # fmt: skip
    auth.login(user)
    urls = list(_urls(app, ids, api=False))
    assert len(urls) > 40
    for method, path, response in answers(client, urls, data={}):
        assert response.status_code in (403, 404), (method, path, response.status_code)


@pytest.mark.parametrize("role", ["committee", "office"])
def test_api_calls_on_another_office_are_refused(app, make, client, world, role):
    a, _, ids = world
    user = make.user(role, community=a if role == "committee" else None,
                     office=a.office if role == "office" else None)  # fmt: skip
    headers = {"Authorization": f"Bearer {make.token(user)}"}
    urls = list(_urls(app, ids, api=True))
    assert len(urls) > 15
    for method, path, response in answers(client, urls, headers=headers, json={}):
        if method == "GET" and path.endswith(f"/meetings/{ids['meeting_id']}"):
            # An announced meeting is public (FORMATS.md §7); staff-only fields stay hidden.
            assert response.status_code == 200 and "credentials" not in response.get_json()
            continue
        assert response.status_code in (403, 404), (method, path, response.status_code)
