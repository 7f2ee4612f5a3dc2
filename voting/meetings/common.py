"""Small helpers shared by the meeting services: the actor, state guards, the audit entry."""

from typing import Any

from voting.audit.services import current_actor, record_event
from voting.i18n import N_
from voting.meetings.errors import MeetingError, problem
from voting.meetings.models import Meeting, StateError

#: In zh-CN; pages show them through _() (N_ puts them in the catalog).
STATE_LABELS = {
    "draft": N_("草稿"),
    "submitted": N_("待街道审核"),
    "approved": N_("街道已批准"),
    "announced": N_("已公告"),
    "open": N_("表决中"),
    "closed": N_("表决已结束"),
    "tallied": N_("已计票"),
    "published": N_("已公布结果"),
    "countersigned": N_("街道已确认"),
    "revoked": N_("已撤销"),
    "voided": N_("已作废"),
}


def require_state(
    meeting: Meeting, action_zh: str, action_en: str, *states: str, status: int = 409
) -> None:
    """Raise MeetingError (WRONG_STATE) unless the meeting is in one of ``states``: 409 for a
    state change; the plan's editing passes 422."""
    try:
        meeting.require(*states)
    except StateError:
        raise MeetingError(
            problem(
                "WRONG_STATE",
                f"会议当前状态为「{STATE_LABELS[meeting.state]}」，不能{action_zh}",
                f"The meeting is {meeting.state}: it cannot be {action_en}",
            ),
            status,
        ) from None


def log_meeting(meeting: Meeting, type: str, data: dict | None = None) -> None:
    """Append ``meeting.<type>`` to the community's audit chain, with the actor."""
    record_event(
        f"meeting.{type}",
        {"meeting_id": meeting.id, **(data or {})},
        community_id=meeting.community_id,
        actor=current_actor(),
    )


def log_printed(meeting: Meeting, type: str, count: str, voter_ids: list[int],
                building: str, voter_id: int | None, page: int) -> None:  # fmt: skip
    """Log a printed page of letters or paper ballots: how many (under ``count``), which
    building or owner was asked for, the page, and each owner's id (the service record lists
    what each owner was given)."""
    data = {count: len(voter_ids), "building": building, "voter_id": voter_id, "page": page}
    log_meeting(meeting, type, {**data, "voters": voter_ids})


def reason_text(reason: Any, limit: int = 1000) -> str:
    """A required reason, stripped; MeetingError when empty or too long."""
    if (
        not isinstance(reason, str)
        or not reason.strip()
        or len(reason.strip()) > limit
        or "\x00" in reason
    ):
        raise MeetingError(
            problem(
                "REASON_REQUIRED",
                f"请写明原因（最多 {limit} 字）",
                f"A reason of 1 to {limit} characters is required",
            )
        )
    return reason.strip()
