"""Time the secret-ballot cryptography: casting, checking a ballot, and counting a board.

Run: python benchmarks/secret.py [--ballots N] [--sample N] [--seed S]

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

Single process, one core. Times are wall-clock; the per-ballot lines also give the
processor time, which is what to compare on a machine others share.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from voting.crypto.elgamal import Ciphertext, DiscreteLog, add_all, weighted_add  # noqa: E402
from voting.crypto.secret_ballot import encrypt_matter, verify_matter  # noqa: E402
from voting.crypto.trustees import combine_partials, dealer_ceremony, partial_decrypt  # noqa: E402

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


def main() -> None:
    """Run the measurements and print them."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ballots", type=int, default=10_000)
    parser.add_argument("--sample", type=int, default=100)
    parser.add_argument("--seed", type=int, default=15)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    key, shares = dealer_ceremony(3, 5, b"bench meeting key")
    h = key.public_key
    choices = [random_choices(rng) for _ in range(args.sample)]

    start, cpu = time.perf_counter(), time.process_time()
    ballots = [
        [
            encrypt_matter(h, row, lo, hi, context(b, m))
            for m, (row, (_, lo, hi)) in enumerate(zip(ballot, MATTERS, strict=True))
        ]
        for b, ballot in enumerate(choices)
    ]
    cast = (time.perf_counter() - start) / args.sample
    cast_cpu = (time.process_time() - cpu) / args.sample
    print(
        f"encrypt + prove, per ballot (5 matters, 20 options): {cast * 1000:.1f} ms"
        f" (processor time {cast_cpu * 1000:.1f} ms)"
    )

    start, cpu = time.perf_counter(), time.process_time()
    for b, ballot in enumerate(ballots):
        for m, (matter, (options, lo, hi)) in enumerate(zip(ballot, MATTERS, strict=True)):
            assert verify_matter(h, matter, options, lo, hi, context(b, m))
    check = (time.perf_counter() - start) / args.sample
    check_cpu = (time.process_time() - cpu) / args.sample
    print(f"verify, per ballot: {check * 1000:.1f} ms (processor time {check_cpu * 1000:.1f} ms)")
    print(
        f"  so verifying every ballot's proofs: {check * args.ballots:.1f} s for"
        f" {args.ballots:,}, {check * 100_000:.0f} s for 100,000 (one core)"
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

    start = time.perf_counter()
    columns = [[Ciphertext.from_hex(text) for text in column] for column in columns_hex]
    parsed = time.perf_counter() - start
    start = time.perf_counter()
    totals = []
    for column in columns:
        totals += [add_all(column), weighted_add(column, areas)]
    summed = time.perf_counter() - start
    start = time.perf_counter()
    partials = [
        [partial_decrypt(key, i, shares[i], total, f"total {n}".encode()) for i in PRESENT]
        for n, total in enumerate(totals)
    ]
    decrypted = time.perf_counter() - start
    start = time.perf_counter()
    heads_log, area_log = DiscreteLog(args.ballots), DiscreteLog(sum(areas))
    tables = time.perf_counter() - start
    start = time.perf_counter()
    values = [
        (area_log if n % 2 else heads_log).solve(
            combine_partials(key, total, partials[n], f"total {n}".encode())
        )
        for n, total in enumerate(totals)
    ]
    combined = time.perf_counter() - start
    for o, picks in enumerate(expected):
        assert values[2 * o] == sum(picks)
        assert values[2 * o + 1] == sum(p * a for p, a in zip(picks, areas, strict=True))

    print(f"board of {args.ballots:,} ballots, 20 options (40 totals: heads and area):")
    print(f"  parse {len(columns) * args.ballots:,} ciphertexts from hex: {parsed:.2f} s")
    print(f"  add heads and areas under encryption: {summed:.2f} s")
    print(f"  3 trustees' partial decryptions with proofs: {decrypted:.2f} s")
    print(f"  discrete-log tables (bounds {args.ballots:,} and {sum(areas):,}): {tables:.2f} s")
    print(f"  check the partials, combine, solve the 40 totals: {combined:.2f} s")
    total = parsed + summed + decrypted + tables + combined
    print(f"  aggregate + decrypt + prove + solve in all: {total:.2f} s (totals checked)")


if __name__ == "__main__":
    main()
