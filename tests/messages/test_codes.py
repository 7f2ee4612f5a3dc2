"""The one-time code at the first online ballot: the committee, holding every link, the
roster file and every staff page, cannot cast for an owner with a phone; the owner, with the
code from their phone, can; the code shows nowhere but on that phone."""

import csv
import io
import logging
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select
from werkzeug.routing import IntegerConverter

from tests.ballots.support import Unit, motion, roster_csv
from voting.db import db

from .conftest import deliver, empty_outbox, received

PHONE = "13912345678"
ID_NUMBER = "110101199003074518"


def _roster() -> list[Unit]:
    return [
        Unit("101", "90.00", "o1", id_number=ID_NUMBER, phone=PHONE),
        Unit("102", "80.00", "o2", id_number="110101198507071234"),
    ]


@pytest.fixture
def world(app, kit, make):
    """An open meeting, its committee member and its office, each with an API token."""
    from voting.rosters.models import Community

    community_id = kit.community(_roster())
    opened = kit.open(community_id, [motion("续聘物业")])
    empty_outbox(app)  # the notice and the links sent at opening: the owner's phone is empty
    with app.app_context():
        community = db.session.get(Community, community_id)
        office = SimpleNamespace(id=community.office_id)
    committee = make.user("committee", "wang", community=community)
    officer = make.user("office", "office-li", office=office)
    return SimpleNamespace(opened=opened, committee=committee, officer=officer,
                           committee_token=make.token(committee),
                           office_token=make.token(officer), office_id=office.id)  # fmt: skip


def _link_token(csv_text: str, owner_key: str) -> str:
    rows = list(csv.DictReader(io.StringIO(csv_text.lstrip("\ufeff"))))
    [row] = [r for r in rows if owner_key in "".join(r.values())]
    [link] = [v for v in row.values() if "/v/" in v]
    return link.rstrip("/").rsplit("/", 1)[1]


def _staff_gets(app, ids: dict, api: bool):
    """Every staff GET page (or API call) that names only the community, meeting or office."""
    public = ("/public/", "/v/", "/c/", "/t/", "/static/", "/lang/", "/api/v1/participation/")
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.rule.startswith("/api/") != api:
            continue
        if rule.rule.startswith(public) or not rule.arguments <= {*ids, "fmt"}:
            continue
        values = {n: ids.get(n, "csv") for n in rule.arguments}
        if not all(isinstance(rule._converters[n], IntegerConverter) for n in rule.arguments
                   if n != "fmt"):  # fmt: skip
            continue
        yield rule.build(values)[1]
        if "fmt" in rule.arguments:
            yield rule.build({**values, "fmt": "xlsx"})[1]


def _everything_staff_can_read(app, client, auth, world) -> list[bytes]:
    """Every staff page, API answer and export, as the committee and as the office."""
    opened = world.opened
    ids = {"community_id": opened.community_id, "meeting_id": opened.meeting_id,
           "office_id": world.office_id}  # fmt: skip
    bodies = []
    for user, token in ((world.committee, world.committee_token),
                        (world.officer, world.office_token)):  # fmt: skip
        auth.login(user)
        pages = list(_staff_gets(app, ids, api=False))
        assert len(pages) > 20
        for path in pages:
            bodies.append(client.get(path).get_data())
        auth.logout()
        calls = list(_staff_gets(app, ids, api=True))
        assert len(calls) > 10
        for path in calls:
            bodies.append(client.get(path, headers={"Authorization": f"Bearer {token}"}).get_data())
    return bodies


def test_the_committee_holding_everything_cannot_cast_for_an_owner_with_a_phone(
    app, client, auth, world, phone_file, caplog
):
    from voting.audit.models import AuditEvent
    from voting.ballots.models import Ballot
    from voting.messages.models import Message

    caplog.set_level(logging.DEBUG)
    opened = world.opened
    committee = {"Authorization": f"Bearer {world.committee_token}"}
    # What the committee holds: the links file, the roster it imported, every staff page.
    links = client.get(f"/api/v1/meetings/{opened.meeting_id}/credentials.csv", headers=committee)
    assert links.status_code == 200
    token = _link_token(links.get_data(as_text=True), "1号楼 101")
    assert token == opened.tokens["o1"]
    roster = roster_csv(_roster()).decode()
    assert PHONE in roster and ID_NUMBER in roster
    answers = {opened.matter_id: ["agree"]}
    cast = {"token": token, "answers": answers}
    # The last four digits the committee knows are not enough for an owner with a phone.
    for typed in (None, PHONE[-4:], ID_NUMBER[-4:]):
        body = cast if typed is None else {**cast, "verification": typed}
        refused = client.post("/api/v1/ballots", json=body)
        assert refused.status_code == 403
        assert refused.get_json()["error"]["code"] == "code_required"
    page = client.get(f"/v/{token}/verify")
    assert "验证码" in page.get_data(as_text=True)
    assert client.post(f"/v/{token}/verify", data={"code": PHONE[-4:] + "00"}).status_code == 403
    # The committee can ask for a code, but it goes to the owner's phone, not into the answer.
    asked = client.post("/api/v1/ballots/code", json={"token": token})
    assert asked.status_code == 202
    assert asked.get_json() == {"status": "queued", "expires_in": 600}
    answers_seen = [asked.get_data(), links.get_data()]
    assert deliver(app) == 1
    [sms] = received(phone_file, PHONE)
    code = sms["code"]
    assert sms["kind"] == "code" and len(code) == 6 and code.isdigit() and code in sms["text"]
    assert set(sms) == {"to", "kind", "text", "code", "meeting_id", "sent_at"}
    for guess in (PHONE[-6:], ID_NUMBER[-6:]):
        if guess == code:
            continue
        wrong = client.post("/api/v1/ballots", json={**cast, "verification": guess})
        answers_seen.append(wrong.get_data())
        assert wrong.status_code == 403 and wrong.get_json()["error"]["code"] == (
            "verification_failed"
        )
    with app.app_context():
        assert db.session.scalars(select(Ballot)).all() == []
    # Nothing the committee or the office can read holds the code.
    seen = _everything_staff_can_read(app, client, auth, world) + answers_seen
    assert not [b for b in seen if code.encode() in b]
    # The owner, with the code from their phone, casts.
    mine = client.post("/api/v1/ballots", json={**cast, "verification": code})
    assert mine.status_code == 201 and code not in mine.get_data(as_text=True)
    with app.app_context():
        [ballot] = db.session.scalars(select(Ballot))
        assert ballot.voter_id == opened.voter_ids["o1"] and ballot.channel == "online"
        events = db.session.scalars(select(AuditEvent)).all()
        assert "credential.code_sent" in {e.type for e in events}
        assert not [e for e in events if code in str(e.data)]
        for message in db.session.scalars(select(Message)):
            assert message.secret is None  # wiped once sent
            assert code not in f"{message.params}{message.recipients}{message.last_error}"
    seen = _everything_staff_can_read(app, client, auth, world)
    assert not [b for b in seen if code.encode() in b]
    assert code not in caplog.text and PHONE not in caplog.text
    # The spent code does not confirm again.
    again = client.post("/api/v1/ballots", json={**cast, "verification": code})
    assert again.status_code == 403 and again.get_json()["error"]["code"] == "code_required"


def test_the_owner_asks_for_the_code_on_the_ballot_page_and_votes(app, client, kit, phone_file):
    opened = kit.open(kit.community(_roster()), [motion("续聘物业")])
    empty_outbox(app)
    token = opened.tokens["o1"]
    welcome = client.get(f"/v/{token}").get_data(as_text=True)
    assert "短信验证码" in welcome
    page = client.get(f"/v/{token}/verify").get_data(as_text=True)
    assert "获取验证码" in page and 'autocomplete="one-time-code"' in page
    sent = client.post(f"/v/{token}/code", follow_redirects=True)
    assert sent.status_code == 200 and "验证码已发送" in sent.get_data(as_text=True)
    again = client.post(f"/v/{token}/code", follow_redirects=True)
    assert "秒后可以再次获取" in again.get_data(as_text=True)
    deliver(app)
    [sms] = received(phone_file, PHONE)  # the second request, too soon, sent nothing
    typed = "".join(chr(ord(digit) + 0xFEE0) for digit in sms["code"])  # full width (２４６…)
    checked = client.post(f"/v/{token}/verify", data={"code": f"　{typed}"})
    assert checked.status_code == 302 and checked.headers["Location"].endswith("/ballot")
    ballot = client.get(f"/v/{token}/ballot")
    assert ballot.status_code == 200
    cast = client.post(f"/v/{token}/confirm",
                       data={f"m{opened.matter_id}": "agree", "action": "cast"})  # fmt: skip
    assert cast.status_code == 302 and cast.headers["Location"].endswith("/receipt")


def test_a_code_expires_after_ten_minutes_without_using_a_try(app, client, kit, phone_file):
    from voting.meetings.models import Credential

    opened = kit.open(kit.community(_roster()), [motion("续聘物业")])
    empty_outbox(app)
    token = opened.tokens["o1"]
    assert client.post("/api/v1/ballots/code", json={"token": token}).status_code == 202
    deliver(app)
    [sms] = received(phone_file, PHONE)
    with app.app_context():
        credential = db.session.get(Credential, opened.credential_ids["o1"])
        assert credential.code_hash and sms["code"] not in credential.code_hash
        credential.code_sent_at -= timedelta(minutes=10, seconds=1)
        db.session.commit()
    body = {"token": token, "answers": {opened.matter_id: ["agree"]}, "verification": sms["code"]}
    late = client.post("/api/v1/ballots", json=body)
    assert late.status_code == 403 and late.get_json()["error"]["code"] == "code_expired"
    with app.app_context():
        assert db.session.get(Credential, opened.credential_ids["o1"]).failed_checks == 0
    # A new code (the old one's minute has passed) works.
    assert client.post("/api/v1/ballots/code", json={"token": token}).status_code == 202
    deliver(app)
    newest = received(phone_file, PHONE)[-1]["code"]
    assert client.post("/api/v1/ballots", json={**body, "verification": newest}).status_code == 201


def test_an_owner_without_a_phone_keeps_the_last_four_digits(app, client, kit, phone_file):
    opened = kit.open(kit.community(_roster()), [motion("续聘物业")])
    empty_outbox(app)
    token = opened.tokens["o2"]
    refused = client.post("/api/v1/ballots/code", json={"token": token})
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "code_not_needed"
    assert "后四位" in client.get(f"/v/{token}/verify").get_data(as_text=True)
    body = {"token": token, "answers": {opened.matter_id: ["agree"]}, "verification": "1234"}
    assert client.post("/api/v1/ballots", json=body).status_code == 201
    assert received(phone_file) == []


def test_the_rules_of_procedure_can_turn_the_code_off(app, client, kit, make, auth, phone_file):
    from voting.audit.models import AuditEvent
    from voting.rosters.models import Community

    community_id = kit.community(_roster(), one_time_code=False)
    with app.app_context():
        [updated] = db.session.scalars(
            select(AuditEvent).where(AuditEvent.type == "procedure.updated")
        )
        assert updated.data["after"]["one_time_code"] is False
        community = db.session.get(Community, community_id)
    opened = kit.open(community_id, [motion("续聘物业")])
    token = opened.tokens["o1"]
    assert client.post("/api/v1/ballots/code", json={"token": token}).status_code == 409
    committee = make.user("committee", "wang", community=community)
    auth.login(committee)
    notice = client.get(f"/meetings/{opened.meeting_id}/notice").get_data(as_text=True)
    assert "不使用手机验证码" in notice
    body = {"token": token, "answers": {opened.matter_id: ["agree"]}, "verification": PHONE[-4:]}
    assert client.post("/api/v1/ballots", json=body).status_code == 201


def test_the_notice_says_owners_with_a_phone_confirm_with_a_code(app, client, kit, make, auth):
    from voting.rosters.models import Community

    community_id = kit.community(_roster())
    opened = kit.open(community_id, [motion("续聘物业")])
    with app.app_context():
        community = db.session.get(Community, community_id)
    auth.login(make.user("committee", "wang", community=community))
    notice = client.get(f"/meetings/{opened.meeting_id}/notice").get_data(as_text=True)
    assert "短信验证码" in notice and "不使用手机验证码" not in notice
