"""The yearly satisfaction survey of the property firm's service, comparable year to year.

Every year's survey asks the same scale questions under the same codes, so that a year's
figures line up with the last year's by code, never by wording.
"""

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from voting.consultations.models import Consultation
from voting.consultations.results import QuestionResult, consultation_results
from voting.consultations.services import (
    ConsultationError,
    add_question,
    create_consultation,
    log,
)
from voting.db import db
from voting.rosters.models import Community

TEMPLATE_VERSION = "satisfaction/1"
#: (stable code, question): the codes never change; the wording may be improved.
QUESTIONS = (
    ("cleaning", _l("您对小区保洁（公共区域清洁、垃圾清运）的满意程度")),
    ("security", _l("您对秩序维护（安保、门岗、巡逻）的满意程度")),
    ("greenery", _l("您对绿化养护的满意程度")),
    ("repairs", _l("您对共用部位和设施设备维修（报修响应、维修质量）的满意程度")),
    ("parking", _l("您对停车管理的满意程度")),
    ("fees_transparency", _l("您对物业收费及公共收益公开情况的满意程度")),
    ("overall", _l("您对物业服务的总体满意程度")),
)
CODE_LABELS = {
    "cleaning": _l("保洁"),
    "security": _l("秩序维护（安保）"),
    "greenery": _l("绿化"),
    "repairs": _l("维修"),
    "parking": _l("停车管理"),
    "fees_transparency": _l("收费及公共收益公开"),
    "overall": _l("总体满意度"),
}
MIN_YEAR, MAX_YEAR = 2000, 2100


def create_satisfaction_survey(community: Community, year: int, deadline: datetime):
    """One click: a draft consultation with the seven scale questions of the year's survey."""
    if not isinstance(year, int) or not MIN_YEAR <= year <= MAX_YEAR:
        raise ConsultationError(_("请填写有效的年份。"))
    taken = db.session.scalar(
        select(Consultation.id).where(
            Consultation.community_id == community.id, Consultation.survey_year == year
        )
    )
    if taken is not None:
        raise ConsultationError(_("%(year)d 年度的满意度调查已经存在。", year=year))
    # The survey speaks to the owners: written in the source language, whatever the staff reads.
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        consultation = create_consultation(
            community,
            _("%(year)d 年度物业服务满意度调查", year=year),
            deadline,
            body=_(
                "请您对本小区物业服务企业 %(year)d 年度的服务打分：1 分为很不满意，5 分为很满意。"
                "调查结果用于了解业主意见，不是业主大会的表决。欢迎在下方留言提出具体意见。",
                year=year,
            ),
            kind="satisfaction",
            survey_year=year,
        )
        for code, title in QUESTIONS:
            add_question(consultation, str(title), "scale", code=code)
    log(consultation, "template_applied",
        {"template": TEMPLATE_VERSION, "codes": [code for code, _t in QUESTIONS]})  # fmt: skip
    return consultation


@dataclass
class YearColumn:
    """One year's survey and its results by question code."""

    year: int
    consultation: Consultation
    by_code: dict[str, QuestionResult]
    answered_heads: int
    roster_heads: int


def satisfaction_comparison(community: Community) -> list[YearColumn]:
    """The community's satisfaction surveys by year, oldest first, with results by code."""
    surveys = db.session.scalars(
        select(Consultation)
        .where(Consultation.community_id == community.id, Consultation.kind == "satisfaction")
        .order_by(Consultation.survey_year)
    )
    columns = []
    for survey in surveys:
        if survey.opened_at is None:
            continue
        results = consultation_results(survey)
        columns.append(
            YearColumn(
                year=survey.survey_year or 0,
                consultation=survey,
                by_code={r.question.code: r for r in results.questions},
                answered_heads=results.answered.heads,
                roster_heads=results.answered.of_heads,
            )
        )
    return columns


def comparison_rows(columns: list[YearColumn]) -> list[dict]:
    """One row per question code, one cell per year: means and satisfied shares."""
    rows = []
    for code, _title in QUESTIONS:
        cells = []
        for column in columns:
            result = column.by_code.get(code)
            cells.append(
                None
                if result is None
                else {
                    "respondents": result.respondents.heads,
                    "mean_heads": result.mean_by_heads,
                    "mean_area": result.mean_by_area,
                    "satisfied_heads": result.satisfied.heads_percent if result.satisfied else "—",
                    "satisfied_area": result.satisfied.area_percent if result.satisfied else "—",
                }
            )
        rows.append({"code": code, "label": str(CODE_LABELS[code]), "cells": cells})
    return rows
