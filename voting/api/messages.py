"""API v1 endpoints of messages (FORMATS.md §7): reminders to owners who have not voted."""

from flask import jsonify

from voting.api import as_ids, bp, json_body
from voting.api.meetings import _refused, _staff_meeting
from voting.meetings.errors import MeetingError
from voting.messages.reminders import send_reminders

#: Refusals about what the request asked for (422), not the meeting's state or the clock.
_INPUT_CODES = {"UNKNOWN_BUILDING"}


@bp.post("/meetings/<int:meeting_id>/reminders")
def post_reminders(meeting_id: int):
    """Remind the owners who have not voted (committee): all, ``{"building"}`` or
    ``{"voters": [...]}`` (ids as strings or integers); answers ``{"queued": n}``."""
    meeting = _staff_meeting(meeting_id, "run")
    body = json_body(optional=True)
    building = body.get("building")
    voters = body.get("voters")
    try:
        queued = send_reminders(
            meeting,
            building=building.strip() if building else None,
            voter_ids=None if voters is None else as_ids(voters),
        )
    except MeetingError as error:
        raise _refused(error, 422 if error.code in _INPUT_CODES else 409) from None
    return jsonify({"queued": queued})
