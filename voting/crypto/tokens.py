"""Personal tokens: derived by HMAC so that a letter can be printed again, kept as SHA-256."""

import base64
import hashlib
import hmac


def mac_token(key: bytes, message: str, size: int) -> str:
    """The first ``size`` bytes of HMAC-SHA256(key, message), URL-safe base64 without padding."""
    digest = hmac.new(key, message.encode(), hashlib.sha256).digest()[:size]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def token_hash(token: str) -> str:
    """SHA-256 hex of a token: all that the database keeps of it."""
    return hashlib.sha256(token.encode()).hexdigest()
