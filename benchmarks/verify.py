"""Time ``voting verify`` on a 100,000-entry board and a 100,000-event audit log.

Run: python benchmarks/verify.py [--entries N] [--events N] [--seed S]
Generates the board (5 matters), the audit chain and a signed result in a temporary
directory, then prints the time of the whole verification and of its parts.
The target is under 3 s in total for 100,000 entries and 100,000 events.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import io
import json
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from synthetic import answers_to, board_entry  # noqa: E402

from tests.crypto.reference import result_document  # noqa: E402
from voting.crypto import (  # noqa: E402
    GENESIS,
    canonical,
    event_hash,
    generate_private_key,
    key_id,
    leaf_hashes,
    merkle_root,
    public_key_b64,
    sign_document,
    verify_chain,
)
from voting.crypto.canonical import canonical_parsed, parse_json  # noqa: E402
from voting.crypto.verify import main  # noqa: E402
from voting.rules.document import matters_from_board  # noqa: E402

CANDIDATES = [f"cand-{i:02d}" for i in range(1, 13)]
MATTERS = [
    ("m1", "ordinary", "motion", ["agree", "disagree"], 1, 0, 0),
    ("m2", "special", "motion", ["agree", "disagree"], 1, 0, 0),
    ("m3", "ordinary", "selection", ["bidder-1", "bidder-2", "bidder-3"], 1, 0, 0),
    ("m4", "ordinary", "election", CANDIDATES, 7, 3, 5),
    ("m5", "ordinary", "motion", ["agree", "disagree"], 1, 0, 0),
]


def matter_definitions() -> list[dict]:
    """The five matters as planned."""
    return [
        {
            "id": mid,
            "title": f"表决事项 {mid}",
            "category": category,
            "kind": kind,
            "seats": seats,
            "alternates": alternates,
            "minimum": minimum,
            "options": [{"id": option, "label": option.upper()} for option in options],
        }
        for mid, category, kind, options, seats, alternates, minimum in MATTERS
    ]


def make_board(n: int, rng: random.Random) -> list[dict]:
    """n entries sorted by receipt, each answering most of the five matters."""
    entries = []
    for _ in range(n):
        answers = answers_to(rng, MATTERS, 0.97)
        entries.append(
            board_entry(
                f"{rng.getrandbits(128):032x}",
                rng.choice(("online", "online", "online", "paper", "proxy")),
                f"{rng.randint(3_000, 16_000) // 100}.{rng.randint(0, 99):02d}",
                answers,
            )
        )
    entries.sort(key=lambda entry: entry["receipt"])
    return entries


def make_audit(n: int, rng: random.Random) -> list[dict]:
    """An audit chain of n events."""
    events, prev = [], GENESIS
    for seq in range(1, n + 1):
        event = {
            "seq": seq,
            "at": f"2024-06-{1 + seq % 28:02d}T{seq % 24:02d}:00:00Z",
            "type": "ballot.cast",
            "actor": "resident",
            "data": {
                "meeting": "mtg-1",
                "receipt": f"{rng.getrandbits(128):032x}",
                "channel": "online",
            },
            "prev": prev,
        }
        event["hash"] = prev = event_hash(event)
        events.append(event)
    return events


def write_files(directory: Path, entries: int, events: int, seed: int) -> tuple[list[str], str]:
    """Write result, board and audit files; return verifier arguments and the key."""
    rng = random.Random(seed)
    board = make_board(entries, rng)
    audit = make_audit(events, rng)
    total_area = sum(int(e["area"].replace(".", "")) for e in board) * 5 // 4
    roster = {
        "units": entries * 5 // 4,
        "owners": entries * 5 // 4,
        "area": f"{total_area // 100}.{total_area % 100:02d}",
        "snapshot_hash": "ab" * 32,
    }
    doc = result_document(
        ("基准小区", "基准街道", "基准会议"),
        roster,
        matter_definitions(),
        board,
        audit,
        closed_at="2024-06-03T00:00:00Z",
        issued_at="2024-06-04T00:00:00Z",
    )
    key = generate_private_key()
    public = public_key_b64(key)
    result = {
        "document": doc,
        "signatures": [
            {
                "role": "committee",
                "key_id": key_id(public),
                "public_key": public,
                "signature": sign_document(key, doc),
                "signed_at": "2024-06-04T00:00:00Z",
            }
        ],
    }
    paths = {}
    for name, value in (
        ("result", result),
        ("board", {"format": "gongyi-board/1", "meeting_id": "mtg-1", "entries": board}),
        ("audit", {"format": "gongyi-audit/1", "events": audit}),
    ):
        paths[name] = directory / f"{name}.json"
        paths[name].write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
    args = [str(paths["result"]), "--board", str(paths["board"]), "--audit", str(paths["audit"])]
    return args, public


def timed(label: str, action):
    """Run action once, print its time, return its value."""
    start = time.perf_counter()
    value = action()
    print(f"  {label:<44} {time.perf_counter() - start:7.3f} s")
    return value


def parts(args: list[str]) -> None:
    """Time the parts of the verification separately (the collector paused as in main)."""
    gc.disable()
    try:
        board = timed("parse board JSON", lambda: parse_json(Path(args[2]).read_text("utf-8")))
        audit = timed("parse audit JSON", lambda: parse_json(Path(args[4]).read_text("utf-8")))
        entries, events = board["entries"], audit["events"]
        timed("canonicalise board entries", lambda: [canonical_parsed(e) for e in entries])
        hashes = timed(
            "leaf hashes (canonical + SHA-256)", lambda: leaf_hashes(entries, canonical_parsed)
        )
        timed("Merkle root from leaf hashes", lambda: merkle_root(hashes))
        timed("canonicalise audit events", lambda: [canonical_parsed(e) for e in events])
        timed("audit chain check", lambda: verify_chain(events, encode=canonical_parsed))
        result = parse_json(Path(args[0]).read_text("utf-8"))["document"]
        timed(
            "re-tally (voting.rules)",
            lambda: matters_from_board(
                result["procedure"], result["roster"], result["matters"], entries
            ),
        )
        timed("canonical with type check, board entries", lambda: [canonical(e) for e in entries])
    finally:
        gc.enable()


def main_benchmark() -> None:
    """Parse arguments, build the files, time the verifier."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2024)
    options = parser.parse_args()
    if options.events < 1:
        parser.error("--events must be at least 1: the result names its last audit event")
    with tempfile.TemporaryDirectory(prefix="gongyi-verify-") as directory:
        start = time.perf_counter()
        args, public = write_files(Path(directory), options.entries, options.events, options.seed)
        sizes = ", ".join(
            f"{Path(a).name} {Path(a).stat().st_size / 1e6:.1f} MB"
            for a in args
            if a.endswith(".json")
        )
        print(
            f"generated {options.entries:,} entries and {options.events:,} events in "
            f"{time.perf_counter() - start:.1f} s ({sizes})"
        )
        print("parts:")
        parts(args)
        output = io.StringIO()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu, start = time.process_time(), time.perf_counter()
        with contextlib.redirect_stdout(output):
            code = main([*args, "--key", public])
        total, cpu = time.perf_counter() - start, time.process_time() - cpu
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        child = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
        print(
            f"full verify (voting verify ... --key): {total:.3f} s wall, exit {code}, "
            f"last line {output.getvalue().splitlines()[-1]!r}"
        )
        print(f"  CPU: {cpu:.3f} s in the main process, {child:.3f} s in the audit child")
        print(f"  load average while running: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
        print(f"target < 3 s: {'met' if total < 3 and code == 0 else 'NOT met'}")


if __name__ == "__main__":
    main_benchmark()
