"""Publishing, correcting, countersigning and returning a meeting's signed result.

Audit order at publication: the event "result.prepared" is appended first and its seq and
hash become DOC's ``audit`` member (the last event at publication, FORMATS.md §5); then the
committee signs, and "result.published" is appended with the signed document's hash, so the
chain in turn commits to the result. Both happen in one transaction that holds the chain.
"""

from datetime import UTC, datetime, time, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from voting.audit.services import record_event
from voting.auth.models import User
from voting.crypto.inputs import collector_paused
from voting.crypto.statement import countersigned
from voting.db import db, lock_row, utcnow
from voting.errors import Said
from voting.meetings.models import Meeting, StateError
from voting.results import document as docs
from voting.results.board import read_board
from voting.results.keys import SigningKeyError, current_key, sign_as
from voting.results.models import NOT_ME, Objection, Result
from voting.rosters.models import Community
from voting.timeutil import SHANGHAI, rfc3339

MAX_REASON = 1000


class ResultError(Said):
    """A publication step that is refused; ``status`` is the HTTP status to answer with. The
    message may be a lazy translation, said in the language of the answer."""


def _user_label(user: User) -> str:
    return f"user:{user.username}"


def require_committee(user: User, community: Community) -> None:
    """Only members of this community's committee act for it."""
    if user.role != "committee" or user.community_id != community.id:
        raise ResultError(_l("只有本小区业主委员会的成员可以发布结果。"), 403)


def require_office(user: User, community: Community) -> None:
    """Only staff of the office that supervises this community countersign or return."""
    if user.role != "office" or user.office_id != community.office_id:
        raise ResultError(_l("只有本小区所属街道办事处的工作人员可以会签或退回结果。"), 403)


def _reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ResultError(_l("请说明理由。"), 422)
    if len(reason) > MAX_REASON:
        raise ResultError(_l("理由最多 1000 字。"), 422)
    return reason


def current_result(meeting: Meeting) -> Result | None:
    """The version in force, if the meeting's result was ever published."""
    return db.session.scalar(
        select(Result)
        .where(Result.meeting_id == meeting.id, Result.superseded_at.is_(None))
        .order_by(Result.version.desc())
    )


def result_versions(meeting: Meeting) -> list[Result]:
    """Every version of the meeting's result, newest first."""
    return list(
        db.session.scalars(
            select(Result).where(Result.meeting_id == meeting.id).order_by(Result.version.desc())
        )
    )


def _lock(meeting: Meeting) -> None:
    """Hold the meeting's row for this transaction and reload it, so that two publications,
    countersignatures or returns of one meeting run one after the other (PostgreSQL; on
    SQLite every writing request already holds the database)."""
    lock_row(meeting)


def _refuse_revoked(meeting: Meeting) -> None:
    """A revoked decision is final: nothing is published, countersigned or returned after."""
    if meeting.revoked_at is not None:
        raise ResultError(_l("该会议的决定已被街道办事处撤销，不能再发布、会签或退回结果。"))


def objection_counts(meeting: Meeting) -> tuple[int, int]:
    """Objections filed against the meeting's results, and how many are answered (a
    ``not_me`` objection contests a ballot, not the result: see ``unanswered_not_me``)."""
    filed, answered = db.session.execute(
        select(func.count(Objection.id), func.count(Objection.answered_at)).where(
            Objection.meeting_id == meeting.id, Objection.kind != NOT_ME
        )
    ).one()
    return filed, answered


def unanswered_not_me(meeting_id: int) -> int:
    """``not_me`` objections ("这不是我投的") of the meeting the office has not answered."""
    return db.session.scalar(
        select(func.count(Objection.id)).where(
            Objection.meeting_id == meeting_id,
            Objection.kind == NOT_ME,
            Objection.answered_at.is_(None),
        )
    )


def publish_result(meeting: Meeting, user: User) -> Result:
    """Sign and publish the result of a tallied meeting, or the final one after objections."""
    _lock(meeting)
    community = meeting.community
    require_committee(user, community)
    current = current_result(meeting)
    if current is None:
        try:
            meeting.require("tallied")
        except StateError:
            raise ResultError(_l("会议尚未完成计票，不能发布结果。")) from None
        preliminary = docs.meeting_procedure(meeting).objection_days > 0
        return _issue(meeting, community, user, preliminary=preliminary, previous=None)
    if current.status != "preliminary":
        raise ResultError(_l("结果已经发布。发布后不能修改，只能发布更正版本并说明理由。"))
    if utcnow() < current.objections_close_at:
        raise ResultError(_l("异议期尚未结束，不能发布正式结果。"))
    filed, answered = objection_counts(meeting)
    if answered < filed:
        raise ResultError(_l("还有未答复的异议，请先逐一答复。"))
    # Written into the signed document, so in the source language whatever the user's.
    return _issue(meeting, community, user, preliminary=False, previous=current,
                  reason="异议期结束，发布正式结果。")  # fmt: skip


def correct_result(meeting: Meeting, user: User, reason: str) -> Result:
    """Publish a new version that supersedes the one in force; the old one stays visible."""
    _lock(meeting)
    community = meeting.community
    require_committee(user, community)
    reason = _reason(reason)
    current = current_result(meeting)
    if current is None:
        raise ResultError(_l("结果尚未发布，无需更正。"))
    return _issue(meeting, community, user, preliminary=current.is_preliminary,
                  previous=current, reason=reason)  # fmt: skip


def _objections_member(meeting: Meeting) -> dict[str, Any]:
    days = docs.meeting_procedure(meeting).objection_days
    filed, answered = objection_counts(meeting)
    return {"period_days": days, "filed": filed, "answered": answered}


def _issue(
    meeting: Meeting,
    community: Community,
    user: User,
    *,
    preliminary: bool,
    previous: Result | None,
    reason: str | None = None,
) -> Result:
    """Count the frozen board, sign DOC as the committee, store and log the new version."""
    if meeting.voided_at is not None:
        raise ResultError(_l("会议已被宣布无效，不能发布结果。"))
    _refuse_revoked(meeting)
    key = current_key(community)
    if key is None:
        raise ResultError(_l("本小区业主委员会还没有签名密钥，请先在「结果公示」页生成。"))
    try:
        # The board is 100,000s of small acyclic objects: the cycle collector only slows it.
        with collector_paused():
            board = read_board(meeting)
            matters = docs.count_matters(meeting, board)
    except ValueError as error:  # DocumentError, BoardEntryError, the count's BoardError
        raise ResultError(_l("无法根据表决记录生成结果：%(error)s", error=str(error))) from None
    version = previous.version + 1 if previous else 1
    now = utcnow()
    prepared = record_event(
        "result.prepared",
        {"meeting_id": meeting.id, "version": version, "entries": len(board.entries),
         "merkle_root": board.merkle_root},
        community_id=community.id, actor=_user_label(user),
    )  # fmt: skip
    objections = _objections_member(meeting)
    extensions: dict[str, Any] = {
        "version": version,
        "preliminary": preliminary,
        "objections": objections,
    }
    closes_at = None
    if preliminary:
        closes_at = previous.objections_close_at if previous else objection_deadline(meeting, now)
        objections["closes_at"] = rfc3339(closes_at)
    if previous is not None:
        extensions["supersedes"] = {
            "version": previous.version,
            "document_hash": previous.document_hash,
            "reason": reason,
        }
    doc = docs.build_document(
        meeting, community, board, matters, {"seq": prepared.seq, "head": prepared.hash},
        extensions, now,
    )  # fmt: skip
    try:
        signature = sign_as(key, community, "committee", doc)
    except SigningKeyError as error:
        raise ResultError(error.message, error.status) from None
    result = Result(
        meeting_id=meeting.id, community_id=community.id, version=version, document=doc,
        document_hash=docs.document_hash(doc), signatures=[signature], board_json=board.text,
        entries=len(board.entries), merkle_root=board.merkle_root, is_preliminary=preliminary,
        objections_close_at=closes_at, published_at=now, published_by=_user_label(user),
        published_seq=0, correction_reason=reason if previous else None,
    )  # fmt: skip
    db.session.add(result)
    db.session.flush()
    if previous is not None:
        previous.superseded_at, previous.superseded_by_id = now, result.id
    event = record_event(
        "result.published",
        {"meeting_id": meeting.id, "version": version, "document_hash": result.document_hash,
         "key_id": key.key_id, "preliminary": preliminary,
         "supersedes": previous.version if previous else None, "reason": reason},
        community_id=community.id, actor=_user_label(user),
    )  # fmt: skip
    result.published_seq = event.seq
    meeting.published_at, meeting.countersigned_at = now, None
    db.session.flush()
    return result


def objection_deadline(meeting: Meeting, published_at: datetime) -> datetime:
    """The end of the objection period: 24:00 (Asia/Shanghai) of the Nth day after publishing.

    The day of publication is not counted (Civil Code art. 201).
    """
    days = docs.meeting_procedure(meeting).objection_days
    day_after = published_at.astimezone(SHANGHAI).date() + timedelta(days=days + 1)
    return datetime.combine(day_after, time(0, 0), tzinfo=SHANGHAI).astimezone(UTC)


def countersign_result(meeting: Meeting, user: User) -> Result:
    """Add the street office's signature over the same document."""
    _lock(meeting)
    community = meeting.community
    require_office(user, community)
    _refuse_revoked(meeting)
    result = current_result(meeting)
    if result is None or result.status not in ("published", "preliminary"):
        raise ResultError(_l("没有待会签的结果。"))
    if result.is_preliminary:
        raise ResultError(_l("初步结果仍在异议期内，正式结果发布后才能会签。"))
    filed, answered = objection_counts(meeting)
    if answered < filed:
        raise ResultError(_l("还有未答复的异议，不能会签。"))
    if unanswered_not_me(meeting.id):
        raise ResultError(
            _l("有业主表示以其名义记录的选票不是本人投的，街道办事处答复前不能会签。")
        )
    key = current_key(community.office)
    if key is None:
        raise ResultError(_l("本街道还没有签名密钥，请先在「签名密钥」页生成。"))
    try:
        committee = [s for s in result.signatures if s["role"] == "committee"][-1]
        signature = sign_as(key, community, "office", result.document, countersigned(committee))
    except SigningKeyError as error:
        raise ResultError(error.message, error.status) from None
    now = utcnow()
    result.signatures = [*result.signatures, signature]
    event = record_event(
        "result.countersigned",
        {"meeting_id": meeting.id, "version": result.version,
         "document_hash": result.document_hash, "key_id": key.key_id},
        community_id=community.id, actor=_user_label(user),
    )  # fmt: skip
    result.countersigned_at, result.countersigned_by = now, _user_label(user)
    result.countersigned_seq = event.seq
    meeting.countersigned_at = now
    db.session.flush()
    return result


def return_result(meeting: Meeting, user: User, reason: str) -> Result:
    """Send the result back to the committee for correction, with the office's reason."""
    _lock(meeting)
    community = meeting.community
    require_office(user, community)
    reason = _reason(reason)
    _refuse_revoked(meeting)
    result = current_result(meeting)
    if result is None or result.status not in ("published", "preliminary"):
        raise ResultError(_l("没有可退回的结果。"))
    result.returned_at, result.returned_by = utcnow(), _user_label(user)
    result.returned_reason = reason
    record_event(
        "result.returned",
        {"meeting_id": meeting.id, "version": result.version, "reason": reason},
        community_id=community.id, actor=_user_label(user),
    )  # fmt: skip
    # Back to "tallied": the committee corrects and publishes a new version.
    meeting.published_at = None
    db.session.flush()
    return result
