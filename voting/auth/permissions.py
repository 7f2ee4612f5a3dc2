"""Who may do what to which object: one table (role × action × object) and one helper that
loads an object, keeps it to the acting user's scope and checks the table, for the pages and
the API alike.

Outside the scope, or absent, the object answers 404 (its existence is not revealed); in scope
but not the role's to act on, 403. Pages answer with the error page, the API with
FORMATS.md's error object.
"""

from typing import NoReturn

from flask import abort
from sqlalchemy import BigInteger

from voting.auth.access import acting_user
from voting.auth.models import User
from voting.auth.services import can_see_community
from voting.consultations.models import Consultation
from voting.db import db
from voting.errors import DomainError
from voting.meetings.models import Meeting
from voting.rosters.models import Community
from voting.rules.problems import Problem
from voting.web import wants_json

STAFF = frozenset({"admin", "office", "committee"})
ADMIN = frozenset({"admin"})
COMMITTEE = frozenset({"committee"})
OFFICE = frozenset({"office"})

#: (object, action) -> the roles that may take it, inside their scope. The committee runs
#: a meeting and publishes its result; the street office approves the plan, countersigns,
#: revokes; either voids a meeting; every staff role in scope sees it. Administrators set the
#: system up (offices, communities, rosters) and only read consultations, which the
#: committee and the street office run; the community's contact details are theirs too.
PERMISSIONS: dict[tuple[str, str], frozenset[str]] = {
    ("office", "create"): ADMIN,
    ("community", "create"): ADMIN | OFFICE,
    ("community", "see"): STAFF,
    ("community", "contact"): COMMITTEE | OFFICE,
    ("roster", "see"): STAFF,
    ("roster", "edit"): STAFF,
    ("procedure", "edit"): STAFF,
    ("consultation", "see"): STAFF,
    ("consultation", "run"): COMMITTEE | OFFICE,
    ("meeting", "see"): STAFF,
    ("meeting", "run"): COMMITTEE,
    ("meeting", "supervise"): OFFICE,
    ("meeting", "void"): COMMITTEE | OFFICE,
    # A secret meeting's trustees submit their decryptions through these staff, and the
    # sealed share files are downloaded by them.
    ("meeting", "decrypt"): COMMITTEE | OFFICE,
    ("result", "publish"): COMMITTEE,
    ("result", "countersign"): OFFICE,
    ("result", "revoke"): OFFICE,
}

#: The meeting's transitions each action allows from a state (the page's buttons).
TRANSITIONS: dict[str, dict[str, list[str]]] = {
    "run": {
        "draft": ["submit"],
        "approved": ["announce"],
        "announced": ["open"],
        "open": ["close"],
    },
    "supervise": {"submitted": ["approve", "return"], "approved": ["return"]},
}
_FINAL = ("countersigned", "revoked", "voided")

#: Ids of INTEGER keys; larger path numbers would fail in the database, not be absent.
MAX_ID = 2**31 - 1
#: Ids of BIGINT keys (credentials).
MAX_BIG_ID = 2**63 - 1


class AccessRefused(DomainError):
    """Not found (outside the scope) or not the role's to do, as the API answers it."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(Problem(code, message, message), status)

    def error_code(self) -> str:
        """``not_found`` or ``forbidden``."""
        return self.code

    def error_details(self, lang: str = "zh") -> list[dict]:
        """None: the status says it."""
        return []


def may(user: User | None, action: str, thing: str = "meeting") -> bool:
    """True when the user's role may take ``action`` on ``thing`` (scope aside)."""
    return user is not None and user.role in PERMISSIONS[(thing, action)]


def refuse(status: int, thing: str = "meeting") -> NoReturn:
    """404 (no such object in scope) or 403 (not the role's), as the page or the API says it."""
    if not wants_json():
        abort(status)
    if status == 404:
        raise AccessRefused(404, "not_found", f"no such {thing}")
    raise AccessRefused(403, "forbidden", "your role may not do this")


def load(model, ident: int, limit: int | None = None):
    """A row by id, or None (also for ids out of the key's range: BIGINT or INTEGER)."""
    if limit is None:
        limit = MAX_BIG_ID if isinstance(model.__table__.c.id.type, BigInteger) else MAX_ID
    return db.session.get(model, ident) if 0 < ident <= limit else None


def part_of(parent, model, ident: int, link: str = "meeting_id"):
    """A row of ``model`` (a matter, document, desk, link; a topic's question or comment)
    that belongs to ``parent`` (its ``link`` column names the parent's id), else 404."""
    row = load(model, ident)
    if row is None or getattr(row, link) != parent.id:
        refuse(404, model.__name__.lower())
    return row


def load_meeting(meeting_id: int) -> Meeting | None:
    """The meeting by id, or None (also for ids no row can have)."""
    return load(Meeting, meeting_id)


def in_scope(meeting: Meeting | None, user: User | None = None) -> bool:
    """True when the meeting exists and the (acting) user may see its community."""
    user = user if user is not None else acting_user()
    if meeting is None or user is None:
        return False
    community = meeting.community
    return community is not None and can_see_community(user, community)


def meeting_for(meeting_id: int, action: str = "see", thing: str = "meeting") -> Meeting:
    """The meeting, if it exists in the acting user's scope (else 404) and the user's role may
    take ``action`` on it or its ``thing`` (else 403)."""
    user = acting_user()
    meeting = load_meeting(meeting_id)
    if meeting is None or not in_scope(meeting, user):
        refuse(404)
    if not may(user, action, thing):
        refuse(403)
    return meeting


def permit(action: str, thing: str) -> User:
    """The acting user, if the role may take ``action`` on a ``thing`` not made yet (else
    403); where it is made (an office, a community) is the caller's to check."""
    user = acting_user()
    if user is None or not may(user, action, thing):
        refuse(403, thing)
    return user


def community_for(community_id: int, action: str = "see", thing: str = "community") -> Community:
    """The community, if it exists in the acting user's scope (else 404) and the user's role
    may take ``action`` on it or its ``thing`` (its roster, procedure, consultations; else
    403)."""
    user = acting_user()
    community = load(Community, community_id)
    if community is None or user is None or not can_see_community(user, community):
        refuse(404, "community")
    if not may(user, action, thing):
        refuse(403, thing)
    return community


def consultation_for(
    consultation_id: int, action: str = "see", community_id: int | None = None
) -> Consultation:
    """The consultation, if it exists in the acting user's scope (and in ``community_id``
    when the path names one; else 404) and the user's role may take ``action`` on it (else
    403)."""
    user = acting_user()
    consultation = load(Consultation, consultation_id)
    community = load(Community, consultation.community_id) if consultation else None
    if (
        consultation is None
        or community is None
        or community_id not in (None, consultation.community_id)
        or user is None
        or not can_see_community(user, community)
    ):
        refuse(404, "consultation")
    if not may(user, action, "consultation"):
        refuse(403, "consultation")
    return consultation


def allowed_actions(meeting: Meeting, role: str | None) -> list[str]:
    """The transitions the role may take from the meeting's state (for buttons)."""
    actions: list[str] = []
    for action, moves in TRANSITIONS.items():
        if role in PERMISSIONS[("meeting", action)]:
            actions += moves.get(meeting.state, [])
    if role in PERMISSIONS[("meeting", "void")] and meeting.state not in _FINAL:
        actions.append("void")
    return actions
