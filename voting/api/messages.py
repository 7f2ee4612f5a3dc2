"""API v1 endpoints of messages (FORMATS.md §7): reminders to owners who have not voted."""

from flask import jsonify

from voting.api import ApiError, as_ids, bp
from voting.api.meetings import _optional_body, _refused, _staff_meeting
from voting.meetings.errors import MeetingError
from voting.messages.reminders import send_reminders

#: Refusals about what the request asked for (422), not the meeting's state or the clock.
_INPUT_CODES = {"UNKNOWN_BUILDING"}


def _voter_ids(value) -> list[int] | None:
    """The chosen voters' ids (strings or integers), or None for no list."""
    if value is None:
        return None
    ids = as_ids(value)
    if (
        not isinstance(ids, list)
        or len(ids) > 5000
        or not all(isinstance(v, int) and not isinstance(v, bool) and 0 < v < 2**63 for v in ids)
    ):
        detail = {"field": "voters", "code": "invalid", "message": "a list of voter ids"}
        raise ApiError(422, "invalid", "voters must be a list of voter ids", [detail])
    return ids


@bp.post("/meetings/<int:meeting_id>/reminders")
def post_reminders(meeting_id: int):
    """Remind the owners who have not voted (committee): all, ``{"building"}`` or
    ``{"voters": [...]}``; answers ``{"queued": n}``."""
    meeting = _staff_meeting(meeting_id, "committee")
    body = _optional_body()
    building = body.get("building")
    if building is not None and (not isinstance(building, str) or not building.strip()
                                 or len(building) > 64):  # fmt: skip
        raise ApiError(422, "invalid", "building must be a building's name",
                       [{"field": "building", "code": "invalid",
                         "message": "a building of the roster"}])  # fmt: skip
    voter_ids = _voter_ids(body.get("voters"))
    try:
        queued = send_reminders(
            meeting, building=building.strip() if building else None, voter_ids=voter_ids
        )
    except MeetingError as error:
        raise _refused(error, 422 if error.code in _INPUT_CODES else 409) from None
    return jsonify({"queued": queued})
