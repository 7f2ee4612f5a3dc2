"""Personal tokens of consultation participants: derived, so that a letter can be reprinted."""

from flask import current_app

from voting.crypto.tokens import mac_token


def participant_token(consultation_id: int, person_key: str) -> str:
    """The participant's personal token: HMAC of the instance secret, 160 bits, URL-safe.

    Derived from the topic and the person, not stored: only its hash is kept, and the
    committee can print the same letter again (as long as the secret key is the same).
    """
    secret = current_app.config["SECRET_KEY"].encode()
    return mac_token(secret, f"consultation-token:{consultation_id}:{person_key}", 20)
