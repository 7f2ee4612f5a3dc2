"""The outbox: phones sealed at rest, messages queued with their cause, sent by the worker."""

from datetime import timedelta

from sqlalchemy import select

from tests.ballots.support import Unit, motion
from voting.db import db, utcnow

from .conftest import deliver, empty_outbox, received

PHONE = "13912345678"
OTHER = "13787654321"


def roster(**phones) -> list[Unit]:
    return [
        Unit("101", "90.00", "o1", phone=phones.get("o1", "")),
        Unit("102", "80.00", "o2", phone=phones.get("o2", "")),
    ]


def alerting_meeting(app, kit, **procedure):
    """An open meeting of one motion in which o1 has a phone (o2 none), the outbox empty."""
    opened = kit.open(kit.community(roster(o1=PHONE), **procedure), [motion("议事规则")])
    empty_outbox(app)
    return opened


def ballot_of_o1(opened, answer: str) -> dict:
    """o1's ballot on the motion, confirmed with the last four digits of the phone (as where
    the one-time code is off)."""
    return {
        "token": opened.tokens["o1"],
        "answers": {opened.matter_ids[0]: [answer]},
        "verification": PHONE[-4:],
    }


def test_the_roster_keeps_the_phone_sealed_and_the_voter_carries_it(app, kit):
    from voting.meetings.models import Voter
    from voting.rosters.models import Owner
    from voting.rosters.phones import open_phones

    opened = kit.open(kit.community(roster(o1=PHONE)), [motion("议事规则")])
    with app.app_context():
        owner = db.session.scalar(select(Owner).where(Owner.key == "o1"))
        assert owner.phone_sealed and PHONE not in owner.phone_sealed
        assert owner.phone_masked == "139********"
        assert open_phones(owner.phone_sealed) == [PHONE]
        voter = db.session.get(Voter, opened.voter_ids["o1"])
        assert open_phones(voter.phones_sealed) == [PHONE]
        assert db.session.get(Voter, opened.voter_ids["o2"]).phones_sealed is None


def test_a_ballot_queues_one_alert_that_the_worker_sends_and_logs_by_hash(
    app, client, kit, phone_file
):
    from voting.audit.models import AuditEvent
    from voting.messages.models import Message

    opened = alerting_meeting(app, kit, one_time_code=False)
    body = ballot_of_o1(opened, "agree")
    assert client.post("/api/v1/ballots", json=body).status_code == 201
    with app.app_context():
        [message] = db.session.scalars(select(Message))
        assert message.kind == "ballot_recorded" and message.state == "queued"
        assert PHONE not in message.recipients
    assert received(phone_file) == []  # nothing is sent from the request
    assert deliver(app) == 1
    [line] = received(phone_file)
    assert set(line) == {"to", "kind", "text", "meeting_id", "sent_at"}
    assert line["to"] == PHONE and line["kind"] == "ballot_recorded"
    assert line["meeting_id"] == str(opened.meeting_id)
    assert "网上投票" in line["text"] and "业主大会会议" in line["text"]
    assert "望京街道办事处" in line["text"]  # whom to tell if it was not the owner
    assert deliver(app) == 0  # sent once
    with app.app_context():
        [message] = db.session.scalars(select(Message))
        assert message.state == "sent" and message.sent_at is not None
        events = list(db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq)))
        [sent] = [e for e in events if e.type == "message.sent"]
        assert sent.data["kind"] == "ballot_recorded"
        assert sent.data["to"] == message.recipient_hash and len(sent.data["to"]) == 32
        assert not any(PHONE in str(e.data) or PHONE[-4:] in str(e.data) for e in events)


def test_an_english_page_gets_an_english_alert(app, client, kit, phone_file):
    opened = alerting_meeting(app, kit, one_time_code=False)
    body = ballot_of_o1(opened, "agree")
    response = client.post("/api/v1/ballots?lang=en", json=body)
    assert response.status_code == 201
    deliver(app)
    [line] = received(phone_file)
    assert line["text"].startswith("Gongyi: at ") and "(online)" in line["text"]


def test_an_owner_without_a_phone_gets_nothing(app, client, kit, phone_file):
    from voting.messages.models import Message

    opened = alerting_meeting(app, kit)
    body = {"token": opened.tokens["o2"], "answers": {opened.matter_ids[0]: ["agree"]}}
    assert client.post("/api/v1/ballots", json=body).status_code == 201
    with app.app_context():
        assert db.session.scalars(select(Message)).all() == []
    assert deliver(app) == 0 and received(phone_file) == []


def test_a_refused_ballot_queues_nothing(app, client, kit):
    from voting.messages.models import Message

    opened = alerting_meeting(app, kit, one_time_code=False)
    body = ballot_of_o1(opened, "maybe")
    assert client.post("/api/v1/ballots", json=body).status_code == 422
    with app.app_context():
        assert db.session.scalars(select(Message)).all() == []


def _queue_alert(app, opened, voter_key="o1", at=None):
    from voting.meetings.models import Voter
    from voting.messages.outbox import queue_ballot_alert

    with app.app_context():
        voter = db.session.get(Voter, opened.voter_ids[voter_key])
        queue_ballot_alert(community_id=opened.community_id, meeting_id=opened.meeting_id,
                           voter_id=voter.id, phones_sealed=voter.phones_sealed, channel="paper",
                           at=at or utcnow())  # fmt: skip
        db.session.commit()


class Refusing:
    """A provider that refuses every message, as a provider does when it is down."""

    name = "refusing"

    def __init__(self):
        self.tries = 0

    def send(self, message):
        from voting.messages.providers import ProviderError

        self.tries += 1
        raise ProviderError("gateway timeout")


def test_a_refused_message_is_retried_with_growing_delays_then_given_up(app, kit):
    from voting.audit.models import AuditEvent
    from voting.messages.models import Message
    from voting.messages.worker import MAX_ATTEMPTS, backoff, deliver_due

    opened = alerting_meeting(app, kit)
    _queue_alert(app, opened)
    provider, now = Refusing(), utcnow()
    delays = []
    with app.app_context():
        for attempt in range(1, MAX_ATTEMPTS + 1):
            assert deliver_due(provider, now=now) == 0
            message = db.session.scalar(select(Message))
            assert message.attempts == attempt and message.last_error == "gateway timeout"
            if attempt < MAX_ATTEMPTS:
                assert message.state == "queued"
                delays.append(message.next_attempt_at - now)
                assert deliver_due(provider, now=now) == 0  # not due again yet
                now = message.next_attempt_at
        assert message.state == "failed"
        assert provider.tries == MAX_ATTEMPTS
        assert delays == [backoff(n) for n in range(1, MAX_ATTEMPTS)]
        assert delays == sorted(delays) and delays[0] == timedelta(seconds=30)
        [failed] = db.session.scalars(select(AuditEvent).where(AuditEvent.type == "message.failed"))
        assert failed.data["to"] == message.recipient_hash


def test_a_phone_gets_at_most_the_hourly_limit_the_rest_waits(app_config, app, kit, phone_file):
    from voting.messages.models import Message

    app.config["VOTING_SMS_PER_PHONE_HOUR"] = 3
    opened = alerting_meeting(app, kit)
    for _ in range(5):
        _queue_alert(app, opened)
    assert deliver(app) == 3
    assert len(received(phone_file, PHONE)) == 3
    with app.app_context():
        waiting = db.session.scalars(select(Message).where(Message.state == "queued")).all()
        assert len(waiting) == 2 and all(m.next_attempt_at > utcnow() for m in waiting)


def test_every_phone_of_a_person_is_told_once(app, kit, phone_file):
    from voting.meetings.models import Voter
    from voting.rosters.phones import seal_phones

    opened = alerting_meeting(app, kit)
    with app.app_context():  # a person holding a second phone (co-owners' rows)
        voter = db.session.get(Voter, opened.voter_ids["o1"])
        voter.phones_sealed = seal_phones([PHONE, OTHER])
        db.session.commit()
    _queue_alert(app, opened)
    assert deliver(app) == 2
    assert [m["to"] for m in received(phone_file)] == [PHONE, OTHER]


def test_the_worker_command_sends_what_is_due(app, runner, kit, phone_file):
    opened = alerting_meeting(app, kit)
    _queue_alert(app, opened)
    result = runner.invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "sent 1 message(s)" in result.output
    assert len(received(phone_file, PHONE)) == 1


def test_an_unknown_provider_stops_the_worker_with_a_clear_message(app, runner):
    app.config["VOTING_SMS_PROVIDER"] = "carrier-pigeon"
    result = runner.invoke(args=["worker", "--once"])
    assert result.exit_code != 0 and "unknown VOTING_SMS_PROVIDER" in result.output


def test_sms_providers_need_their_settings(app):
    import pytest

    from voting.messages.providers import make_provider

    for name in ("aliyun", "tencent"):
        try:
            make_provider({"VOTING_SMS_PROVIDER": name})
        except ImportError:
            continue  # the optional SDK is not installed here
        except ValueError as error:
            assert "needs" in str(error)
        else:
            pytest.fail(f"{name} started without its settings")
