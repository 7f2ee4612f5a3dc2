"""Printable links: personal letters and the topic's poster, with QR codes as inline SVG."""

from voting.consultations.models import Consultation, ConsultationParticipant
from voting.consultations.tokens import participant_token
from voting.crypto.tokens import token_hash
from voting.links import public_url


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
