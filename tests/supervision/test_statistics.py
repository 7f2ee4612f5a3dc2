"""The office's statistics workbook: every meeting of its communities in the period with
turnout by heads and area, the service record's counts and anomalies; no cell a formula;
its own staff only; logged."""

from datetime import timedelta
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from tests.ballots.support import MeetingKit, Unit, motion
from tests.ballots.test_cast import cast
from voting.db import db, utcnow
from voting.timeutil import SHANGHAI


def roster() -> list[Unit]:
    return [Unit("101", "90.00", "o1", phone="13900000001"), Unit("102", "80.00", "o2"),
            Unit("103", "70.00", "o3"), Unit("104", "60.00", "o4")]  # fmt: skip


@pytest.fixture
def world(app, make):
    kit = MeetingKit(app)
    community_id = kit.community(roster(), one_time_code=False)
    opened = kit.open(community_id, [motion('=HYPERLINK("http://x")')], title="+年度业主大会")
    voter = app.test_client()
    assert cast(voter, opened.tokens["o2"], opened.answers({0: ["同意"]})).status_code == 201
    assert cast(voter, opened.tokens["o3"], opened.answers({0: ["反对"]})).status_code == 201
    from voting.rosters.models import Community

    with app.app_context():
        community = db.session.get(Community, community_id)
        office = community.office
    return opened, office, community


def period(days_before: int = 3, days_after: int = 3) -> dict:
    today = utcnow().astimezone(SHANGHAI).date()
    return {"from": (today - timedelta(days=days_before)).isoformat(),
            "to": (today + timedelta(days=days_after)).isoformat()}  # fmt: skip


def test_the_office_exports_its_meetings_with_turnout_and_service_counts(
    app, client, auth, make, world
):
    opened, office, community = world
    auth.login(make.user("office", office=office))
    response = client.get(
        f"/supervision/offices/{office.id}/statistics.xlsx", query_string=period()
    )
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.data))
    assert book.sheetnames == ["概况", "会议", "表决结果", "异常"]
    rows = list(book["会议"].iter_rows(values_only=True))
    header, data = rows[0], rows[1:]
    assert len(data) == 1
    row = dict(zip(header, data[0], strict=True))
    assert row["小区"] == community.name and row["会议"] == "+年度业主大会"
    assert row["业主（人数）"] == 4 and row["参与人数"] == 2 and row["人数比例"] == "50.0%"
    assert row["人数达三分之二"] == "否"
    assert row["总面积（㎡）"] == 300 and row["参与面积（㎡）"] == 150  # 80 + 70
    assert row["面积达三分之二"] == "否"
    assert row["名册中有手机号"] == 1 and row["异议"] == 0
    overview = dict(book["概况"].iter_rows(values_only=True))
    assert overview["会议"] == 1 and overview["涉及小区"] == 1
    # No cell is a formula, whatever the titles start with; no phone number anywhere.
    cells = [c for sheet in book.worksheets for r in sheet.iter_rows() for c in r]
    assert cells and all(c.data_type != "f" for c in cells)
    assert not any("13900000001" in str(c.value) for c in cells)
    from voting.audit.models import AuditEvent

    with app.app_context():
        event = db.session.scalar(
            select(AuditEvent).where(AuditEvent.type == "office.statistics_exported")
        )
        assert event.chain == f"office:{office.id}" and event.data["meetings"] == 1
        assert event.data["from"] == period()["from"]


def test_a_period_without_meetings_exports_none(app, client, auth, make, world):
    _, office, _ = world
    auth.login(make.user("office", office=office))
    response = client.get(f"/supervision/offices/{office.id}/statistics.xlsx",
                          query_string=period(days_before=400, days_after=-300))  # fmt: skip
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.data))
    assert len(list(book["会议"].iter_rows())) == 1  # the header only


@pytest.mark.parametrize("query", [{}, {"from": "2030-03-10", "to": "2030-03-01"},
                                   {"from": "昨天", "to": "2030-03-01"},
                                   {"from": "2020-01-01", "to": "2030-01-01"}])  # fmt: skip
def test_a_wrong_period_is_refused_with_a_message_and_nothing_logged(
    app, client, auth, make, world, query
):
    _, office, _ = world
    auth.login(make.user("office", office=office))
    response = client.get(f"/supervision/offices/{office.id}/statistics.xlsx", query_string=query)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "请填写统计期间" in page
    from voting.audit.models import AuditEvent

    with app.app_context():
        assert (
            db.session.scalar(
                select(AuditEvent).where(AuditEvent.type == "office.statistics_exported")
            )
            is None
        )


def test_full_width_dates_are_read(app, client, auth, make, world):
    _, office, _ = world
    auth.login(make.user("office", office=office))
    wide = {k: v.translate(str.maketrans("0123456789-", "０１２３４５６７８９－"))
            for k, v in period().items()}  # fmt: skip
    response = client.get(f"/supervision/offices/{office.id}/statistics.xlsx", query_string=wide)
    assert response.status_code == 200


def test_only_the_office_s_own_staff_export(app, client, auth, make, world):
    opened, office, community = world
    url = f"/supervision/offices/{office.id}/statistics.xlsx"
    other = make.user("office", office=make.office("西城街道"))
    for user, status in ((other, 404), (make.user("admin"), 403),
                         (make.user("committee", community=community), 403)):  # fmt: skip
        auth.login(user)
        assert client.get(url, query_string=period()).status_code == status
        auth.logout()


def test_the_published_outcome_of_each_matter_is_exported(app, client, auth, make, world):
    opened, office, community = world
    from voting.auth.models import User
    from voting.meetings.models import Meeting
    from voting.meetings.services import close_meeting
    from voting.results.keys import create_signing_key
    from voting.results.services import publish_result
    from voting.rosters.models import Community

    committee = make.user("committee", community=community)
    with app.app_context():
        meeting = db.session.get(Meeting, opened.meeting_id)
        close_meeting(meeting, now=meeting.closes_at + timedelta(minutes=1))
        create_signing_key(db.session.get(Community, community.id), "user:test")
        publish_result(meeting, db.session.get(User, committee.id))
        db.session.commit()
    auth.login(make.user("office", office=office))
    response = client.get(
        f"/supervision/offices/{office.id}/statistics.xlsx", query_string=period()
    )
    book = load_workbook(BytesIO(response.data))
    outcomes = list(book["表决结果"].iter_rows(values_only=True))
    assert outcomes[1][2] == '=HYPERLINK("http://x")'  # text, not a formula
    assert outcomes[1][3] == "1/2"  # two of four owners took part
    assert outcomes[1][5] == "参与未达三分之二，未形成决定"
    meetings = list(book["会议"].iter_rows(values_only=True))
    assert dict(zip(meetings[0], meetings[1], strict=True))["表决结果"] != "—"
    cells = [c for sheet in book.worksheets for r in sheet.iter_rows() for c in r]
    assert all(c.data_type != "f" for c in cells)
