""" "这不是我投的": the alert's link leads to a page where the owner, by building, unit and
last four digits (or their own link), files a ``not_me`` objection; the committee and the
office see it among the anomalies with the ballot's evidence; the office answers it, and
the result cannot be countersigned before."""

from types import SimpleNamespace

import pytest
from sqlalchemy import select

from tests.ballots.support import Unit, motion
from voting.db import db

from .conftest import deliver, empty_outbox, received

PHONE = "13912345678"
ID_NUMBER = "110101199003074518"


@pytest.fixture
def world(app, kit, make):
    """An open meeting (the code off: o2 votes online with last four digits), two members of
    the committee who key paper ballots, and the office, each with an API token."""
    from voting.rosters.models import Community

    units = [Unit("101", "90.00", "o1", id_number=ID_NUMBER, phone=PHONE),
             Unit("102", "80.00", "o2", phone="13800000002")]  # fmt: skip
    community_id = kit.community(units, one_time_code=False)
    opened = kit.open(community_id, [motion("续聘物业")])
    empty_outbox(app)
    with app.app_context():
        community = db.session.get(Community, community_id)
        office = SimpleNamespace(id=community.office_id)
    clerks = [make.user("committee", name, community=community) for name in ("wang", "li")]
    officer = make.user("office", "office-zhao", office=office)
    return SimpleNamespace(opened=opened, clerks=clerks, officer=officer,
                           tokens=[make.token(c) for c in clerks],
                           office_token=make.token(officer))  # fmt: skip


def _key_paper(client, world, owner_key="o1"):
    """Two clerks key the same paper ballot: the second entry makes the ballot."""
    opened = world.opened
    body = {"owner_key": owner_key, "answers": {opened.matter_id: ["agree"]}, "channel": "paper"}
    path = f"/api/v1/meetings/{opened.meeting_id}/paper-ballots"
    statuses = [
        client.post(path, json=body, headers={"Authorization": f"Bearer {t}"}).status_code
        for t in world.tokens
    ]
    assert statuses == [202, 201]


def _anomalies(client, world, token) -> list[dict]:
    path = f"/api/v1/meetings/{world.opened.meeting_id}/anomalies"
    answer = client.get(path, headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200
    return [a for a in answer.get_json()["anomalies"] if a["code"] == "not_me"]


def test_a_not_me_objection_from_the_alert_reaches_the_office_with_the_evidence(
    app, client, auth, world, phone_file
):
    from voting.results.models import Objection

    _key_paper(client, world)
    assert deliver(app) == 1
    [alert] = received(phone_file, PHONE)
    assert alert["kind"] == "ballot_recorded" and "纸质表决票" in alert["text"]
    path = f"/public/meetings/{world.opened.meeting_id}/not-me"
    assert path in alert["text"]
    page = client.get(path)
    assert page.status_code == 200 and "这不是我投的" in page.get_data(as_text=True)
    form = {"building": "1号楼", "unit": "101", "last4": "0000", "text": "我没有交过纸质票"}
    wrong = client.post(path, data=form)
    assert wrong.status_code == 404 and "与花名册不符" in wrong.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(Objection)).all() == []
    filed = client.post(path, data={**form, "last4": ID_NUMBER[-4:]})
    text = filed.get_data(as_text=True)
    assert filed.status_code == 200 and "已提交" in text and "纸质表决票" in text
    assert "agree" not in text and "同意" not in text  # never the choices
    with app.app_context():
        [objection] = db.session.scalars(select(Objection))
        assert objection.kind == "not_me" and objection.result_id is None
        assert objection.voter_id == world.opened.voter_ids["o1"]
    # Filed again before an answer: still one objection.
    assert client.post(path, data={**form, "last4": PHONE[-4:]}).status_code == 200
    with app.app_context():
        assert len(db.session.scalars(select(Objection)).all()) == 1
    # The committee and the office both see it, with the ballot's evidence.
    for token in (world.tokens[0], world.office_token):
        [anomaly] = _anomalies(client, world, token)
        assert anomaly["counts"] == {"objections": 1, "unanswered": 1}
        [evidence] = anomaly["evidence"]
        assert evidence["channel"] == "paper" and evidence["answered"] is False
        assert evidence["clerks"] == ["user:wang", "user:li"]
        assert evidence["voter"].startswith("1号楼 101") and evidence["reason"] == form["text"]
        assert "answers" not in evidence
    # The committee cannot answer it (it may be who voted); the office does.
    auth.login(world.clerks[0])
    client.post(f"/results/objections/{objection.id}/answer", data={"answer": "没问题"})
    with app.app_context():
        assert db.session.get(Objection, objection.id).answered_at is None
    auth.logout()
    auth.login(world.officer)
    page = client.get(f"/supervision/meetings/{world.opened.meeting_id}")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "这不是我投的" in body and "user:wang、user:li" in body
    assert f"/results/objections/{objection.id}/answer" in body
    answered = client.post(f"/results/objections/{objection.id}/answer",
                           data={"answer": "已约谈两位录入人，选票作废并报警。"})  # fmt: skip
    assert answered.status_code == 302
    with app.app_context():
        assert db.session.get(Objection, objection.id).answered_by == "user:office-zhao"
    [anomaly] = _anomalies(client, world, world.office_token)
    assert anomaly["counts"] == {"objections": 1, "unanswered": 0}


def test_an_online_ballot_contested_from_the_owners_link_shows_the_hashed_address(
    app, client, world, phone_file
):
    opened = world.opened
    token = opened.tokens["o2"]
    body = {"token": token, "answers": {opened.matter_id: ["agree"]}, "verification": "0002"}
    assert client.post("/api/v1/ballots", json=body).status_code == 201
    page = client.get(f"/v/{token}")
    assert f"/v/{token}/not-me" in page.get_data(as_text=True)
    shown = client.get(f"/v/{token}/not-me")
    assert shown.status_code == 200 and "网上投票" in shown.get_data(as_text=True)
    filed = client.post(f"/v/{token}/not-me", data={"text": ""})
    assert filed.status_code == 200 and "已提交" in filed.get_data(as_text=True)
    [anomaly] = _anomalies(client, world, world.office_token)
    [evidence] = anomaly["evidence"]
    assert evidence["channel"] == "online" and len(evidence["source"]) == 8
    assert "clerks" not in evidence


def test_an_owner_with_no_ballot_in_their_name_has_nothing_to_contest(app, client, world):
    from voting.results.models import Objection

    path = f"/public/meetings/{world.opened.meeting_id}/not-me"
    form = {"building": "1号楼", "unit": "101", "last4": ID_NUMBER[-4:]}
    refused = client.post(path, data=form)
    assert refused.status_code == 409 and "没有以您名义记录的选票" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(Objection)).all() == []
