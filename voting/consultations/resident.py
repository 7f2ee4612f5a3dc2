"""Every owner's page of a consultation, error pages included: the way back to the owner's own
topic page (/c/<token>) or the topic's entry (/t/<key>), and the community to contact."""

from flask import g, request, url_for
from sqlalchemy import select

from voting.consultations.models import Consultation
from voting.consultations.participation import participant_for_token
from voting.db import db


def owner_links() -> dict:
    """``is_resident_page``, ``home_url`` and ``community`` for pages under /c/ and /t/."""
    parts = request.path.split("/")
    if len(parts) < 3 or parts[1] not in ("c", "t") or not parts[2]:
        return {}
    if "owner_links" not in g:
        g.owner_links = _links(parts[1], parts[2][:64])
    return g.owner_links


def _links(kind: str, value: str) -> dict:
    if kind == "c":
        participant = participant_for_token(value)
        consultation = (
            db.session.get(Consultation, participant.consultation_id) if participant else None
        )
        home = url_for("consult.topic", token=value) if consultation else None
    else:
        consultation = db.session.scalar(
            select(Consultation).where(Consultation.entry_key == value)
        )
        home = url_for("consult.entry", key=value) if consultation else None
    community = consultation.community if consultation else None
    return {"is_resident_page": True, "home_url": home, "community": community}
