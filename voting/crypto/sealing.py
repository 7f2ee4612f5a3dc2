"""Sealing small secrets at rest (phone numbers, one-time codes) with AES-256-GCM.

A sealed value is ``base64url(nonce || ciphertext || tag)``: unreadable without the key,
and tampering is detected. The key is derived with HKDF from the instance's secret (or the
operator's passphrase) and a purpose, so that one purpose's key opens nothing else.
"""

import base64
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_NONCE = 12


class SealError(ValueError):
    """A sealed value cannot be opened: a changed key, or damaged data."""


def derive_key(secret: bytes, purpose: bytes) -> bytes:
    """A 32-byte key for one purpose, derived from the instance secret with HKDF-SHA256."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(secret)


def seal(key: bytes, plaintext: str) -> str:
    """Encrypt and authenticate ``plaintext``; a fresh nonce each time."""
    nonce = os.urandom(_NONCE)
    sealed = nonce + AESGCM(key).encrypt(nonce, plaintext.encode(), None)
    return base64.urlsafe_b64encode(sealed).decode()


def unseal(key: bytes, sealed: str) -> str:
    """The plaintext of a sealed value; raises SealError if the key or the data is wrong."""
    try:
        raw = base64.urlsafe_b64decode(sealed.encode())
        return AESGCM(key).decrypt(raw[:_NONCE], raw[_NONCE:], None).decode()
    except (InvalidTag, ValueError) as error:
        raise SealError("the sealed value cannot be opened") from error
