"""Results of a consultation by headcount and by area: exact integers, fractions for display.

Opinions are non-binding: there is no quorum and no outcome, only who said what, counted as
the law counts owners (one person, one head, the area of its units).
"""

from dataclasses import dataclass, field

from sqlalchemy import func, select

from voting.consultations.models import (
    Consultation,
    ConsultationAnswerSet,
    ConsultationComment,
    ConsultationParticipant,
    ConsultationQuestion,
)
from voting.db import db
from voting.rules.numbers import fmt_ratio

#: Points of a scale counted as satisfied.
SATISFIED = ("4", "5")


def fmt_percent(num: int, den: int) -> str:
    """num/den as a percentage with two decimals, rounded half up, integers only ("66.67%")."""
    if den == 0:
        return "0.00%"
    hundredths = (num * 20000 + den) // (2 * den)
    return f"{hundredths // 100}.{hundredths % 100:02d}%"


def fmt_decimal(num: int, den: int) -> str:
    """num/den with two decimals, rounded half up, integers only ("4.25"); "—" when den is 0."""
    if den == 0:
        return "—"
    hundredths = (num * 200 + den) // (2 * den)
    return f"{hundredths // 100}.{hundredths % 100:02d}"


@dataclass
class Share:
    """Heads and area (0.01 m²) out of a whole, with exact and display ratios."""

    heads: int
    area: int
    of_heads: int
    of_area: int

    @property
    def heads_ratio(self) -> str:
        return fmt_ratio(self.heads, self.of_heads)

    @property
    def area_ratio(self) -> str:
        return fmt_ratio(self.area, self.of_area)

    @property
    def heads_percent(self) -> str:
        return fmt_percent(self.heads, self.of_heads)

    @property
    def area_percent(self) -> str:
        return fmt_percent(self.area, self.of_area)

    def as_dict(self) -> dict:
        """Integers and strings only (areas as 0.01 m² integers)."""
        return {"heads": self.heads, "area": self.area, "heads_ratio": self.heads_ratio,
                "area_ratio": self.area_ratio, "heads_percent": self.heads_percent,
                "area_percent": self.area_percent}  # fmt: skip


@dataclass
class QuestionResult:
    """One question: its respondents and each option's support among them."""

    question: ConsultationQuestion
    respondents: Share
    options: list[tuple[str, str, Share]]
    #: Scale only: sum of points by head, and sum of points times area.
    points_heads: int = 0
    points_area: int = 0
    satisfied: Share | None = None

    @property
    def mean_by_heads(self) -> str:
        return fmt_decimal(self.points_heads, self.respondents.heads)

    @property
    def mean_by_area(self) -> str:
        return fmt_decimal(self.points_area, self.respondents.area)

    def as_dict(self) -> dict:
        """The question's figures for the API and the export."""
        body = {
            "code": self.question.code, "title": self.question.title, "kind": self.question.kind,
            "respondents": self.respondents.as_dict(),
            "options": [{"code": code, "label": label, **share.as_dict()}
                        for code, label, share in self.options],
        }  # fmt: skip
        if self.question.kind == "scale":
            body["mean"] = {
                "by_heads": fmt_ratio(self.points_heads, self.respondents.heads),
                "by_area": fmt_ratio(self.points_area, self.respondents.area),
                "by_heads_decimal": self.mean_by_heads, "by_area_decimal": self.mean_by_area,
            }  # fmt: skip
            body["satisfied"] = self.satisfied.as_dict() if self.satisfied else None
        return body


@dataclass
class ConsultationResults:
    """Participation and every question's figures."""

    participants: Share  # persons who can take part, out of every person of the roster
    answered: Share  # persons who answered at least one question, out of every person
    commenters: int
    comments: int
    hidden_comments: int
    questions: list[QuestionResult] = field(default_factory=list)

    def as_dict(self) -> dict:
        """Figures for the API."""
        return {
            "roster": {"heads": self.participants.of_heads, "area": self.participants.of_area},
            "can_take_part": self.participants.as_dict(), "answered": self.answered.as_dict(),
            "comments": {"total": self.comments, "hidden": self.hidden_comments,
                         "commenters": self.commenters},
            "questions": [q.as_dict() for q in self.questions],
        }  # fmt: skip


def consultation_results(consultation: Consultation) -> ConsultationResults:
    """Count every answer set by head and by area over the participant list."""
    areas: dict[int, int] = {}
    total_heads = total_area = able_heads = able_area = 0
    for pid, area, able in db.session.execute(
        select(ConsultationParticipant.id, ConsultationParticipant.area,
               ConsultationParticipant.can_take_part)
        .where(ConsultationParticipant.consultation_id == consultation.id)
    ):  # fmt: skip
        areas[pid] = area
        total_heads, total_area = total_heads + 1, total_area + area
        if able:
            able_heads, able_area = able_heads + 1, able_area + area
    sets = list(
        db.session.execute(
            select(ConsultationAnswerSet.participant_id, ConsultationAnswerSet.answers).where(
                ConsultationAnswerSet.consultation_id == consultation.id
            )
        )
    )
    answered = Share(len(sets), sum(areas[pid] for pid, _a in sets), total_heads, total_area)
    results = ConsultationResults(
        participants=Share(able_heads, able_area, total_heads, total_area),
        answered=answered,
        **_comment_counts(consultation),
    )
    for question in consultation.questions:
        results.questions.append(_question_result(question, sets, areas, answered))
    return results


def _question_result(question: ConsultationQuestion, sets, areas: dict, whole: Share):
    heads = {o.code: 0 for o in question.options}
    area = {o.code: 0 for o in question.options}
    r_heads = r_area = points_heads = points_area = 0
    for pid, answers in sets:
        chosen = answers.get(question.code)
        if not chosen:
            continue
        weight = areas[pid]
        r_heads, r_area = r_heads + 1, r_area + weight
        for code in chosen:
            if code in heads:
                heads[code] += 1
                area[code] += weight
                if question.kind == "scale":
                    points_heads += int(code)
                    points_area += int(code) * weight
    options = [(o.code, o.label, Share(heads[o.code], area[o.code], r_heads, r_area))
               for o in question.options]  # fmt: skip
    respondents = Share(r_heads, r_area, whole.of_heads, whole.of_area)
    result = QuestionResult(question, respondents, options)
    if question.kind == "scale":
        result.points_heads, result.points_area = points_heads, points_area
        result.satisfied = Share(
            sum(heads[c] for c in SATISFIED if c in heads),
            sum(area[c] for c in SATISFIED if c in area), r_heads, r_area,
        )  # fmt: skip
    return result


def _comment_counts(consultation: Consultation) -> dict:
    total, hidden, commenters = db.session.execute(
        select(
            func.count(ConsultationComment.id),
            func.count(ConsultationComment.hidden_at),
            func.count(ConsultationComment.participant_id.distinct()),
        ).where(ConsultationComment.consultation_id == consultation.id)
    ).one()
    return {"comments": total, "hidden_comments": hidden, "commenters": commenters}
