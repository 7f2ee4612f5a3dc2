"""The fewest owners whose areas close a gap, checked against every subset."""

import itertools
import random

from voting.rules.reach import fewest_to_close, gap, needed


def brute_force(missing: int, areas: list[int]) -> int | None:
    """The size of the smallest subset reaching ``missing``, by trying them all."""
    for size in range(len(areas) + 1):
        if any(sum(c) >= missing for c in itertools.combinations(areas, size)):
            return size
    return None


def test_largest_first_is_the_fewest_on_random_rosters():
    rng = random.Random(14)
    for _ in range(300):
        areas = [rng.randint(1, 20000) for _ in range(rng.randint(0, 9))]
        missing = rng.randint(0, sum(areas) + 5000)
        chosen = fewest_to_close(missing, [(i, a) for i, a in enumerate(areas)])
        best = brute_force(missing, areas)
        if best is None:
            assert chosen == list(sorted(range(len(areas)), key=lambda i: -areas[i]))
        else:
            assert len(chosen) == best and sum(areas[i] for i in chosen) >= missing


def test_ties_keep_the_roster_order_and_nothing_missing_needs_nobody():
    assert fewest_to_close(150, [("a", 100), ("b", 100), ("c", 100)]) == ["a", "b"]
    assert fewest_to_close(0, [("a", 100)]) == []


def test_the_two_thirds_line_is_inclusive():
    assert needed(300) == 200 and needed(301) == 201 and needed(4) == 3
    assert gap(200, 300) == 0 and gap(199, 300) == 1 and gap(0, 0) == 0
