"""Opinion answers: one set per owner, changeable until the deadline, counted by headcount and
by area on roster-small's known persons with exact integers and fractions."""

import pytest
from sqlalchemy import func, select

from tests.consultations.conftest import verify
from voting.consultations.models import Consultation, ConsultationAnswerSet
from voting.consultations.participation import submit_answers
from voting.consultations.results import consultation_results, fmt_decimal, fmt_percent
from voting.consultations.services import ConsultationError
from voting.db import db

#: (building, unit) -> answers: q1 single (1 北门, 2 南门, 3 不建), q2 multiple (at most 2),
#: q3 scale 1-5.
ANSWERS = {
    ("1号楼", "101"): {"q1": ["1"], "q2": ["1", "3"], "q3": ["5"]},  # 刘芳 180.00
    ("1号楼", "201"): {"q1": ["2"], "q2": ["1"], "q3": ["4"]},  # 陈伟 112.50
    ("2号楼", "101"): {"q1": ["1"], "q3": ["2"]},  # 赵敏 120.30
    ("地下车库", "B1-002"): {"q1": ["1"]},  # 孙丽 12.50
}


def _answer_through_pages(client, topic) -> None:
    for unit, answers in ANSWERS.items():
        client.delete_cookie("session")
        token = verify(client, topic, *unit)
        form = {f"q_{code}": values for code, values in answers.items()}
        response = client.post(f"/c/{token}/answers", data=form)
        assert response.status_code == 302, response.get_data(as_text=True)


def test_fractions_and_percentages_are_exact():
    assert fmt_percent(2, 3) == "66.67%" and fmt_percent(1, 8) == "12.50%"
    assert fmt_percent(1, 200) == "0.50%" and fmt_percent(0, 0) == "0.00%"
    assert fmt_decimal(11, 3) == "3.67" and fmt_decimal(159060, 41280) == "3.85"
    assert fmt_decimal(1, 0) == "—"


def test_results_by_head_and_by_area_on_the_known_roster(app, client, community, topics):
    topic = topics.make(community)
    _answer_through_pages(client, topic)
    with app.app_context():
        results = consultation_results(db.session.get(Consultation, topic.id))
    assert (results.participants.of_heads, results.participants.of_area) == (7, 81380)
    assert (results.participants.heads, results.participants.area) == (6, 72530)
    assert (results.answered.heads, results.answered.area) == (4, 42530)
    assert results.answered.heads_ratio == "4/7" and results.answered.area_ratio == "4253/8138"
    single, multiple, scale = results.questions
    north = single.options[0][2]
    assert (north.heads, north.area, north.of_heads, north.of_area) == (3, 31280, 4, 42530)
    assert (north.heads_ratio, north.area_ratio) == ("3/4", "3128/4253")
    assert (north.heads_percent, north.area_percent) == ("75.00%", "73.55%")
    south = single.options[1][2]
    assert (south.heads, south.area, south.area_ratio) == (1, 11250, "1125/4253")
    assert single.options[2][2].heads == 0
    # Multiple choice: shares are of the respondents and may add up to more than 100 %.
    assert (multiple.respondents.heads, multiple.respondents.area) == (2, 29250)
    assert [(s.heads, s.area) for _c, _l, s in multiple.options] == [
        (2, 29250),
        (0, 0),
        (1, 18000),
        (0, 0),
    ]
    # Scale: means by head and by area as exact fractions, shown with two decimals.
    assert (scale.respondents.heads, scale.respondents.area) == (3, 41280)
    assert (scale.points_heads, scale.points_area) == (11, 159060)
    assert (scale.mean_by_heads, scale.mean_by_area) == ("3.67", "3.85")
    assert (scale.satisfied.heads, scale.satisfied.area) == (2, 29250)
    assert (scale.satisfied.heads_percent, scale.satisfied.area_percent) == ("66.67%", "70.86%")
    assert scale.as_dict()["mean"]["by_area"] == "2651/688"


def test_results_page_shows_both_counts(client, auth, committee, community, topics):
    topic = topics.make(community)
    _answer_through_pages(client, topic)
    client.delete_cookie("session")
    auth.login(committee)
    page = client.get(topic.url()).get_data(as_text=True)
    assert "75.00%" in page and "73.55%" in page and "3128/4253" in page
    assert "312.80" in page  # 北门 by area, m²
    assert "3.67" in page and "3.85" in page


def test_one_answer_set_per_owner_changeable_until_the_deadline(app, client, community, topics):
    topic = topics.make(community)
    token = verify(client, topic, "1号楼", "201")
    assert client.post(f"/c/{token}/answers", data={"q_q1": "1"}).status_code == 302
    assert client.post(f"/c/{token}/answers", data={"q_q1": "3", "q_q3": "1"}).status_code == 302
    with app.app_context():
        rows = list(db.session.scalars(select(ConsultationAnswerSet)))
        assert len(rows) == 1 and rows[0].answers == {"q1": ["3"], "q3": ["1"]}
        assert rows[0].updated_at > rows[0].submitted_at
    page = client.get(f"/c/{token}").get_data(as_text=True)
    assert 'name="q_q1" value="3" checked' in page
    topics.close(topic)
    assert client.post(f"/c/{token}/answers", data={"q_q1": "2"}).status_code == 422
    with app.app_context():
        assert db.session.scalar(select(ConsultationAnswerSet.answers)) == {
            "q1": ["3"],
            "q3": ["1"],
        }


@pytest.mark.parametrize(
    "answers, message",
    [
        ({"q1": ["1", "2"]}, "最多选 1 项"),
        ({"q2": ["1", "2", "3"]}, "最多选 2 项"),
        ({"q1": ["9"]}, "不是有效的选项"),
        ({"q3": ["6"]}, "不是有效的选项"),
        ({"q2": ["1", "1"]}, "不是有效的选项"),
        ({"nope": ["1"]}, "没有这个问题"),
        ({"q1": []}, "请至少回答一个问题"),
        ({"q1": [1]}, "答案格式无效"),
        (["q1"], "答案格式无效"),
    ],
)
def test_invalid_answers_are_refused_and_nothing_is_kept(app, community, topics, answers, message):
    topic = topics.make(community)
    person = topics.participant(topic, "1号楼", "101")
    with app.app_context():
        consultation = db.session.get(Consultation, topic.id)
        with pytest.raises(ConsultationError, match=message):
            submit_answers(consultation, db.session.merge(person), answers)
        db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(ConsultationAnswerSet)) == 0


def test_the_unique_constraint_holds_one_set_per_participant(app, community, topics):
    topic = topics.make(community)
    person = topics.participant(topic, "1号楼", "101")

    def answer_set(choice: str) -> ConsultationAnswerSet:
        return ConsultationAnswerSet(
            consultation_id=topic.id, community_id=community.id, participant_id=person.id,
            answers={"q1": [choice]}, submitted_at=db.func.now(), updated_at=db.func.now(),
        )  # fmt: skip

    with app.app_context():
        db.session.add(answer_set("1"))
        db.session.commit()
        db.session.add(answer_set("2"))
        with pytest.raises(Exception, match="(?i)unique"):
            db.session.commit()
        db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(ConsultationAnswerSet)) == 1
