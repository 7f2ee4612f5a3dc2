"""Casting online ballots through the API: strict answers, one ballot, refusals record nothing."""

import hashlib
import json

import pytest
from sqlalchemy import select

from voting.ballots.services import entry_seal
from voting.crypto.canonical import canonical
from voting.db import db

from .support import election, motion, selection, six_owners

ID_O1 = "110108198003030021"
PHONE_O2 = "13800000002"


@pytest.fixture
def opened(kit):
    owners = six_owners(o1={"id_number": ID_O1}, o2={"phone": PHONE_O2})
    # The code is off: o2 confirms with the phone's last four digits (tests/messages/test_codes.py
    # drives the code).
    community_id = kit.community(owners, one_time_code=False)
    return kit.open(
        community_id,
        [
            motion("议事规则"),
            selection("选聘物业服务企业", ["甲物业", "乙物业", "丙物业"]),
            election("选举业主委员会委员", list("ABCDEFG"), seats=5, alternates=2),
        ],
    )


def cast(client, token, answers, **extra):
    return client.post("/api/v1/ballots", json={"token": token, "answers": answers, **extra})


def test_a_ballot_is_stored_with_its_receipt_and_logged_without_the_voter(app, client, opened):
    answers = opened.answers({0: ["同意"], 1: [], 2: ["C", "A", "E"]})
    response = cast(client, opened.tokens["o3"], answers)
    assert response.status_code == 201
    receipt = response.get_json()["receipt"]
    assert len(receipt) == 32 and int(receipt, 16) >= 0
    with app.app_context():
        from voting.audit.models import AuditEvent
        from voting.ballots.models import Ballot

        ballot = db.session.scalar(select(Ballot))
        assert ballot.receipt == receipt and ballot.channel == "online"
        assert ballot.voter_id == opened.voter_ids["o3"] and ballot.entered_by == "resident"
        codes = opened.codes[2]
        # Choices are kept in ballot order, whatever order they came in.
        assert ballot.answers[opened.matter_ids[2]] == [codes["A"], codes["C"], codes["E"]]
        assert ballot.answers[opened.matter_ids[1]] == []
        assert ballot.source_hash and "127.0.0.1" not in ballot.source_hash
        event = db.session.scalar(select(AuditEvent).order_by(AuditEvent.seq.desc()))
        assert event.type == "ballot.cast" and event.actor == "resident"
        assert set(event.data) == {"meeting_id", "channel", "entry"}
        entry = {
            "receipt": receipt,
            "channel": "online",
            "area": "80.00",
            "owners": 1,
            "answers": ballot.answers,
        }
        # A keyed seal: the public log cannot be matched against the board's entries.
        assert event.data["entry"] == entry_seal(entry)
        assert event.data["entry"] != hashlib.sha256(canonical(entry)).hexdigest()
        assert event.data["meeting_id"] == opened.meeting_id and event.data["channel"] == "online"


def test_a_matter_left_out_is_not_answered(app, client, opened):
    response = cast(client, opened.tokens["o4"], opened.answers({0: ["反对"]}))
    assert response.status_code == 201
    with app.app_context():
        from voting.ballots.models import Ballot

        assert db.session.scalar(select(Ballot.answers)) == {opened.matter_ids[0]: ["disagree"]}


BAD_ANSWERS = {
    "option of another matter": lambda o: {o.matter_ids[1]: [o.codes[2]["A"]]},
    "motion option on a selection": lambda o: {o.matter_ids[1]: ["agree"]},
    "two answers to a motion": lambda o: {o.matter_ids[0]: ["agree", "disagree"]},
    "two firms": lambda o: {o.matter_ids[1]: [o.codes[1]["甲物业"], o.codes[1]["乙物业"]]},
    "six candidates for five seats": lambda o: {o.matter_ids[2]: [o.codes[2][c] for c in "ABCDEF"]},
    "a candidate twice": lambda o: {o.matter_ids[2]: [o.codes[2]["A"], o.codes[2]["A"]]},
    "unknown matter": lambda o: {"999999": []},
    "matter id as number-like junk": lambda o: {"1 ": ["agree"]},
    "not a list": lambda o: {o.matter_ids[0]: "agree"},
    "invalid is for paper only": lambda o: {o.matter_ids[0]: "invalid"},
    "a number as option": lambda o: {o.matter_ids[0]: [1]},
    "nothing answered": lambda o: {},
    "answers not an object": lambda o: [["agree"]],
}


@pytest.mark.parametrize("case", BAD_ANSWERS)
def test_bad_answers_are_refused_and_nothing_is_recorded(client, kit, opened, case):
    before = kit.counts()
    response = cast(client, opened.tokens["o3"], BAD_ANSWERS[case](opened))
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "invalid_answers" and error["message"] and error["details"]
    assert kit.counts() == before
    # The link is still usable: a refusal did not spend it.
    assert cast(client, opened.tokens["o3"], opened.answers({0: ["同意"]})).status_code == 201


def test_a_second_ballot_is_refused_and_the_first_stands(app, client, kit, opened):
    token = opened.tokens["o5"]
    assert cast(client, token, opened.answers({0: ["同意"]})).status_code == 201
    before = kit.counts()
    response = cast(client, token, opened.answers({0: ["反对"]}))
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "already_voted"
    assert kit.counts() == before
    with app.app_context():
        from voting.ballots.models import Ballot

        assert db.session.scalar(select(Ballot.answers)) == {opened.matter_ids[0]: ["agree"]}


@pytest.mark.parametrize(
    ("mangle", "status", "code"),
    [
        (lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"), 404, "unknown_token"),
        (lambda t: t[:10], 404, "unknown_token"),
        (lambda t: t + "x", 404, "unknown_token"),
        (lambda t: "../" + t, 404, "unknown_token"),
    ],
)
def test_tampered_tokens_are_refused(client, kit, opened, mangle, status, code):
    before = kit.counts()
    response = cast(client, mangle(opened.tokens["o3"]), opened.answers({0: ["同意"]}))
    assert response.status_code == status
    assert response.get_json()["error"]["code"] == code
    assert kit.counts() == before


def test_a_revoked_token_is_refused_and_the_reissued_one_works(app, client, kit, opened):
    from voting.meetings.credentials import (
        credential_for_token,
        credential_token,
        reissue_credential,
    )

    with app.app_context():
        old = credential_for_token(opened.tokens["o3"])
        new = credential_token(reissue_credential(old, "通知书遗失"))
        db.session.commit()
    before = kit.counts()
    response = cast(client, opened.tokens["o3"], opened.answers({0: ["同意"]}))
    assert response.status_code == 410 and response.get_json()["error"]["code"] == "revoked"
    assert kit.counts() == before
    assert cast(client, new, opened.answers({0: ["同意"]})).status_code == 201


def test_ballots_after_the_closing_time_or_after_close_are_refused(app, client, kit, opened):
    kit.shift_window(opened, days=11)  # closes_at is now in the past, the meeting still open
    before = kit.counts()
    response = cast(client, opened.tokens["o3"], opened.answers({0: ["同意"]}))
    assert response.status_code == 410 and response.get_json()["error"]["code"] == "closed"
    assert kit.counts() == before
    kit.close(opened)
    before = kit.counts()
    response = cast(client, opened.tokens["o4"], opened.answers({0: ["同意"]}))
    assert response.status_code == 410 and response.get_json()["error"]["code"] == "closed"
    assert kit.counts() == before


def test_a_voided_meeting_takes_no_ballots(app, client, kit, opened):
    from voting.meetings.models import Meeting
    from voting.meetings.services import void_meeting

    with app.app_context():
        void_meeting(db.session.get(Meeting, opened.meeting_id), "程序违法，街道责令重新召集")
        db.session.commit()
    before = kit.counts()
    response = cast(client, opened.tokens["o3"], opened.answers({0: ["同意"]}))
    assert response.status_code == 410 and response.get_json()["error"]["code"] == "voided"
    assert kit.counts() == before


def failed_checks(app, opened, owner):
    from voting.meetings.credentials import credential_for_token

    with app.app_context():
        credential = credential_for_token(opened.tokens[owner])
        return credential.failed_checks, credential.locked_at


def test_identity_is_checked_where_the_roster_holds_it(app, client, kit, opened):
    answers = opened.answers({0: ["同意"]})
    before = kit.counts()
    response = cast(client, opened.tokens["o1"], answers)
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "verification_required"
    response = cast(client, opened.tokens["o1"], answers, verification="1234")
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "verification_failed"
    assert kit.counts() == before  # no ballot, no event: only the count of wrong tries
    assert failed_checks(app, opened, "o1") == (1, None)
    assert cast(client, opened.tokens["o1"], answers, verification="0021").status_code == 201
    # The phone's last four digits work where the roster holds a phone.
    assert cast(client, opened.tokens["o2"], answers, verification="0002").status_code == 201
    # Owners without identity data need no check.
    assert cast(client, opened.tokens["o3"], answers).status_code == 201


def test_five_wrong_tries_lock_the_link(app, client, kit, opened):
    answers = opened.answers({0: ["同意"]})
    before = kit.counts()
    codes = [
        cast(client, opened.tokens["o1"], answers, verification=f"{n}{n}{n}{n}").get_json()[
            "error"
        ]["code"]
        for n in range(5)
    ]
    assert codes == ["verification_failed"] * 4 + ["locked"]
    count, locked_at = failed_checks(app, opened, "o1")
    assert count == 5 and locked_at is not None
    after = kit.counts()
    assert after["ballots"] == before["ballots"]
    assert after["audit_events"] == before["audit_events"] + 1  # credential.locked
    response = cast(client, opened.tokens["o1"], answers, verification="0021")
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "locked"
    with app.app_context():
        from voting.audit.models import AuditEvent

        event = db.session.scalar(select(AuditEvent).order_by(AuditEvent.seq.desc()))
        assert event.type == "credential.locked"
        assert ID_O1 not in json.dumps(event.data) and "0021" not in json.dumps(event.data)


@pytest.mark.parametrize(
    "body",
    [
        {"answers": {}},
        {"token": 5, "answers": {}},
        {"token": "", "answers": {}},
        {"token": "x" * 24, "answers": {}, "verification": 1234},
    ],
)
def test_malformed_bodies_are_refused(client, kit, opened, body):
    before = kit.counts()
    response = client.post("/api/v1/ballots", json=body)
    assert response.status_code in (404, 422)
    assert set(response.get_json()["error"]) == {"code", "message", "details"}
    assert kit.counts() == before


def test_a_body_that_is_not_json_is_refused(client, kit, opened):
    before = kit.counts()
    response = client.post("/api/v1/ballots", data="token=x", content_type="text/plain")
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "bad_json"
    assert kit.counts() == before


def test_english_messages_on_request(client, opened):
    response = client.post("/api/v1/ballots?lang=en", json={"token": "y" * 24, "answers": {}})
    assert response.get_json()["error"]["message"].startswith("This link is not valid")


def test_the_api_is_rate_limited_per_address(make_app, kit):
    app = make_app(RATELIMIT_ENABLED=True, TOKEN_RATE_LIMIT="3 per minute")
    client = app.test_client()
    statuses = [
        client.post("/api/v1/ballots", json={"token": "z" * 24, "answers": {}}).status_code
        for _ in range(5)
    ]
    assert statuses == [404, 404, 404, 429, 429]
