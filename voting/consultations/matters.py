"""From a consultation to a matter of a meeting: the owners' options carried over.

The legal category (ordinary or special) is never inferred from the wording (DOMAIN.md 2.3):
the committee chooses it when it turns a question into a matter.
"""

from datetime import datetime

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from voting.consultations.models import Consultation, ConsultationQuestion
from voting.consultations.services import ConsultationError, log, require
from voting.rules.wording import is_motion_question

CATEGORIES = ("ordinary", "special")
#: How an opinion question becomes a matter: one choice picks one option (a selection);
#: several choices approve options up to a number of seats (an election). A single-choice
#: agree / disagree (/ abstain) question becomes a motion: as a selection, "不同意" could win.
KIND_OF = {"single": "selection", "multiple": "election"}


def matter_from_consultation(
    consultation: Consultation, question: ConsultationQuestion, *, category: str
) -> dict:
    """The matter dict ``create_meeting`` accepts, with the question's options carried over."""
    if question.consultation_id != consultation.id:
        raise ConsultationError(_("该问题不属于这个议题。"))
    if category not in CATEGORIES:
        raise ConsultationError(_("请明确选择事项类别：一般事项或重大事项。"))
    kind = KIND_OF.get(question.kind)
    if kind == "selection" and is_motion_question(o.label for o in question.options):
        kind = "motion"
    if kind is None:
        raise ConsultationError(_("评分题不能转为表决事项，请改用单选或多选题。"))
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        # Part of the owners' notice: in the source language, whatever the staff reads.
        description = _(
            "本事项来自协商议题「%(title)s」（征求意见截止后整理）。", title=consultation.title
        )
    matter = {
        "title": question.title,
        "description": description,
        "category": category,
        "kind": kind,
    }
    if kind != "motion":  # a motion's options are fixed: agree, disagree (abstaining is [])
        matter["options"] = [{"label": option.label} for option in question.options]
    if kind == "election":
        matter["seats"] = question.max_choices or len(question.options)
        matter["alternates"] = 0
    return matter


def create_meeting_from_question(
    consultation: Consultation,
    question: ConsultationQuestion,
    *,
    category: str,
    title: str,
    opens_at: datetime,
    closes_at: datetime,
    confirm_category: bool = False,
):
    """Plan a draft meeting whose one matter is the question; refusals raise MeetingError."""
    from voting.meetings.services import create_meeting

    require(consultation, "closed")
    matter = matter_from_consultation(consultation, question, category=category)
    matter["confirm_category"] = confirm_category
    community = consultation.community
    meeting = create_meeting(community, title, opens_at, closes_at, [matter])
    log(consultation, "meeting_drafted", {"question": question.code, "meeting_id": meeting.id})
    return meeting
