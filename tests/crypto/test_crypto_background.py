"""Checking the audit log in a child process gives the same report as checking it in line."""

import os
import time
from pathlib import Path

import pytest

from voting.crypto import verify as verify_module
from voting.crypto.background import Background, can_fork
from voting.crypto.verify import main

needs_fork = pytest.mark.skipif(not can_fork(), reason="checks run in line without fork")


def pid_and_sum(numbers):
    return os.getpid(), sum(numbers)


def fails_in_child(parent):
    if os.getpid() != parent:
        raise RuntimeError("only in the child")
    return "computed in the parent"


def slow():
    time.sleep(30)
    return "late"


@needs_fork
def test_runs_in_a_child_and_returns_the_value():
    job = Background(pid_and_sum, list(range(100_000)), parallel=True)
    pid, total = job.result()
    assert pid != os.getpid() and total == sum(range(100_000))
    assert job.result() == (pid, total)


def test_runs_in_line_when_not_parallel():
    assert Background(pid_and_sum, [1, 2], parallel=False).result() == (os.getpid(), 3)


@needs_fork
def test_a_failing_child_leaves_the_work_to_the_parent():
    job = Background(fails_in_child, os.getpid(), parallel=True)
    assert job.result() == "computed in the parent"


@needs_fork
def test_close_stops_a_running_child():
    job = Background(slow, parallel=True)
    started = time.monotonic()
    job.close()
    assert time.monotonic() - started < 10


def outcomes(published, capsys, args):
    """Run the verifier in line and with the audit check forked; return both outputs."""
    runs = []
    for threshold in (10**12, 0):
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(verify_module, "PARALLEL_BYTES", threshold)
            code = main(args)
        captured = capsys.readouterr()
        runs.append((code, captured.out, captured.err))
    return runs


@needs_fork
def test_same_report_for_sound_files(published, capsys):
    in_line, forked = outcomes(published, capsys, published.files())
    assert in_line == forked and in_line[0] == 0


@needs_fork
def test_same_report_for_an_edited_event(published, capsys):
    published.audit["events"][2]["type"] = "roster.import"
    in_line, forked = outcomes(published, capsys, published.files())
    assert in_line == forked and in_line[0] == 1
    assert in_line[1].splitlines()[-1].startswith("MISMATCH: audit log: event 3 has hash ")


@needs_fork
def test_board_mismatch_comes_before_the_audit_mismatch(published, capsys):
    published.audit["events"][2]["type"] = "roster.import"
    published.board["entries"].pop()
    in_line, forked = outcomes(published, capsys, published.files())
    assert in_line == forked and "MISMATCH: board has 8 entries" in in_line[1]


@needs_fork
@pytest.mark.parametrize(
    "content, code, text",
    [
        ("{", 2, "voting verify: the audit file"),
        ('{"format": "gongyi-audit/1", "events": [1.5]}', 1, "MISMATCH: the audit file"),
        (
            '{"format": "gongyi-audit/2", "events": []}',
            1,
            'MISMATCH: audit.format is "gongyi-audit/2"',
        ),
    ],
)
def test_same_report_for_a_bad_audit_file(published, capsys, content, code, text):
    args = published.files()
    Path(args[-1]).write_text(content)
    in_line, forked = outcomes(published, capsys, args)
    assert in_line == forked and in_line[0] == code
    assert text in in_line[1] + in_line[2]


@needs_fork
def test_unreadable_audit_wins_over_an_earlier_mismatch(published, capsys):
    published.result["signatures"] = []
    args = published.files()
    Path(args[-1]).write_text("not json")
    in_line, forked = outcomes(published, capsys, args)
    assert in_line == forked and in_line[0] == 2 and in_line[1] == ""
