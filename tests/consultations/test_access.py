"""Every role on every consultation page: anonymous visitors go to the login page, staff of
another community or office get 404, administrators read but do not act, and nothing
changes in the database when a request is refused."""

import pytest
from sqlalchemy import func, select

from tests.consultations.conftest import verify
from voting.audit.models import AuditEvent
from voting.consultations import services
from voting.consultations.models import (
    Consultation,
    ConsultationComment,
    ConsultationDocument,
    ConsultationParticipant,
    ConsultationQuestion,
)
from voting.db import db

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def site(app, client, community, topics):
    """An open topic with a document, a comment and a locked participant; a closed one; a draft."""
    topic = topics.make(community)
    draft = topics.make(community, open_=False, title="草稿议题")
    with app.app_context():
        consultation = db.session.get(Consultation, topic.id)
        document = services.add_document(consultation, "a.pdf", PDF)
        draft_document = services.add_document(db.session.get(Consultation, draft.id), "b.pdf", PDF)
        person = db.session.scalar(
            select(ConsultationParticipant).where(
                ConsultationParticipant.consultation_id == topic.id,
                ConsultationParticipant.can_take_part,
            )
        )
        person.failed_checks, person.locked_at = 5, consultation.opened_at
        db.session.commit()
        ids = {
            "document": document.id,
            "draft_document": draft_document.id,
            "participant": person.id,
        }
    token = verify(client, topic, "2号楼", "101")
    assert client.post(f"/c/{token}/comments", data={"body": "第一条意见"}).status_code == 302
    with app.app_context():
        ids["comment"] = db.session.scalar(select(ConsultationComment.id))
    client.delete_cookie("session")
    assert (topic.id, draft.id) == (1, 2)
    return topic, draft, ids


def routes(topic, draft, ids) -> tuple[list[str], list[tuple[str, dict]]]:
    """Every staff GET, and every staff POST with a body that would succeed for the committee."""
    base, plan = topic.url(), draft.url()
    community = f"/communities/{topic.community_id}/consultations"
    q = topic.question_ids["q1"]
    gets = [
        community,
        f"{community}/new",
        f"{community}/satisfaction",
        base,
        f"{plan}/edit",
        f"{base}/documents/{ids['document']}",
        f"{base}/participants",
        f"{base}/letters",
        f"{base}/poster",
        f"{base}/summary",
        f"{base}/export.xlsx",
        f"{base}/questions/{q}/meeting",
    ]
    posts = [
        (f"{community}/new", {"title": "新议题", "deadline": "2099-01-01T10:00"}),
        (f"{plan}/edit", {"title": "改名", "deadline": "2099-01-01T10:00"}),
        (f"{plan}/questions", {"title": "新问题", "kind": "scale"}),
        (f"{plan}/questions/{draft.question_ids['q1']}/delete", {}),
        (f"{plan}/documents/{ids['draft_document']}/delete", {}),
        (f"{plan}/open", {}),
        (f"{community}/satisfaction", {"year": "2024", "deadline": "2099-01-01T10:00"}),
        (f"{base}/participants/{ids['participant']}/unlock", {}),
        (f"{base}/comments", {"body": "工作人员回复", "parent_id": str(ids["comment"])}),
        (f"{base}/comments/{ids['comment']}/hide", {"reason": "无关内容"}),
        (
            f"{base}/questions/{q}/meeting",
            {
                "title": "会议",
                "category": "ordinary",
                "opens_at": "2099-01-01T10:00",
                "closes_at": "2099-01-10T10:00",
            },
        ),
        (f"{base}/close", {}),
    ]
    return gets, posts


def snapshot(app) -> tuple:
    """Counts and states that any accepted action would change."""
    with app.app_context():
        count = lambda model: db.session.scalar(select(func.count()).select_from(model))  # noqa: E731
        states = tuple(
            (c.title, c.opened_at is not None, c.closed_at is not None)
            for c in db.session.scalars(select(Consultation).order_by(Consultation.id))
        )
        hidden = db.session.scalar(
            select(func.count()).where(ConsultationComment.hidden_at.is_not(None))
        )
        locked = db.session.scalar(
            select(func.count()).where(ConsultationParticipant.locked_at.is_not(None))
        )
        return (
            states,
            count(ConsultationQuestion),
            count(ConsultationDocument),
            count(ConsultationComment),
            hidden,
            locked,
            count(AuditEvent),
        )


def test_anonymous_visitors_are_sent_to_login(app, client, site):
    gets, posts = routes(*site)
    before = snapshot(app)
    for url in gets:
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.location, url
    for url, data in posts:
        response = client.post(url, data=data)
        assert response.status_code == 302 and "/login" in response.location, url
    assert snapshot(app) == before


@pytest.mark.parametrize("who", ["other_committee", "other_office"])
def test_staff_of_another_community_get_404_everywhere(
    app, client, auth, make, site, who, other_community
):
    if who == "other_committee":
        user = make.user("committee", community=other_community)
    else:
        user = make.user("office", office=other_community.office)
    auth.login(user)
    gets, posts = routes(*site)
    # The same topic ids reached through the user's own community are not found either.
    own = f"/communities/{other_community.id}/"
    foreign = f"/communities/{site[0].community_id}/"
    topical = ("/consultations/1", "/consultations/2")  # the open topic and the draft
    gets += [url.replace(foreign, own) for url in gets if any(t in url for t in topical)]
    posts += [
        (url.replace(foreign, own), data) for url, data in posts if any(t in url for t in topical)
    ]
    before = snapshot(app)
    for url in gets:
        assert client.get(url).status_code == 404, url
    for url, data in posts:
        assert client.post(url, data=data).status_code == 404, url
    assert snapshot(app) == before


def test_administrators_read_but_do_not_act(app, client, auth, admin, site):
    auth.login(admin)
    gets, posts = routes(*site)
    before = snapshot(app)
    for url in gets:
        expected = 403 if url.endswith(("/letters", "/meeting", "/new", "/edit")) else 200
        assert client.get(url).status_code == expected, url
    after_reads = snapshot(app)
    for url, data in posts:
        assert client.post(url, data=data).status_code == 403, url
    assert snapshot(app) == after_reads
    assert before[:-1] == after_reads[:-1]  # only the export was logged


@pytest.mark.parametrize("role", ["committee", "office"])
def test_committee_and_office_of_the_community_read_and_act(app, client, auth, request, site, role):
    user = request.getfixturevalue("committee" if role == "committee" else "office_user")
    auth.login(user)
    gets, posts = routes(*site)
    for url in gets:
        assert client.get(url).status_code == 200, url
    for url, data in posts:
        response = client.post(url, data=data)
        if url.endswith("/meeting"):
            # The topic is still open: a meeting is drafted only after the deadline.
            assert response.status_code == 422, url
            continue
        assert response.status_code in (302, 303), (url, response.get_data(as_text=True)[:3000])
    with app.app_context():
        states = {c.title: c.state for c in db.session.scalars(select(Consultation))}
        assert states["改名"] == "open" and states["电动车充电桩选址"] == "closed"
        assert "2024 年度物业服务满意度调查" in states and "新议题" in states
        assert (
            db.session.scalar(
                select(func.count()).where(ConsultationComment.hidden_at.is_not(None))
            )
            == 1
        )
        assert (
            db.session.scalar(
                select(func.count()).where(ConsultationParticipant.locked_at.is_not(None))
            )
            == 0
        )
