"""Personal tokens of consultation participants: derived, so that a letter can be reprinted."""

import base64
import hashlib
import hmac

from flask import current_app


def participant_token(consultation_id: int, person_key: str) -> str:
    """The participant's personal token: HMAC of the instance secret, 160 bits, URL-safe.

    Derived from the topic and the person, not stored: only its hash is kept, and the
    committee can print the same letter again (as long as the secret key is the same).
    """
    secret = current_app.config["SECRET_KEY"].encode()
    message = f"consultation-token:{consultation_id}:{person_key}".encode()
    digest = hmac.new(secret, message, hashlib.sha256).digest()[:20]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def token_hash(token: str) -> str:
    """SHA-256 of a token, as stored."""
    return hashlib.sha256(token.encode()).hexdigest()
