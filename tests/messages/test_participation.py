"""Participation check: an owner, by building, unit and last four digits or through their
own link, sees whether a ballot is recorded in their name, when and by which channel, never
the choices."""

from types import SimpleNamespace

import pytest

from tests.ballots.support import Unit, motion
from voting.db import db

ID_NUMBER = "110101199003074518"
PHONE = "13912345678"


@pytest.fixture
def world(app, kit, make):
    from voting.rosters.models import Community

    units = [Unit("101", "90.00", "o1", id_number=ID_NUMBER, phone=PHONE),
             Unit("102", "80.00", "o2")]  # fmt: skip
    community_id = kit.community(units)
    opened = kit.open(community_id, [motion("续聘物业")])
    with app.app_context():
        community = db.session.get(Community, community_id)
    clerks = [make.user("committee", name, community=community) for name in ("wang", "li")]
    return SimpleNamespace(opened=opened, tokens=[make.token(c) for c in clerks])


def _look_up(client, opened, last4):
    return client.post(f"/public/meetings/{opened.meeting_id}/record",
                       data={"building": "1号楼", "unit": "101", "last4": last4})  # fmt: skip


def test_an_owner_sees_what_is_recorded_in_their_name_never_the_choices(app, client, world):
    opened = world.opened
    page = client.get(f"/public/meetings/{opened.meeting_id}/record")
    assert page.status_code == 200 and "查不到您选了什么" in page.get_data(as_text=True)
    nothing = _look_up(client, opened, PHONE[-4:])
    assert nothing.status_code == 200
    assert "目前没有以您名义记录的选票" in nothing.get_data(as_text=True)
    wrong = _look_up(client, opened, "9999")
    assert wrong.status_code == 404 and "记录了一张" not in wrong.get_data(as_text=True)
    body = {"owner_key": "o1", "answers": {opened.matter_id: ["disagree"]}, "channel": "paper"}
    for token in world.tokens:
        client.post(f"/api/v1/meetings/{opened.meeting_id}/paper-ballots", json=body,
                    headers={"Authorization": f"Bearer {token}"})  # fmt: skip
    shown = _look_up(client, opened, ID_NUMBER[-4:])
    text = shown.get_data(as_text=True)
    assert shown.status_code == 200
    assert "记录了一张以您名义投出的表决票（纸质表决票）" in text
    assert "disagree" not in text and "反对" not in text  # never the choices
    assert f"/public/meetings/{opened.meeting_id}/not-me" in text  # and how to contest it


def test_an_owner_without_identity_data_checks_through_their_link(app, client, world):
    opened = world.opened
    refused = client.post(f"/public/meetings/{opened.meeting_id}/record",
                          data={"building": "1号楼", "unit": "102", "last4": "0000"})  # fmt: skip
    assert refused.status_code == 404 and "个人链接" in refused.get_data(as_text=True)
    token = opened.tokens["o2"]
    body = {"token": token, "answers": {opened.matter_id: ["disagree"]}}
    assert client.post("/api/v1/ballots", json=body).status_code == 201
    page = client.get(f"/v/{token}/not-me").get_data(as_text=True)
    assert "记录了一张以您名义投出的表决票（网上投票）" in page
    assert "反对" not in page and "disagree" not in page


def test_a_meeting_not_yet_open_has_no_record_page(app, client, kit):
    from datetime import timedelta

    from voting.db import utcnow
    from voting.meetings import services
    from voting.rosters.models import Community

    community_id = kit.community([Unit("101", "90.00", "o1")])
    with app.app_context():
        community = db.session.get(Community, community_id)
        now = utcnow()
        window = now + timedelta(days=20), now + timedelta(days=30)
        meeting = services.create_meeting(community, "选聘物业", *window, [motion("选聘物业")])
        db.session.commit()
        meeting_id = meeting.id
    assert client.get(f"/public/meetings/{meeting_id}/record").status_code == 404
    assert client.get(f"/public/meetings/{meeting_id}/not-me").status_code == 404
