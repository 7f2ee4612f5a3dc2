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

Single process, one core. Each figure is wall-clock time and processor time: on a machine
others share, the processor time is the one to compare.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from dataclasses import dataclass
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


if __name__ == "__main__":
    main()
