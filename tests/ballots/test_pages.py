"""The resident's pages at /v/<token>: every step, every refusal, CSRF, logs, documents."""

import logging
import re

import pytest
from sqlalchemy import select

from voting.db import db

from .support import election, motion, six_owners, text

ID_O1 = "110108198003030021"


@pytest.fixture
def opened(kit):
    owners = six_owners(o1={"id_number": ID_O1})
    community_id = kit.community(owners)
    return kit.open(
        community_id,
        [
            motion("修改业主大会议事规则"),
            election("选举业主委员会委员", list("ABCDEFG"), seats=5, alternates=2),
        ],
    )


def fields(opened, choices: dict[int, list[str] | str]) -> dict:
    """Form fields m<matter id> for choices by matter index and option label."""
    out = {}
    for index, labels in choices.items():
        key = f"m{opened.matter_ids[index]}"
        if labels == "abstain":
            out[key] = "abstain"
        else:
            out[key] = [opened.codes[index][label] for label in labels]
    return out


def test_welcome_shows_what_the_roster_counts(client, opened):
    page = client.get(f"/v/{opened.tokens['o4']}")
    assert page.status_code == 200
    body = text(page)
    assert "1号楼 401" in body and "120.00 ㎡" in body and "1 人" in body
    assert "修改业主大会议事规则" in body and "选举业主委员会委员" in body
    assert "业***" in body and "业主o4" not in body  # the masked owner name
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert page.headers["Cache-Control"] == "no-store"
    assert "<script" not in body


def test_the_whole_way_through_the_pages(app, client, kit, opened):
    token = opened.tokens["o1"]
    assert f"/v/{token}/verify" in text(client.get(f"/v/{token}"))
    # The ballot waits for the identity check.
    assert client.get(f"/v/{token}/ballot").headers["Location"].endswith(f"/v/{token}/verify")
    wrong = client.post(f"/v/{token}/verify", data={"last4": "9999"})
    assert wrong.status_code == 403 and "再错 4 次" in text(wrong)
    right = client.post(f"/v/{token}/verify", data={"last4": "0021"})
    assert right.status_code == 302 and right.headers["Location"].endswith("/ballot")
    ballot = client.get(f"/v/{token}/ballot")
    assert ballot.status_code == 200 and "最多选 5 人" in text(ballot)
    assert "候选人介绍" in text(ballot) and "热心公益" in text(ballot)
    choice = fields(opened, {0: ["同意"], 1: ["B", "A", "D"]})
    confirm = client.post(f"/v/{token}/ballot", data=choice)
    assert confirm.status_code == 200
    body = text(confirm)
    assert "确认提交" in body and "返回修改" in body and "同意" in body
    assert re.search(r"A</span>、<span class=\"picked\">B</span>、<span class=\"picked\">D", body)
    # Going back keeps the choices ticked.
    back = client.post(f"/v/{token}/confirm", data={**choice, "action": "edit"})
    assert back.status_code == 200
    assert f'value="{opened.codes[1]["B"]}" checked' in text(back)
    assert kit.counts()["ballots"] == 0
    cast = client.post(f"/v/{token}/confirm", data={**choice, "action": "cast"})
    assert cast.status_code == 302 and cast.headers["Location"].endswith(f"/v/{token}/receipt")
    receipt_page = client.get(f"/v/{token}/receipt")
    assert "投票成功" in text(receipt_page)
    with app.app_context():
        from voting.ballots.models import Ballot

        ballot_row = db.session.scalar(select(Ballot))
        receipt = ballot_row.receipt
        assert ballot_row.answers == {
            opened.matter_ids[0]: ["agree"],
            opened.matter_ids[1]: [opened.codes[1][c] for c in "ABD"],
        }
    groups = re.findall(r"<span>([0-9a-f]{4})</span>", text(receipt_page))
    assert "".join(groups) == receipt and len(groups) == 8
    # Later, the link shows that the owner has voted, with the receipt.
    again = client.get(f"/v/{token}")
    assert again.status_code == 200 and "您已投票" in text(again) and receipt[:4] in text(again)
    # A second ballot through the pages is refused.
    second = client.post(f"/v/{token}/confirm", data={**choice, "action": "cast"})
    assert second.status_code == 302 and kit.counts()["ballots"] == 1


def test_only_the_phone_that_cast_sees_the_receipt(app, client, kit, opened):
    """Whoever else holds the link (the committee printed the letters) learns that the owner
    voted and when, never the receipt that would find the choices on the public board."""
    token = opened.tokens["o2"]
    data = {**fields(opened, {0: ["同意"]}), "action": "cast"}
    assert client.post(f"/v/{token}/confirm", data=data).status_code == 302
    with app.app_context():
        from voting.ballots.models import Ballot

        receipt = db.session.scalar(select(Ballot.receipt))
    shown = re.findall(r"<span>([0-9a-f]{4})</span>", text(client.get(f"/v/{token}/receipt")))
    assert "".join(shown) == receipt
    holder = app.test_client()  # the same link opened in another browser
    page = holder.get(f"/v/{token}")
    assert page.status_code == 200 and "您已投票" in text(page)
    assert 'data-testid="receipt-withheld"' in text(page)
    assert not any(receipt[i : i + 4] in text(page) for i in range(0, 32, 4))
    later = holder.get(f"/v/{token}/receipt")
    assert later.status_code == 302 and later.headers["Location"].endswith(f"/v/{token}")
    kit.close(opened)
    assert receipt[:4] not in text(holder.get(f"/v/{token}"))
    assert receipt[:4] in text(client.get(f"/v/{token}"))  # the voter's own phone keeps it


def test_abstaining_and_not_answering(app, client, opened):
    token = opened.tokens["o2"]
    confirm = client.post(
        f"/v/{token}/ballot",
        data={**fields(opened, {0: "abstain"}), f"m{opened.matter_ids[1]}": ""},
    )
    body = text(confirm)
    assert "弃权" in body and "未选择（不参加此项表决）" in body
    hidden = re.findall(r'type="hidden" name="(m\d+)" value="([^"]*)"', body)
    assert hidden == [(f"m{opened.matter_ids[0]}", "abstain")]
    data = {name: value for name, value in hidden}
    assert client.post(f"/v/{token}/confirm", data={**data, "action": "cast"}).status_code == 302
    with app.app_context():
        from voting.ballots.models import Ballot

        assert db.session.scalar(select(Ballot.answers)) == {opened.matter_ids[0]: []}


@pytest.mark.parametrize(
    ("choice", "message"),
    [
        ({1: list("ABCDEF")}, "最多选 5 人，您选了 6 人"),
        ({}, "您还没有对任何事项作出选择"),
    ],
)
def test_a_wrong_ballot_is_shown_again_with_the_problem(client, kit, opened, choice, message):
    before = kit.counts()
    response = client.post(f"/v/{opened.tokens['o2']}/ballot", data=fields(opened, choice))
    assert response.status_code == 422 and message in text(response)
    if choice:  # the choices stay ticked for correction
        assert f'value="{opened.codes[1]["F"]}" checked' in text(response)
    assert kit.counts() == before


def test_candidates_and_abstain_together_are_refused(client, kit, opened):
    key = f"m{opened.matter_ids[1]}"
    before = kit.counts()
    response = client.post(
        f"/v/{opened.tokens['o2']}/confirm",
        data={key: [opened.codes[1]["A"], "abstain"], "action": "cast"},
    )
    assert response.status_code == 422 and "不能既作选择又弃权" in text(response)
    assert kit.counts() == before


def test_refusal_pages_say_what_happened_and_whom_to_contact(app, client, kit, opened):
    from voting.meetings.credentials import credential_for_token, revoke_credential

    unknown = client.get("/v/" + "Q" * 24)
    assert unknown.status_code == 404 and "链接无效" in text(unknown)
    assert "Traceback" not in text(unknown) and "业主委员会" in text(unknown)
    with app.app_context():
        revoke_credential(credential_for_token(opened.tokens["o3"]), "业主报告通知书被他人拿走")
        db.session.commit()
    revoked = client.get(f"/v/{opened.tokens['o3']}")
    assert revoked.status_code == 410 and "链接已作废" in text(revoked)
    assert "观澜苑业主委员会" in text(revoked)
    for n in range(5):
        client.post(f"/v/{opened.tokens['o1']}/verify", data={"last4": f"000{n}"})
    locked = client.get(f"/v/{opened.tokens['o1']}/verify")
    assert locked.status_code == 403 and "链接已锁定" in text(locked)
    kit.shift_window(opened, days=11)
    closed = client.get(f"/v/{opened.tokens['o4']}/ballot")
    assert closed.status_code == 410 and "投票已结束" in text(closed)


def test_a_missing_csrf_token_is_refused_and_nothing_recorded(make_app, kit):
    app = make_app(WTF_CSRF_ENABLED=True)
    kit.app = app
    opened = kit.open(kit.community(six_owners()), [motion("议事规则")])
    client = app.test_client()
    token = opened.tokens["o2"]
    page = client.get(f"/v/{token}/ballot")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', text(page)).group(1)
    data = {f"m{opened.matter_ids[0]}": "agree", "action": "cast"}
    before = kit.counts()
    for path in ("confirm", "ballot", "report"):
        refused = client.post(f"/v/{token}/{path}", data=data)
        assert refused.status_code == 400 and "页面已过期" in text(refused)
    assert kit.counts() == before
    assert client.post(f"/v/{token}/confirm", data={**data, "csrf_token": csrf}).status_code == 302
    assert kit.counts()["ballots"] == 1


def test_report_an_error_in_the_roster(app, client, kit, opened):
    token = opened.tokens["o5"]
    response = client.post(f"/v/{token}/report", data={"message": "我家实际面积是 102.30 ㎡"})
    assert response.status_code == 302
    assert "已转告业委会" in text(client.get(f"/v/{token}"))
    with app.app_context():
        from voting.audit.models import AuditEvent
        from voting.ballots.models import RosterErrorReport

        report = db.session.scalar(select(RosterErrorReport))
        assert report.voter_id == opened.voter_ids["o5"] and "102.30" in report.message
        event = db.session.scalar(select(AuditEvent).order_by(AuditEvent.seq.desc()))
        assert event.type == "roster.error_reported" and "102.30" not in str(event.data)
    before = kit.counts()
    empty = client.post(f"/v/{token}/report", data={"message": "  "})
    assert empty.status_code == 302 and kit.counts() == before


def test_documents_are_served_through_the_link(app, client, kit):
    from voting.meetings.models import Meeting
    from voting.meetings.services import add_document, create_meeting
    from voting.rosters.models import Community

    community_id = kit.community(six_owners())
    opened = kit.open(community_id, [motion("调整物业服务收费标准")])
    pdf = b"%PDF-1.4\n% fee plan\n"
    with app.app_context():
        # Documents are attached to drafts: put one on this meeting directly for the test.
        meeting = db.session.get(Meeting, opened.meeting_id)
        draft = create_meeting(
            db.session.get(Community, community_id),
            "草稿",
            meeting.opens_at,
            meeting.closes_at,
            [motion("x")],
        )
        document = add_document(draft, "收费方案.pdf", pdf)
        document.meeting_id = meeting.id
        db.session.commit()
        document_id = document.id
    token = opened.tokens["o2"]
    assert f"/v/{token}/documents/{document_id}" in text(client.get(f"/v/{token}/notice"))
    served = client.get(f"/v/{token}/documents/{document_id}")
    assert served.status_code == 200 and served.data == pdf
    assert served.mimetype == "application/pdf"
    assert client.get(f"/v/{'Q' * 24}/documents/{document_id}").status_code == 404
    assert client.get(f"/v/{token}/documents/{document_id + 99}").status_code == 404


def test_tokens_never_reach_the_log(app, client, opened, caplog):
    token = opened.tokens["o2"]
    with caplog.at_level(logging.DEBUG):
        client.get(f"/v/{token}")
        client.post(f"/v/{opened.tokens['o1']}/verify", data={"last4": "1111"})
        client.post(
            f"/v/{token}/confirm", data={f"m{opened.matter_ids[0]}": "agree", "action": "cast"}
        )
        client.get(f"/v/{token}")
    assert caplog.records  # the failed identity check was logged ...
    for record in caplog.records:
        message = record.getMessage()
        assert token not in message and opened.tokens["o1"] not in message  # ... without tokens


def test_pages_are_rate_limited_per_address(make_app, kit):
    app = make_app(RATELIMIT_ENABLED=True, TOKEN_RATE_LIMIT="4 per minute")
    client = app.test_client()
    statuses = [
        client.get(f"/v/{'R' * 24}{path}").status_code
        for path in ("", "/verify", "/ballot", "/notice", "", "/verify")
    ]
    assert statuses == [404, 404, 404, 404, 429, 429]


def test_the_session_remembers_verification_per_link(app, client, opened):
    token = opened.tokens["o1"]
    client.post(f"/v/{token}/verify", data={"last4": "0021"})
    assert client.get(f"/v/{token}/ballot").status_code == 200
    other = app.test_client()  # another phone with the same link must verify again
    assert other.get(f"/v/{token}/ballot").status_code == 302


def test_a_link_before_the_window_opens_cannot_vote(app, client, kit, opened):
    kit.shift_window(opened, days=-2)  # opens in the future
    response = client.get(f"/v/{opened.tokens['o2']}")
    assert response.status_code == 409 and "投票尚未开始" in text(response)


def test_an_unexpected_error_is_logged_without_the_token(client, opened, caplog, monkeypatch):
    def broken(token):
        raise RuntimeError("database went away")

    monkeypatch.setattr("voting.ballots.views.open_link", broken)
    token = opened.tokens["o2"]
    with caplog.at_level(logging.ERROR):
        response = client.get(f"/v/{token}")
    assert response.status_code == 500 and "Traceback" not in text(response)
    logged = [record.getMessage() for record in caplog.records]
    assert any("/v/<token>" in line for line in logged)
    assert not any(token in line for line in logged)
