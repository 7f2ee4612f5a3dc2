"""Printable links: personal letters and the topic's poster, with QR codes as inline SVG."""

import io

import qrcode
from flask import current_app, request, url_for
from markupsafe import Markup
from qrcode.image.svg import SvgPathImage

from voting.consultations.models import Consultation, ConsultationParticipant
from voting.consultations.tokens import participant_token, token_hash


def public_url(endpoint: str, **values) -> str:
    """An absolute link for print: PUBLIC_URL when configured, else this request's host."""
    base = current_app.config.get("PUBLIC_URL") or request.host_url
    return base.rstrip("/") + url_for(endpoint, **values)


def qr_svg(data: str) -> Markup:
    """A QR code as an inline SVG element (paths only: no script, no style)."""
    image = qrcode.make(data, image_factory=SvgPathImage, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    # The SVG is our own output for our own URL; drop the XML declaration to inline it.
    return Markup(svg[svg.index("<svg") :])


def personal_link(consultation: Consultation, participant: ConsultationParticipant) -> str | None:
    """The participant's link, re-derived; None if it no longer matches the stored hash
    (the instance's secret key changed since the topic opened)."""
    token = participant_token(consultation.id, participant.person_key)
    if participant.token_hash != token_hash(token):
        return None
    return public_url("consult.topic", token=token)


def entry_link(consultation: Consultation) -> str:
    """The topic's QR link: entry by building, unit and the last four digits."""
    return public_url("consult.entry", key=consultation.entry_key)
