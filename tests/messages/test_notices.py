"""Notice served (送达): one notice per owner with a phone when the notice is published, each
voter's personal link when voting opens; never a second time, never at night."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from tests.ballots.support import Unit, motion
from voting.db import db, utcnow

from .conftest import deliver, received

A, B, C = "13900000001", "13900000002", "13900000003"


def roster() -> list[Unit]:
    return [
        Unit("101", "90.00", "o1", phone=A),
        Unit("102", "60.00", "o1", phone=A),  # one owner of two units: one notice
        Unit("103", "80.00", "o2", phone=B),
        Unit("104", "70.00", "o3"),  # no phone: nothing to send
        Unit("105", "50.00", None),  # owner unknown
    ]


def announce(app, community_id: int, title: str = "第一次业主大会会议") -> int:
    """Plan, approve and announce a meeting that opens in 20 days; returns its id."""
    from voting.meetings import services
    from voting.rosters.models import Community

    now = utcnow()
    with app.app_context():
        community = db.session.get(Community, community_id)
        meeting = services.create_meeting(
            community, title, now + timedelta(days=20), now + timedelta(days=30), [motion("规则")]
        )
        services.submit_meeting(meeting, now=now - timedelta(days=2))
        services.approve_meeting(meeting, now=now - timedelta(days=1))
        services.announce_meeting(meeting, now=now)
        db.session.commit()
        return meeting.id


def test_announcing_sends_exactly_one_notice_per_owner_with_a_phone(app, client, kit, phone_file):
    from voting.audit.models import AuditEvent

    meeting_id = announce(app, kit.community(roster()))
    assert received(phone_file) == []  # queued with the notice, sent by the worker
    assert deliver(app) == 2
    lines = received(phone_file)
    assert sorted(m["to"] for m in lines) == [A, B]
    for line in lines:
        assert set(line) == {"to", "kind", "text", "meeting_id", "sent_at"}
        assert line["kind"] == "notice" and line["meeting_id"] == str(meeting_id)
        assert "第一次业主大会会议" in line["text"] and "观澜苑" in line["text"]
        assert "（北京时间）" in line["text"] and "公告栏" in line["text"]
        assert f"/public/meetings/{meeting_id}/notice" in line["text"]
    with app.app_context():
        from voting.meetings.models import Meeting

        meeting = db.session.get(Meeting, meeting_id)
        opens = meeting.opens_at.astimezone(UTC) + timedelta(hours=8)
        assert opens.strftime("%Y-%m-%d %H:%M") in lines[0]["text"]
        queued_events = select(AuditEvent).where(AuditEvent.type == "messages.queued")
        [queued] = db.session.scalars(queued_events)
        assert queued.data == {"meeting_id": meeting_id, "kind": "notice", "messages": 2}
    assert deliver(app) == 0 and len(received(phone_file)) == 2  # served once
    page = client.get(f"/public/meetings/{meeting_id}/notice")
    assert page.status_code == 200 and "第一次业主大会会议" in page.get_data(as_text=True)
    assert "规则" in page.get_data(as_text=True)


def test_a_refused_announcement_sends_nothing(app, kit, phone_file):
    from voting.meetings import services
    from voting.meetings.errors import MeetingError
    from voting.messages.models import Message
    from voting.rosters.models import Community

    community_id, now = kit.community(roster()), utcnow()
    with app.app_context():
        community = db.session.get(Community, community_id)
        meeting = services.create_meeting(
            community, "会议", now + timedelta(days=3), now + timedelta(days=9), [motion("规则")]
        )
        services.submit_meeting(meeting, now=now)
        services.approve_meeting(meeting, now=now)
        db.session.commit()
        try:
            services.announce_meeting(meeting, now=now)  # three days is too short a notice
        except MeetingError:
            db.session.rollback()
        else:
            raise AssertionError("a three-day notice was published")
        assert db.session.scalars(select(Message)).all() == []
    assert deliver(app) == 0 and received(phone_file) == []


def test_a_draft_has_no_public_notice(app, client, kit):
    from voting.meetings import services
    from voting.rosters.models import Community

    now = utcnow()
    with app.app_context():
        community = db.session.get(Community, kit.community(roster()))
        meeting = services.create_meeting(
            community,
            "草稿会议",
            now + timedelta(days=20),
            now + timedelta(days=30),
            [motion("规则")],
        )
        db.session.commit()
        meeting_id = meeting.id
    assert client.get(f"/public/meetings/{meeting_id}/notice").status_code == 404
    assert client.get("/public/meetings/999999/notice").status_code == 404


def test_opening_sends_each_voter_their_own_link_once(app, client, kit, phone_file):
    opened = kit.open(kit.community(roster()), [motion("议事规则")])
    assert deliver(app) == 4  # two notices, two links
    links = [m for m in received(phone_file) if m["kind"] == "link"]
    assert sorted(m["to"] for m in links) == [A, B]
    by_phone = {m["to"]: m["text"] for m in links}
    assert f"/v/{opened.tokens['o1']}" in by_phone[A]
    assert f"/v/{opened.tokens['o2']}" in by_phone[B]
    assert opened.tokens["o2"] not in by_phone[A]
    token = by_phone[A].rsplit("/v/", 1)[1].split()[0]
    assert client.get(f"/v/{token}").status_code == 200  # the link works
    with app.app_context():
        from voting.meetings.models import Meeting
        from voting.messages.models import Message
        from voting.messages.notices import queue_links, queue_notices

        meeting = db.session.get(Meeting, opened.meeting_id)
        assert queue_links(meeting, utcnow()) == 0 and queue_notices(meeting, utcnow()) == 0
        db.session.commit()
        for message in db.session.scalars(select(Message)):
            assert opened.tokens["o1"] not in str(message.params)  # no token at rest
            assert message.params["to"] in ("139********",)
    assert deliver(app) == 0 and len(received(phone_file)) == 4


def test_a_link_revoked_before_it_is_sent_is_not_sent_its_replacement_is(app, kit, phone_file):
    from voting.meetings.credentials import reissue_credential, revoke_credential
    from voting.meetings.models import Credential
    from voting.messages.models import Message

    opened = kit.open(kit.community(roster()), [motion("议事规则")])
    with app.app_context():
        revoke_credential(db.session.get(Credential, opened.credential_ids["o1"]), "信丢了")
        new = reissue_credential(db.session.get(Credential, opened.credential_ids["o2"]), "错发")
        db.session.commit()
        new_id = new.id
    deliver(app)
    links = {m["to"]: m["text"] for m in received(phone_file) if m["kind"] == "link"}
    assert [m["to"] for m in received(phone_file) if m["kind"] == "link"] == [B]  # sent once
    assert A not in links  # o1's only link is revoked
    assert opened.tokens["o2"] not in links[B]
    with app.app_context():
        from voting.meetings.credentials import credential_token

        assert credential_token(db.session.get(Credential, new_id)) in links[B]
        [dropped] = db.session.scalars(
            select(Message).where(Message.kind == "link", Message.state == "cancelled")
        )
        assert dropped.voter_id == opened.voter_ids["o1"] and dropped.last_error == "no live link"


def test_a_link_reissued_after_the_links_went_out_is_texted_to_the_owner(app, kit, phone_file):
    """Whoever asks for a new link (the committee holds the letters), the owner's phone gets it
    too, and learns that the old one no longer works; an owner without a phone gets nothing."""
    from voting.meetings.credentials import credential_token, reissue_credential
    from voting.meetings.models import Credential

    opened = kit.open(kit.community(roster()), [motion("议事规则")])
    assert deliver(app) == 4  # two notices, two links
    with app.app_context():
        new = reissue_credential(db.session.get(Credential, opened.credential_ids["o2"]), "信丢了")
        other = reissue_credential(db.session.get(Credential, opened.credential_ids["o3"]), "丢")
        db.session.commit()
        token = credential_token(new)
        assert other.id  # o3 has no phone: a new link, no message
    assert deliver(app) == 1
    [again] = [m for m in received(phone_file)[4:]]
    assert again["to"] == B and again["kind"] == "link"
    assert f"/v/{token}" in again["text"] and opened.tokens["o2"] not in again["text"]


def _beijing(day: datetime, hour: int) -> datetime:
    """That day's ``hour`` o'clock in Beijing, in UTC."""
    local = (day + timedelta(hours=8)).replace(hour=hour, minute=0, second=0, microsecond=0)
    return local - timedelta(hours=8)


def quiet_around(now: datetime) -> str:
    """Quiet hours from an hour before ``now`` to an hour after (Beijing time)."""
    local = now + timedelta(hours=8)
    return f"{(local - timedelta(hours=1)):%H:%M}-{(local + timedelta(hours=1)):%H:%M}"


def test_notices_and_links_wait_for_the_end_of_quiet_hours(app, kit, phone_file):
    from voting.messages.worker import deliver_due

    app.config["VOTING_QUIET_HOURS"] = "21:00-08:00"
    opened = kit.open(kit.community(roster()), [motion("议事规则")])
    night = _beijing(utcnow() + timedelta(days=1), 22)
    with app.app_context():
        assert deliver_due(now=night) == 0
        assert deliver_due(now=night + timedelta(hours=9, minutes=59)) == 0  # 07:59
        assert received(phone_file) == []
        assert deliver_due(now=night + timedelta(hours=10)) == 4  # 08:00
    sent = {datetime.strptime(m["sent_at"], "%Y-%m-%dT%H:%M:%SZ") for m in received(phone_file)}
    assert {(t.hour + 8) % 24 for t in sent} == {8}
    assert opened.meeting_id


def test_a_ballot_alert_is_not_held_at_night(app, client, kit, phone_file):
    from voting.messages.models import Message
    from voting.messages.worker import deliver_due

    app.config["VOTING_QUIET_HOURS"] = quiet_around(utcnow())  # quiet now: the alert goes
    # The code is off: o2 casts with the phone's last four digits.
    opened = kit.open(kit.community(roster(), one_time_code=False), [motion("议事规则")])
    body = {"token": opened.tokens["o2"], "answers": {opened.matter_ids[0]: ["agree"]},
            "verification": B[-4:]}  # fmt: skip
    assert client.post("/api/v1/ballots", json=body).status_code == 201
    with app.app_context():
        assert deliver_due() == 1
        kinds = {m.kind: m.state for m in db.session.scalars(select(Message))}
    assert [m["kind"] for m in received(phone_file)] == ["ballot_recorded"]
    assert kinds["notice"] == "queued" and kinds["link"] == "queued"
