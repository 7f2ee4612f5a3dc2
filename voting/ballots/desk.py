"""Help desks: a committee member opens an assisted session on a device (at the clubhouse,
say) for one meeting. The device gets a signed, time-limited desk cookie; owners still open
their own letter's link and confirm their identity there, and each ballot cast through the
desk is marked with it (the office sees them among the meeting's anomalies). A desk serves
many owners from one address, so the address budget of the rate limits does not apply to it.
"""

from datetime import timedelta

from flask import current_app, g, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

from voting.audit.services import record_event
from voting.ballots.errors import BallotError
from voting.ballots.models import HelpDesk
from voting.db import db, utcnow
from voting.meetings.models import Meeting

COOKIE = "voting_desk"
#: How long a desk stays open unless closed before.
DESK_HOURS = 12


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="gongyi/help-desk/v1")


def open_desk(meeting: Meeting, user, label: str) -> HelpDesk:
    """Open a help desk for an open meeting; logged."""
    if meeting.state != "open":
        raise BallotError(
            "not_open",
            "只有表决进行中的会议可以开设协助投票点。",
            "A help desk can be opened only while voting is open.",
            status=409,
        )
    now = utcnow()
    desk = HelpDesk(
        meeting_id=meeting.id,
        community_id=meeting.community_id,
        label=label.strip()[:100],
        opened_by=f"user:{user.username}",
        opened_at=now,
        expires_at=now + timedelta(hours=DESK_HOURS),
    )
    db.session.add(desk)
    db.session.flush()
    record_event(
        "desk.opened",
        {"meeting_id": meeting.id, "desk_id": desk.id, "label": desk.label,
         "expires_at": desk.expires_at.isoformat()},
        community_id=meeting.community_id,
        actor=desk.opened_by,
    )  # fmt: skip
    return desk


def close_desk(desk: HelpDesk, user) -> None:
    """Close a help desk: its cookie stops working at once; logged."""
    if desk.closed_at is not None:
        return
    desk.closed_at, desk.closed_by = utcnow(), f"user:{user.username}"
    record_event(
        "desk.closed",
        {"meeting_id": desk.meeting_id, "desk_id": desk.id, "label": desk.label},
        community_id=desk.community_id,
        actor=desk.closed_by,
    )


def desk_cookie(desk: HelpDesk) -> str:
    """The signed value of the desk's cookie."""
    return _serializer().dumps({"desk": desk.id})


def current_desk() -> HelpDesk | None:
    """The open help desk this device belongs to, if its cookie is valid."""
    if "help_desk" in g:
        return g.help_desk
    desk = None
    value = request.cookies.get(COOKIE)
    if value:
        try:
            data = _serializer().loads(value, max_age=DESK_HOURS * 3600)
        except BadSignature:
            data = None
        desk_id = data.get("desk") if isinstance(data, dict) else None
        if isinstance(desk_id, int) and 0 < desk_id < 2**31:
            desk = db.session.get(HelpDesk, desk_id)
        if desk is not None and (desk.closed_at is not None or desk.expires_at <= utcnow()):
            desk = None
    g.help_desk = desk
    return desk


def desk_for_meeting(meeting_id: int) -> HelpDesk | None:
    """The device's desk when it serves this meeting."""
    desk = current_desk()
    return desk if desk is not None and desk.meeting_id == meeting_id else None
