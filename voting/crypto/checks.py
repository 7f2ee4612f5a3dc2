"""The checks of the verifier, one function per input file (FORMATS sections 3 to 6)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from voting.crypto.audit import verify_chain
from voting.crypto.board_shape import board_root_of, check_entries, check_format
from voting.crypto.canonical import canonical
from voting.crypto.keys import key_id, load_public_key, public_key_b64, verify_signature
from voting.crypto.shape import (
    Mismatch,
    first_difference,
    hex64,
    kind_name,
    matter_line,
    member,
    same_meeting,
    show,
)
from voting.crypto.statement import SCHEME, check_signed, statement
from voting.rules.document import BoardError, matters_from_board

RESULT_FORMAT, BOARD_FORMAT, AUDIT_FORMAT = "gongyi-result/1", "gongyi-board/1", "gongyi-audit/1"
#: A secret ballot's result (FORMATS §4.3), checked by voting.crypto.checks2.
SECRET_RESULT_FORMAT = "gongyi-result/2"
ROLES = ("committee", "office")

Encode = Callable[[Any], bytes]


def _check_signature(sig: Any, where: str, doc: dict[str, Any]) -> str:
    """Check one SIG against the document; return its key id."""
    role = member(sig, "role", str, where)
    if role not in ROLES:
        raise Mismatch(f"{where}.role is {show(role)}, expected committee or office")
    actual_id = check_signed(sig, where, doc, role, "document")
    if "scheme" in sig:
        _check_statement(sig, where, doc, actual_id)
    return actual_id


def _check_statement(sig: dict[str, Any], where: str, doc: dict[str, Any], signer: str) -> None:
    """Check a gongyi-sig/2 SIG's statement: its role, key, time and what it countersigns."""
    scheme = member(sig, "scheme", str, where)
    if scheme != SCHEME:
        raise Mismatch(f"{where}.scheme is {show(scheme)}, expected {show(SCHEME)}")
    member(sig, "statement_signature", str, where)
    countersigns = sig.get("countersigns")
    if sig["role"] == "office":
        member(sig, "countersigns", dict, where)
        for name in ("key_id", "signed_at"):
            member(countersigns, name, str, f"{where}.countersigns")
    elif countersigns is not None:
        raise Mismatch(f"{where} is a committee signature with a countersigns member")
    covered = statement(doc, sig["role"], signer, sig["signed_at"], countersigns)
    if not verify_signature(sig["public_key"], sig["statement_signature"], covered):
        raise Mismatch(
            f"{where} ({sig['role']} key {signer}) does not sign this role and time: "
            f"its role, signed_at or countersigns member was changed"
        )


def _check_signers(lines: list[str], result: dict[str, Any], doc: dict[str, Any]) -> None:
    """Check the signatures together: scheme, roles, keys, and the countersignature."""
    signatures = result["signatures"]
    required = doc.get("signature_scheme")
    if required is not None and required != SCHEME:
        raise Mismatch(f"document.signature_scheme is {show(required)}, expected {show(SCHEME)}")
    seen: dict[str, int] = {}
    for index, sig in enumerate(signatures):
        where = f"signatures[{index}]"
        if sig["key_id"] in seen:
            other = signatures[seen[sig["key_id"]]]
            raise Mismatch(
                f"{where} ({sig['role']}) and signatures[{seen[sig['key_id']]}] "
                f"({other['role']}) are by the same key {sig['key_id']}: "
                "a signature was copied or mislabelled"
            )
        seen[sig["key_id"]] = index
        if "scheme" not in sig:
            if required == SCHEME:
                raise Mismatch(
                    f"{where} has no {SCHEME} statement, but the document requires one: "
                    "its role and time could have been changed"
                )
            lines.append(
                f"--  {where} is of the first scheme: it signs the document only, "
                f"so its role ({sig['role']}) and time ({sig['signed_at']}) are not signed"
            )
    committee = [s for s in signatures if s["role"] == "committee"]
    if not committee:
        raise Mismatch("no signature is by the committee: the result was not published by it")
    office = [(i, s) for i, s in enumerate(signatures) if s["role"] == "office"]
    for index, sig in office:
        if "scheme" not in sig:
            continue
        target = sig["countersigns"]
        if not any(
            c["key_id"] == target["key_id"] and c["signed_at"] == target["signed_at"]
            for c in committee
        ):
            raise Mismatch(
                f"signatures[{index}] countersigns the committee signature by key "
                f"{target['key_id']} at {target['signed_at']}, which is not in the result"
            )
        if sig["signed_at"] < target["signed_at"]:
            raise Mismatch(
                f"signatures[{index}] is signed at {sig['signed_at']}, before the committee "
                f"signature it countersigns ({target['signed_at']})"
            )
    claimed = result.get("countersigned")
    if claimed is not None and not isinstance(claimed, bool):
        raise Mismatch(f"result.countersigned is {kind_name(claimed)}, expected true or false")
    if claimed and not office:
        raise Mismatch("result.countersigned is true, but no signature is by the office")
    if claimed is False and office:
        raise Mismatch(
            f"result.countersigned is false, but signatures[{office[0][0]}] is by the office"
        )
    if office:
        names = ", ".join(f"{s['key_id']} at {s['signed_at']}" for _, s in office)
        lines.append(f"ok  countersigned by the office: key {names}")
    else:
        lines.append("--  not countersigned by the office")


def is_secret(doc: dict[str, Any]) -> bool:
    """Tell whether a result document is a secret ballot's (gongyi-result/2)."""
    return doc.get("format") == SECRET_RESULT_FORMAT


def check_result(lines: list[str], result: Any, key: str | None) -> dict[str, Any]:
    """Check the result file's shape and signatures, and for a secret ballot its encryption
    and every decrypted total; return its document."""
    doc = member(result, "document", dict, "result")
    secret = member(doc, "format", str, "document") == SECRET_RESULT_FORMAT
    if not secret:
        check_format(doc, RESULT_FORMAT, "document")
    meeting = member(doc, "meeting", dict, "document")
    lines.append(
        f"ok  result format {doc['format']}, meeting "
        f"{show(meeting.get('id'))} {show(meeting.get('title', ''))}"
    )
    if secret:
        from voting.crypto import checks2

        checks2.check_scheme(doc)
        _check_signed_result(lines, result, doc, key)
        joint_key = checks2.check_encryption(lines, doc)
        checks2.check_totals(lines, doc, joint_key)
        return doc
    _check_signed_result(lines, result, doc, key)
    return doc


def _check_signed_result(
    lines: list[str], result: dict[str, Any], doc: dict[str, Any], key: str | None
) -> None:
    """Check the result's signatures, and that one is by ``key`` if given."""
    try:
        canonical(doc)
    except (TypeError, ValueError, RecursionError) as exc:
        raise Mismatch(f"document cannot be put in canonical form: {exc}") from None
    signatures = member(result, "signatures", list, "result")
    if not signatures:
        raise Mismatch("result.signatures is empty: the result is not signed")
    signers: dict[str, str] = {}
    for index, sig in enumerate(signatures):
        kid = _check_signature(sig, f"signatures[{index}]", doc)
        signers[public_key_b64(load_public_key(sig["public_key"]))] = f"{sig['role']} {kid}"
        lines.append(f"ok  signature {sig['role']} key {kid}")
        if "scheme" in sig:
            lines.append(f"ok  signatures[{index}] signs its role {sig['role']} and time "
                         f"{sig['signed_at']} ({SCHEME})")  # fmt: skip
    _check_signers(lines, result, doc)
    if key is None:
        lines.append(
            "--  no --key given: the signatures show the document is intact; "
            "compare the key ids with the published keys to know who signed"
        )
        return
    try:
        wanted = public_key_b64(load_public_key(key))
    except ValueError as exc:
        raise Mismatch(f"the key given with --key is not an Ed25519 public key: {exc}") from None
    if wanted not in signers:
        raise Mismatch(
            f"no signature is by the key given with --key ({key_id(wanted)}); "
            f"the signers are {', '.join(signers.values())}"
        )
    lines.append(f"ok  signed by the key given with --key: {signers[wanted]}")


def _check_tally(lines: list[str], doc: dict[str, Any], entries: list[Any]) -> None:
    """Re-tally the board and compare every matter, figure and outcome with the document."""
    stated = member(doc, "matters", list, "document")
    procedure = member(doc, "procedure", dict, "document")
    roster = member(doc, "roster", dict, "document")
    try:
        computed = matters_from_board(procedure, roster, stated, entries)
    except BoardError as exc:
        raise Mismatch(f"board: {exc}") from None
    except Exception as exc:  # hostile documents must end in a MISMATCH, not a traceback
        raise Mismatch(
            f"the tally cannot be recomputed from this document and board: "
            f"{type(exc).__name__}: {exc}"
        ) from None
    difference = first_difference(stated, computed, "matters")
    if difference:
        raise Mismatch(difference)
    lines.extend(matter_line(matter, "the board") for matter in computed)


def check_board(lines: list[str], doc: dict[str, Any], board: Any, encode: Encode) -> None:
    """Check the board against the document and re-tally it."""
    if is_secret(doc):
        from voting.crypto.checks2 import check_board2

        check_board2(lines, doc, board, encode)
        return
    check_format(board, BOARD_FORMAT, "board")
    meeting_id = member(member(doc, "meeting", dict, "document"), "id", str, "document.meeting")
    same_meeting(board, meeting_id)
    entries = member(board, "entries", list, "board")
    stated = member(doc, "board", dict, "document")
    count = member(stated, "entries", int, "document.board")
    root = hex64(stated, "merkle_root", "document.board")
    check_entries(entries)
    if len(entries) != count:
        raise Mismatch(f"board has {len(entries)} entries, but document.board.entries says {count}")
    computed = board_root_of(entries, encode)
    if computed != root:
        raise Mismatch(f"board Merkle root is {computed}, but document.board.merkle_root is {root}")
    lines.append(
        f"ok  board: {count} entries sorted by receipt, Merkle root {root} as the result says"
    )
    _check_tally(lines, doc, entries)


def check_audit(lines: list[str], doc: dict[str, Any], audit: Any, encode: Encode) -> None:
    """Check the audit chain up to the event the document names."""
    check_format(audit, AUDIT_FORMAT, "audit")
    events = member(audit, "events", list, "audit")
    stated = member(doc, "audit", dict, "document")
    seq = member(stated, "seq", int, "document.audit")
    head = hex64(stated, "head", "document.audit")
    problems = verify_chain(events, head, seq, encode)
    if problems:
        raise Mismatch(f"audit log: {problems[0]}"[:400])
    later = f" ({len(events) - seq} later events not needed)" if len(events) > seq else ""
    lines.append(
        f"ok  audit log: events 1 to {seq} chain correctly and event {seq} "
        f"has hash {head} as the result says{later}"
    )
