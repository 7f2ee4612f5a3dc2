"""The offline verifier of published results (FORMATS section 6): ``voting verify``.

It needs only ``voting.rules`` and ``voting.crypto``: no database, no network, no web app.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from voting.crypto.background import Background
from voting.crypto.canonical import canonical, canonical_parsed
from voting.crypto.checks import check_audit, check_board, check_result
from voting.crypto.inputs import (
    Unreadable,
    collector_paused,
    load_document,
    print_safely,
    read_key,
)
from voting.crypto.revocation import check_revocation, revocation_file_name, revoked_line
from voting.crypto.shape import Mismatch

#: Audit logs at least this large are checked in a child process, beside the board.
PARALLEL_BYTES = 4_000_000
#: Meeting ids that may name a file beside the result (no path separators, no dots).
_SAFE_ID = re.compile(r"[0-9A-Za-z_-]{1,64}")

Step = Callable[[list[str], dict[str, Any]], None]


@dataclass
class Report:
    """What the verifier checked, line by line, and the first mismatch if there was one."""

    lines: list[str] = field(default_factory=list)
    mismatch: str | None = None
    #: Set when a valid revocation of the result was given or found beside it.
    revoked: str | None = None

    @property
    def verified(self) -> bool:
        """Tell whether every check passed."""
        return self.mismatch is None

    def text(self) -> str:
        """Return the report as ``voting verify`` prints it."""
        if self.mismatch is not None:
            return "\n".join([*self.lines, f"MISMATCH: {self.mismatch}"])
        return "\n".join([*self.lines, *([self.revoked] if self.revoked else []), "VERIFIED"])


#: A revocation to check: its parsed file, or None when there is none.
Revocation = Any


def _run(
    result: Any,
    board: Step | None,
    audit: Step | None,
    key: str | None,
    revocation: Revocation = None,
    source: str | None = None,
) -> Report:
    """Check the result, its revocation, the board, then the audit log; stop at the first
    mismatch. ``source`` says where the revocation came from, or that there was none."""
    report = Report()
    try:
        doc = check_result(report.lines, result, key)
        if source is not None:
            report.lines.append(source)
        if revocation is not None:
            rdoc = check_revocation(report.lines, revocation, result, doc)
            report.revoked = revoked_line(rdoc)
        if board is None:
            report.lines.append("--  no --board given: the count was not re-checked")
        else:
            board(report.lines, doc)
        if audit is None:
            report.lines.append("--  no --audit given: the audit log was not checked")
        else:
            audit(report.lines, doc)
    except Mismatch as exc:
        report.mismatch = str(exc)
    return report


def verify(
    result: Any,
    board: Any = None,
    audit: Any = None,
    key: str | None = None,
    revocation: Any = None,
) -> Report:
    """Verify a result document, optionally with its board, audit log, a signer key and a
    revocation of it (FORMATS.md §4.2)."""

    def board_step(lines: list[str], doc: dict[str, Any]) -> None:
        check_board(lines, doc, board, canonical)

    def audit_step(lines: list[str], doc: dict[str, Any]) -> None:
        check_audit(lines, doc, audit, canonical)

    return _run(
        result,
        None if board is None else board_step,
        None if audit is None else audit_step,
        key,
        revocation,
    )


def _audit_outcome(path: str, doc: Any) -> tuple[str, Any]:
    """Load and check an audit file: ("ok", lines), ("mismatch", text) or ("unreadable", text)."""
    lines: list[str] = []
    try:
        check_audit(lines, doc, load_document(path, "audit"), canonical_parsed)
    except Unreadable as exc:
        return "unreadable", str(exc)
    except Mismatch as exc:
        return "mismatch", str(exc)
    return "ok", lines


def _board_step(path: str) -> Step:
    """Load a board file now (Unreadable escapes); check it when the step runs."""
    try:
        board = load_document(path, "board")
    except Mismatch as exc:
        failure = str(exc)

        def refuse(lines: list[str], doc: dict[str, Any]) -> None:
            raise Mismatch(failure)

        return refuse

    def step(lines: list[str], doc: dict[str, Any]) -> None:
        check_board(lines, doc, board, canonical_parsed)

    return step


def _audit_job(path: str, result: Any) -> Background[tuple[str, Any]]:
    """Start checking the audit file, in a child process when the file is large."""
    doc = result.get("document") if isinstance(result, dict) else None
    try:
        large = os.path.getsize(path) >= PARALLEL_BYTES
    except OSError:
        large = False
    return Background(_audit_outcome, path, doc, parallel=large)


def _audit_step(job: Background[tuple[str, Any]]) -> Step:
    """Report the outcome of the audit check when the checks reach it."""

    def step(lines: list[str], doc: dict[str, Any]) -> None:
        status, outcome = job.result()
        if status == "mismatch":
            raise Mismatch(outcome)
        if status == "ok":
            lines.extend(outcome)

    return step


def _revocation_path(args: argparse.Namespace, result: Any) -> Path | None:
    """The revocation file given with --revocation, or the one beside the result, if any."""
    if args.revocation is not None:
        return Path(args.revocation)
    doc = result.get("document") if isinstance(result, dict) else None
    meeting = doc.get("meeting") if isinstance(doc, dict) else None
    meeting_id = meeting.get("id") if isinstance(meeting, dict) else None
    if not isinstance(meeting_id, str) or not _SAFE_ID.fullmatch(meeting_id):
        return None
    beside = Path(args.result).parent / revocation_file_name(meeting_id)
    return beside if beside.is_file() else None


def _load_revocation(args: argparse.Namespace, result: Any) -> tuple[Revocation, str | None]:
    """The revocation to check and a line saying where it came from (or that none was)."""
    path = _revocation_path(args, result)
    if path is None:
        return (
            None,
            "--  no revocation given or found beside the result: not revoked as far as "
            "these files show (the public page says whether it is)",
        )
    found = "" if args.revocation is not None else " (found beside the result)"
    return load_document(str(path), "revocation"), f"--  revocation {path}{found}"


def _verify_files(args: argparse.Namespace) -> Report:
    """Load the files and run the checks; raise Unreadable for input that cannot be read."""
    key = None if args.key is None else read_key(args.key)
    try:
        result, failure = load_document(args.result, "result"), None
    except Mismatch as exc:
        result, failure = None, str(exc)
    job = None if args.audit is None else _audit_job(args.audit, result)
    try:
        board = None if args.board is None else _board_step(args.board)
        audit = None if job is None else _audit_step(job)
        if failure:
            report = Report(mismatch=failure)
        else:
            try:
                revocation, note = _load_revocation(args, result)
            except Mismatch as exc:
                return Report(mismatch=str(exc))
            report = _run(result, board, audit, key, revocation, note)
        if job is not None and job.result()[0] == "unreadable":
            raise Unreadable(job.result()[1])
        return report
    finally:
        if job is not None:
            job.close()


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
        "--revocation",
        metavar="REVOCATION.json",
        help="a revocation of the result (default: revocation-<meeting id>.json beside it)",
    )
    parser.add_argument(
        "--key", metavar="PUBKEY", help="a signer's public key in base64, or a file holding one"
    )
    args = parser.parse_args(argv)
    try:
        with collector_paused():
            report = _verify_files(args)
    except Unreadable as exc:
        print_safely(f"voting verify: {exc}", sys.stderr)
        return 2
    print_safely(report.text(), sys.stdout)
    return 0 if report.verified else 1
