"""The remaining pages: the community tab, drafting through the forms, letters with personal
QR codes, the topic poster, documents for owners, results once closed, odd ids."""

import io
from datetime import timedelta

from sqlalchemy import select

from tests.consultations.conftest import verify
from voting.audit.models import AuditEvent
from voting.consultations import services
from voting.consultations.models import Consultation, ConsultationQuestion
from voting.db import db, utcnow
from voting.rosters.models import Community

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_the_community_pages_have_a_consultations_tab(client, auth, committee, community):
    auth.login(committee)
    page = client.get(f"/communities/{community.id}").get_data(as_text=True)
    assert f'href="/communities/{community.id}/consultations"' in page
    assert "协商议事" in page


def test_drafting_through_the_forms(app, client, auth, committee, community):
    auth.login(committee)
    base = f"/communities/{community.id}/consultations"
    empty = client.post(f"{base}/new", data={"title": "", "deadline": "2099-01-01T10:00"})
    assert empty.status_code == 422
    past = client.post(f"{base}/new", data={"title": "过去", "deadline": "2000-01-01T10:00"})
    assert past.status_code == 422 and "截止时间必须晚于现在" in past.get_data(as_text=True)
    response = client.post(
        f"{base}/new",
        data={"title": "小区大门改造", "body": "<b>方案</b>", "deadline": "2099-05-01T18:00"},
    )
    assert response.status_code == 302
    with app.app_context():
        consultation = db.session.scalar(select(Consultation))
        # 18:00 in Beijing is 10:00 UTC.
        assert consultation.deadline.isoformat() == "2099-05-01T10:00:00+00:00"
    url = response.location
    added = client.post(
        f"{url}/questions",
        data={
            "title": "选哪种门",
            "kind": "multiple",
            "options": "电动门\r\n平开门\r\n\r\n",
            "max_choices": "1",
        },
    )
    assert added.status_code == 302
    bad = client.post(
        f"{url}/questions", data={"title": "只一个", "kind": "single", "options": "a"}
    )
    assert bad.status_code == 422 and "2 至 30 个选项" in bad.get_data(as_text=True)
    upload = client.post(f"{url}/documents", data={"file": (io.BytesIO(PNG), "现场.png")})
    assert upload.status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "&lt;b&gt;方案&lt;/b&gt;" in page and "电动门" in page and "现场.png" in page
    edit = client.get(f"{url}/edit").get_data(as_text=True)
    assert 'value="2099-05-01T18:00"' in edit
    with app.app_context():
        question = db.session.scalar(select(ConsultationQuestion))
        assert (question.kind, question.max_choices) == ("multiple", 1)
        assert [o.label for o in question.options] == ["电动门", "平开门"]


def test_letters_carry_each_owner_s_personal_qr_code(
    app, client, auth, committee, community, topics
):
    topic = topics.make(community)
    auth.login(committee)
    page = client.get(topic.url("/letters"))
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert text.count('class="consult-letter"') == 6  # the unknown owner of 2号楼 202 has none
    assert text.count("<svg") == 6 and "<script" not in text
    assert f"http://localhost/c/{topic.token('1号楼', '101')}" in text
    assert "2号楼 202" not in text
    assert "刘*" in text and "110108" not in text  # masked names only, no ID numbers
    assert "后四位" in text
    with app.app_context():
        event = db.session.scalar(
            select(AuditEvent).where(AuditEvent.type == "consultation.letters_printed")
        )
        assert event.data == {"consultation_id": topic.id, "page": 1, "letters": 6}
        # A draft has no letters.
        row = db.session.get(Community, community.id)
        draft = services.create_consultation(row, "草稿", utcnow() + timedelta(days=1))
        db.session.commit()
        draft_id = draft.id
    assert (
        client.get(f"/communities/{community.id}/consultations/{draft_id}/letters").status_code
        == 404
    )


def test_the_poster_leads_to_the_topic_entry(app, client, auth, office_user, community, topics):
    topic = topics.make(community)
    auth.login(office_user)
    text = client.get(topic.url("/poster")).get_data(as_text=True)
    with app.app_context():
        key = db.session.get(Consultation, topic.id).entry_key
    assert f"http://localhost/t/{key}" in text and "<svg" in text
    assert topic.token("1号楼", "101") not in text


def test_owners_read_documents_and_see_results_once_closed(app, client, community, topics):
    topic = topics.make(community)
    with app.app_context():
        document = services.add_document(db.session.get(Consultation, topic.id), "图.png", PNG)
        db.session.commit()
        document_id = document.id
    token = topic.token("1号楼", "101")
    assert client.get(f"/c/{token}/documents/{document_id}").status_code == 403
    verify(client, topic, "1号楼", "101")
    download = client.get(f"/c/{token}/documents/{document_id}")
    assert download.status_code == 200 and download.data == PNG
    assert download.mimetype == "image/png" and download.headers["Cache-Control"] == "no-store"
    assert client.post(f"/c/{token}/answers", data={"q_q1": "2"}).status_code == 302
    open_page = client.get(f"/c/{token}").get_data(as_text=True)
    assert "征求意见结果" not in open_page
    topics.close(topic)
    closed = client.get(f"/c/{token}").get_data(as_text=True)
    assert "征求意见结果" in closed and "100.00%" in closed and "已截止" in closed
    assert "提交我的意见" not in closed and "发表意见</button>" not in closed


def test_ids_of_any_size_are_simply_not_found(client, auth, make, committee, community, topics):
    topic = topics.make(community)
    huge = 2**70
    auth.login(committee)
    for url in (
        f"/communities/{huge}/consultations",
        f"/communities/{community.id}/consultations/{huge}",
        topic.url(f"/documents/{huge}"),
        topic.url(f"/questions/{huge}/meeting"),
    ):
        assert client.get(url).status_code == 404, url
    headers = {"Authorization": f"Bearer {make.token(committee)}"}
    assert client.get(f"/api/v1/consultations/{huge}", headers=headers).status_code == 404
    assert (
        client.get(f"/api/v1/communities/{huge}/consultations", headers=headers).status_code == 404
    )
    too_early = client.post(
        f"/api/v1/communities/{community.id}/consultations",
        json={"title": "x", "deadline": "0001-01-01T00:00:00+08:00"},
        headers=headers,
    )
    assert too_early.status_code == 422
    token = verify(client, topic, "1号楼", "101")
    assert client.get(f"/c/{token}/documents/{huge}").status_code == 404
    reply = client.post(f"/c/{token}/comments", data={"body": "x", "parent_id": str(huge)})
    assert reply.status_code == 422
