"""A secret meeting's plan (scrutineers and k) and its key ceremony at the office's approval:
the key cards shown once, the sealed share files, the joint key on the notice."""

import json
import re
from datetime import timedelta

from sqlalchemy import func, select, text

from tests.meetings.conftest import FEE, FIRMS
from tests.meetings.test_pages import new_form
from voting.audit.models import AuditEvent
from voting.crypto.key_share import open_share
from voting.crypto.secret_json import joint_key_from_json
from voting.db import db, utcnow
from voting.meetings.models import Meeting, Trustee
from voting.meetings.passphrase import normal_passphrase

SCRUTINEERS = ["张监票", "李监票", "王监票"]
SECRET_FORM = {"secret": "y", "scrutineers": "\n".join(SCRUTINEERS), "trustee_threshold": "2"}
PASSPHRASE = re.compile(r"[2-9A-Z]{4}(?:-[2-9A-Z]{4}){5}")


def meeting_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Meeting))


def test_the_new_meeting_form_is_secret_by_default(client, auth, community, staff):
    auth.login(staff["committee"])
    page = client.get(f"/communities/{community.id}/meetings/new").get_data(as_text=True)
    assert re.search(
        r'<input[^>]*checked[^>]*name="secret"|<input[^>]*name="secret"[^>]*checked', page
    )
    assert "监票人" in page


def test_a_secret_plan_names_its_scrutineers_and_k(app, client, auth, community, staff):
    auth.login(staff["committee"])
    response = client.post(
        f"/communities/{community.id}/meetings/new", data=new_form(**SECRET_FORM)
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    mid = int(response.headers["Location"].rsplit("/", 1)[1])
    with app.app_context():
        meeting = db.session.get(Meeting, mid)
        assert meeting.secret and meeting.trustee_threshold == 2
        assert [(t.number, t.kind, t.name) for t in meeting.trustees] == [
            (1, "office", "望京街道办事处"),
            (2, "scrutineer", "张监票"),
            (3, "scrutineer", "李监票"),
            (4, "scrutineer", "王监票"),
        ]
        assert all(t.public_share is None and t.key_share is None for t in meeting.trustees)
    page = client.get(f"/meetings/{mid}").get_data(as_text=True)
    assert "须其中 2 名提交解密" in page and "王监票" in page


def test_bad_secrecy_is_refused_with_a_message_and_nothing_planned(app, client, auth, community,
                                                                     staff):  # fmt: skip
    auth.login(staff["committee"])
    cases = [
        ({**SECRET_FORM, "scrutineers": "张监票"}, "须有 2 至 5 名监票人"),
        ({**SECRET_FORM, "scrutineers": "\n".join("甲乙丙丁戊己")}, "须有 2 至 5 名监票人"),
        ({**SECRET_FORM, "trustee_threshold": "5"}, "解密所需人数须在 2 至 4 之间"),
        ({**SECRET_FORM, "trustee_threshold": "1"}, "解密所需人数须在 2 至 4 之间"),
        ({**SECRET_FORM, "trustee_threshold": ""}, "解密所需人数须在 2 至 4 之间"),
        ({**SECRET_FORM, "scrutineers": "张监票\n张监票"}, "同一名监票人不能填写两次"),
    ]
    for form, message in cases:
        response = client.post(f"/communities/{community.id}/meetings/new", data=new_form(**form))
        assert response.status_code == 422
        assert message in response.get_data(as_text=True)
    assert meeting_count(app) == 0
    open_plan = client.post(f"/communities/{community.id}/meetings/new", data=new_form())
    assert open_plan.status_code == 302
    with app.app_context():
        meeting = db.session.scalar(select(Meeting))
        assert not meeting.secret and meeting.trustees == []


def test_the_api_plans_a_secret_meeting_and_refuses_bad_secrecy(app, client, make, community,
                                                                 staff):  # fmt: skip
    headers = {"Authorization": f"Bearer {make.token(staff['committee'])}"}
    opens = utcnow() + timedelta(days=20)
    body = {
        "title": "无记名表决会议", "opens_at": opens.isoformat(),
        "closes_at": (opens + timedelta(days=7)).isoformat(), "matters": [FEE, FIRMS],
        "secret": True, "scrutineers": SCRUTINEERS, "trustee_threshold": 3,
    }  # fmt: skip
    bad = client.post(f"/api/v1/communities/{community.id}/meetings", headers=headers,
                      json={**body, "trustee_threshold": 9})  # fmt: skip
    assert bad.status_code == 422
    assert "解密所需人数须在 2 至 4 之间" in json.dumps(bad.get_json(), ensure_ascii=False)
    one = client.post(f"/api/v1/communities/{community.id}/meetings", headers=headers,
                      json={**body, "scrutineers": ["张监票"]})  # fmt: skip
    assert one.status_code == 422
    assert meeting_count(app) == 0
    made = client.post(f"/api/v1/communities/{community.id}/meetings", headers=headers, json=body)
    assert made.status_code == 201, made.get_json()
    answer = made.get_json()
    assert answer["secret"] is True and answer["trustee_threshold"] == 3
    assert answer["scrutineers"] == SCRUTINEERS
    assert [t["kind"] for t in answer["trustees"]] == ["office"] + ["scrutineer"] * 3
    assert answer["joint_key"] is None


def plan_secret(meetings, community, until: str | None = None, **kwargs) -> int:
    """A secret plan of two matters, two scrutineers and k = 2, taken on to ``until``."""
    mid = meetings.plan(community, [FEE, FIRMS], secret=True, scrutineers=SCRUTINEERS,
                        trustee_threshold=2, **kwargs)  # fmt: skip
    if until:
        meetings.advance(mid, until)
    return mid


def test_approval_runs_the_ceremony_and_shows_the_key_cards_once(app, client, auth, community,
                                                                 staff, meetings):  # fmt: skip
    mid = plan_secret(meetings, community, until="submitted")
    auth.login(staff["office"])
    page = client.post(f"/supervision/meetings/{mid}/approve")
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    html = page.get_data(as_text=True)
    assert html.count('data-testid="key-card"') == 4
    passphrases = PASSPHRASE.findall(html)
    assert len(passphrases) == 4 and len(set(passphrases)) == 4
    assert html.count("<svg") >= 4 and "只显示这一次" in html
    assert 'data-testid="key-cards-witnesses"' in html and "可以单独解密每一张选票" in html
    with app.app_context():
        meeting = db.session.get(Meeting, mid)
        assert meeting.state == "approved" and meeting.key_ceremony_at is not None
        key = joint_key_from_json(meeting.joint_key)
        assert (key.threshold, key.trustees) == (2, 4)
        for trustee, passphrase in zip(meeting.trustees, passphrases, strict=True):
            assert trustee.public_share == key.public_share(trustee.number).hex()
            number, share = open_share(trustee.key_share, passphrase, key)
            assert number == trustee.number
            # Typed loosely, as people do: lower case, spaces for dashes.
            typed = normal_passphrase(passphrase.lower().replace("-", " "))
            assert open_share(trustee.key_share, typed, key)[1] == share
        from voting.meetings.ceremony import short_fingerprint

        fingerprint = short_fingerprint(meeting.joint_key)
        assert fingerprint in html
        everything = _all_rows_text()
        events = [e.as_dict() for e in db.session.scalars(select(AuditEvent))]
    ceremony = [e for e in events if e["type"] == "meeting.key_ceremony"]
    assert len(ceremony) == 1 and ceremony[0]["data"]["threshold"] == 2
    for passphrase in passphrases:
        assert passphrase not in everything
        assert passphrase.replace("-", "") not in everything
    # Shown once: nothing in the app shows a passphrase again.
    for path in (f"/meetings/{mid}", f"/meetings/{mid}/notice"):
        again = client.get(path).get_data(as_text=True)
        assert not PASSPHRASE.search(again)
    notice = client.get(f"/meetings/{mid}/notice").get_data(as_text=True)
    assert fingerprint in notice and "张监票" in notice


def _all_rows_text() -> str:
    """Every row of every table, as text (the test's search for secrets)."""
    out = []
    tables = [t for t in db.metadata.sorted_tables]
    for table in tables:
        for row in db.session.execute(text(f'SELECT * FROM "{table.name}"')):
            out.append(repr(tuple(row)))
    return "\n".join(out)


def test_the_api_approval_answers_the_key_cards_once(app, client, make, community, staff,
                                                     meetings):  # fmt: skip
    mid = plan_secret(meetings, community, until="submitted")
    headers = {"Authorization": f"Bearer {make.token(staff['office'])}"}
    answer = client.post(f"/api/v1/meetings/{mid}/approve", headers=headers)
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    cards = answer.get_json()["key_cards"]
    assert [c["number"] for c in cards] == [1, 2, 3, 4]
    key = joint_key_from_json(answer.get_json()["joint_key"])
    assert open_share(cards[2]["key_share"], cards[2]["passphrase"], key)[0] == 3
    again = client.get(f"/api/v1/meetings/{mid}", headers=headers).get_json()
    assert "key_cards" not in again and again["joint_key"] == answer.get_json()["joint_key"]


def test_sealed_files_are_downloaded_by_the_office_and_committee_only(app, client, auth,
                                                                      community, staff,
                                                                      meetings):  # fmt: skip
    mid = plan_secret(meetings, community, until="approved")
    with app.app_context():
        sealed = db.session.scalar(
            select(Trustee.key_share).where(Trustee.meeting_id == mid, Trustee.number == 3)
        )
    for who in ("committee", "office"):
        auth.login(staff[who])
        got = client.get(f"/meetings/{mid}/trustees/3/key-share.json")
        assert got.status_code == 200 and json.loads(got.data) == sealed
        assert "attachment" in got.headers["Content-Disposition"]
        auth.logout()
    for who in ("stranger", "other-office"):
        auth.login(staff[who])
        assert client.get(f"/meetings/{mid}/trustees/3/key-share.json").status_code == 404
        auth.logout()


def test_a_secret_meeting_is_not_announced_without_its_joint_key(app, community, meetings):
    from voting.meetings.readiness import issues_before_announcing

    mid = plan_secret(meetings, community, until="approved")
    with app.app_context():
        meeting = db.session.get(Meeting, mid)
        assert "NO_JOINT_KEY" not in [p.code for p in issues_before_announcing(meeting)]
        meeting.joint_key = None
        assert "NO_JOINT_KEY" in [p.code for p in issues_before_announcing(meeting)]
        db.session.rollback()


def test_a_plan_returned_after_approval_forgets_its_ceremony(app, community, meetings):
    from voting.meetings.services import return_meeting

    mid = plan_secret(meetings, community, until="approved")
    meetings.run(return_meeting, mid, "改期")
    with app.app_context():
        meeting = db.session.get(Meeting, mid)
        assert meeting.joint_key is None and meeting.key_ceremony_at is None
        assert all(t.key_share is None and t.public_share is None for t in meeting.trustees)


def test_approving_on_the_meeting_page_shows_the_key_cards_too(app, client, auth, community,
                                                               staff, meetings):  # fmt: skip
    mid = plan_secret(meetings, community, until="submitted")
    auth.login(staff["office"])
    page = client.post(f"/meetings/{mid}/approve")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert len(PASSPHRASE.findall(page.get_data(as_text=True))) == 4
    assert meetings.state(mid) == "approved"


def test_the_edit_page_changes_the_secrecy_of_a_draft(app, client, auth, community, staff,
                                                      meetings):  # fmt: skip
    from tests.meetings.test_pages import local

    mid = plan_secret(meetings, community)
    auth.login(staff["committee"])
    form = client.get(f"/meetings/{mid}/edit").get_data(as_text=True)
    assert "张监票\n李监票\n王监票" in form
    with app.app_context():
        meeting = db.session.get(Meeting, mid)
        base = {"title": meeting.title, "opens_at": local(meeting.opens_at),
                "closes_at": local(meeting.closes_at), "place": meeting.place}  # fmt: skip
    bad = client.post(f"/meetings/{mid}/edit", data={**base, **SECRET_FORM,
                                                     "trustee_threshold": "7"})  # fmt: skip
    assert bad.status_code == 422 and "解密所需人数须在 2 至 4 之间" in bad.get_data(as_text=True)
    two = {**SECRET_FORM, "scrutineers": "赵监票\n钱监票", "trustee_threshold": "3"}
    assert client.post(f"/meetings/{mid}/edit", data={**base, **two}).status_code == 302
    with app.app_context():
        meeting = db.session.get(Meeting, mid)
        assert [t.name for t in meeting.trustees][1:] == ["赵监票", "钱监票"]
        assert meeting.trustee_threshold == 3
    assert client.post(f"/meetings/{mid}/edit", data=base).status_code == 302
    with app.app_context():
        meeting = db.session.get(Meeting, mid)
        assert not meeting.secret and meeting.trustees == [] and meeting.trustee_threshold is None
