"""Ed25519 keys, signatures over canonical documents, and keys encrypted at rest."""

from __future__ import annotations

import base64
import binascii
import hashlib
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from voting.crypto.canonical import canonical

__all__ = [
    "decrypt_private_key",
    "encrypt_private_key",
    "generate_private_key",
    "key_id",
    "load_public_key",
    "public_key_b64",
    "sign_document",
    "verify_signature",
]

_RAW = serialization.Encoding.Raw
_RAW_PUBLIC = serialization.PublicFormat.Raw


def generate_private_key() -> Ed25519PrivateKey:
    """Make a new Ed25519 signing key."""
    return Ed25519PrivateKey.generate()


def _b64decode(text: str, what: str) -> bytes:
    """Decode standard padded base64 strictly, or raise ValueError naming ``what``."""
    if not isinstance(text, str):
        raise ValueError(f"{what} must be a base64 string")
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError) as exc:
        raise ValueError(f"{what} is not valid base64") from exc


def public_key_b64(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    """Return a key's 32 raw public bytes in standard padded base64."""
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return base64.b64encode(public.public_bytes(_RAW, _RAW_PUBLIC)).decode("ascii")


def load_public_key(public_b64: str) -> Ed25519PublicKey:
    """Return the public key of 32 raw bytes in base64; raise ValueError on bad input."""
    raw = _b64decode(public_b64, "public key")
    if len(raw) != 32:
        raise ValueError(f"public key must be 32 bytes, got {len(raw)}")
    return Ed25519PublicKey.from_public_bytes(raw)


def key_id(public_b64: str) -> str:
    """Return the key id: the first 16 hex characters of SHA-256 of the raw public key."""
    raw = load_public_key(public_b64).public_bytes(_RAW, _RAW_PUBLIC)
    return hashlib.sha256(raw).hexdigest()[:16]


def sign_document(private_key: Ed25519PrivateKey, doc: dict[str, Any]) -> str:
    """Return the base64 Ed25519 signature over canonical(doc)."""
    return base64.b64encode(private_key.sign(canonical(doc))).decode("ascii")


def verify_signature(public_b64: str, signature_b64: str, doc: Any) -> bool:
    """Tell whether ``signature_b64`` signs canonical(doc) under the key; never raises."""
    try:
        public = load_public_key(public_b64)
        signature = _b64decode(signature_b64, "signature")
        public.verify(signature, canonical(doc))
    except (InvalidSignature, ValueError, TypeError, RecursionError):
        return False
    return True


def encrypt_private_key(private_key: Ed25519PrivateKey, passphrase: bytes) -> bytes:
    """Return the key as PKCS#8 PEM encrypted with the passphrase."""
    return private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(passphrase),
    )


def decrypt_private_key(pem: bytes, passphrase: bytes) -> Ed25519PrivateKey:
    """Load an encrypted PKCS#8 PEM Ed25519 key; raise ValueError on a wrong passphrase."""
    key = serialization.load_pem_private_key(pem, password=passphrase)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("the PEM does not hold an Ed25519 private key")
    return key
