"""Owners' phone numbers, kept so that Gongyi can send them messages, sealed at rest.

The roster keeps each phone sealed (AES-GCM, ``voting.crypto.sealing``) under a key derived
from ``VOTING_KEY_PASSPHRASE`` when set, else from the instance secret, as signing keys are.
No page, export or API answer opens them: only the message worker does, to send. Staff see
the masked form (``138********``) as before.
"""

import functools
import hashlib
import hmac
import json

from flask import current_app

from voting.crypto.sealing import SealError, derive_key, seal, unseal

_PURPOSE = b"gongyi phones at rest v1"


@functools.lru_cache(maxsize=4)
def _key(secret: bytes) -> bytes:
    return derive_key(secret, _PURPOSE)


def _secret() -> bytes:
    value = current_app.config.get("VOTING_KEY_PASSPHRASE") or current_app.config["SECRET_KEY"]
    return value.encode() if isinstance(value, str) else bytes(value)


def seal_phones(phones: list[str]) -> str | None:
    """The phones, in order, sealed as one value (None for none)."""
    phones = list(dict.fromkeys(p for p in phones if p))
    return seal(_key(_secret()), json.dumps(phones)) if phones else None


def open_phones(sealed: str | None) -> list[str]:
    """The phones of a sealed value; [] when none, or when the key has changed."""
    if not sealed:
        return []
    try:
        return list(json.loads(unseal(_key(_secret()), sealed)))
    except SealError:
        current_app.logger.error("sealed phones cannot be opened: has the key changed?")
        return []


def phone_hash(phone: str) -> str:
    """A keyed hash of a phone number: the audit log's recipient, never the number."""
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, b"phone:" + phone.encode(), hashlib.sha256).hexdigest()[:32]


_CODE_PURPOSE = b"gongyi one-time codes in the outbox v1"


def seal_code(code: str) -> str:
    """A one-time code sealed for the outbox, until the worker sends it."""
    return seal(derive_key(_secret(), _CODE_PURPOSE), code)


def open_code(sealed: str) -> str:
    """The code of a sealed outbox value; raises SealError if the key has changed."""
    return unseal(derive_key(_secret(), _CODE_PURPOSE), sealed)
