"""Signatures that cover their role and time (FORMATS.md §4, scheme ``gongyi-sig/2``).

A SIG of ``gongyi-result/1`` signs canonical(DOC) only, so its ``role`` and ``signed_at`` can
be changed without breaking it. A ``gongyi-sig/2`` SIG keeps that signature (so verifiers of
the first scheme still check it) and adds ``statement_signature``, the signature of the same
key over a STATEMENT naming the document's hash, the role, the key and the time, and for the
office the committee signature it countersigns. A document that declares
``"signature_scheme": "gongyi-sig/2"`` (signed by everyone, like the rest of DOC) requires
it on every signature, so the statements cannot be stripped to fall back to the first scheme.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from voting.crypto.canonical import canonical
from voting.crypto.keys import key_id, public_key_b64, sign_document, verify_signature
from voting.crypto.shape import Mismatch, member, show

SCHEME = "gongyi-sig/2"
#: ``signed_at`` as Gongyi writes it: RFC 3339, UTC, whole seconds.
_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")


def is_signed_at(text: Any) -> bool:
    """Tell whether ``text`` is a real moment written as ``2024-06-04T01:00:00Z``."""
    if not isinstance(text, str) or not _TIME.fullmatch(text):
        return False
    try:
        datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        return False
    return True


def statement(
    doc: dict[str, Any],
    role: str,
    signer_key_id: str,
    signed_at: str,
    countersigns: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """STATEMENT: what a ``gongyi-sig/2`` signature says besides the document itself."""
    covered: dict[str, Any] = {
        "scheme": SCHEME,
        "document_sha256": hashlib.sha256(canonical(doc)).hexdigest(),
        "role": role,
        "key_id": signer_key_id,
        "signed_at": signed_at,
    }
    if countersigns is not None:
        covered["countersigns"] = countersigns
    return covered


def sign(
    private_key: Ed25519PrivateKey,
    doc: dict[str, Any],
    role: str,
    signed_at: str,
    countersigns: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A ``gongyi-sig/2`` SIG: the signature of canonical(DOC) and of the STATEMENT."""
    public = public_key_b64(private_key)
    signer = key_id(public)
    sig: dict[str, Any] = {
        "role": role,
        "key_id": signer,
        "public_key": public,
        "signature": sign_document(private_key, doc),
        "signed_at": signed_at,
        "scheme": SCHEME,
        "statement_signature": sign_document(
            private_key, statement(doc, role, signer, signed_at, countersigns)
        ),
    }
    if countersigns is not None:
        sig["countersigns"] = countersigns
    return sig


def countersigned(committee_sig: dict[str, Any]) -> dict[str, Any]:
    """The ``countersigns`` member of the office's SIG for the committee's SIG."""
    return {"key_id": committee_sig["key_id"], "signed_at": committee_sig["signed_at"]}


def check_signed(sig: Any, where: str, doc: dict[str, Any], signer: str, what: str) -> str:
    """Check a SIG's key, time and signature of ``doc``; return the key's id.

    ``signer`` names the role in messages ("office key …"), ``what`` the document signed.
    The members every SIG carries are checked here, once, for results and revocations alike.
    """
    stated_id = member(sig, "key_id", str, where)
    public = member(sig, "public_key", str, where)
    member(sig, "signature", str, where)
    signed_at = member(sig, "signed_at", str, where)
    if not is_signed_at(signed_at):
        raise Mismatch(
            f"{where}.signed_at is {show(signed_at)}, expected a UTC time like 2024-06-04T01:00:00Z"
        )
    try:
        actual_id = key_id(public)
    except ValueError as exc:
        raise Mismatch(f"{where}.public_key is not an Ed25519 public key: {exc}") from None
    if stated_id != actual_id:
        raise Mismatch(
            f"{where}.key_id is {show(stated_id)}, but its public key has id {actual_id}"
        )
    if not verify_signature(public, sig["signature"], doc):
        raise Mismatch(f"{where} ({signer} key {actual_id}) does not sign this {what}")
    return actual_id
