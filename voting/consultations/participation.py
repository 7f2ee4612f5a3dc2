"""What owners do in a consultation: get in, confirm who they are, comment, answer."""

import hashlib
import json
import unicodedata
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from voting.audit.services import current_actor
from voting.consultations.models import (
    Consultation,
    ConsultationAnswerSet,
    ConsultationComment,
    ConsultationParticipant,
)
from voting.consultations.services import ConsultationError, log, plain_text, require
from voting.crypto.tokens import token_hash
from voting.db import count_try, db, utcnow
from voting.rosters.identity import check_last4

MAX_FAILED_CHECKS = 5
MAX_COMMENT = 2000
MAX_REASON = 300
MAX_COMMENTS_PER_PARTICIPANT = 200
RESIDENT = "resident"


def participant_for_token(token: str) -> ConsultationParticipant | None:
    """The participant a personal token belongs to, else None."""
    if not token or len(token) > 64:
        return None
    return db.session.scalar(
        select(ConsultationParticipant).where(
            ConsultationParticipant.token_hash == token_hash(token),
            ConsultationParticipant.can_take_part,
        )
    )


def _fold(text: str) -> str:
    """Unit numbers as typed on a phone: full-width digits, spaces and case do not matter."""
    return "".join(unicodedata.normalize("NFKC", text or "").split()).upper()


def find_participant(consultation: Consultation, building: str, number: str):
    """The participant holding unit ``building``/``number`` in this consultation, else None."""
    wanted = (_fold(building), _fold(number))
    query = select(ConsultationParticipant.id, ConsultationParticipant.units).where(
        ConsultationParticipant.consultation_id == consultation.id,
        ConsultationParticipant.can_take_part,
    )
    # Most owners hold units in one building, listed first: look there, then everywhere
    # (a parking space in the garage, a flat typed with another spelling of the building).
    for rows in (query.where(ConsultationParticipant.building == building), query):
        for participant_id, units in db.session.execute(rows):
            if any((_fold(b), _fold(n)) == wanted for b, n in units):
                return db.session.get(ConsultationParticipant, participant_id)
    return None


def buildings(consultation: Consultation) -> list[str]:
    """The buildings of the participant list, for the entry form's choice."""
    names: set[str] = set()
    for (units,) in db.session.execute(
        select(ConsultationParticipant.units).where(
            ConsultationParticipant.consultation_id == consultation.id,
            ConsultationParticipant.can_take_part,
        )
    ):
        names.update(building for building, _number in units)
    return sorted(names)


def check_participant(participant: ConsultationParticipant, typed: str) -> bool:
    """Check the last four digits of the ID number or phone; five wrong tries lock the person.

    The caller commits even when this returns False: a wrong try must count.
    """
    if participant.locked_at is not None:
        raise ConsultationError(_("尝试次数过多，已锁定。请联系业委会核实身份后解锁。"))
    if not participant.needs_check:
        raise ConsultationError(
            _("花名册中没有您的证件号或手机号，无法在线核实身份；请使用业委会发给您的个人链接。")
        )
    salt, typed = participant.salt or "", (typed or "").strip()
    right = check_last4(salt, participant.id_last4_hash, typed) or check_last4(
        salt, participant.phone_last4_hash, typed
    )
    # Counted in one statement (voting.db.count_try): thirty parallel tries get five wrong
    # answers counted at most, and none counts once the owner is locked.
    taken = count_try(
        ConsultationParticipant, participant.id, MAX_FAILED_CHECKS, right=right, failed_checks=0
    )
    if taken is None:
        raise ConsultationError(_("尝试次数过多，已锁定。请联系业委会核实身份后解锁。"))
    if right:
        first = participant.verified_at is None
        participant.verified_at = participant.verified_at or utcnow()
        if first:
            _log_participant(participant, "participant_verified")
        return True
    if taken >= MAX_FAILED_CHECKS:
        participant.locked_at = utcnow()
        _log_participant(participant, "participant_locked", {"failed_checks": 5})
    else:
        _log_participant(participant, "check_failed", {"failed_checks": taken})
    db.session.flush()
    return False


def unlock_participant(participant: ConsultationParticipant) -> None:
    """Staff lift a lock after confirming the owner in person."""
    if participant.locked_at is None:
        raise ConsultationError(_("该参与人未被锁定。"))
    participant.locked_at, participant.failed_checks = None, 0
    db.session.flush()
    consultation = db.session.get(Consultation, participant.consultation_id)
    log(consultation, "participant_unlocked", {"participant_id": participant.id})


def _log_participant(participant, type: str, data: dict | None = None) -> None:
    consultation = db.session.get(Consultation, participant.consultation_id)
    log(consultation, type, {"participant_id": participant.id, **(data or {})}, who=RESIDENT)


# --- comments ------------------------------------------------------------------------------


def clean_comment(text: str) -> str:
    """Plain text as given, minus control characters (newlines kept) and hidden reordering."""
    if not isinstance(text, str):
        raise ConsultationError(_("评论必须是文字。"))
    kept = plain_text(text)
    if not kept:
        raise ConsultationError(_("评论不能为空。"))
    if len(kept) > MAX_COMMENT:
        raise ConsultationError(
            _(
                "评论最多 %(limit)d 字，您写了 %(n)d 字，请删减后再提交。",
                limit=MAX_COMMENT,
                n=len(kept),
            )
        )
    return kept


def add_comment(
    consultation: Consultation,
    body: str,
    participant: ConsultationParticipant | None = None,
    staff_author: str | None = None,
    parent_id: int | None = None,
) -> ConsultationComment:
    """Add an owner's comment or a staff reply, threaded under ``parent_id`` if given."""
    require(consultation, "open")
    if (participant is None) == (staff_author is None):
        raise ValueError("a comment has exactly one author")
    text = clean_comment(body)
    parent = None
    if parent_id is not None:
        # Ids beyond BIGINT would be an error of the database, not a missing comment.
        parent = db.session.get(ConsultationComment, parent_id) if 0 < parent_id < 2**63 else None
        if parent is None or parent.consultation_id != consultation.id:
            raise ConsultationError(_("要回复的评论不存在。"))
        if parent.hidden_at is not None:
            raise ConsultationError(_("该评论已被隐藏，不能回复。"))
    if participant is not None and _comment_count(participant) >= MAX_COMMENTS_PER_PARTICIPANT:
        raise ConsultationError(_("您在本议题的评论已达上限。"))
    comment = ConsultationComment(
        consultation_id=consultation.id, community_id=consultation.community_id,
        parent_id=parent.id if parent else None,
        participant_id=participant.id if participant else None,
        staff_author=staff_author, body=text, created_at=utcnow(),
    )  # fmt: skip
    db.session.add(comment)
    db.session.flush()
    log(consultation, "comment_added",
        {"comment_id": comment.id, "parent_id": comment.parent_id,
         "participant_id": comment.participant_id, "sha256": _sha256(text)},
        who=staff_author or RESIDENT)  # fmt: skip
    return comment


def _comment_count(participant: ConsultationParticipant) -> int:
    return db.session.scalar(
        select(func.count()).where(ConsultationComment.participant_id == participant.id)
    )


def hide_comment(comment: ConsultationComment, reason: str) -> None:
    """Hide a comment with a reason; the audit log keeps its original text and hash."""
    reason = (reason or "").strip()
    if not reason or len(reason) > MAX_REASON:
        raise ConsultationError(_("请填写隐藏理由（最多 300 字）。"))
    if comment.hidden_at is not None:
        raise ConsultationError(_("该评论已经隐藏。"))
    consultation = db.session.get(Consultation, comment.consultation_id)
    comment.hidden_at, comment.hidden_reason, comment.hidden_by = utcnow(), reason, current_actor()
    db.session.flush()
    log(consultation, "comment_hidden",
        {"comment_id": comment.id, "reason": reason, "original_sha256": _sha256(comment.body),
         "original_text": comment.body})  # fmt: skip


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def comment_tree(consultation: Consultation) -> list[tuple[ConsultationComment, int]]:
    """Every comment in thread order, each with its depth (0 for a top-level comment)."""
    comments = list(
        db.session.scalars(
            select(ConsultationComment)
            .where(ConsultationComment.consultation_id == consultation.id)
            .order_by(ConsultationComment.id)
        )
    )
    children: dict[int | None, list[ConsultationComment]] = {}
    for comment in comments:
        children.setdefault(comment.parent_id, []).append(comment)
    ordered: list[tuple[ConsultationComment, int]] = []
    stack = [(c, 0) for c in reversed(children.get(None, []))]
    while stack:
        comment, depth = stack.pop()
        ordered.append((comment, depth))
        stack.extend((c, depth + 1) for c in reversed(children.get(comment.id, [])))
    return ordered


# --- answers -------------------------------------------------------------------------------


def check_answers(consultation: Consultation, answers: object) -> dict[str, list[str]]:
    """Answers keyed by question code, checked against the questions; empty ones dropped."""
    if not isinstance(answers, dict):
        raise ConsultationError(_("答案格式无效。"))
    questions = {q.code: q for q in consultation.questions}
    clean: dict[str, list[str]] = {}
    for code, chosen in answers.items():
        question = questions.get(code)
        if question is None:
            raise ConsultationError(_("没有这个问题：%(code)s。", code=str(code)[:32]))
        if isinstance(chosen, str):
            chosen = [chosen]
        if not isinstance(chosen, list) or not all(isinstance(c, str) for c in chosen):
            raise ConsultationError(_("答案格式无效。"))
        if not chosen:
            continue
        codes = [o.code for o in question.options]
        if len(set(chosen)) != len(chosen) or any(c not in codes for c in chosen):
            raise ConsultationError(_("「%(q)s」的答案不是有效的选项。", q=question.title))
        limit = (question.max_choices or len(codes)) if question.kind == "multiple" else 1
        if len(chosen) > limit:
            raise ConsultationError(_("「%(q)s」最多选 %(n)d 项。", q=question.title, n=limit))
        clean[code] = sorted(chosen, key=codes.index)
    if not clean:
        raise ConsultationError(_("请至少回答一个问题。"))
    return clean


def submit_answers(
    consultation: Consultation, participant: ConsultationParticipant, answers: object,
    now: datetime | None = None,
) -> ConsultationAnswerSet:  # fmt: skip
    """Keep the participant's one answer set; it can be changed until the deadline."""
    require(consultation, "open")
    clean = check_answers(consultation, answers)
    now = now or utcnow()
    existing = answer_set(consultation, participant)
    if existing is None:
        existing = ConsultationAnswerSet(
            consultation_id=consultation.id, community_id=consultation.community_id,
            participant_id=participant.id, answers=clean, submitted_at=now, updated_at=now,
        )  # fmt: skip
        try:
            with db.session.begin_nested():
                db.session.add(existing)
        except IntegrityError:
            # The same owner submitted twice at once: the first one stands.
            raise ConsultationError(_("您的答案刚刚已提交，请刷新页面后再修改。")) from None
        changed = False
    else:
        existing.answers, existing.updated_at = clean, now
        changed = True
    db.session.flush()
    digest = _sha256(json.dumps(clean, sort_keys=True, ensure_ascii=False))
    log(consultation, "answers_changed" if changed else "answers_submitted",
        {"participant_id": participant.id, "answers_sha256": digest}, who=RESIDENT)  # fmt: skip
    return existing


def answer_set(consultation: Consultation, participant: ConsultationParticipant):
    """The participant's answer set, if any."""
    return db.session.scalar(
        select(ConsultationAnswerSet).where(
            ConsultationAnswerSet.consultation_id == consultation.id,
            ConsultationAnswerSet.participant_id == participant.id,
        )
    )
