"""Checking a revocation (FORMATS.md §4.2, ``gongyi-revocation/1``) against its result.

A revocation is a document of its own, signed by the street office like a ``gongyi-sig/2``
SIG without ``countersigns``: it names the result it revokes by the SHA-256 of canonical(DOC),
so the revoked result keeps every signature and still verifies, and the revocation cannot be
moved onto another result or edited (its reason, authority or date) without breaking it.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date
from typing import Any

from voting.crypto.canonical import canonical
from voting.crypto.keys import verify_signature
from voting.crypto.shape import Mismatch, hex64, member, show
from voting.crypto.statement import SCHEME, check_signed, statement

REVOCATION_FORMAT = "gongyi-revocation/1"
AUTHORITIES = ("office", "court")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def revocation_file_name(meeting_id: str) -> str:
    """The name a revocation is downloaded under and looked for beside its result."""
    return f"revocation-{meeting_id}.json"


def _check_day(text: str, where: str) -> None:
    """A calendar day written YYYY-MM-DD."""
    try:
        valid = bool(_DAY.fullmatch(text)) and date.fromisoformat(text) is not None
    except ValueError:
        valid = False
    if not valid:
        raise Mismatch(f"{where} is {show(text)}, expected a day like 2024-06-04")


def _check_office_signature(sig: Any, where: str, doc: dict[str, Any]) -> str:
    """Check one SIG of the revocation: the office's, signing the document and its statement."""
    role = member(sig, "role", str, where)
    if role != "office":
        raise Mismatch(f"{where}.role is {show(role)}: only the street office revokes a result")
    if member(sig, "scheme", str, where) != SCHEME:
        raise Mismatch(f"{where}.scheme is {show(sig['scheme'])}, expected {show(SCHEME)}")
    if "countersigns" in sig:
        raise Mismatch(f"{where} has a countersigns member: a revocation countersigns nothing")
    member(sig, "statement_signature", str, where)
    actual_id = check_signed(sig, where, doc, "office", "revocation")
    public, signed_at = sig["public_key"], sig["signed_at"]
    covered = statement(doc, "office", actual_id, signed_at)
    if not verify_signature(public, sig["statement_signature"], covered):
        raise Mismatch(
            f"{where} (office key {actual_id}) does not sign this role and time: "
            "its role or signed_at member was changed"
        )
    return actual_id


def _check_target(rdoc: dict[str, Any], result_doc: dict[str, Any]) -> None:
    """The revocation names this very result: its meeting, community, office and hash."""
    for part in ("meeting", "community", "office"):
        ours = member(member(rdoc, part, dict, "revocation.document"), "id", str,
                      f"revocation.document.{part}")  # fmt: skip
        theirs = member(result_doc, part, dict, "document").get("id")
        if ours != theirs:
            raise Mismatch(
                f"revocation.document.{part}.id is {show(ours)}, "
                f"but the result is for {part} {show(theirs)}"
            )
    revokes = member(rdoc, "revokes", dict, "revocation.document")
    stated = hex64(revokes, "document_hash", "revocation.document.revokes")
    actual = hashlib.sha256(canonical(result_doc)).hexdigest()
    if stated != actual:
        raise Mismatch(
            f"revocation.document.revokes.document_hash is {stated}, but this result's "
            f"document has hash {actual}: the revocation is for another document"
        )
    version = member(revokes, "version", int, "revocation.document.revokes")
    if version != result_doc.get("version", 1):
        raise Mismatch(
            f"revocation.document.revokes.version is {version}, "
            f"but the result is version {show(result_doc.get('version', 1))}"
        )


def check_revocation(
    lines: list[str], revocation: Any, result: dict[str, Any], result_doc: dict[str, Any]
) -> dict[str, Any]:
    """Check a revocation of the (already checked) result; return its document."""
    rdoc = member(revocation, "document", dict, "revocation")
    fmt = member(rdoc, "format", str, "revocation.document")
    if fmt != REVOCATION_FORMAT:
        raise Mismatch(
            f"revocation.document.format is {show(fmt)}, expected {show(REVOCATION_FORMAT)}"
        )
    if member(rdoc, "signature_scheme", str, "revocation.document") != SCHEME:
        raise Mismatch(
            f"revocation.document.signature_scheme is {show(rdoc['signature_scheme'])}, "
            f"expected {show(SCHEME)}"
        )
    try:
        canonical(rdoc)
    except (TypeError, ValueError, RecursionError) as exc:
        raise Mismatch(f"revocation document cannot be put in canonical form: {exc}") from None
    authority = member(rdoc, "authority", str, "revocation.document")
    if authority not in AUTHORITIES:
        raise Mismatch(
            f"revocation.document.authority is {show(authority)}, expected office or court"
        )
    decided_on = member(rdoc, "decided_on", str, "revocation.document")
    _check_day(decided_on, "revocation.document.decided_on")
    reason = member(rdoc, "reason", str, "revocation.document")
    if not reason.strip():
        raise Mismatch("revocation.document.reason is empty: a revocation states its reason")
    attachment = member(rdoc, "attachment", dict, "revocation.document")
    hex64(attachment, "sha256", "revocation.document.attachment")
    _check_target(rdoc, result_doc)
    signatures = member(revocation, "signatures", list, "revocation")
    if not signatures:
        raise Mismatch("revocation.signatures is empty: the revocation is not signed")
    signers = []
    for index, sig in enumerate(signatures):
        signers.append(_check_office_signature(sig, f"revocation.signatures[{index}]", rdoc))
    if len(set(signers)) != len(signers):
        raise Mismatch("revocation.signatures holds two signatures by the same key")
    lines.append(
        f"ok  revocation format {REVOCATION_FORMAT} names this result "
        f"(version {result_doc.get('version', 1)}) by its hash"
    )
    countersigners = {
        s.get("key_id") for s in result.get("signatures", []) if isinstance(s, dict)
        and s.get("role") == "office"
    }  # fmt: skip
    for signer in signers:
        same = " (the key that countersigned the result)" if signer in countersigners else ""
        lines.append(f"ok  revocation signed by office key {signer}{same}, role and time signed")
    lines.append(
        f"ok  revocation attachment SHA-256 {attachment['sha256']}: compare it with the document"
    )
    return rdoc


def revoked_line(rdoc: dict[str, Any]) -> str:
    """The verifier's line that says the result was revoked, by whom, when and why."""
    who = "a court ruling" if rdoc["authority"] == "court" else "the street office"
    reference = rdoc.get("reference")
    ref = f" ({show(reference)})" if isinstance(reference, str) and reference else ""
    return (
        f"REVOKED by {who}{ref} on {rdoc['decided_on']}: {show(rdoc['reason'], 300)}; "
        "the result's signatures and count still verify, but it is no longer in force"
    )
