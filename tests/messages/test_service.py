"""The service record (送达记录): every owner with each message and letter that reached them,
as a printable page and an XLSX workbook without formulas or phone numbers."""

import io
import re
from datetime import timedelta

from openpyxl import load_workbook
from sqlalchemy import select

from tests.ballots.support import Unit, motion
from voting.db import db, utcnow

from .conftest import deliver, received

A, B, C = "13900000001", "13900000002", "13900000003"


def roster() -> list[Unit]:
    return [
        Unit("101", "90.00", "o1", phone=A),
        Unit("102", "80.00", "o2", phone=B, building="2号楼"),
        Unit("103", "70.00", "o3", building="=1+2"),  # no phone; a building like a formula
        Unit("104", "60.00", "o4", phone=C),
    ]


def _world(app, kit, make):
    community_id = kit.community(roster(), one_time_code=False)
    opened = kit.open(community_id, [motion("议事规则")])
    committee = kit.committee(make, community_id, "weiyuan")
    return opened, committee


def _rows(page: str) -> list[str]:
    return re.findall(r'<tr data-testid="service-row"[^>]*>(.*?)</tr>', page, re.S)


def test_the_service_record_lists_every_owner_with_what_reached_them(
    app, client, kit, make, auth, phone_file
):
    from voting.meetings.credentials import revoke_credential
    from voting.meetings.models import Credential

    opened, committee = _world(app, kit, make)
    with app.app_context():  # o4's letter was lost before the worker ran: its link is not sent
        revoke_credential(db.session.get(Credential, opened.credential_ids["o4"]), "信丢了")
        db.session.commit()
    assert deliver(app) == 5  # three notices, the links of o1 and o2
    auth.login(committee)
    assert client.get(f"/meetings/{opened.meeting_id}/letters?voter={opened.voter_ids['o3']}")\
        .status_code == 200  # fmt: skip
    o3, o4 = opened.voter_ids["o3"], opened.voter_ids["o4"]
    assert client.get(f"/meetings/{opened.meeting_id}/paper/ballots?voter={o3}").status_code == 200
    proxy_form = f"/meetings/{opened.meeting_id}/paper/voters/{o4}/proxy-form"
    assert client.get(proxy_form).status_code == 200
    page = client.get(f"/meetings/{opened.meeting_id}/service")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    rows = _rows(text)
    assert len(rows) == 4  # every owner of the frozen roster
    by_unit = {re.search(r"(\d号楼|=1\+2) 10\d", row).group(0): row for row in rows}
    assert set(by_unit) == {"1号楼 101", "2号楼 102", "=1+2 103", "1号楼 104"}
    for unit in ("1号楼 101", "2号楼 102"):
        assert "会议公告通知" in by_unit[unit] and "个人投票链接" in by_unit[unit]
        assert by_unit[unit].count("已发送") == 2 and "139********" in by_unit[unit]
    assert "打印表决通知书" in by_unit["=1+2 103"] and "会议公告通知" not in by_unit["=1+2 103"]
    assert "打印纸质表决票" in by_unit["=1+2 103"] and "打印纸质表决票" not in by_unit["1号楼 101"]
    assert "打印授权委托书" in by_unit["1号楼 104"]
    assert "已发送" in by_unit["1号楼 104"]  # the notice
    assert "个人投票链接" in by_unit["1号楼 104"] and "已取消" in by_unit["1号楼 104"]
    assert "no live link" in by_unit["1号楼 104"]
    assert 'data-testid="not-served">0<' in text
    for phone in (A, B, C):
        assert phone not in text and phone[-4:] not in text
    assert opened.tokens["o1"] not in text
    sent = received(phone_file)
    assert len(sent) == 5


def test_the_xlsx_service_report_has_every_owner_no_formula_and_no_phone(
    app, client, kit, make, auth
):
    opened, committee = _world(app, kit, make)
    deliver(app)
    auth.login(committee)
    response = client.get(f"/meetings/{opened.meeting_id}/service.xlsx")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].endswith("service.xlsx")
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["概况", "送达明细"]
    cells = [c for sheet in book for row in sheet.iter_rows() for c in row if c.value is not None]
    assert all(c.data_type != "f" for c in cells)
    texts = [str(c.value) for c in cells]
    for phone in (A, B, C):
        assert not any(phone in t or phone[-4:] in t for t in texts)
    detail = list(book["送达明细"].iter_rows(values_only=True))
    units = {row[1] for row in detail[1:]}
    assert units == {"1号楼 101", "2号楼 102", "=1+2 103", "1号楼 104"}
    [no_phone] = [row for row in detail[1:] if row[1] == "=1+2 103"]
    assert not no_phone[3] and no_phone[4] == "无" and no_phone[7] == "未送达"
    kinds = {(row[1], row[4], row[7]) for row in detail[1:]}
    assert ("1号楼 101", "会议公告通知", "已发送") in kinds
    assert ("1号楼 101", "个人投票链接", "已发送") in kinds
    quoted = [c for c in cells if isinstance(c.value, str) and c.value.startswith("=")]
    assert quoted and all(c.quotePrefix and c.data_type == "s" for c in quoted)  # text
    overview = dict(book["概况"].iter_rows(values_only=True))
    assert overview["业主"] == 4 and overview["收到公告通知"] == 3 and overview["未送达"] == 1


def test_before_voting_opens_the_record_lists_the_roster_owners(app, client, kit, make, auth):
    from .test_notices import announce

    community_id = kit.community(roster())
    meeting_id = announce(app, community_id)
    deliver(app)
    auth.login(kit.committee(make, community_id, "weiyuan"))
    text = client.get(f"/meetings/{meeting_id}/service").get_data(as_text=True)
    rows = _rows(text)
    assert len(rows) == 4 and "表决尚未开始" in text
    assert sum("会议公告通知" in row and "已发送" in row for row in rows) == 3


def test_who_may_read_the_service_record(app, client, kit, make, auth):
    from voting.meetings import services
    from voting.rosters.models import Community

    opened, committee = _world(app, kit, make)
    with app.app_context():
        office = db.session.get(Community, opened.community_id).office
    other = make.community(roster=None)
    users = {
        "committee": (committee, 200),
        "office": (make.user("office", username="jiedao", office=office), 200),
        "admin": (make.user("admin", username="root"), 403),
        "other_committee": (make.user("committee", username="other", community=other), 404),
    }
    for path in ("service", "service.xlsx"):
        url = f"/meetings/{opened.meeting_id}/{path}"
        for name, (user, status) in users.items():
            auth.login(user)
            assert client.get(url).status_code == status, (name, path)
            auth.logout()
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    with app.app_context():  # a draft has served nothing: no record
        community = db.session.get(Community, opened.community_id)
        opens = utcnow() + timedelta(days=30)
        draft = services.create_meeting(
            community, "草稿", opens, opens + timedelta(days=5), [motion("规则")]
        )
        db.session.commit()
        draft_id = draft.id
    auth.login(committee)
    assert client.get(f"/meetings/{draft_id}/service").status_code == 404


def test_viewing_and_exporting_are_logged(app, client, kit, make, auth):
    from voting.audit.models import AuditEvent

    opened, committee = _world(app, kit, make)
    auth.login(committee)
    client.get(f"/meetings/{opened.meeting_id}/service")
    client.get(f"/meetings/{opened.meeting_id}/service.xlsx")
    with app.app_context():
        types = db.session.scalars(
            select(AuditEvent.type)
            .where(AuditEvent.type.like("meeting.service_record_%"))
            .order_by(AuditEvent.seq)
        ).all()
    assert types == ["meeting.service_record_shown", "meeting.service_record_exported"]
