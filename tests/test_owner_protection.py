"""What keeps a ballot in the owner's name honest: the roster frozen at the notice, online
attempts after a paper or proxy ballot listed as conflicts, and who holds the links shown on
the office's timeline."""

import io
from datetime import timedelta

from sqlalchemy import select

from tests.ballots.support import motion, roster_csv, six_owners
from voting.db import db, utcnow


def _announced(app, kit, community_id):
    """A meeting announced (notice published) but not yet open."""
    from voting.meetings import services
    from voting.rosters.models import Community

    now = utcnow()
    with app.app_context():
        community = db.session.get(Community, community_id)
        window = now + timedelta(days=20), now + timedelta(days=30)
        meeting = services.create_meeting(community, "选聘物业", *window, [motion("选聘物业")])
        services.submit_meeting(meeting, now=now - timedelta(days=3))
        services.approve_meeting(meeting, now=now - timedelta(days=2))
        services.announce_meeting(meeting, now=now - timedelta(days=1))
        db.session.commit()
        return meeting.id


def test_the_roster_cannot_be_replaced_or_edited_after_the_notice(app, client, kit, make, auth):
    from voting.rosters.models import Community, Unit

    community_id = kit.community(six_owners())
    meeting_id = _announced(app, kit, community_id)
    with app.app_context():
        community = db.session.get(Community, community_id)
        unit = db.session.scalar(select(Unit).where(Unit.number == "101"))
    committee = make.user("committee", "wang", community=community)
    token = make.token(committee)
    upload = {"file": (io.BytesIO(roster_csv(six_owners()[:2])), "roster.csv")}
    refused = client.put(f"/api/v1/communities/{community_id}/roster", data=upload,
                         headers={"Authorization": f"Bearer {token}"})  # fmt: skip
    assert refused.status_code == 409
    error = refused.get_json()["error"]
    assert error["code"] == "roster_frozen" and f"#{meeting_id}" in error["message"]
    assert "选聘物业" in error["message"]
    auth.login(committee)
    page = client.post(f"/communities/{community_id}/roster/units/{unit.id}",
                       data={"unit_type": "dwelling", "registered_area": "55.00"})  # fmt: skip
    assert page.status_code == 409 and "选聘物业" in page.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Unit, unit.id).registered_area == 10000
        assert len(db.session.scalars(select(Unit)).all()) == 6
        from voting.meetings.models import Meeting

        # Once the meeting is closed (or voided), the roster can change again.
        db.session.get(Meeting, meeting_id).voided_at = utcnow()
        db.session.commit()
    page = client.post(f"/communities/{community_id}/roster/units/{unit.id}",
                       data={"unit_type": "dwelling", "registered_area": "55.00"})  # fmt: skip
    assert page.status_code == 302


def test_an_online_attempt_after_a_paper_ballot_is_a_listed_conflict(app, client, kit, make):
    from voting.ballots.models import Ballot, BallotConflict

    community_id = kit.community(six_owners())
    opened = kit.open(community_id, [motion("议事规则")])
    bearers = [make.token(kit.committee(make, community_id, name)) for name in ("wang", "li")]
    answers = {opened.matter_ids[0]: ["agree"]}
    for bearer in bearers:
        entered = client.post(f"/api/v1/meetings/{opened.meeting_id}/paper-ballots",
                              json={"owner_key": "o1", "answers": answers},
                              headers={"Authorization": f"Bearer {bearer}"})  # fmt: skip
    assert entered.status_code == 201
    online = client.post(
        "/api/v1/ballots",
        json={"token": opened.tokens["o1"], "answers": {opened.matter_ids[0]: []}},
    )
    assert online.status_code == 409 and online.get_json()["error"]["code"] == "already_voted"
    page = client.post(f"/v/{opened.tokens['o1']}/confirm", data={"action": "cast"})
    assert page.status_code == 409
    with app.app_context():
        [ballot] = db.session.scalars(select(Ballot))
        assert ballot.channel == "paper" and ballot.answers == answers
        conflicts = db.session.scalars(select(BallotConflict)).all()
        assert [(c.channel, c.attempted_by) for c in conflicts] == [("online", "resident")] * 2
        assert "纸质票" in conflicts[0].reason
    office = make.user("office", "office-a", office=_office(app, community_id))
    anomalies = client.get(f"/api/v1/meetings/{opened.meeting_id}/anomalies",
                           headers={"Authorization": f"Bearer {make.token(office)}"})  # fmt: skip
    assert anomalies.status_code == 200
    codes = [a["code"] for a in anomalies.get_json()["anomalies"]]
    assert "ballot_conflicts" in codes


def test_an_online_attempt_after_an_online_ballot_is_not_a_conflict(app, client, kit):
    from voting.ballots.models import BallotConflict

    opened = kit.open(kit.community(six_owners()), [motion("议事规则")])
    body = {"token": opened.tokens["o1"], "answers": {opened.matter_ids[0]: ["agree"]}}
    assert client.post("/api/v1/ballots", json=body).status_code == 201
    assert client.post("/api/v1/ballots", json=body).status_code == 409
    with app.app_context():
        assert db.session.scalars(select(BallotConflict)).all() == []


def _office(app, community_id):
    from voting.rosters.models import Community

    with app.app_context():
        community = db.session.get(Community, community_id)
        return community.office


def test_the_office_sees_who_took_how_many_links(app, client, kit, make, auth):
    from voting.meetings.credentials import reissue_credential
    from voting.meetings.models import Credential

    community_id = kit.community(six_owners())
    opened = kit.open(community_id, [motion("议事规则")])
    committee = kit.committee(make, community_id, "wang")
    auth.login(committee)
    assert client.get(f"/meetings/{opened.meeting_id}/credentials.csv").status_code == 200
    assert client.get(f"/meetings/{opened.meeting_id}/letters").status_code == 200
    with app.app_context():
        credential = db.session.scalar(select(Credential).order_by(Credential.id))
        reissue_credential(credential, "业主遗失通知书")
        db.session.commit()
    auth.logout()
    auth.login(make.user("office", "office-a", office=_office(app, community_id)))
    page = client.get(f"/supervision/meetings/{opened.meeting_id}").get_data(as_text=True)
    timeline = page[page.index('data-testid="timeline"') :]
    for label in ("导出业主链接", "打印表决通知书", "补发链接"):
        assert label in timeline
    assert timeline.count("wang") >= 2
    assert "6 个链接" in timeline and "1 个链接" in timeline
