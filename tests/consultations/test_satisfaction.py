"""The yearly satisfaction survey: one click, the same question codes every year, and a
comparison by year, by head and by area."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from voting.consultations.models import Consultation
from voting.consultations.participation import find_participant, submit_answers
from voting.consultations.satisfaction import (
    QUESTIONS,
    comparison_rows,
    create_satisfaction_survey,
    satisfaction_comparison,
)
from voting.consultations.services import ConsultationError, open_consultation
from voting.db import db, utcnow
from voting.rosters.models import Community

CODES = ["cleaning", "security", "greenery", "repairs", "parking", "fees_transparency", "overall"]


def _survey(app, community, year: int, scores: dict[tuple[str, str], dict[str, str]]) -> int:
    """Create, open and answer the year's survey; scores by unit and question code."""
    with app.app_context():
        row = db.session.get(Community, community.id)
        survey = create_satisfaction_survey(row, year, utcnow() + timedelta(days=10))
        open_consultation(survey)
        for unit, answers in scores.items():
            person = find_participant(survey, *unit)
            submit_answers(survey, person, {code: [v] for code, v in answers.items()})
        db.session.commit()
        return survey.id


def test_one_click_makes_the_seven_scale_questions_with_stable_codes(
    client, auth, committee, app, community
):
    auth.login(committee)
    response = client.post(
        f"/communities/{community.id}/consultations/satisfaction",
        data={"year": "2024", "deadline": "2099-01-31T18:00"},
    )
    assert response.status_code == 302
    with app.app_context():
        survey = db.session.scalar(select(Consultation))
        assert (survey.kind, survey.survey_year, survey.state) == ("satisfaction", 2024, "draft")
        assert survey.title == "2024 年度物业服务满意度调查"
        assert [q.code for q in survey.questions] == CODES == [c for c, _t in QUESTIONS]
        assert {q.kind for q in survey.questions} == {"scale"}
        assert "保洁" in survey.questions[0].title and "收费" in survey.questions[5].title
    again = client.post(
        f"/communities/{community.id}/consultations/satisfaction",
        data={"year": "2024", "deadline": "2099-01-31T18:00"},
    )
    assert again.status_code == 422 and "2024 年度的满意度调查已经存在" in again.get_data(
        as_text=True
    )
    with app.app_context():
        assert len(list(db.session.scalars(select(Consultation)))) == 1


def test_the_year_must_be_sensible(app, community):
    with app.app_context():
        row = db.session.get(Community, community.id)
        with pytest.raises(ConsultationError, match="年份"):
            create_satisfaction_survey(row, 1999, utcnow() + timedelta(days=1))


def test_years_compare_by_code_by_head_and_by_area(app, client, auth, office_user, community):
    # 2023: 刘芳 (180.00) gives 2 everywhere, 赵敏 (120.30) gives 4.
    _survey(
        app,
        community,
        2023,
        {
            ("1号楼", "101"): {code: "2" for code in CODES},
            ("2号楼", "101"): {code: "4" for code in CODES},
        },
    )
    # 2024: both give 5 for cleaning; 刘芳 skips parking.
    _survey(
        app,
        community,
        2024,
        {
            ("1号楼", "101"): {"cleaning": "5", "overall": "4"},
            ("2号楼", "101"): {"cleaning": "5", "parking": "3", "overall": "3"},
        },
    )
    with app.app_context():
        columns = satisfaction_comparison(db.session.get(Community, community.id))
        rows = {row["code"]: row["cells"] for row in comparison_rows(columns)}
    assert [c.year for c in columns] == [2023, 2024]
    # by head 6/2 = 3.00; by area (2*18000 + 4*12030) / 30030 = 84120/30030 = 2.80
    assert rows["cleaning"][0]["mean_heads"] == "3.00"
    assert rows["cleaning"][0]["mean_area"] == "2.80"
    assert rows["cleaning"][0]["satisfied_heads"] == "50.00%"
    assert rows["cleaning"][0]["satisfied_area"] == "40.06%"  # 12030/30030
    assert (
        rows["cleaning"][1]["mean_heads"] == "5.00" and rows["cleaning"][1]["mean_area"] == "5.00"
    )
    assert rows["parking"][1]["respondents"] == 1 and rows["parking"][1]["mean_area"] == "3.00"
    # overall 2024: (4 + 3) / 2 = 3.50; by area (4*18000 + 3*12030) / 30030 = 108090/30030 = 3.60
    assert (rows["overall"][1]["mean_heads"], rows["overall"][1]["mean_area"]) == ("3.50", "3.60")
    assert rows["greenery"][1]["respondents"] == 0 and rows["greenery"][1]["mean_heads"] == "—"
    auth.login(office_user)
    page = client.get(f"/communities/{community.id}/consultations/satisfaction")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "2023" in text and "2024" in text
    assert "2.80" in text and "3.60" in text and "40.06%" in text


def test_drafts_are_left_out_of_the_comparison(app, community):
    with app.app_context():
        row = db.session.get(Community, community.id)
        create_satisfaction_survey(row, 2025, utcnow() + timedelta(days=1))
        db.session.commit()
        assert satisfaction_comparison(row) == []
