"""The state machine of a meeting (DESIGN.md): submit, approve or return, announce, open,
close and tally, void. Plan editing lives in ``plans`` and is re-exported here.

Every service flushes and never commits (the request commits once); each refusal raises
MeetingError with zh-CN and English text; each state change is written to the audit log.
"""

from datetime import datetime

from blinker import Namespace

from voting.audit.services import current_actor
from voting.db import db, utcnow
from voting.meetings.ceremony import KeyCard, forget_ceremony, run_ceremony
from voting.meetings.common import (
    STATE_LABELS,
    log_meeting,
    reason_text,
    require_state,
)
from voting.meetings.errors import MeetingError
from voting.meetings.matters import raise_if
from voting.meetings.models import Meeting
from voting.meetings.plans import (
    MAX_DOCUMENT_BYTES,
    add_document,
    add_matter,
    create_meeting,
    remove_document,
    remove_matter,
    update_meeting,
)
from voting.meetings.readiness import (
    issues_before_announcing,
    issues_before_closing,
    issues_before_opening,
    issues_before_submitting,
)
from voting.meetings.secrecy import board_frozen
from voting.rules.procedure import Procedure
from voting.timeutil import rfc3339

_signals = Namespace()
#: Sent with the meeting (and ``now``) once its notice is served, in that transaction: the
#: messages to owners listen (voting.app connects them): meetings does not import messages,
#: which imports meetings.
notice_served = _signals.signal("notice-served")
#: Sent with the meeting (and ``now``) once voting opens and its credentials are issued.
voting_opened = _signals.signal("voting-opened")

__all__ = [
    "MAX_DOCUMENT_BYTES",
    "STATE_LABELS",
    "MeetingError",
    "add_document",
    "add_matter",
    "announce_meeting",
    "approve_meeting",
    "board_frozen",
    "close_meeting",
    "create_meeting",
    "open_meeting",
    "remove_document",
    "remove_matter",
    "return_meeting",
    "submit_meeting",
    "tally_closed_meeting",
    "update_meeting",
    "void_meeting",
]


#: Every state before the street office countersigned the result.
VOIDABLE = tuple(
    state for state in STATE_LABELS if state not in ("countersigned", "revoked", "voided")
)


def submit_meeting(meeting: Meeting, now: datetime | None = None) -> Meeting:
    """The committee sends the plan to the street office for approval."""
    require_state(meeting, "报街道审核", "submitted", "draft")
    raise_if(issues_before_submitting(meeting), 409)
    meeting.submitted_at, meeting.returned_reason = now or utcnow(), None
    log_meeting(meeting, "submitted")
    return meeting


def approve_meeting(
    meeting: Meeting, now: datetime | None = None, cards: list[KeyCard] | None = None
) -> Meeting:
    """The street office approves the plan. A secret plan's key ceremony runs now; its key
    cards (each trustee's passphrase, shown once and never kept) are added to ``cards``."""
    require_state(meeting, "批准", "approved", "submitted")
    now = now or utcnow()
    meeting.approved_at, meeting.approved_by = now, current_actor()
    log_meeting(meeting, "approved")
    if meeting.secret:
        made = run_ceremony(meeting, now)
        if cards is not None:
            cards.extend(made)
    return meeting


def return_meeting(meeting: Meeting, reason: str) -> Meeting:
    """The street office returns the plan to draft, with its reason."""
    require_state(meeting, "退回", "returned", "submitted", "approved")
    reason = reason_text(reason)
    meeting.submitted_at = meeting.approved_at = meeting.approved_by = None
    meeting.returned_reason = reason
    forget_ceremony(meeting)
    log_meeting(meeting, "returned", {"reason": reason})
    return meeting


def announce_meeting(meeting: Meeting, now: datetime | None = None) -> Meeting:
    """Publish the notice (公告); freezes the rules of procedure and the agenda."""
    require_state(meeting, "发布公告", "announced", "approved")
    now = now or utcnow()
    raise_if(issues_before_announcing(meeting, now), 409)
    community = meeting.community
    meeting.procedure = Procedure.from_dict(community.procedure).to_dict()
    meeting.announced_at = now
    from voting.meetings.tally import matters_document

    log_meeting(
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
    notice_served.send(meeting, now=now)  # owners' messages queue in this transaction
    return meeting


def open_meeting(meeting: Meeting, now: datetime | None = None) -> Meeting:
    """Open voting: freeze the roster and issue one credential per voter who can vote."""
    from voting.meetings.snapshot import freeze_roster

    require_state(meeting, "开始表决", "opened", "announced")
    now = now or utcnow()
    raise_if(issues_before_opening(meeting, now), 409)
    snapshot, issued = freeze_roster(meeting, now)
    meeting.opened_at = now
    log_meeting(
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
    voting_opened.send(meeting, now=now)  # each owner's link, in the transaction that issues it
    return meeting


def close_meeting(meeting: Meeting, now: datetime | None = None) -> Meeting:
    """Close voting at closes_at (or once everyone has voted) and tally."""
    require_state(meeting, "结束表决", "closed", "open")
    now = now or utcnow()
    raise_if(issues_before_closing(meeting, now), 409)
    meeting.closed_at = now
    db.session.flush()
    log_meeting(meeting, "closed", {"early": now < meeting.closes_at})
    return tally_closed_meeting(meeting, now)


def tally_closed_meeting(meeting: Meeting, now: datetime | None = None) -> Meeting:
    """Count a closed meeting's ballots under its frozen rules and keep the tally."""
    from voting.meetings.tally import board_entries, preview_tally
    from voting.rules.document import BoardError

    require_state(meeting, "计票", "tallied", "closed")
    try:
        tally = preview_tally(meeting)
    except BoardError as error:
        # Only corrupt data gets here; the meeting stays closed and the failure is logged.
        log_meeting(meeting, "tally_failed", {"problem": str(error)})
        return meeting
    if tally is None:  # a secret meeting: counted once its trustees decrypt the totals
        return meeting
    meeting.tally = tally
    meeting.tallied_at = now or utcnow()
    log_meeting(
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
    require_state(meeting, "作废", "voided", *VOIDABLE)
    reason, before = reason_text(reason), meeting.state
    meeting.voided_at, meeting.void_reason = now or utcnow(), reason
    log_meeting(meeting, "voided", {"reason": reason, "from": before})
    return meeting
