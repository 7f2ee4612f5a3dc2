"""From a consultation to a matter of a meeting: options carried over, category chosen by the
committee (never inferred), a draft meeting made through the meetings service."""

import pytest
from sqlalchemy import func, select

from voting.consultations.matters import matter_from_consultation
from voting.consultations.models import Consultation, ConsultationQuestion
from voting.consultations.services import ConsultationError
from voting.db import db
from voting.meetings.models import Matter, Meeting

WINDOW = {"opens_at": "2099-01-01T09:00", "closes_at": "2099-01-10T18:00"}


def _question(consultation_id: int, code: str) -> ConsultationQuestion:
    return db.session.scalar(
        select(ConsultationQuestion).where(
            ConsultationQuestion.consultation_id == consultation_id,
            ConsultationQuestion.code == code,
        )
    )


def _drafted(app, topic, code: str, category: str) -> dict:
    """The matter that the topic's question ``code`` becomes, under ``category``."""
    with app.app_context():
        consultation = db.session.get(Consultation, topic.id)
        return matter_from_consultation(consultation, _question(topic.id, code), category=category)


def test_single_choice_becomes_a_selection_with_its_options(app, community, topics):
    matter = _drafted(app, topics.make(community), "q1", "special")
    assert matter["title"] == "充电桩建在哪里？"
    assert (matter["category"], matter["kind"]) == ("special", "selection")
    assert matter["options"] == [{"label": "北门"}, {"label": "南门"}, {"label": "不建"}]
    assert "电动车充电桩选址" in matter["description"]
    assert "seats" not in matter


def test_multiple_choice_becomes_an_election_with_its_limit_as_seats(app, community, topics):
    matter = _drafted(app, topics.make(community), "q2", "ordinary")
    assert (matter["kind"], matter["seats"], matter["alternates"]) == ("election", 2, 0)
    assert [o["label"] for o in matter["options"]] == ["按度", "按时", "包月", "免费"]


def test_scale_questions_missing_categories_and_foreign_questions_are_refused(
    app, community, topics
):
    topic = topics.make(community)
    other = topics.make(community, title="另一个议题")
    with app.app_context():
        consultation = db.session.get(Consultation, topic.id)
        with pytest.raises(ConsultationError, match="评分题"):
            matter_from_consultation(consultation, _question(topic.id, "q3"), category="ordinary")
        for category in ("", None, "ORDINARY", "maybe"):
            with pytest.raises(ConsultationError, match="事项类别"):
                matter_from_consultation(consultation, _question(topic.id, "q1"), category=category)
        with pytest.raises(ConsultationError, match="不属于"):
            matter_from_consultation(consultation, _question(other.id, "q1"), category="ordinary")


def test_the_staff_page_drafts_a_meeting_once_the_topic_is_closed(
    app, client, auth, committee, community, topics
):
    topic = topics.make(community)
    auth.login(committee)
    url = topic.url(f"/questions/{topic.question_ids['q1']}/meeting")
    data = {"title": "关于充电桩选址的业主大会", "category": "ordinary", **WINDOW}
    early = client.post(url, data=data)
    assert early.status_code == 422 and "征求意见中" in early.get_data(as_text=True)
    topics.close(topic)
    page = client.get(url).get_data(as_text=True)
    assert "北门" in page and "南门" in page and "事项类别" in page
    no_category = client.post(url, data={**data, "category": ""})
    assert no_category.status_code == 422
    bad_window = client.post(url, data={**data, "closes_at": "2098-12-31T09:00"})
    assert bad_window.status_code == 422
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Meeting)) == 0
    response = client.post(url, data=data)
    assert response.status_code == 302
    with app.app_context():
        meeting = db.session.scalar(select(Meeting))
        assert response.location.endswith(f"/meetings/{meeting.id}")
        assert (meeting.title, meeting.state, meeting.community_id) == (
            "关于充电桩选址的业主大会",
            "draft",
            community.id,
        )
        matter = db.session.scalar(select(Matter).where(Matter.meeting_id == meeting.id))
        assert (matter.title, matter.category, matter.kind) == (
            "充电桩建在哪里？",
            "ordinary",
            "selection",
        )
        assert [o.label for o in matter.options] == ["北门", "南门", "不建"]


def test_a_scale_question_offers_no_meeting_draft(client, auth, committee, community, topics):
    topic = topics.make(community)
    topics.close(topic)
    auth.login(committee)
    url = topic.url(f"/questions/{topic.question_ids['q3']}/meeting")
    page = client.get(url).get_data(as_text=True)
    assert "评分题不能转为表决事项" in page and 'name="category"' not in page
    assert (
        client.post(url, data={"title": "x", "category": "ordinary", **WINDOW}).status_code == 422
    )


def test_an_agree_disagree_abstain_question_becomes_a_motion(
    app, client, auth, committee, community, topics
):
    from voting.consultations import services

    topic = topics.make(community, open_=False, questions=False)
    with app.app_context():
        consultation = db.session.get(Consultation, topic.id)
        question = services.add_question(
            consultation, "是否同意加装电梯？", "single", ["同意", "不同意", "弃权"]
        )
        services.open_consultation(consultation)
        db.session.commit()
        question_id = question.id
        matter = matter_from_consultation(
            consultation, db.session.get(ConsultationQuestion, question_id), category="ordinary"
        )
    # As a selection "不同意" could win with a plurality; a motion passes only on agreement.
    assert (matter["kind"], matter["category"]) == ("motion", "ordinary")
    assert "options" not in matter
    topics.close(topic)
    auth.login(committee)
    url = topic.url(f"/questions/{question_id}/meeting")
    assert "将作为议案表决" in client.get(url).get_data(as_text=True)
    response = client.post(url, data={"title": "加装电梯", "category": "ordinary", **WINDOW})
    assert response.status_code == 302
    with app.app_context():
        drafted = db.session.scalar(select(Matter))
        assert drafted.kind == "motion"
        assert [o.code for o in drafted.options] == ["agree", "disagree"]
