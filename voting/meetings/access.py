"""Load-and-authorize helpers of the meetings pages and API."""

from flask import abort

from voting.auth.access import acting_user
from voting.auth.services import can_see_community
from voting.db import db
from voting.meetings.models import Meeting
from voting.rosters.models import Community

#: Who does what: the committee runs the meeting, the street office approves the plan.
COMMITTEE_ROLES = ("committee",)
OFFICE_ROLES = ("office",)


#: Ids are 32-bit integers; larger path numbers would fail in the database, not be absent.
MAX_ID = 2**31 - 1


MAX_BIG_ID = 2**63 - 1


def load(model, ident: int, limit: int = MAX_ID):
    """A row by id, or None (also for ids out of the column's range)."""
    return db.session.get(model, ident) if 0 < ident <= limit else None


def load_meeting(meeting_id: int) -> Meeting | None:
    """The meeting by id, or None (also for ids no row can have)."""
    return load(Meeting, meeting_id)


def in_scope(meeting: Meeting) -> bool:
    """True when the acting user may see the meeting's community."""
    user = acting_user()
    community = db.session.get(Community, meeting.community_id)
    return user is not None and community is not None and can_see_community(user, community)


def get_meeting_or_404(meeting_id: int) -> Meeting:
    """The meeting, if it exists and lies in the acting user's scope; else 404."""
    meeting = load_meeting(meeting_id)
    if meeting is None or not in_scope(meeting):
        abort(404)
    return meeting


def allowed_actions(meeting: Meeting, role: str | None) -> list[str]:
    """The transitions the role may take from the meeting's state (for buttons)."""
    state = meeting.state
    actions = []
    if role in COMMITTEE_ROLES:
        actions += {
            "draft": ["submit"],
            "approved": ["announce"],
            "announced": ["open"],
            "open": ["close"],
        }.get(state, [])
    if role in OFFICE_ROLES:
        actions += {"submitted": ["approve", "return"], "approved": ["return"]}.get(state, [])
    final = ("countersigned", "revoked", "voided")
    if role in COMMITTEE_ROLES + OFFICE_ROLES and state not in final:
        actions.append("void")
    return actions
