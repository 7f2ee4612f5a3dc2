"""Every page under a resident's personal link, error pages included: the way back to the
owner's own page and the community whose committee and office to contact.

A context processor rather than each view's context, so that a 404 for a mistyped document,
a CSRF refusal or a rate-limit page under /v/<token> also lead back to /v/<token>, never to
"/" (which sends a resident to the staff login).
"""

from flask import g, request, url_for

from voting.db import db
from voting.meetings.credentials import credential_for_token
from voting.meetings.models import Meeting


def resident_links() -> dict:
    """``is_resident_page``, ``home_url`` and ``community`` for pages under /v/<token>."""
    parts = request.path.split("/")
    if len(parts) < 3 or parts[1] != "v" or not parts[2]:
        return {}
    if "resident_links" not in g:
        g.resident_links = _links(parts[2])
    return g.resident_links


def _links(token: str) -> dict:
    credential = credential_for_token(token)
    if credential is None:
        return {"is_resident_page": True, "home_url": None}
    meeting = db.session.get(Meeting, credential.meeting_id)
    community = meeting.community if meeting else None
    live = credential.revoked_at is None
    return {
        "is_resident_page": True,
        "home_url": url_for("ballots.welcome", token=token) if live else None,
        "community": community,
    }
