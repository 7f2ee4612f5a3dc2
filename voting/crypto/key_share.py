"""A trustee's key share in a passphrase-protected file (``gongyi-key-share/1``).

The share sᵢ is the one secret a trustee keeps; with k of them the totals — or, if k
trustees collude, single ballots — can be decrypted. It is sealed with AES-256-GCM under a
key stretched from the trustee's passphrase by scrypt (RFC 7914), so a copied file is of
no use without the passphrase and each guess costs the memory and time of the parameters.
The file's public members (trustee number, public share, joint key, k and n, scrypt
parameters and salt) are the associated data: changing any of them makes the file refuse
to open. Opening checks sᵢ·G against the public share, and against the joint key when
one is given, so a file of another meeting or trustee is named as such.
"""

from __future__ import annotations

import secrets
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from voting.crypto.canonical import canonical
from voting.crypto.group import Point, base_mult, scalar_bytes, scalar_from_hex
from voting.crypto.trustees import JointKey

FORMAT = "gongyi-key-share/1"
#: scrypt's cost: 2¹⁷ × 8 × 128 bytes = 128 MiB and about half a second a try.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**17, 8, 1
_MIN_N, _MAX_N = 2**14, 2**20


class KeyShareError(ValueError):
    """A key-share file that cannot be opened: wrong passphrase, altered, or not this key's."""


def _derive(passphrase: str, kdf: dict[str, Any]) -> bytes:
    """Stretch the passphrase with the file's scrypt parameters into a 32-byte key."""
    return Scrypt(
        salt=bytes.fromhex(kdf["salt"]), length=32, n=kdf["n"], r=kdf["r"], p=kdf["p"]
    ).derive(passphrase.encode("utf-8"))


def seal_share(
    key: JointKey, trustee: int, share: int, passphrase: str, scrypt_n: int = SCRYPT_N
) -> dict[str, Any]:
    """Return the key-share file of trustee i (a JSON object) sealed under the passphrase."""
    public_share = key.public_share(trustee)
    if base_mult(share) != public_share:
        raise KeyShareError("the share is not this trustee's share of the joint key")
    if not passphrase:
        raise KeyShareError("a key share needs a passphrase")
    header: dict[str, Any] = {
        "format": FORMAT,
        "trustee": trustee,
        "threshold": key.threshold,
        "trustees": key.trustees,
        "public_key": key.public_key.hex(),
        "public_share": public_share.hex(),
        "kdf": {
            "name": "scrypt",
            "n": scrypt_n,
            "r": SCRYPT_R,
            "p": SCRYPT_P,
            "salt": secrets.token_bytes(16).hex(),
        },
        "nonce": secrets.token_bytes(12).hex(),
    }
    sealed = AESGCM(_derive(passphrase, header["kdf"])).encrypt(
        bytes.fromhex(header["nonce"]), scalar_bytes(share), canonical(header)
    )
    return {**header, "sealed": sealed.hex()}


def _check_header(doc: Any) -> dict[str, Any]:
    """Return the header members of a key-share file, or raise KeyShareError."""
    members = {"format", "trustee", "threshold", "trustees", "public_key", "public_share"}
    if not isinstance(doc, dict) or not members | {"kdf", "nonce", "sealed"} <= set(doc):
        raise KeyShareError("this is not a key-share file")
    if doc["format"] != FORMAT:
        raise KeyShareError(f"unknown key-share format {doc['format']!r}")
    kdf = doc["kdf"]
    if (
        not isinstance(kdf, dict)
        or kdf.get("name") != "scrypt"
        or any(type(kdf.get(name)) is not int for name in ("n", "r", "p"))
        or not _MIN_N <= kdf["n"] <= _MAX_N
        or not 1 <= kdf["r"] <= 32
        or not 1 <= kdf["p"] <= 4
        or not isinstance(kdf.get("salt"), str)
    ):
        raise KeyShareError("the file's key derivation is not one Gongyi accepts")
    return {name: value for name, value in doc.items() if name != "sealed"}


def open_share(doc: Any, passphrase: str, key: JointKey | None = None) -> tuple[int, int]:
    """Return (trustee, share) from a key-share file; raise KeyShareError if it cannot be."""
    header = _check_header(doc)
    try:
        plain = AESGCM(_derive(passphrase, header["kdf"])).decrypt(
            bytes.fromhex(header["nonce"]), bytes.fromhex(doc["sealed"]), canonical(header)
        )
        share = scalar_from_hex(plain.hex())
        public_share = Point.from_hex(header["public_share"])
    except InvalidTag as exc:
        raise KeyShareError("wrong passphrase, or the file was altered") from exc
    except (ValueError, TypeError) as exc:
        raise KeyShareError("the key-share file is damaged") from exc
    trustee = header["trustee"]
    if base_mult(share) != public_share:
        raise KeyShareError("the sealed share does not match the file's public share")
    if key is not None and (
        header["public_key"] != key.public_key.hex()
        or type(trustee) is not int
        or not 1 <= trustee <= key.trustees
        or key.public_share(trustee) != public_share
    ):
        raise KeyShareError("this key share belongs to another key or another trustee")
    return trustee, share
