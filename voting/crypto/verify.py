"""The offline verifier of published results (FORMATS section 6): ``voting verify``.

It needs only ``voting.rules`` and ``voting.crypto``: no database, no network, no web app.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from voting.crypto.audit import verify_chain
from voting.crypto.canonical import canonical, canonical_parsed
from voting.crypto.inputs import (
    Unreadable,
    collector_paused,
    load_document,
    print_safely,
    read_key,
)
from voting.crypto.keys import key_id, load_public_key, public_key_b64, verify_signature
from voting.crypto.merkle import leaf_hashes, merkle_root
from voting.crypto.shape import Mismatch, first_difference, hex64, kind_name, member, show
from voting.rules.document import BoardError, matters_from_board

RESULT_FORMAT, BOARD_FORMAT, AUDIT_FORMAT = "gongyi-result/1", "gongyi-board/1", "gongyi-audit/1"
ROLES = ("committee", "office")
_RECEIPT = re.compile(r"[0-9a-f]{32}")

Encode = Callable[[Any], bytes]


@dataclass
class Report:
    """What the verifier checked, line by line, and the first mismatch if there was one."""

    lines: list[str] = field(default_factory=list)
    mismatch: str | None = None

    @property
    def verified(self) -> bool:
        """Tell whether every check passed."""
        return self.mismatch is None

    def text(self) -> str:
        """Return the report as ``voting verify`` prints it."""
        last = "VERIFIED" if self.mismatch is None else f"MISMATCH: {self.mismatch}"
        return "\n".join([*self.lines, last])


def _format(obj: Any, expected: str, where: str) -> None:
    """Check the format member of a document."""
    if member(obj, "format", str, where) != expected:
        raise Mismatch(f"{where}.format is {show(obj['format'])}, expected {show(expected)}")


def _check_signature(sig: Any, where: str, doc: dict[str, Any]) -> str:
    """Check one SIG against the document; return its key id."""
    role = member(sig, "role", str, where)
    if role not in ROLES:
        raise Mismatch(f"{where}.role is {show(role)}, expected committee or office")
    stated_id = member(sig, "key_id", str, where)
    public = member(sig, "public_key", str, where)
    member(sig, "signature", str, where)
    member(sig, "signed_at", str, where)
    try:
        actual_id = key_id(public)
    except ValueError as exc:
        raise Mismatch(f"{where}.public_key is not an Ed25519 public key: {exc}") from None
    if stated_id != actual_id:
        raise Mismatch(
            f"{where}.key_id is {show(stated_id)}, but its public key has id {actual_id}"
        )
    if not verify_signature(public, sig["signature"], doc):
        raise Mismatch(f"{where} ({role} key {actual_id}) does not sign this document")
    return actual_id


def _check_result(report: Report, result: Any, key: str | None) -> dict[str, Any]:
    """Check the result file's shape and signatures; return its document."""
    doc = member(result, "document", dict, "result")
    _format(doc, RESULT_FORMAT, "document")
    meeting = member(doc, "meeting", dict, "document")
    report.lines.append(
        f"ok  result format {RESULT_FORMAT}, meeting "
        f"{show(meeting.get('id'))} {show(meeting.get('title', ''))}"
    )
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
        report.lines.append(f"ok  signature {sig['role']} key {kid}")
    if key is None:
        report.lines.append(
            "--  no --key given: the signatures show the document is intact; "
            "compare the key ids with the published keys to know who signed"
        )
        return doc
    try:
        wanted = public_key_b64(load_public_key(key))
    except ValueError as exc:
        raise Mismatch(f"the key given with --key is not an Ed25519 public key: {exc}") from None
    if wanted not in signers:
        raise Mismatch(
            f"no signature is by the key given with --key ({key_id(wanted)}); "
            f"the signers are {', '.join(signers.values())}"
        )
    report.lines.append(f"ok  signed by the key given with --key: {signers[wanted]}")
    return doc


def _check_entries(entries: list[Any]) -> None:
    """Check that entries are objects with receipts in strictly increasing order."""
    for index, entry in enumerate(entries):
        if type(entry) is not dict:
            raise Mismatch(f"board entries[{index}] is {kind_name(entry)}, expected an object")
    receipts = [entry.get("receipt") for entry in entries]
    for index, receipt in enumerate(receipts):
        if type(receipt) is not str or not _RECEIPT.fullmatch(receipt):
            raise Mismatch(
                f"board entries[{index}].receipt is {show(receipt)}, "
                "expected 32 lowercase hex characters"
            )
    for index in range(1, len(receipts)):
        if receipts[index - 1] >= receipts[index]:
            same = receipts[index - 1] == receipts[index]
            raise Mismatch(
                f"board entries[{index}].receipt {receipts[index]} "
                + (
                    "repeats the one before it"
                    if same
                    else f"comes before {receipts[index - 1]} of entries[{index - 1}]"
                )
                + ": entries must be sorted by receipt, each once"
            )


def _board_root(entries: list[Any], encode: Encode) -> str:
    """Return the board's Merkle root in hex, naming an entry that cannot be hashed."""
    try:
        return merkle_root(leaf_hashes(entries, encode)).hex()
    except (TypeError, ValueError, RecursionError):
        for index, entry in enumerate(entries):
            try:
                encode(entry)
            except (TypeError, ValueError, RecursionError) as exc:
                raise Mismatch(
                    f"board entries[{index}] cannot be put in canonical form: {exc}"
                ) from None
        raise


def _check_tally(report: Report, doc: dict[str, Any], entries: list[Any]) -> None:
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
    for matter in computed:
        outcome = matter["outcome"]
        chosen = f", winners {show(outcome['winners'])}" if outcome["winners"] else ""
        if outcome["alternates"]:
            chosen += f", alternates {show(outcome['alternates'])}"
        report.lines.append(
            f"ok  matter {show(matter['id'])} {show(matter['title'])}: {outcome['status']}"
            f"{chosen}; every figure matches the board"
        )


def _check_board(report: Report, doc: dict[str, Any], board: Any, encode: Encode) -> None:
    """Check the board against the document and re-tally it."""
    _format(board, BOARD_FORMAT, "board")
    meeting_id = member(member(doc, "meeting", dict, "document"), "id", str, "document.meeting")
    if member(board, "meeting_id", str, "board") != meeting_id:
        raise Mismatch(
            f"board.meeting_id is {show(board['meeting_id'])}, "
            f"but the result is for meeting {show(meeting_id)}"
        )
    entries = member(board, "entries", list, "board")
    stated = member(doc, "board", dict, "document")
    count = member(stated, "entries", int, "document.board")
    root = hex64(stated, "merkle_root", "document.board")
    _check_entries(entries)
    if len(entries) != count:
        raise Mismatch(f"board has {len(entries)} entries, but document.board.entries says {count}")
    computed = _board_root(entries, encode)
    if computed != root:
        raise Mismatch(f"board Merkle root is {computed}, but document.board.merkle_root is {root}")
    report.lines.append(
        f"ok  board: {count} entries sorted by receipt, Merkle root {root} as the result says"
    )
    _check_tally(report, doc, entries)


def _check_audit(report: Report, doc: dict[str, Any], audit: Any, encode: Encode) -> None:
    """Check the audit chain up to the event the document names."""
    _format(audit, AUDIT_FORMAT, "audit")
    events = member(audit, "events", list, "audit")
    stated = member(doc, "audit", dict, "document")
    seq = member(stated, "seq", int, "document.audit")
    head = hex64(stated, "head", "document.audit")
    problems = verify_chain(events, head, seq, encode)
    if problems:
        raise Mismatch(f"audit log: {problems[0]}"[:400])
    later = f" ({len(events) - seq} later events not needed)" if len(events) > seq else ""
    report.lines.append(
        f"ok  audit log: events 1 to {seq} chain correctly and event {seq} "
        f"has hash {head} as the result says{later}"
    )


def _verify(result: Any, board: Any, audit: Any, key: str | None, encode: Encode) -> Report:
    """Run the checks in order and stop at the first mismatch."""
    report = Report()
    try:
        doc = _check_result(report, result, key)
        if board is None:
            report.lines.append("--  no --board given: the count was not re-checked")
        else:
            _check_board(report, doc, board, encode)
        if audit is None:
            report.lines.append("--  no --audit given: the audit log was not checked")
        else:
            _check_audit(report, doc, audit, encode)
    except Mismatch as exc:
        report.mismatch = str(exc)
    return report


def verify(result: Any, board: Any = None, audit: Any = None, key: str | None = None) -> Report:
    """Verify a result document, optionally with its board, audit log and a signer key."""
    return _verify(result, board, audit, key, canonical)


def main(argv: list[str] | None = None) -> int:
    """Run ``voting verify``; return 0 when verified, 1 on a mismatch, 2 for bad input."""
    parser = argparse.ArgumentParser(
        prog="voting verify",
        description="Check a published result: signatures, board, count and audit chain.",
    )
    parser.add_argument("result", metavar="RESULT.json", help="the signed result document")
    parser.add_argument("--board", metavar="BOARD.json", help="the bulletin board, to re-count")
    parser.add_argument("--audit", metavar="AUDIT.json", help="the audit log, to check its chain")
    parser.add_argument(
        "--key", metavar="PUBKEY", help="a signer's public key in base64, or a file holding one"
    )
    args = parser.parse_args(argv)
    with collector_paused():
        try:
            key = None if args.key is None else read_key(args.key)
            result = load_document(args.result, "result")
            board = None if args.board is None else load_document(args.board, "board")
            audit = None if args.audit is None else load_document(args.audit, "audit")
        except Unreadable as exc:
            print_safely(f"voting verify: {exc}", sys.stderr)
            return 2
        except Mismatch as exc:
            report = Report(mismatch=str(exc))
        else:
            report = _verify(result, board, audit, key, canonical_parsed)
    print_safely(report.text(), sys.stdout)
    return 0 if report.verified else 1
