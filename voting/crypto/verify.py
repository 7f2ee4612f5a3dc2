"""The offline verifier of published results (FORMATS section 6): ``voting verify``.

It needs only ``voting.rules`` and ``voting.crypto``: no database, no network, no web app.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
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
from voting.crypto.shape import Mismatch

#: Audit logs at least this large are checked in a child process, beside the board.
PARALLEL_BYTES = 4_000_000

Step = Callable[[list[str], dict[str, Any]], None]


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


def _run(result: Any, board: Step | None, audit: Step | None, key: str | None) -> Report:
    """Check the result, then the board, then the audit log; stop at the first mismatch."""
    report = Report()
    try:
        doc = check_result(report.lines, result, key)
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


def verify(result: Any, board: Any = None, audit: Any = None, key: str | None = None) -> Report:
    """Verify a result document, optionally with its board, audit log and a signer key."""

    def board_step(lines: list[str], doc: dict[str, Any]) -> None:
        check_board(lines, doc, board, canonical)

    def audit_step(lines: list[str], doc: dict[str, Any]) -> None:
        check_audit(lines, doc, audit, canonical)

    return _run(
        result, None if board is None else board_step, None if audit is None else audit_step, key
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
        report = Report(mismatch=failure) if failure else _run(result, board, audit, key)
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
