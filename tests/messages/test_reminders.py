"""Reminders: only to owners who have not voted, at most once a day, never in quiet hours,
sent by the community's own committee alone; the turnout page shows what closes the gap."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.ballots.support import PG, Unit, motion
from voting.db import db, utcnow

from .conftest import deliver, empty_outbox, received
from .test_notices import _beijing, quiet_around

A, B, C = "13900000001", "13900000002", "13900000003"


def roster() -> list[Unit]:
    return [
        Unit("101", "90.00", "o1", phone=A),
        Unit("102", "80.00", "o2", phone=B, building="2号楼"),
        Unit("103", "70.00", "o3", phone=C),
        Unit("104", "60.00", "o4"),  # no phone
    ]


def _setup(app, kit, make):
    # The one-time code is off: owners cast with their phone's last four digits.
    community_id = kit.community(roster(), one_time_code=False)
    opened = kit.open(community_id, [motion("议事规则")])
    empty_outbox(app)
    committee = kit.committee(make, community_id, "weiyuan")
    return opened, {"Authorization": f"Bearer {make.token(committee)}"}, committee


def _vote(client, opened, key, phone):
    body = {"token": opened.tokens[key], "answers": {opened.matter_ids[0]: ["agree"]},
            "verification": phone[-4:]}  # fmt: skip
    assert client.post("/api/v1/ballots", json=body).status_code == 201


def _remind(client, opened, headers, **body):
    return client.post(f"/api/v1/meetings/{opened.meeting_id}/reminders", json=body,
                       headers=headers)  # fmt: skip


def test_a_reminder_reaches_only_non_voters_and_never_twice_a_day(
    app, client, kit, make, phone_file
):
    from voting.audit.models import AuditEvent

    opened, headers, _ = _setup(app, kit, make)
    _vote(client, opened, "o1", A)
    empty_outbox(app)  # the ballot's own alert
    answer = _remind(client, opened, headers)
    assert answer.status_code == 200 and answer.get_json() == {"queued": 2}
    assert deliver(app) == 2
    lines = received(phone_file)
    assert sorted(m["to"] for m in lines) == [B, C] and {m["kind"] for m in lines} == {"reminder"}
    texts = {m["to"]: m["text"] for m in lines}
    assert "尚未投票" in texts[B] and f"/v/{opened.tokens['o2']}" in texts[B]
    assert f"/v/{opened.tokens['o3']}" in texts[C]
    again = _remind(client, opened, headers)
    assert again.status_code == 200 and again.get_json() == {"queued": 0}
    assert deliver(app) == 0 and len(received(phone_file)) == 2
    with app.app_context():
        logged = select(AuditEvent).where(AuditEvent.type == "messages.reminders")
        events = db.session.scalars(logged.order_by(AuditEvent.seq)).all()
        assert [e.data["queued"] for e in events] == [2, 0]
        assert events[1].data["already_today"] == 2 and events[0].actor == "user:weiyuan"
        assert not any(B in str(e.data) or B[-4:] in str(e.data) for e in events)


def test_the_next_day_they_are_reminded_again_unless_they_voted_meanwhile(
    app, client, kit, make, phone_file
):
    from voting.meetings.models import Meeting
    from voting.messages.models import Message
    from voting.messages.reminders import send_reminders

    opened, _, _ = _setup(app, kit, make)
    first = _beijing(utcnow() + timedelta(days=1), 10)
    with app.app_context():
        meeting = db.session.get(Meeting, opened.meeting_id)
        assert send_reminders(meeting, now=first) == 3
        assert send_reminders(meeting, now=first + timedelta(hours=10)) == 0  # 20:00, same day
        assert send_reminders(meeting, now=first + timedelta(days=1)) == 3
        db.session.commit()
    _vote(client, opened, "o2", B)  # votes before the worker sends
    with app.app_context():
        from voting.messages.worker import deliver_due

        deliver_due(now=first + timedelta(days=1, minutes=1))
        to_o2 = select(Message).where(
            Message.kind == "reminder", Message.voter_id == opened.voter_ids["o2"]
        )
        states = [m.state for m in db.session.scalars(to_o2)]
    assert states == ["cancelled", "cancelled"]
    assert B not in [m["to"] for m in received(phone_file) if m["kind"] == "reminder"]


def test_one_building_or_a_chosen_list(app, client, kit, make, phone_file):
    opened, headers, _ = _setup(app, kit, make)
    _vote(client, opened, "o1", A)
    assert _remind(client, opened, headers, building="2号楼").get_json() == {"queued": 1}
    chosen = [str(opened.voter_ids["o1"]), str(opened.voter_ids["o3"])]  # o1 has voted
    assert _remind(client, opened, headers, voters=chosen).get_json() == {"queued": 1}
    deliver(app)
    reminders = [m["to"] for m in received(phone_file) if m["kind"] == "reminder"]
    assert sorted(reminders) == [B, C]
    unknown = _remind(client, opened, headers, building="9号楼")
    assert unknown.status_code == 422 and unknown.get_json()["error"]["code"] == "unknown_building"
    as_numbers = _remind(client, opened, headers, voters=[opened.voter_ids["o3"]])
    assert as_numbers.get_json() == {"queued": 0}  # ids as integers too; o3 reminded today
    for bad in (["o3"], [0], "all", [True]):
        assert _remind(client, opened, headers, voters=bad).status_code == 422


def test_no_reminder_in_quiet_hours(app, client, kit, make, phone_file):
    from voting.meetings.errors import MeetingError
    from voting.meetings.models import Meeting
    from voting.messages.models import Message
    from voting.messages.reminders import send_reminders
    from voting.messages.worker import deliver_due

    opened, headers, _ = _setup(app, kit, make)
    app.config["VOTING_QUIET_HOURS"] = quiet_around(utcnow())
    answer = _remind(client, opened, headers)
    assert answer.status_code == 409
    assert answer.get_json()["error"]["code"] == "quiet_hours"
    assert "不发送提醒" in answer.get_json()["error"]["message"]
    app.config["VOTING_QUIET_HOURS"] = "21:00-08:00"
    evening = _beijing(utcnow() + timedelta(days=1), 20)
    with app.app_context():
        assert db.session.scalars(select(Message)).all() == []
        meeting = db.session.get(Meeting, opened.meeting_id)
        assert send_reminders(meeting, now=evening + timedelta(minutes=59)) == 3  # 20:59
        db.session.commit()
        assert deliver_due(now=evening + timedelta(hours=1, minutes=1)) == 0  # 21:01: held
        assert deliver_due(now=evening + timedelta(hours=11, minutes=59)) == 0  # 07:59
        assert deliver_due(now=evening + timedelta(hours=12)) == 3  # 08:00
        with pytest.raises(MeetingError) as refused:
            send_reminders(meeting, now=evening + timedelta(hours=2))  # 22:00
        assert refused.value.code == "QUIET_HOURS"


def test_only_the_communitys_committee_may_send_reminders(app, client, kit, make, auth):
    from voting.messages.models import Message
    from voting.rosters.models import Community

    opened, _, committee = _setup(app, kit, make)
    with app.app_context():
        office = db.session.get(Community, opened.community_id).office
    other = make.community(roster=None)
    users = {
        "office": make.user("office", username="jiedao", office=office),
        "admin": make.user("admin", username="root"),
        "other_committee": make.user("committee", username="other", community=other),
    }
    url = f"/api/v1/meetings/{opened.meeting_id}/reminders"
    statuses = {
        name: client.post(
            url, json={}, headers={"Authorization": f"Bearer {make.token(user)}"}
        ).status_code
        for name, user in users.items()
    }
    assert statuses == {"office": 403, "admin": 403, "other_committee": 404}
    assert client.post(url, json={}).status_code == 401
    page = f"/meetings/{opened.meeting_id}/reminders"
    for name, status in (("office", 403), ("admin", 403), ("other_committee", 404)):
        auth.login(users[name])
        assert client.post(page).status_code == status, name
        auth.logout()
    assert client.post(page).status_code == 302  # to the login page
    with app.app_context():
        assert db.session.scalars(select(Message)).all() == []
    auth.login(committee)
    response = client.post(page, data={"building": "2号楼"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/turnout")
    assert "已为 1 位未投票的业主安排提醒短信" in client.get(response.headers["Location"]).get_data(
        as_text=True
    )
    with app.app_context():
        assert len(db.session.scalars(select(Message)).all()) == 1


def test_reminders_only_while_voting_is_open(app, client, kit, make):
    opened, headers, _ = _setup(app, kit, make)
    kit.shift_window(opened, days=30)  # the window is over
    answer = _remind(client, opened, headers)
    assert answer.status_code == 409 and answer.get_json()["error"]["code"] == "wrong_state"


def test_the_turnout_page_shows_the_gaps_and_the_fewest_owners_to_close_them(
    app, client, kit, make, auth
):
    opened, _, committee = _setup(app, kit, make)
    _vote(client, opened, "o1", A)
    auth.login(committee)
    page = client.get(f"/meetings/{opened.meeting_id}/turnout").get_data(as_text=True)
    # 300 m² and 4 owners; 90 m² and 1 owner voted: 2/3 is 200 m² and 3 owners.
    assert "人数还差 2 人，面积还差 110.00 ㎡" in page
    # Largest first: 80 (2号楼 102) and 70 (1号楼 103) close 110 m²; 60 would not be needed.
    assert "至少还需 2 位未投票业主投票（按面积从大到小，共 150.00 ㎡）" in page
    closing = re.search(r'data-testid="reach-closing">(.*?)</p>', page, re.S).group(1)
    assert "2号楼 102、1号楼 103" in closing and "104" not in closing and "101" not in closing
    # Per building: 1号楼 holds 220 m² (101 voted, 103 and 104 not): 2/3 is 146.67, 56.67
    # missing, closed by 103 (70) alone; 2号楼's 80 m² need its only owner.
    rows = dict(re.findall(r'data-building="([^"]+)">(.*?)</tr>', page, re.S))
    assert "56.67" in rows["1号楼"] and "1 位：1号楼 103" in rows["1号楼"]
    assert "53.34" in rows["2号楼"] and "1 位：2号楼 102" in rows["2号楼"]
    assert 'data-testid="remind-all"' in page and 'data-testid="remind-closing"' in page
    response = client.post(
        f"/meetings/{opened.meeting_id}/reminders",
        data={"voter": [str(opened.voter_ids["o2"]), str(opened.voter_ids["o3"])]},
    )
    assert response.status_code == 302
    assert "已为 2 位未投票的业主安排提醒短信" in client.get(response.headers["Location"]).get_data(
        as_text=True
    )


@pytest.mark.skipif(not PG, reason="concurrency is tested on PostgreSQL")
def test_members_sending_at_once_remind_each_owner_once(app, kit, make):
    from sqlalchemy import func

    from tests.concurrency import post_at_once
    from voting.messages.models import Message

    opened, headers, _ = _setup(app, kit, make)
    path = f"/api/v1/meetings/{opened.meeting_id}/reminders"
    statuses = post_at_once(app, path, [{}] * 8, headers)
    assert statuses == [200] * 8
    with app.app_context():
        counts = db.session.execute(
            select(Message.voter_id, func.count()).where(Message.kind == "reminder")
            .group_by(Message.voter_id)
        ).all()  # fmt: skip
    assert sorted(n for _, n in counts) == [1, 1, 1]
