"""Owners get in through their personal link or the topic's QR code, with identity checked as
for ballots; five wrong tries lock the person; a link reaches only its own topic."""

from sqlalchemy import select

from tests.consultations.conftest import verify
from voting.audit.models import AuditEvent
from voting.consultations import services
from voting.consultations.models import (
    Consultation,
    ConsultationAnswerSet,
    ConsultationComment,
    ConsultationParticipant,
)
from voting.db import db

PDF = b"%PDF-1.4\n%%EOF\n"


def _person(app, person_id: int) -> ConsultationParticipant:
    with app.app_context():
        return db.session.get(ConsultationParticipant, person_id)


def test_personal_link_asks_the_last_four_digits_first(client, community, topics):
    topic = topics.make(community)
    token = topic.token("1号楼", "101")
    page = client.get(f"/c/{token}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "后四位" in text and "电动车充电桩选址" in text
    assert "方案一：北门" not in text  # the topic opens only after the check
    assert page.headers["Cache-Control"] == "no-store"
    assert client.post(f"/c/{token}/comments", data={"body": "x"}).status_code == 403
    # ID number or phone: either last four confirms.
    assert client.post(f"/c/{token}/verify", data={"last4": "0001"}).status_code == 302
    text = client.get(f"/c/{token}").get_data(as_text=True)
    assert "方案一：北门" in text and "1号楼 101、1号楼 102" in text


def test_without_identity_data_the_link_alone_lets_the_owner_in(client, community, topics):
    topic = topics.make(community)
    token = topic.token("1号楼", "202")  # 王静、李强: no ID number or phone on the roster
    assert "方案一：北门" in client.get(f"/c/{token}").get_data(as_text=True)


def test_five_wrong_tries_lock_the_person_and_the_count_is_kept(app, client, community, topics):
    topic = topics.make(community)
    token = topic.token("2号楼", "101")
    person = topics.participant(topic, "2号楼", "101")
    for attempt in range(1, 5):
        response = client.post(f"/c/{token}/verify", data={"last4": "9999"})
        assert response.status_code == 403
        assert f"还可以再试 {5 - attempt} 次" in response.get_data(as_text=True)
        assert _person(app, person.id).failed_checks == attempt
    response = client.post(f"/c/{token}/verify", data={"last4": "9999"})
    assert response.status_code == 403 and "已锁定" in response.get_data(as_text=True)
    assert _person(app, person.id).locked_at is not None
    # Locked: even the right digits are refused, on the link and through the topic QR code.
    assert client.post(f"/c/{token}/verify", data={"last4": "0002"}).status_code == 403
    assert client.get(f"/c/{token}").status_code == 403
    with app.app_context():
        key = db.session.get(Consultation, topic.id).entry_key
        types = [e.type for e in db.session.scalars(select(AuditEvent))]
    entry = client.post(f"/t/{key}", data={"building": "2号楼", "unit": "101", "last4": "0002"})
    assert entry.status_code == 403
    assert types.count("consultation.check_failed") == 4
    assert types.count("consultation.participant_locked") == 1


def test_staff_unlock_a_locked_person(app, client, auth, committee, community, topics):
    topic = topics.make(community)
    token = topic.token("2号楼", "101")
    person = topics.participant(topic, "2号楼", "101")
    for _ in range(5):
        client.post(f"/c/{token}/verify", data={"last4": "1234"})
    auth.login(committee)
    page = client.get(topic.url("/participants")).get_data(as_text=True)
    assert "已锁定" in page
    assert client.post(topic.url(f"/participants/{person.id}/unlock")).status_code == 302
    assert client.post(topic.url(f"/participants/{person.id}/unlock")).status_code == 409
    auth.logout()
    assert client.post(f"/c/{token}/verify", data={"last4": "0002"}).status_code == 302
    assert _person(app, person.id).failed_checks == 0


def test_topic_qr_code_lets_owners_in_by_unit_and_last_four(app, client, community, topics):
    topic = topics.make(community)
    with app.app_context():
        key = db.session.get(Consultation, topic.id).entry_key
    page = client.get(f"/t/{key}").get_data(as_text=True)
    assert "地下车库" in page and "1号楼" in page and "2号楼" in page
    wrong_unit = client.post(
        f"/t/{key}", data={"building": "1号楼", "unit": "999", "last4": "0021"}
    )
    assert wrong_unit.status_code == 403 and "没有找到该房屋" in wrong_unit.get_data(as_text=True)
    # Full-width digits and spaces typed on a phone still match 1号楼 102 (刘芳's second flat).
    response = client.post(
        f"/t/{key}", data={"building": "1号楼", "unit": " １０２ ", "last4": "0021"}
    )
    assert response.status_code == 302
    assert response.location.endswith(f"/c/{topic.token('1号楼', '101')}")
    assert "方案一：北门" in client.get(response.location).get_data(as_text=True)
    # 陈伟's parking space is listed under his flat's building: found all the same.
    garage = client.post(
        f"/t/{key}", data={"building": "地下车库", "unit": "b1-001", "last4": "0315"}
    )
    assert garage.status_code == 302
    assert garage.location.endswith(f"/c/{topic.token('1号楼', '201')}")


def test_topic_qr_code_refuses_owners_without_identity_data(app, client, community, topics):
    topic = topics.make(community)
    with app.app_context():
        key = db.session.get(Consultation, topic.id).entry_key
    response = client.post(f"/t/{key}", data={"building": "1号楼", "unit": "202", "last4": "0000"})
    assert response.status_code == 403
    assert "个人链接" in response.get_data(as_text=True)
    person = topics.participant(topic, "1号楼", "202")
    assert person.failed_checks == 0


def test_topic_qr_code_of_a_draft_or_unknown_key_is_not_found(app, client, community, topics):
    draft = topics.make(community, open_=False)
    with app.app_context():
        key = db.session.get(Consultation, draft.id).entry_key
    assert client.get(f"/t/{key}").status_code == 404
    assert client.get("/t/not-a-key").status_code == 404
    assert client.get("/c/not-a-token").status_code == 404


def test_a_link_reaches_only_its_own_topic_and_community(
    app, client, community, other_community, topics
):
    mine = topics.make(community)
    other = topics.make(other_community, title="紫荆园议题")
    with app.app_context():
        foreign = db.session.get(Consultation, other.id)
        document = services.add_document(foreign, "紫荆园方案.pdf", PDF)
        db.session.commit()
        document_id = document.id
    other_token = verify(client, other, "2号楼", "101")
    assert (
        client.post(f"/c/{other_token}/comments", data={"body": "紫荆园的意见"}).status_code == 302
    )
    with app.app_context():
        foreign_comment = db.session.scalar(select(ConsultationComment.id))
    client.delete_cookie("session")
    token = verify(client, mine, "2号楼", "101")
    page = client.get(f"/c/{token}").get_data(as_text=True)
    assert "紫荆园" not in page
    assert client.get(f"/c/{token}/documents/{document_id}").status_code == 404
    reply = client.post(
        f"/c/{token}/comments", data={"body": "串门回复", "parent_id": str(foreign_comment)}
    )
    assert reply.status_code == 422
    # The other community's verified session does not open this community's link.
    client.delete_cookie("session")
    verify(client, other, "2号楼", "101")
    assert "后四位" in client.get(f"/c/{token}").get_data(as_text=True)
    with app.app_context():
        assert (
            db.session.scalar(
                select(ConsultationComment.body).where(
                    ConsultationComment.consultation_id == mine.id
                )
            )
            is None
        )


def test_answers_and_comments_are_refused_after_the_deadline(app, client, community, topics):
    topic = topics.make(community)
    token = verify(client, topic, "1号楼", "201")
    topics.close(topic)
    assert client.post(f"/c/{token}/answers", data={"q1": "1"}).status_code == 422
    assert client.post(f"/c/{token}/comments", data={"body": "晚了"}).status_code == 422
    with app.app_context():
        assert db.session.scalar(select(ConsultationAnswerSet.id)) is None
        assert db.session.scalar(select(ConsultationComment.id)) is None


def test_identity_checks_are_rate_limited(make_app, community, topics):
    topic = topics.make(community)
    token = topic.token("1号楼", "201")
    # Made last: the limiter is one object, configured by the app created most recently.
    app = make_app(RATELIMIT_ENABLED=True, TOKEN_RATE_LIMIT="3 per minute")
    client = app.test_client()
    with app.app_context():
        key = db.session.get(Consultation, topic.id).entry_key
    codes = [
        client.post(f"/c/{token}/verify", data={"last4": "9999"}).status_code for _ in range(4)
    ]
    assert codes == [403, 403, 403, 429]
    codes = [
        client.post(
            f"/t/{key}", data={"building": "1号楼", "unit": "201", "last4": "1111"}
        ).status_code
        for _ in range(4)
    ]
    assert codes == [403, 403, 403, 429]
