"""Use cases of a meeting plan: create, edit, attach documents, and the state machine.

Every service flushes and never commits (the request commits once); each refusal raises
MeetingError with zh-CN and English text; each state change is written to the audit log.
"""

import hashlib
from datetime import UTC, datetime
from typing import Any

from flask import current_app, has_request_context

from voting.audit.services import record_event
from voting.db import db, utcnow
from voting.meetings.errors import MeetingError, problem
from voting.meetings.matters import add_matters, check_matters, check_meeting_fields, raise_if
from voting.meetings.models import Meeting, MeetingDocument, StateError
from voting.meetings.readiness import (
    households,
    issues_before_announcing,
    issues_before_closing,
    issues_before_opening,
    issues_before_submitting,
    window_issues,
    window_settings,
)
from voting.rosters.models import Community
from voting.rules.procedure import Procedure

__all__ = [
    "MeetingError",
    "add_document",
    "announce_meeting",
    "approve_meeting",
    "close_meeting",
    "create_meeting",
    "open_meeting",
    "remove_document",
    "return_meeting",
    "submit_meeting",
    "tally_closed_meeting",
    "update_meeting",
    "void_meeting",
]

STATE_LABELS = {
    "draft": "草稿",
    "submitted": "待街道审核",
    "approved": "街道已批准",
    "announced": "已公告",
    "open": "表决中",
    "closed": "表决已结束",
    "tallied": "已计票",
    "published": "已公布结果",
    "countersigned": "街道已确认",
    "voided": "已作废",
}
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
DOCUMENT_TYPES = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)


def actor() -> str:
    """``user:<name>`` of the acting user (API token or login), else ``system``."""
    if has_request_context():
        from voting.auth.access import acting_user

        user = acting_user()
        if user is not None:
            return f"user:{user.username}"
    return "system"


def _require(meeting: Meeting, action_zh: str, action_en: str, *states: str) -> None:
    try:
        meeting.require(*states)
    except StateError:
        label = STATE_LABELS[meeting.state]
        raise MeetingError(
            problem(
                "WRONG_STATE",
                f"会议当前状态为「{label}」，不能{action_zh}",
                f"The meeting is {meeting.state}: it cannot be {action_en}",
            )
        ) from None


def _times(opens_at: Any, closes_at: Any, community: Community) -> None:
    if not all(isinstance(t, datetime) and t.tzinfo is not None for t in (opens_at, closes_at)):
        raise MeetingError(
            problem(
                "WINDOW_TIMES",
                "请填写表决开始和截止时间",
                "opens_at and closes_at must be times with a zone",
            )
        )
    raise_if(window_issues(opens_at, closes_at, window_settings(community)))


def _log(meeting: Meeting, type: str, data: dict | None = None) -> None:
    record_event(
        f"meeting.{type}",
        {"meeting_id": meeting.id, **(data or {})},
        community_id=meeting.community_id,
        actor=actor(),
    )


def create_meeting(
    community: Community,
    title: str,
    opens_at: datetime,
    closes_at: datetime,
    matters: list[dict],
    description: str = "",
    place: str = "",
    is_first_meeting: bool = False,
) -> Meeting:
    """Plan a meeting with its matters, in draft; raises MeetingError on bad input."""
    raise_if(check_meeting_fields(title, description, place))
    _times(opens_at, closes_at, community)
    raise_if(check_matters(matters, households(community.id)))
    meeting = Meeting(
        community_id=community.id,
        title=title.strip(),
        description=description,
        place=place.strip(),
        is_first_meeting=bool(is_first_meeting),
        opens_at=opens_at,
        closes_at=closes_at,
        created_by=actor(),
    )
    db.session.add(meeting)
    db.session.flush()
    add_matters(meeting, matters)
    _log(meeting, "created", {"title": meeting.title, "matters": len(meeting.matters)})
    return meeting


def update_meeting(meeting: Meeting, **changes: Any) -> Meeting:
    """Change a draft plan (title, description, place, window, first meeting, matters)."""
    _require(meeting, "修改", "edited", "draft")
    allowed = {
        "title",
        "description",
        "place",
        "opens_at",
        "closes_at",
        "is_first_meeting",
        "matters",
    }
    unknown = set(changes) - allowed
    if unknown:
        raise MeetingError(
            problem(
                "UNKNOWN_FIELD", "有无法修改的字段", f"Unknown fields: {', '.join(sorted(unknown))}"
            )
        )
    community = db.session.get(Community, meeting.community_id)
    title = changes.get("title", meeting.title)
    description = changes.get("description", meeting.description)
    place = changes.get("place", meeting.place)
    raise_if(check_meeting_fields(title, description, place))
    opens_at = changes.get("opens_at", meeting.opens_at)
    closes_at = changes.get("closes_at", meeting.closes_at)
    _times(opens_at, closes_at, community)
    matters = changes.get("matters")
    if matters is not None:
        raise_if(check_matters(matters, households(community.id)))
    meeting.title, meeting.description, meeting.place = title.strip(), description, place.strip()
    meeting.opens_at, meeting.closes_at = opens_at, closes_at
    meeting.is_first_meeting = bool(changes.get("is_first_meeting", meeting.is_first_meeting))
    if matters is not None:
        meeting.matters.clear()
        db.session.flush()
        add_matters(meeting, matters)
    _log(meeting, "updated", {"fields": sorted(changes)})
    return meeting


def add_document(meeting: Meeting, file_name: str, data: bytes) -> MeetingDocument:
    """Attach a PDF, PNG or JPEG (by its bytes, not its name) of at most 10 MB to a draft."""
    _require(meeting, "添加文件", "given documents", "draft")
    if not data or len(data) > MAX_DOCUMENT_BYTES:
        raise MeetingError(
            problem(
                "DOCUMENT_SIZE",
                "文件不能为空，且不能超过 10 MB",
                "A document must be 1 byte to 10 MB",
            )
        )
    content_type = next((kind for magic, kind in DOCUMENT_TYPES if data.startswith(magic)), None)
    if content_type is None:
        raise MeetingError(
            problem(
                "DOCUMENT_TYPE",
                "只能上传 PDF 文件或 PNG、JPEG 图片",
                "Only PDF, PNG and JPEG files are accepted",
            )
        )
    name = (file_name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()[:255] or "document"
    document = MeetingDocument(
        meeting_id=meeting.id,
        community_id=meeting.community_id,
        file_name=name,
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
    )
    meeting.documents.append(document)
    db.session.flush()
    _log(
        meeting,
        "document_added",
        {
            "document_id": document.id,
            "file_name": name,
            "sha256": document.sha256,
            "size": document.size,
        },
    )
    return document


def remove_document(meeting: Meeting, document: MeetingDocument) -> None:
    """Detach a document from a draft plan."""
    _require(meeting, "删除文件", "changed", "draft")
    meeting.documents.remove(document)
    db.session.flush()
    _log(meeting, "document_removed", {"document_id": document.id, "sha256": document.sha256})


# --- the state machine ---------------------------------------------------------------------


def submit_meeting(meeting: Meeting, now: datetime | None = None) -> Meeting:
    """The committee sends the plan to the street office for approval."""
    _require(meeting, "报街道审核", "submitted", "draft")
    raise_if(issues_before_submitting(meeting))
    meeting.submitted_at, meeting.returned_reason = now or utcnow(), None
    _log(meeting, "submitted")
    return meeting


def approve_meeting(meeting: Meeting, now: datetime | None = None) -> Meeting:
    """The street office approves the plan."""
    _require(meeting, "批准", "approved", "submitted")
    meeting.approved_at, meeting.approved_by = now or utcnow(), actor()
    _log(meeting, "approved")
    return meeting


def return_meeting(meeting: Meeting, reason: str) -> Meeting:
    """The street office returns the plan to draft, with its reason."""
    _require(meeting, "退回", "returned", "submitted", "approved")
    reason = _reason(reason)
    meeting.submitted_at = meeting.approved_at = meeting.approved_by = None
    meeting.returned_reason = reason
    _log(meeting, "returned", {"reason": reason})
    return meeting


def announce_meeting(meeting: Meeting, now: datetime | None = None) -> Meeting:
    """Publish the notice (公告); freezes the rules of procedure and the agenda."""
    _require(meeting, "发布公告", "announced", "approved")
    now = now or utcnow()
    raise_if(issues_before_announcing(meeting, now))
    community = db.session.get(Community, meeting.community_id)
    meeting.procedure = Procedure.from_dict(community.procedure).to_dict()
    meeting.announced_at = now
    from voting.meetings.tally import matters_document

    _log(
        meeting,
        "announced",
        {
            "title": meeting.title,
            "opens_at": rfc3339(meeting.opens_at),
            "closes_at": rfc3339(meeting.closes_at),
            "procedure": meeting.procedure,
            "matters": matters_document(meeting, minimum=False),
            "documents": [d.sha256 for d in meeting.documents],
        },
    )
    return meeting


def open_meeting(meeting: Meeting, now: datetime | None = None) -> Meeting:
    """Open voting: freeze the roster and issue one credential per voter who can vote."""
    from voting.meetings.snapshot import freeze_roster

    _require(meeting, "开始表决", "opened", "announced")
    now = now or utcnow()
    raise_if(issues_before_opening(meeting, now))
    snapshot, issued = freeze_roster(meeting, now)
    meeting.opened_at = now
    _log(
        meeting,
        "opened",
        {
            "snapshot_hash": snapshot.snapshot_hash,
            "units": snapshot.units,
            "owners": snapshot.owners,
            "area": snapshot.area,
            "credentials": issued,
        },
    )
    return meeting


def close_meeting(meeting: Meeting, now: datetime | None = None) -> Meeting:
    """Close voting at closes_at (or once everyone has voted) and tally."""
    _require(meeting, "结束表决", "closed", "open")
    now = now or utcnow()
    raise_if(issues_before_closing(meeting, now))
    meeting.closed_at = now
    db.session.flush()
    _log(meeting, "closed", {"early": now < meeting.closes_at})
    return tally_closed_meeting(meeting, now)


def tally_closed_meeting(meeting: Meeting, now: datetime | None = None) -> Meeting:
    """Count a closed meeting's ballots under its frozen rules and keep the tally."""
    from voting.meetings.tally import board_entries, tally_meeting
    from voting.rules.document import BoardError

    _require(meeting, "计票", "tallied", "closed")
    try:
        meeting.tally = tally_meeting(meeting)
    except BoardError as error:
        # Only corrupt data gets here; the meeting stays closed and the failure is logged.
        _log(meeting, "tally_failed", {"problem": str(error)})
        return meeting
    meeting.tallied_at = now or utcnow()
    _log(
        meeting,
        "tallied",
        {
            "ballots": len(board_entries(meeting)),
            "outcomes": {m["id"]: m["outcome"]["status"] for m in meeting.tally},
        },
    )
    return meeting


def void_meeting(meeting: Meeting, reason: str, now: datetime | None = None) -> Meeting:
    """Void the meeting, with a reason, at any state before the office countersigned."""
    if meeting.state in ("countersigned", "voided"):
        label = STATE_LABELS[meeting.state]
        raise MeetingError(
            problem(
                "WRONG_STATE",
                f"会议当前状态为「{label}」，不能作废",
                f"The meeting is {meeting.state}: it cannot be voided",
            )
        )
    reason, before = _reason(reason), meeting.state
    meeting.voided_at, meeting.void_reason = now or utcnow(), reason
    _log(meeting, "voided", {"reason": reason, "from": before})
    return meeting


def _reason(reason: Any) -> str:
    if not isinstance(reason, str) or not reason.strip() or len(reason.strip()) > 1000:
        raise MeetingError(
            problem(
                "REASON_REQUIRED",
                "请写明原因（最多 1000 字）",
                "A reason of 1 to 1000 characters is required",
            )
        )
    return reason.strip()


def rfc3339(moment: datetime | None) -> str | None:
    """A moment as RFC 3339 UTC text."""
    return None if moment is None else moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def min_notice_days() -> int:
    """The deployment's minimum notice in days (VOTING_MIN_NOTICE_DAYS)."""
    return current_app.config["VOTING_MIN_NOTICE_DAYS"]
