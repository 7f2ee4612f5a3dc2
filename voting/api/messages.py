"""API v1 endpoints of messages (FORMATS.md §7): reminders to owners who have not voted."""

from flask import jsonify

from voting.api import as_ids, bp, json_body
from voting.api.meetings import _staff_meeting
from voting.messages.reminders import send_reminders


@bp.post("/meetings/<int:meeting_id>/reminders")
def post_reminders(meeting_id: int):
    """Remind the owners who have not voted (committee): all, ``{"building"}`` or
    ``{"voters": [...]}`` (ids as strings or integers); answers ``{"queued": n}``."""
    meeting = _staff_meeting(meeting_id, "run")
    body = json_body(optional=True)
    building = body.get("building")
    voters = body.get("voters")
    queued = send_reminders(
        meeting,
        building=building.strip() if building else None,
        voter_ids=None if voters is None else as_ids(voters),
    )
    return jsonify({"queued": queued})
