"""What a ballot may say: the meeting's ballot form and the strict check of answers.

Answers are FORMATS.md §3 ANSWERs keyed by matter id: a list of option codes ([] abstains)
or, on an entered paper ballot only, "invalid". A matter left out is not taken part in.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import select

from voting.ballots.errors import BallotError
from voting.db import db
from voting.i18n import N_
from voting.meetings.models import Matter, Option

INVALID = "invalid"
ABSTAIN = "abstain"
#: Why a paper ballot (or one matter of it) is ruled invalid (DOMAIN.md 2.4).
INVALID_REASONS = {
    "unsigned": (N_("未签名"), "unsigned"),
    "over_vote": (N_("超选（选择超过规定人数）"), "over-vote"),
    "co_owner_conflict": (N_("共有人意见冲突"), "co-owners' conflicting ballots"),
    "unclear": (N_("无法辨认"), "cannot be read"),
}


@dataclass(frozen=True)
class MatterForm:
    """One matter as the ballot presents it: kind, how many may be chosen, the option codes."""

    id: str
    number: int
    kind: str
    seats: int
    codes: tuple[str, ...]

    @property
    def max_choices(self) -> int:
        """At most one choice, or up to ``seats`` candidates in an election."""
        return self.seats if self.kind == "election" else 1


def ballot_form(meeting_id: int, frozen_at: datetime | None = None) -> dict[str, MatterForm]:
    """The meeting's matters in order, keyed by matter id, in one query.

    Matters cannot change after the notice: pass the meeting's ``announced_at`` and the form
    is kept for the app's lifetime (a few hundred meetings at most).
    """
    cache = current_app.extensions.setdefault("ballot_forms", {})
    key = (meeting_id, frozen_at)
    if frozen_at is not None and key in cache:
        return cache[key]
    form = _load_form(meeting_id)
    if frozen_at is not None:
        if len(cache) >= 500:
            cache.clear()
        cache[key] = form
    return form


def _load_form(meeting_id: int) -> dict[str, MatterForm]:
    rows = db.session.execute(
        select(Matter.id, Matter.position, Matter.kind, Matter.seats, Option.code)
        .join(Option, Option.matter_id == Matter.id)
        .where(Matter.meeting_id == meeting_id)
        .order_by(Matter.position, Option.position)
    )
    codes: dict[int, list[str]] = {}
    info: dict[int, tuple[int, str, int]] = {}
    for matter_id, position, kind, seats, code in rows:
        info.setdefault(matter_id, (position, kind, seats))
        codes.setdefault(matter_id, []).append(code)
    ordered = sorted(info.items(), key=lambda item: item[1][0])
    return {
        str(mid): MatterForm(str(mid), number, kind, seats, tuple(codes[mid]))
        for number, (mid, (_, kind, seats)) in enumerate(ordered, start=1)
    }


def _problem(matter: str | None, code: str, zh: str, en: str) -> dict:
    return {"matter": matter, "code": code, "zh": zh, "en": en}


def check_answers(
    form: dict[str, MatterForm],
    answers: Any,
    *,
    invalid_reasons: Any = None,
    allow_invalid: bool = False,
) -> dict[str, list[str] | str]:
    """The answers, checked strictly and with choices in ballot order; else BallotError."""
    if not isinstance(answers, dict):
        raise _refuse(
            [_problem(None, "not_an_object", "选票内容格式不对", "answers must be an object")]
        )
    reasons = invalid_reasons if invalid_reasons is not None else {}
    problems: list[dict] = []
    clean: dict[str, list[str] | str] = {}
    for key, answer in answers.items():
        matter = form.get(key) if isinstance(key, str) else None
        if matter is None:
            problems.append(
                _problem(
                    str(key)[:40],
                    "unknown_matter",
                    f"本次会议没有编号为 {str(key)[:40]} 的表决事项",
                    f"this meeting has no matter {str(key)[:40]!r}",
                )
            )
            continue
        if answer == INVALID and allow_invalid:
            reason = reasons.get(key) if isinstance(reasons, dict) else None
            if reason not in INVALID_REASONS:
                problems.append(
                    _problem(
                        key,
                        "reason_required",
                        f"第 {matter.number} 项裁定无效时须选择原因",
                        f"matter {key}: an invalid answer needs a reason",
                    )
                )
            clean[key] = INVALID
            continue
        problem = _choice_problem(matter, answer)
        if problem:
            problems.append(problem)
            continue
        order = {code: i for i, code in enumerate(matter.codes)}
        clean[key] = sorted(answer, key=order.__getitem__)
    if isinstance(reasons, dict):
        for key in reasons:
            if clean.get(key) != INVALID:
                problems.append(
                    _problem(
                        str(key)[:40],
                        "reason_without_invalid",
                        "只有裁定无效的事项才能填写无效原因",
                        f"matter {str(key)[:40]!r}: a reason without 'invalid'",
                    )
                )
    elif invalid_reasons is not None:
        problems.append(
            _problem(None, "not_an_object", "无效原因格式不对", "invalid_reasons must be an object")
        )
    if not problems and not clean:
        problems.append(
            _problem(
                None,
                "empty_ballot",
                "您还没有对任何事项作出选择（弃权也是一种选择）",
                "the ballot answers no matter (abstaining is an answer)",
            )
        )
    if problems:
        raise _refuse(problems)
    return clean


def _choice_problem(matter: MatterForm, answer: Any) -> dict | None:
    n, key = matter.number, matter.id
    if not isinstance(answer, list) or not all(isinstance(c, str) for c in answer):
        return _problem(
            key,
            "not_a_list",
            f"第 {n} 项的选择格式不对",
            f"matter {key}: the answer must be a list of option ids",
        )
    if ABSTAIN in answer and len(answer) > 1:
        return _problem(
            key,
            "abstain_with_choice",
            f"第 {n} 项不能既作选择又弃权",
            f"matter {key}: choices and an abstention at once",
        )
    foreign = [c for c in answer if c not in matter.codes]
    if foreign:
        return _problem(
            key,
            "unknown_option",
            f"第 {n} 项没有选项 {foreign[0][:40]}",
            f"matter {key}: {foreign[0][:40]!r} is not one of its options",
        )
    if len(set(answer)) != len(answer):
        return _problem(
            key,
            "repeated_option",
            f"第 {n} 项有重复的选择",
            f"matter {key}: an option is chosen twice",
        )
    if len(answer) > matter.max_choices:
        if matter.kind == "election":
            return _problem(
                key,
                "too_many_choices",
                f"第 {n} 项最多选 {matter.max_choices} 人，您选了 {len(answer)} 人",
                f"matter {key}: at most {matter.max_choices} candidates",
            )
        return _problem(
            key, "too_many_choices", f"第 {n} 项只能选一项", f"matter {key}: one choice at most"
        )
    return None


def _refuse(problems: list[dict]) -> BallotError:
    first = problems[0]
    return BallotError("invalid_answers", first["zh"], first["en"], status=422, details=problems)


def answers_from_form(form: dict[str, MatterForm], data) -> dict[str, list[str]]:
    """Answers from posted fields ``m<matter id>`` (radio or checkboxes; "abstain" abstains).

    A matter with nothing posted is left out (not taken part in); mixing candidates with
    "abstain" keeps both so that the strict check refuses it.
    """
    answers: dict[str, list[str]] = {}
    for key in form:
        chosen = [value for value in data.getlist(f"m{key}") if value]
        if not chosen:
            continue
        if chosen == [ABSTAIN]:
            answers[key] = []
        else:
            answers[key] = chosen
    return answers
