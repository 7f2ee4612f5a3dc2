"""Time the secret-ballot cryptography: casting, checking a ballot, and counting a board.

Run: python benchmarks/secret.py [--ballots N] [--sample N] [--seed S] [--workers N]
                                 [--only-documents] [--keep DIR]

A meeting of 5 matters with 20 options in all (two motions, a selection of three firms, an
election of 7 among 11 candidates, a third motion) under a 3-of-5 trustee key. It prints:

- encrypt and prove one ballot (every option's 0-or-1 proof and each matter's sum proof),
  the mean over ``--sample`` ballots;
- verify one ballot, the mean over the same ballots, and what that makes for the board;
- for a board of ``--ballots`` (10,000): parse every ciphertext from hex, add the headcount
  and the area totals of every option under encryption, three trustees' partial
  decryptions with proofs, and checking and combining them into the 40 totals by a bounded
  discrete log. The board repeats the sample's ballots (with fresh areas): adding and
  decrypting cost the same whatever the ciphertexts, and it spares minutes of encryption.

Single process, one core. Each figure is wall-clock time and processor time: on a machine
others share, the processor time is the one to compare.

Then the documents, for real: a ``gongyi-board/2`` of ``--ballots`` distinct encrypted
ballots of the same 5 matters (random choices, abstentions, answers left out and paper
ballots ruled invalid; encrypted in ``--workers`` processes, not timed) and its
``gongyi-result/2``, timing

- publishing: the Merkle root, both weighted aggregates of every slot, three trustees'
  decryptions with proofs, checking and combining them into the counts (bounded discrete
  log), the matters from the counts, and the committee's and office's gongyi-sig/2
  signatures; the counts are checked against a count of the plaintext choices;
- verifying: ``voting verify RESULT --board BOARD`` on the written files, the command's own
  code path (reading the files, every proof in worker processes, both aggregates, the
  partials, the figures); processor time includes its worker processes.

``--keep DIR`` writes the two documents there instead of a temporary directory, and the
encrypted ballots with the trustees' shares to DIR/ballots.json, which a later run with the
same ``--ballots`` and ``--seed`` reads instead of encrypting again.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import io
import json
import random
import resource
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: E402

from tests.crypto.reference import plain_counts  # noqa: E402
from voting.crypto.ballot2 import (  # noqa: E402
    aggregate,
    ceremony_context,
    decrypt,
    default_workers,
    encrypt_answer,
    trustee_decryption,
)
from voting.crypto.elgamal import Ciphertext, DiscreteLog, add_all, weighted_add  # noqa: E402
from voting.crypto.merkle import board_root  # noqa: E402
from voting.crypto.secret_ballot import encrypt_matter, verify_matter  # noqa: E402
from voting.crypto.secret_json import joint_key_to_json  # noqa: E402
from voting.crypto.statement import countersigned, sign  # noqa: E402
from voting.crypto.trustees import combine_partials, dealer_ceremony, partial_decrypt  # noqa: E402
from voting.crypto.verify import main as verify_main  # noqa: E402
from voting.rules.document import matters_from_totals  # noqa: E402
from voting.rules.numbers import fmt_area  # noqa: E402

# (options, lowest, highest) per matter: 2 + 2 + 3 + 11 + 2 = 20 options.
MATTERS = [(2, 0, 1), (2, 0, 1), (3, 0, 1), (11, 0, 7), (2, 0, 1)]
PRESENT = (1, 3, 5)


def random_choices(rng: random.Random) -> list[list[int]]:
    """Return one ballot's 0/1 per option of every matter, abstentions included."""
    ballot = []
    for options, _, highest in MATTERS:
        chosen = set(rng.sample(range(options), rng.randint(0, highest)))
        ballot.append([int(i in chosen) for i in range(options)])
    return ballot


def context(ballot: int, matter: int) -> bytes:
    """Return the proofs' context of a ballot's matter."""
    return f"bench meeting/matter {matter}/ballot {ballot}".encode()


@dataclass(frozen=True)
class Lap:
    """Wall-clock and processor seconds of one step (per item when divided)."""

    wall: float
    cpu: float

    @property
    def ms(self) -> str:
        """The lap in milliseconds, wall and processor."""
        return f"{self.wall * 1000:.1f} ms (processor time {self.cpu * 1000:.1f} ms)"

    @property
    def s(self) -> str:
        """The lap in seconds, wall and processor."""
        return f"{self.wall:.2f} s (processor time {self.cpu:.2f} s)"


class Clock:
    """Laps of wall-clock and processor time: on a shared machine the two differ."""

    def __init__(self) -> None:
        self._wall, self._cpu = time.perf_counter(), time.process_time()

    def lap(self, per: int = 1) -> Lap:
        """Return the time since the last lap (divided by ``per``) and start the next."""
        wall, cpu = time.perf_counter(), time.process_time()
        lap = Lap((wall - self._wall) / per, (cpu - self._cpu) / per)
        self._wall, self._cpu = wall, cpu
        return lap


def primitives(args: argparse.Namespace) -> None:
    """Time the primitives on repeated sample ballots, as before the documents existed."""
    rng = random.Random(args.seed)
    key, shares = dealer_ceremony(3, 5, b"bench meeting key")
    h = key.public_key
    choices = [random_choices(rng) for _ in range(args.sample)]

    clock = Clock()
    ballots = [
        [
            encrypt_matter(h, row, hi, context(b, m))
            for m, (row, (_, _, hi)) in enumerate(zip(ballot, MATTERS, strict=True))
        ]
        for b, ballot in enumerate(choices)
    ]
    cast = clock.lap(per=args.sample)
    print(f"encrypt + prove, per ballot (5 matters, 20 options): {cast.ms}")
    for b, ballot in enumerate(ballots):
        for m, (matter, (options, _, hi)) in enumerate(zip(ballot, MATTERS, strict=True)):
            assert verify_matter(h, matter, options, hi, context(b, m))
    check = clock.lap(per=args.sample)
    print(f"verify, per ballot: {check.ms}")
    print(
        f"  so verifying every ballot's proofs, processor time on one core:"
        f" {check.cpu * args.ballots:.0f} s for {args.ballots:,},"
        f" {check.cpu * 100_000:.0f} s for 100,000"
    )

    board = [rng.randrange(args.sample) for _ in range(args.ballots)]
    areas = [rng.randint(4000, 30000) for _ in range(args.ballots)]  # 40.00 to 300.00 m²
    columns_hex = [
        [ballots[b][m].ciphertexts[o].hex() for b in board]
        for m, (options, _, _) in enumerate(MATTERS)
        for o in range(options)
    ]
    expected = [
        [choices[b][m][o] for b in board]
        for m, (options, _, _) in enumerate(MATTERS)
        for o in range(options)
    ]
    print(f"board of {args.ballots:,} ballots, 20 options (40 totals: heads and area):")
    steps = []

    clock = Clock()
    columns = [[Ciphertext.from_hex(text) for text in column] for column in columns_hex]
    steps.append((f"parse {len(columns) * args.ballots:,} ciphertexts from hex", clock.lap()))
    totals = []
    for column in columns:
        totals += [add_all(column), weighted_add(column, areas)]
    steps.append(("add heads and areas under encryption", clock.lap()))
    partials = [
        [partial_decrypt(key, i, shares[i], total, f"total {n}".encode()) for i in PRESENT]
        for n, total in enumerate(totals)
    ]
    steps.append(("3 trustees' partial decryptions with proofs", clock.lap()))
    heads_log, area_log = DiscreteLog(args.ballots), DiscreteLog(sum(areas))
    steps.append((f"discrete-log tables (bounds {args.ballots:,} and {sum(areas):,})", clock.lap()))
    values = [
        (area_log if n % 2 else heads_log).solve(
            combine_partials(key, total, partials[n], f"total {n}".encode())
        )
        for n, total in enumerate(totals)
    ]
    steps.append(("check the partials, combine, solve the 40 totals", clock.lap()))
    for o, picks in enumerate(expected):
        assert values[2 * o] == sum(picks)
        assert values[2 * o + 1] == sum(p * a for p, a in zip(picks, areas, strict=True))
    for name, lap in steps:
        print(f"  {name}: {lap.s}")
    wall, cpu = sum(lap.wall for _, lap in steps), sum(lap.cpu for _, lap in steps)
    print(f"  in all: {wall:.2f} s (processor time {cpu:.2f} s); every total checked")


MEETING = "bench-2"
PROCEDURE = {
    "parking_policy": "include",
    "invalid_counts_as_participation": True,
    "ranking_rule": "HEAD_THEN_AREA",
    "tie_resolution": "lot",
    "notice_rule": "CLEAR_15",
}


def definitions() -> list[dict[str, Any]]:
    """The 5 matters of MATTERS as a result's MATTER definitions (20 options)."""
    kinds = ["motion", "motion", "selection", "election", "motion"]
    out = []
    for number, ((options, _, seats), kind) in enumerate(zip(MATTERS, kinds, strict=True), 1):
        ids = ["agree", "disagree"] if kind == "motion" else [str(i) for i in range(1, options + 1)]
        out.append(
            {
                "id": f"m{number}",
                "title": f"事项{number}",
                "category": "special" if number == 2 else "ordinary",
                "kind": kind,
                "seats": seats,
                "alternates": 2 if kind == "election" else 0,
                "minimum": 5 if kind == "election" else 0,
                "options": [{"id": i, "label": f"选项{i}"} for i in ids],
            }
        )
    return out


def _plain_answer(rng: random.Random, matter: dict[str, Any]) -> Any:
    """A voter's answer: mostly choices (abstentions included), some left out or invalid."""
    roll = rng.random()
    if roll < 0.04:
        return None
    if roll < 0.06:
        return "invalid"
    ids = [o["id"] for o in matter["options"]]
    seats = matter["seats"] if matter["kind"] == "election" else 1
    return rng.sample(ids, rng.randint(0, seats))


def _encrypt_chunk(job: tuple[dict[str, Any], int, int, int]) -> list[tuple[dict, dict]]:
    """Encrypt ``count`` random ballots; return (entry, plaintext answers) pairs."""
    key, seed, start, count = job
    rng = random.Random(f"{seed}/{start}")
    matters = definitions()
    out = []
    for _ in range(count):
        receipt = f"{rng.getrandbits(128):032x}"
        plain, answers = {}, {}
        for matter in matters:
            answer = _plain_answer(rng, matter)
            if answer is None:
                continue
            plain[matter["id"]] = answer
            answers[matter["id"]] = (
                answer
                if answer == "invalid"
                else encrypt_answer(key, MEETING, matter, receipt, answer)
            )
        entry = {
            "receipt": receipt,
            "channel": rng.choice(["online"] * 8 + ["paper", "proxy"]),
            "area": fmt_area(rng.randint(4000, 30000)),
            "owners": 1,
            "answers": answers,
        }
        out.append((entry, plain))
    return out


def _expected_counts(pairs: list[tuple[dict, dict]]) -> dict[str, dict[str, dict[str, int]]]:
    """The counts of the plaintext choices, per matter, slot and dimension."""
    return plain_counts(definitions(), ((entry["area"], plain) for entry, plain in pairs))


class Steps:
    """Laps of wall-clock time and processor time (children included) of named steps."""

    def __init__(self) -> None:
        self.laps: list[tuple[str, Lap]] = []
        self._wall, self._cpu = time.perf_counter(), _cpu()

    def lap(self, name: str) -> None:
        """End the step called ``name``."""
        wall, cpu = time.perf_counter(), _cpu()
        self.laps.append((name, Lap(wall - self._wall, cpu - self._cpu)))
        self._wall, self._cpu = wall, cpu


def _cpu() -> float:
    """Processor seconds of this process and of its finished children."""
    own = time.process_time()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own + children.ru_utime + children.ru_stime


def documents(args: argparse.Namespace) -> None:
    """Build a real board v2 and result v2; time publishing and verifying them."""
    ballots, workers = args.ballots, args.workers or default_workers()
    print(f"documents: gongyi-board/2 of {ballots:,} ballots, 5 matters, 20 options; "
          f"3 of 5 trustees; {workers} worker processes")  # fmt: skip
    kept = Path(args.keep) / "ballots.json" if args.keep else None
    wall = time.perf_counter()
    if kept is not None and kept.exists():
        saved = json.loads(kept.read_text(encoding="utf-8"))
        assert (saved["ballots"], saved["seed"]) == (ballots, args.seed), "another --keep run"
        key, pairs = saved["key"], [tuple(pair) for pair in saved["pairs"]]
        shares = {int(i): int(share, 16) for i, share in saved["shares"].items()}
        print(f"  (the ballots encrypted by an earlier run, read from {kept})")
    else:
        joint, shares = dealer_ceremony(3, 5, ceremony_context(MEETING))
        key = joint_key_to_json(joint)
        chunk = 250
        jobs = [
            (key, args.seed, start, min(chunk, ballots - start))
            for start in range(0, ballots, chunk)
        ]
        with ProcessPoolExecutor(max_workers=workers) as pool:
            pairs = [pair for part in pool.map(_encrypt_chunk, jobs) for pair in part]
        pairs.sort(key=lambda pair: pair[0]["receipt"])
        print(f"  (encrypting the ballots, not timed: {time.perf_counter() - wall:.0f} s)")
        if kept is not None:
            kept.parent.mkdir(parents=True, exist_ok=True)
            kept.write_text(
                json.dumps(
                    {
                        "ballots": ballots,
                        "seed": args.seed,
                        "key": key,
                        "shares": {i: f"{share:064x}" for i, share in shares.items()},
                        "pairs": pairs,
                    }
                ),
                encoding="utf-8",
            )
    entries = [entry for entry, _ in pairs]
    matters = definitions()

    gc.disable()  # as voting verify does: the board is millions of objects
    wall, cpu = time.perf_counter(), _cpu()
    steps = Steps()
    root = board_root(entries)
    steps.lap("Merkle root")
    aggregates = aggregate(MEETING, matters, entries, key, workers=workers)
    steps.lap("both aggregates of every slot")
    decryptions = [trustee_decryption(key, i, shares[i], MEETING, aggregates) for i in PRESENT]
    steps.lap("3 trustees' decryptions with proofs")
    decrypted = decrypt(key, MEETING, aggregates, decryptions)
    steps.lap("check and combine them, discrete logs")
    for matter in matters:
        if matter["kind"] == "election":
            matter["outcome"] = {"lot_seed": root}
    roster = {"units": ballots + 500, "owners": ballots + 500,
              "area": fmt_area(sum(int(e["area"].replace(".", "")) for e in entries) + 10**6),
              "snapshot_hash": "ab" * 32}  # fmt: skip
    doc = {
        "format": "gongyi-result/2",
        "signature_scheme": "gongyi-sig/2",
        "community": {"id": "c-1", "name": "基准小区"},
        "office": {"id": "o-1", "name": "基准街道办事处"},
        "meeting": {"id": MEETING, "title": "基准会议", "noticed_at": "2024-05-01T00:00:00Z",
                    "opened_at": "2024-05-20T00:00:00Z", "closed_at": "2024-06-03T10:00:00Z"},
        "procedure": PROCEDURE,
        "roster": roster,
        "matters": matters_from_totals(
            PROCEDURE, roster, matters, aggregates.participation, decrypted.counts,
            {m["id"]: decrypted.totals_member(m["id"]) for m in matters},
        ),
        "board": {"format": "gongyi-board/2", "entries": len(entries), "merkle_root": root},
        "encryption": {
            "group": "secp256k1",
            "joint_key": key,
            "trustees": [{"number": 1, "kind": "office", "name": "街道办事处"}]
            + [{"number": i, "kind": "scrutineer", "name": f"监票人{i}"} for i in range(2, 6)],
        },
        "audit": {"seq": 1, "head": "00" * 32},
        "issued_at": "2024-06-04T01:00:00Z",
    }  # fmt: skip
    committee = sign(Ed25519PrivateKey.generate(), doc, "committee", "2024-06-04T01:00:00Z")
    office = sign(Ed25519PrivateKey.generate(), doc, "office", "2024-06-05T01:00:00Z",
                  countersigned(committee))  # fmt: skip
    result = {"document": doc, "signatures": [committee, office], "countersigned": True}
    steps.lap("matters from the counts, 2 signatures")
    published = Lap(time.perf_counter() - wall, _cpu() - cpu)
    assert decrypted.counts == _expected_counts(pairs), "the counts are not the plaintext count"
    print(f"  publish (Merkle root, aggregates, 3 decryptions, counts, matters, 2 signatures): "
          f"{published.s}; counts equal the plaintext count")  # fmt: skip
    for name, lap in steps.laps:
        print(f"    {name}: {lap.s}")

    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(args.keep or tmp)
        directory.mkdir(parents=True, exist_ok=True)
        paths = {}
        for name, value in (
            ("result", result),
            ("board", {"format": "gongyi-board/2", "meeting_id": MEETING, "entries": entries}),
        ):
            paths[name] = directory / f"{name}.json"
            paths[name].write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
        size = paths["board"].stat().st_size / 1e6
        del pairs, entries, aggregates, decrypted
        gc.enable()
        out = io.StringIO()
        wall, cpu = time.perf_counter(), _cpu()
        with contextlib.redirect_stdout(out):
            code = verify_main([str(paths["result"]), "--board", str(paths["board"])])
        verified = Lap(time.perf_counter() - wall, _cpu() - cpu)
        assert code == 0, out.getvalue()
        print(f"  voting verify RESULT --board BOARD ({size:.0f} MB): {verified.s}; VERIFIED")
        for line in out.getvalue().splitlines():
            if line.startswith("ok  every entry") or line.startswith("ok  totals"):
                print(f"    {line[:150]}")


def main() -> None:
    """Run the measurements and print them."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ballots", type=int, default=10_000)
    parser.add_argument("--sample", type=int, default=100)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--workers", type=int, default=0, help="processes (default: every core)")
    parser.add_argument("--only-documents", action="store_true", help="skip the primitives")
    parser.add_argument("--keep", metavar="DIR", help="write the documents there")
    args = parser.parse_args()
    if not args.only_documents:
        primitives(args)
    documents(args)


if __name__ == "__main__":
    main()
