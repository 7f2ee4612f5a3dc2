"""The staff pages of a meeting, through the Flask client."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import row_count
from voting.audit.models import AuditEvent
from voting.db import db
from voting.meetings.models import Credential, Meeting, MeetingDocument, Voter
from voting.timeutil import to_local

from .conftest import cast, shift_clock, window

PDF = b"%PDF-1.4\n%%EOF\n"


def local(moment) -> str:
    return to_local(moment).strftime("%Y-%m-%dT%H:%M")


def new_form(**changes) -> dict:
    return {
        "title": "2030 年第一次业主大会会议",
        **window(local),
        "place": "小区会所",
        "matter-title": "物业费由 1.47 元调整为 2.38 元/㎡·月",
        "matter-category": "ordinary",
        "matter-kind": "motion",
        **changes,
    }


def meeting_count(app) -> int:
    return row_count(app, Meeting)


def plan_by_pages(client, auth, community, staff) -> int:
    auth.login(staff["committee"])
    response = client.post(f"/communities/{community.id}/meetings/new", data=new_form())
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def test_plan_submit_approve_announce_open_close_by_pages(app, client, auth, community, staff):
    mid = plan_by_pages(client, auth, community, staff)
    matter = {
        "matter-title": "选聘物业服务企业",
        "matter-category": "ordinary",
        "matter-kind": "selection",
        "matter-options": "甲物业|报价 2.10 元\n乙物业\n丙物业",
    }
    assert client.post(f"/meetings/{mid}/matters", data=matter).status_code == 302
    election = {
        "matter-title": "选举业主委员会",
        "matter-category": "ordinary",
        "matter-kind": "election",
        "matter-options": "张三\n李四\n王五",
        "matter-seats": "3",
        "matter-alternates": "0",
    }
    assert client.post(f"/meetings/{mid}/matters", data=election).status_code == 302
    upload = {"file": (__import__("io").BytesIO(PDF), "合同草案.pdf")}
    assert client.post(f"/meetings/{mid}/documents", data=upload).status_code == 302
    page = client.get(f"/meetings/{mid}").get_data(as_text=True)
    assert page.count('data-testid="matter"') == 3 and "合同草案.pdf" in page
    assert 'data-action="submit"' in page and 'data-action="approve"' not in page
    assert client.post(f"/meetings/{mid}/submit").status_code == 302

    auth.logout()
    auth.login(staff["office"])
    page = client.get(f"/meetings/{mid}").get_data(as_text=True)
    assert 'data-action="approve"' in page and 'data-action="announce"' not in page
    assert client.post(f"/meetings/{mid}/approve").status_code == 302
    assert client.post(f"/meetings/{mid}/announce").status_code == 403

    auth.logout()
    auth.login(staff["committee"])
    assert client.post(f"/meetings/{mid}/announce").status_code == 302
    notice = client.get(f"/meetings/{mid}/notice").get_data(as_text=True)
    assert notice.count('data-testid="notice-matter"') == 3
    for text in (
        "一般事项",
        "甲物业",
        "报价 2.10 元",
        "应选委员 3 人",
        "小区会所",
        "合同草案.pdf",
        "车位、摊位计入专有部分面积和业主人数",
    ):
        assert text in notice
    assert "草稿预览" not in notice

    response = client.post(f"/meetings/{mid}/open")
    assert response.status_code == 409 and "尚未到公告的表决开始时间" in response.get_data(
        as_text=True
    )
    shift_clock(app, mid, timedelta(minutes=-1))
    assert client.post(f"/meetings/{mid}/open").status_code == 302

    letters = client.get(f"/meetings/{mid}/letters").get_data(as_text=True)
    assert letters.count('data-testid="letter"') == 6
    assert len(re.findall(r'<svg class="qr" role="img"', letters)) == 6
    assert "style=" not in letters
    links = re.findall(r"http://localhost/v/([A-Za-z0-9_-]+)", letters)
    csv = client.get(f"/meetings/{mid}/credentials.csv").get_data(as_text=True)
    assert csv.lstrip("\ufeff").count("\r\n") == 1 + 6
    assert sorted(set(links)) == sorted(re.findall(r"/v/([A-Za-z0-9_-]+)", csv))
    one = client.get(f"/meetings/{mid}/letters?building=地下车库").get_data(as_text=True)
    assert one.count('data-testid="letter"') == 1 and "孙*" in one

    with app.app_context():
        keys = list(db.session.scalars(select(Voter.person_key).where(Voter.can_vote)))
        matter_ids = [m.public_id for m in db.session.get(Meeting, mid).matters]
    cast(app, mid, {key: {matter_ids[0]: ["agree"]} for key in keys[:3]})
    turnout = client.get(f"/meetings/{mid}/turnout").get_data(as_text=True)
    assert 'data-testid="ballots">3<' in turnout
    assert 'max="7" value="3" data-testid="owners-progress"' in turnout
    assert "还差 2 人" in turnout

    close_page = client.get(f"/meetings/{mid}/close").get_data(as_text=True)
    assert 'data-code="VOTERS_REMAIN"' in close_page and "tally" not in close_page
    shift_clock(app, mid, timedelta(days=-8))
    response = client.post(f"/meetings/{mid}/close")
    assert response.status_code == 302 and response.headers["Location"].endswith("/close")
    result = client.get(f"/meetings/{mid}/close").get_data(as_text=True)
    assert result.count('data-testid="result"') == 3
    assert 'data-status="no_quorum"' in result and "参与表决人数占比 3/7，未达到三分之二" in result


def test_new_meeting_form_refusals(app, client, auth, community, staff):
    auth.login(staff["committee"])
    url = f"/communities/{community.id}/meetings/new"
    assert client.get(url).status_code == 200
    response = client.post(url, data=new_form(**{"matter-category": ""}))
    assert response.status_code == 422 and "请选择事项类别" in response.get_data(as_text=True)
    response = client.post(
        url, data=new_form(**{"matter-kind": "selection", "matter-options": "只有一家"})
    )
    assert response.status_code == 422 and "需要 2 至 60 个选项" in response.get_data(as_text=True)
    short = new_form(**window(local, length=timedelta(days=2)))
    response = client.post(url, data=short)
    assert response.status_code == 422 and "表决期限不得少于 5 日" in response.get_data(
        as_text=True
    )
    assert meeting_count(app) == 0


def test_office_cannot_plan_or_print(app, client, auth, community, staff, meetings):
    auth.login(staff["office"])
    assert client.get(f"/communities/{community.id}/meetings/new").status_code == 403
    assert (
        client.post(f"/communities/{community.id}/meetings/new", data=new_form()).status_code == 403
    )
    mid = meetings.plan(community)
    meetings.advance(mid, "open")
    for path in ("letters", "credentials.csv", "credentials"):
        assert client.get(f"/meetings/{mid}/{path}").status_code == 403
    assert client.get(f"/meetings/{mid}/turnout").status_code == 200
    assert meeting_count(app) == 1


def test_pages_of_another_community_are_refused(app, client, auth, community, staff, meetings):
    mid = meetings.plan(community)
    meetings.advance(mid, "open")
    with app.app_context():
        credential = db.session.scalar(select(Credential))
        matter = db.session.get(Meeting, mid).matters[0]
    auth.login(staff["stranger"])
    gets = [
        f"/communities/{community.id}/meetings",
        f"/communities/{community.id}/meetings/new",
        f"/meetings/{mid}",
        f"/meetings/{mid}/edit",
        f"/meetings/{mid}/notice",
        f"/meetings/{mid}/letters",
        f"/meetings/{mid}/credentials.csv",
        f"/meetings/{mid}/credentials?q=1",
        f"/meetings/{mid}/turnout",
        f"/meetings/{mid}/close",
    ]
    for url in gets:
        assert client.get(url).status_code == 404, url
    posts = [
        f"/meetings/{mid}/{a}"
        for a in ("submit", "approve", "return", "announce", "open", "close", "void")
    ]
    posts += [
        f"/meetings/{mid}/matters",
        f"/meetings/{mid}/matters/{matter.id}/delete",
        f"/meetings/{mid}/documents",
        f"/meetings/{mid}/credentials/{credential.id}/revoke",
        f"/meetings/{mid}/credentials/{credential.id}/reissue",
    ]
    for url in posts:
        assert client.post(url, data={"reason": "x"}).status_code in (403, 404), url
    assert (
        client.post(f"/communities/{community.id}/meetings/new", data=new_form()).status_code == 404
    )
    with app.app_context():
        assert db.session.get(Meeting, mid).state == "open"
        assert db.session.get(Credential, credential.id).revoked_at is None
    assert meeting_count(app) == 1


def test_reissue_page_prints_a_new_letter(app, client, auth, community, staff, meetings):
    mid = meetings.plan(community)
    meetings.advance(mid, "open")
    auth.login(staff["committee"])
    page = client.get(f"/meetings/{mid}/credentials?q=2号楼 101").get_data(as_text=True)
    assert page.count('data-testid="voter"') == 1 and "赵*" in page
    with app.app_context():
        voter = db.session.scalar(select(Voter).where(Voter.display_name == "赵*"))
        old = db.session.scalar(select(Credential).where(Credential.voter_id == voter.id))
    url = f"/meetings/{mid}/credentials/{old.id}/reissue"
    assert client.post(url, data={"reason": ""}).status_code == 302
    response = client.post(url, data={"reason": "通知书丢失"})
    assert response.status_code == 302 and f"voter={voter.id}" in response.headers["Location"]
    letter = client.get(response.headers["Location"]).get_data(as_text=True)
    assert letter.count('data-testid="letter"') == 1 and "2号楼 101" in letter
    with app.app_context():
        rows = list(db.session.scalars(select(Credential).where(Credential.voter_id == voter.id)))
        assert [c.revoked_reason for c in rows] == ["通知书丢失", None]
        event = db.session.scalar(
            select(AuditEvent).where(AuditEvent.type == "credential.reissued")
        )
        assert event.actor == f"user:{staff['committee'].username}"
    response = client.post(url, data={"reason": "again"})
    assert response.status_code == 409 and "已有新的链接" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(Credential.voter_id == voter.id)) == 2


def test_return_and_void_need_a_reason(app, client, auth, community, staff, meetings):
    mid = meetings.plan(community)
    meetings.advance(mid, "submitted")
    auth.login(staff["office"])
    response = client.post(f"/meetings/{mid}/return", data={"reason": ""})
    assert response.status_code == 422
    assert client.post(f"/meetings/{mid}/return", data={"reason": "表决期太短"}).status_code == 302
    auth.logout()
    auth.login(staff["committee"])
    page = client.get(f"/meetings/{mid}").get_data(as_text=True)
    assert 'data-testid="returned"' in page and "表决期太短" in page
    assert client.post(f"/meetings/{mid}/void", data={"reason": "不再召开"}).status_code == 302
    with app.app_context():
        meeting = db.session.get(Meeting, mid)
        assert (meeting.state, meeting.void_reason) == ("voided", "不再召开")


def test_documents_are_checked_by_their_bytes(app, client, auth, community, staff):
    mid = plan_by_pages(client, auth, community, staff)
    fake = {"file": (__import__("io").BytesIO(b"MZ\x90\x00 not a pdf"), "恶意.pdf")}
    response = client.post(f"/meetings/{mid}/documents", data=fake)
    assert response.status_code == 422 and "只能上传 PDF" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(MeetingDocument)) == 0


@pytest.fixture
def csrf_app_config(app_config):
    app_config["WTF_CSRF_ENABLED"] = True
    return app_config


def test_missing_csrf_token_is_refused(
    csrf_app_config, app, client, auth, community, staff, meetings
):
    mid = meetings.plan(community)
    login = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', login).group(1)
    response = client.post(
        "/login",
        data={
            "username": staff["committee"].username,
            "password": "correct horse battery",
            "csrf_token": token,
        },
    )
    assert response.status_code == 302
    assert client.post(f"/meetings/{mid}/submit").status_code == 400
    assert meetings.state(mid) == "draft"
    page = client.get(f"/meetings/{mid}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)
    assert client.post(f"/meetings/{mid}/submit", data={"csrf_token": token}).status_code == 302
    assert meetings.state(mid) == "submitted"


def test_a_matter_comes_off_a_draft_but_not_off_a_submitted_plan(app, client, auth, community,
                                                                 staff, meetings):  # fmt: skip
    from voting.meetings.models import Matter

    mid = meetings.plan(community)
    with app.app_context():
        first, second = db.session.scalars(
            select(Matter.id).where(Matter.meeting_id == mid).order_by(Matter.position).limit(2)
        )
    auth.login(staff["committee"])
    removed = client.post(f"/meetings/{mid}/matters/{first}/delete")
    assert removed.status_code == 302
    assert client.get(removed.headers["Location"]).status_code == 200
    meetings.advance(mid, "submitted")
    refused = client.post(f"/meetings/{mid}/matters/{second}/delete")
    assert refused.status_code == 409
    assert "不能修改" in refused.get_data(as_text=True)
    with app.app_context():
        left = list(db.session.scalars(select(Matter.id).where(Matter.meeting_id == mid)))
    assert first not in left and second in left
