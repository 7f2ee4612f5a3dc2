"""Objections (异议) to a preliminary result: filed by owners from their link, answered by
the committee, seen by the office before it countersigns."""

import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from voting.audit.services import record_event
from voting.auth.models import User
from voting.db import db, utcnow
from voting.meetings.models import Meeting, Voter
from voting.results.models import NOT_ME, OBJECTION_KINDS, Objection, Result
from voting.results.public import board_receipts
from voting.results.services import (
    ResultError,
    current_result,
    require_committee,
    require_office,
)
from voting.rosters.models import Community
from voting.typed import plain

MAX_TEXT = 500
MAX_ANSWER = 1000
RECEIPT_RE = re.compile(r"[0-9a-f]{32}")
#: Characters that are not plain text: control characters except line breaks and tabs.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(text: str | None, limit: int) -> str:
    """Plain text: trimmed, control characters removed, at most ``limit`` characters."""
    text = _CONTROL.sub("", (text or "").replace("\r\n", "\n")).strip()
    if len(text) > limit:
        raise ResultError(_l("内容太长：最多 %(n)d 字。", n=limit), 422)
    return text


def normalise_receipt(receipt: str | None) -> str:
    """A receipt as printed (spaces, dashes and capitals allowed) in canonical form, or ""."""
    return re.sub(r"[\s-]", "", plain(receipt) or "").lower()


def open_for_objections(meeting: Meeting) -> Result | None:
    """The preliminary result whose objection period is running now, if any."""
    result = current_result(meeting)
    if result is None or result.status != "preliminary" or result.objections_close_at is None:
        return None
    return result if utcnow() < result.objections_close_at else None


def file_objection(
    voter: Voter, kind: str, text: str | None = None, receipt: str | None = None
) -> Objection:
    """Record an owner's objection to the preliminary result during the objection period."""
    meeting = db.session.get(Meeting, voter.meeting_id)
    result = open_for_objections(meeting)
    if result is None:
        raise ResultError(_l("现在不在异议期内，不能提出异议。"))
    if kind not in OBJECTION_KINDS:
        raise ResultError(_l("请选择异议的类型。"), 422)
    text = clean_text(text, MAX_TEXT)
    stored_receipt = None
    if kind == "receipt_missing":
        stored_receipt = normalise_receipt(receipt)
        if not RECEIPT_RE.fullmatch(stored_receipt):
            raise ResultError(_l("回执编号应为 32 位，由数字 0-9 和字母 a-f 组成。"), 422)
        if stored_receipt in board_receipts(result):
            # Never store a receipt that is on the board: it would tie the owner to a ballot.
            raise ResultError(_l("这个回执已经在公示的表决记录中，请在「核对回执」页查看。"))
    elif kind == "other" and not text:
        raise ResultError(_l("请写明异议的内容。"), 422)
    objection = Objection(
        meeting_id=meeting.id, community_id=meeting.community_id, result_id=result.id,
        voter_id=voter.id, kind=kind, receipt=stored_receipt, text=text, filed_at=utcnow(),
    )  # fmt: skip
    db.session.add(objection)
    db.session.flush()
    record_event(
        "objection.filed",
        {"meeting_id": meeting.id, "objection_id": objection.id, "kind": kind,
         "version": result.version},
        community_id=meeting.community_id, actor="resident",
    )  # fmt: skip
    return objection


def answer_objection(objection: Objection, user: User, answer: str) -> Objection:
    """The committee's answer to one objection, or the street office's to a ``not_me`` one
    (the committee may be who voted in the owner's name); it may be revised, each answer
    is logged."""
    community = db.session.get(Community, objection.community_id)
    if objection.kind == NOT_ME:
        require_office(user, community)
    else:
        require_committee(user, community)
    answer = clean_text(answer, MAX_ANSWER)
    if not answer:
        raise ResultError(_l("请填写答复。"), 422)
    objection.answer, objection.answered_at = answer, utcnow()
    objection.answered_by = f"user:{user.username}"
    db.session.flush()
    record_event(
        "objection.answered",
        {"meeting_id": objection.meeting_id, "objection_id": objection.id},
        community_id=community.id, actor=objection.answered_by,
    )  # fmt: skip
    return objection


def meeting_objections(meeting: Meeting) -> list[Objection]:
    """Every objection to the meeting's results, oldest first, with who objected."""
    return list(
        db.session.scalars(
            select(Objection)
            .where(Objection.meeting_id == meeting.id)
            .options(selectinload(Objection.voter))
            .order_by(Objection.id)
        )
    )


def voter_objections(voter: Voter) -> list[Objection]:
    """The objections this owner filed, with their answers."""
    return list(
        db.session.scalars(
            select(Objection).where(Objection.voter_id == voter.id).order_by(Objection.id)
        )
    )
