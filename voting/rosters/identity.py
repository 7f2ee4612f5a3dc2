"""Identity data (ID numbers, phones) kept only as salted hashes and masked forms."""

import hashlib
import hmac
import secrets


def new_salt() -> str:
    """A fresh per-owner salt."""
    return secrets.token_hex(16)


def salted_hash(salt: str, value: str) -> str:
    """SHA-256 of salt and value."""
    return hashlib.sha256(f"{salt}:{value}".encode()).hexdigest()


def last4_hash(salt: str, value: str) -> str:
    """Hash of the last four characters, which a voter types to confirm who they are."""
    return salted_hash(salt, "last4:" + value[-4:].upper())


def check_last4(salt: str, stored: str | None, typed: str) -> bool:
    """True if the typed four characters match the stored hash."""
    typed = typed.strip().upper()
    if stored is None or len(typed) != 4:
        return False
    return hmac.compare_digest(stored, salted_hash(salt, "last4:" + typed))


def mask_id(value: str) -> str:
    """``110***************``: keeps the region prefix, hides the rest (the last four too)."""
    return value[:3] + "*" * (len(value) - 3)


def mask_phone(value: str) -> str:
    """``138********``: keeps the carrier prefix only."""
    return value[:3] + "*" * (len(value) - 3)


def mask_name(name: str) -> str:
    """``王*`` for a person's name, as in audit data and public pages."""
    if not name:
        return ""
    return name[0] + "*" * max(1, min(len(name) - 1, 3))


def derive_owner_key(secret: str, basis: str) -> str:
    """A stable owner key for rows without an explicit owner_key; reveals nothing of the basis."""
    digest = hmac.digest(secret.encode(), basis.encode(), "sha256")  # one-shot: a roster has
    return "O" + digest[:5].hex().upper()  # tens of thousands of owners
