"""The summary: an XLSX workbook that opens with openpyxl and holds the figures, and the
printable page; hidden comments are marked and their text withheld."""

import io
from decimal import Decimal

from openpyxl import load_workbook
from sqlalchemy import select

from tests.consultations.conftest import verify
from voting.audit.models import AuditEvent
from voting.db import db


def _prepare(client, auth, committee, topic):
    answers = {
        ("1号楼", "101"): {"q_q1": "1", "q_q3": "5"},
        ("1号楼", "201"): {"q_q1": "2", "q_q3": "4"},
    }
    for unit, form in answers.items():
        client.delete_cookie("session")
        token = verify(client, topic, *unit)
        assert client.post(f"/c/{token}/answers", data=form).status_code == 302
    client.post(f"/c/{token}/comments", data={"body": '=HYPERLINK("http://evil","点我")'})
    client.post(f"/c/{token}/comments", data={"body": "不文明的话"})
    client.delete_cookie("session")
    auth.login(committee)
    with client.application.app_context():
        from voting.consultations.models import ConsultationComment

        rude = db.session.scalar(
            select(ConsultationComment.id).where(ConsultationComment.body == "不文明的话")
        )
    assert (
        client.post(topic.url(f"/comments/{rude}/hide"), data={"reason": "不文明"}).status_code
        == 302
    )


def test_xlsx_export_holds_the_figures(app, client, auth, committee, community, topics):
    topic = topics.make(community)
    _prepare(client, auth, committee, topic)
    response = client.get(topic.url("/export.xlsx"))
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["概况", "问题结果", "评论"]
    overview = {row[0]: row[1:] for row in book["概况"].iter_rows(values_only=True) if row}
    assert overview["议题"][0] == "电动车充电桩选址"
    assert overview["花名册（全部业主）"][0] == 7
    assert Decimal(str(overview["花名册（全部业主）"][3])) == Decimal("813.80")
    assert overview["已答卷"][:3] == (2, "2/7", "28.57%")
    assert Decimal(str(overview["已答卷"][3])) == Decimal("292.50")
    rows = list(book["问题结果"].iter_rows(values_only=True))
    north = next(r for r in rows if r[0] == "q1" and r[2] == "北门")
    assert north[3:6] == (1, "1/2", "50.00%")
    assert Decimal(str(north[6])) == Decimal("180.00") and north[7:] == ("8/13", "61.54%")
    means = {r[2]: r[3] for r in rows if r[0] == "q3" and r[2].startswith("平均分")}
    # by head (5 + 4) / 2; by area (5*18000 + 4*11250) / 29250 = 135000/29250 = 4.615…
    assert means == {"平均分（按人数）": "4.50", "平均分（按面积）": "4.62"}
    comments = list(book["评论"].iter_rows(values_only=True))[1:]
    texts = [c[6] for c in comments]
    assert '=HYPERLINK("http://evil","点我")' in texts  # kept as text, never a formula
    formula = next(c for c in book["评论"].iter_rows() if c[6].value and "HYPERLINK" in c[6].value)
    assert formula[6].data_type == "s"
    assert "不文明的话" not in texts and "（内容已隐藏）" in texts
    assert any(c[5] == "已隐藏：不文明" for c in comments)
    with app.app_context():
        assert db.session.scalar(
            select(AuditEvent.data).where(AuditEvent.type == "consultation.exported")
        ) == {"consultation_id": topic.id, "format": "xlsx"}


def test_printable_summary(client, auth, committee, community, topics):
    topic = topics.make(community)
    _prepare(client, auth, committee, topic)
    page = client.get(topic.url("/summary"))
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "征求意见汇总" in text and "不是业主大会的表决" in text
    assert "50.00%" in text and "8/13" in text and "4.62" in text
    assert "不文明的话" not in text and "已隐藏" in text and "不文明" in text
    assert "=HYPERLINK(&#34;http://evil&#34;,&#34;点我&#34;)" in text
