"""Synthetic voters' answers shared by the publish and verify benchmarks."""

import random


def answer(rng: random.Random, kind: str, codes: list[str], seats: int) -> object:
    """One voter's answer to one matter: mostly choices, a few abstentions and invalid ones."""
    roll = rng.random()
    if roll < 0.03:
        return []
    if roll < 0.04:
        return "invalid"
    if kind == "motion":
        return ["agree"] if roll < 0.8 else ["disagree"]
    if kind == "selection":
        return [codes[0] if roll < 0.7 else rng.choice(codes)]
    return sorted(rng.sample(codes[:9] if roll < 0.9 else codes, rng.randint(1, seats)))
