"""By-elections and runoffs drafted in one step from a published election (DOMAIN.md 2.5):
seats = the vacant seats with candidates to name, or the tied candidates for the last seat."""

import pytest
from sqlalchemy import func, select

from tests.conftest import bearer as _bearer
from tests.results.test_verify_offline import TIE_VOTERS
from voting.audit.models import AuditEvent
from voting.db import db
from voting.meetings.errors import MeetingError
from voting.meetings.models import Matter, Meeting
from voting.meetings.readiness import issues_before_submitting
from voting.meetings.tally import matters_document
from voting.results.follow_up import draft_follow_up, set_candidates
from voting.results.services import current_result, publish_result
from voting.rules.follow_up import BY_ELECTION, RUNOFF, FollowUp, follow_up


def _meetings(app):
    with app.app_context():
        return db.session.scalar(select(func.count(Meeting.id)))


@pytest.fixture
def vacant(results):
    """TV-18's ballots with five seats: four candidates pass, one seat stays vacant."""
    cast = results.setup(seats=5)
    cast.run(publish_result)
    return cast


def test_a_by_election_is_drafted_with_the_vacant_seats_and_no_candidates(app, vacant):
    before = _meetings(app)
    draft = vacant.run(draft_follow_up)
    assert _meetings(app) == before + 1
    with app.app_context():
        meeting = db.session.get(Meeting, draft.id)
        assert meeting.state == "draft" and meeting.community_id == vacant.community.id
        [matter] = meeting.matters
        assert (matter.kind, matter.category, matter.seats, matter.alternates) == (
            "election", "ordinary", 1, 0)  # fmt: skip
        assert matter.options == [] and "补选" in matter.title
        assert matter.follows == {"kind": "by_election", "meeting_id": str(vacant.meeting_id),
                                  "matter_id": vacant.seeded.matter_ids[2], "seats": 1}  # fmt: skip
        codes = {p.code for p in issues_before_submitting(meeting)}
        assert "FOLLOW_UP_CANDIDATES" in codes
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.type == "meeting.created")
            .order_by(AuditEvent.id.desc())
        ).first()  # fmt: skip
        assert event.data["meeting_id"] == draft.id
        assert event.data["follows"] == [matter.follows]
        set_candidates(meeting, matter, [{"label": "候选人F", "statement": "退休教师"}])
        db.session.commit()
        codes = {p.code for p in issues_before_submitting(meeting)}
        # One seat is below a committee's minimum and not odd-checked: it is not a committee.
        assert not {c for c in codes if c.startswith(("FOLLOW_UP", "SEATS"))}
        assert [o.label for o in matter.options] == ["候选人F"] and matter.options[0].code
        # The count of a by-election does not ask it to form a committee on its own.
        assert matters_document(meeting)[0]["minimum"] == 0


def test_a_tie_for_the_last_seat_drafts_a_runoff_among_the_tied(app, results):
    cast = results.setup(voters=TIE_VOTERS)  # runoff is the default tie resolution
    published = cast.run(publish_result)
    outcome = published.document["matters"][2]["outcome"]
    assert outcome["status"] == "tie_unresolved" and outcome["winners"] == ["1", "2"]
    draft = cast.run(draft_follow_up)
    with app.app_context():
        [matter] = db.session.get(Meeting, draft.id).matters
        assert "决选" in matter.title and matter.seats == 1
        assert [o.label for o in matter.options] == ["候选人C", "候选人D"]
        assert matter.follows["kind"] == "runoff"


def test_the_rule_finds_ties_vacancies_and_nothing(app, results, vacant):
    doc = vacant.run(lambda meeting, user: current_result(meeting))
    election = doc.document["matters"][2]
    assert follow_up(election, "HEAD_THEN_AREA") == FollowUp(BY_ELECTION, election["id"], 1)
    no_quorum = {**election, "participation": {**election["participation"],
                                               "quorum_met": False}}  # fmt: skip
    assert follow_up(no_quorum, "HEAD_THEN_AREA") is None
    assert follow_up(doc.document["matters"][0], "HEAD_THEN_AREA") is None
    tie = results.setup(voters=TIE_VOTERS, name="平票小区").run(publish_result)
    assert follow_up(tie.document["matters"][2], "HEAD_THEN_AREA") == FollowUp(
        RUNOFF, tie.document["matters"][2]["id"], 1, ("3", "4")
    )


def test_nothing_is_drafted_without_vacancies_or_by_others(app, make, results, vacant):
    full = results.setup(name="满员小区", office=vacant.office)
    full.run(publish_result)
    objections = {"parking_policy": "include", "objection_days": 3}
    preliminary = results.setup(name="异议期小区", seats=5, procedure=objections)
    preliminary.run(publish_result)
    admin = make.user("admin", "root")
    before = (_meetings(app), _events(app))
    for cast, user, code, status in (
        (full, None, "NO_FOLLOW_UP", 409),
        (preliminary, None, "NO_FOLLOW_UP", 409),
        (vacant, vacant.officer, "COMMITTEE_ONLY", 403),
        (vacant, full.committee, "COMMITTEE_ONLY", 403),
        (vacant, admin, "COMMITTEE_ONLY", 403),
    ):
        with pytest.raises(MeetingError) as refused:
            cast.run(draft_follow_up, user=user)
        assert refused.value.code == code
        assert refused.value.status == status
    assert (_meetings(app), _events(app)) == before


def _events(app):
    with app.app_context():
        return db.session.scalar(select(func.count(AuditEvent.id)))


def test_candidates_are_checked_and_only_on_a_drafted_follow_up(app, vacant):
    draft = vacant.run(draft_follow_up)
    with app.app_context():
        meeting = db.session.get(Meeting, draft.id)
        matter = meeting.matters[0]
        for bad in ([], "张三", [{"label": ""}], [{"label": "甲"}, {"label": "甲"}]):
            with pytest.raises(MeetingError):
                set_candidates(meeting, matter, bad)
        db.session.rollback()
        original = db.session.get(Meeting, vacant.meeting_id).matters[2]
        with pytest.raises(MeetingError, match="补选或决选"):
            set_candidates(meeting, original, [{"label": "乙"}])
        assert db.session.get(Matter, matter.id).options == []


def test_the_results_page_drafts_it_in_one_step(app, client, auth, vacant):
    auth.login(vacant.committee)
    page = client.get(f"/communities/{vacant.community.id}/results").get_data(as_text=True)
    assert "「选举业主委员会委员」空缺 1 席，需补选。" in page and "一键起草补选或决选会议" in page
    response = client.post(f"/results/meetings/{vacant.meeting_id}/follow-up")
    assert response.status_code == 302
    with app.app_context():
        draft = db.session.scalar(select(Meeting).order_by(Meeting.id.desc()))
        matter_id = draft.matters[0].id
    assert response.headers["Location"].endswith(f"/meetings/{draft.id}")
    html = client.get(f"/meetings/{draft.id}").get_data(as_text=True)
    assert f"补选：填补第 {vacant.meeting_id} 号会议选举留下的空缺，至多 1 席。" in html
    saved = client.post(f"/meetings/{draft.id}/matters/{matter_id}/candidates",
                        data={"candidates": "候选人F|退休教师\n候选人G"})  # fmt: skip
    assert saved.status_code == 302
    with app.app_context():
        labels = [o.label for o in db.session.get(Meeting, draft.id).matters[0].options]
    assert labels == ["候选人F", "候选人G"]
    auth.logout()
    auth.login(vacant.officer)
    page = client.get(f"/communities/{vacant.community.id}/results").get_data(as_text=True)
    assert "一键起草补选或决选会议" not in page


def test_api_drafts_and_names_candidates(app, client, make, vacant):
    base = f"/api/v1/meetings/{vacant.meeting_id}/follow-up"
    assert client.post(base, headers=_bearer(make, vacant.officer)).status_code == 403
    created = client.post(base, headers=_bearer(make, vacant.committee))
    assert created.status_code == 201
    body = created.get_json()
    assert body["state"] == "draft" and body["matters"][0]["seats"] == 1
    matter_id = body["matters"][0]["id"]
    assert body["follows"][matter_id]["kind"] == "by_election"
    path = f"/api/v1/meetings/{body['id']}/matters/{matter_id}/candidates"
    committee = _bearer(make, vacant.committee)
    bad = client.put(path, headers=committee, json={"candidates": [{"label": ""}]})
    assert bad.status_code == 422 and bad.get_json()["error"]["message"]
    named = client.put(path, headers=committee, json={"candidates": [{"label": "候选人F"}]})
    assert named.status_code == 200
    assert [o["label"] for o in named.get_json()["matters"][0]["options"]] == ["候选人F"]
    voided = client.post(f"/api/v1/meetings/{body['id']}/void", headers=committee,
                         json={"reason": "改期"})  # fmt: skip
    assert voided.status_code == 200
    late = client.put(path, headers=committee, json={"candidates": [{"label": "候选人G"}]})
    assert late.status_code == 409 and late.get_json()["error"]["code"] == "wrong_state"
    spec = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "post" in spec["/meetings/{meeting_id}/follow-up"]
    assert "put" in spec["/meetings/{meeting_id}/matters/{matter_id}/candidates"]
