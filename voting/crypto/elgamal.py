"""Exponential ElGamal: encryptions of small counts that add up under encryption.

A count m is encrypted under the public key H as (α, β) = (r·G, r·H + m·G). Adding two
ciphertexts adds their counts, and multiplying one by an integer weight multiplies its
count: the board's headcount total of an option is ΣEᵢ and its area total Σwᵢ·Eᵢ with wᵢ
the ballot's area in 0.01 m². Decryption gives m·G, and m is then found by a bounded
discrete logarithm (baby-step giant-step) sized to the roster's totals.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from voting.crypto.group import (
    GENERATOR,
    IDENTITY,
    POINT_BYTES,
    Point,
    base_mult,
    random_scalar,
    sum_points,
    weighted_sum,
)


@dataclass(frozen=True, slots=True)
class Ciphertext:
    """An ElGamal pair (α, β) = (r·G, r·H + m·G)."""

    alpha: Point
    beta: Point

    def to_bytes(self) -> bytes:
        """Return α ‖ β, 66 bytes."""
        return self.alpha.to_bytes() + self.beta.to_bytes()

    @classmethod
    def from_bytes(cls, data: bytes) -> Ciphertext:
        """Parse the 66 bytes of :meth:`to_bytes`."""
        return cls(Point.from_bytes(data[:POINT_BYTES]), Point.from_bytes(data[POINT_BYTES:]))

    def hex(self) -> str:
        """Return the 66 bytes as lowercase hex."""
        return self.to_bytes().hex()

    @classmethod
    def from_hex(cls, text: str) -> Ciphertext:
        """Parse 132 lowercase hex characters."""
        if not isinstance(text, str) or len(text) != 4 * POINT_BYTES:
            raise ValueError("a ciphertext is 132 hex characters")
        return cls(Point.from_hex(text[: 2 * POINT_BYTES]), Point.from_hex(text[2 * POINT_BYTES :]))

    def __add__(self, other: Ciphertext) -> Ciphertext:
        return Ciphertext(self.alpha + other.alpha, self.beta + other.beta)


ZERO = Ciphertext(IDENTITY, IDENTITY)


def encrypt(public_key: Point, count: int, nonce: int | None = None) -> tuple[Ciphertext, int]:
    """Encrypt ``count`` under ``public_key``; return the ciphertext and its nonce r.

    The nonce is secret: with it anyone reads the count. It is returned so that the proofs
    about this ciphertext can be made, then it must be forgotten.
    """
    r = random_scalar() if nonce is None else nonce
    return Ciphertext(base_mult(r), (public_key * r).plus_base(count)), r


def add_all(ciphertexts: Sequence[Ciphertext]) -> Ciphertext:
    """Return the homomorphic sum ΣEᵢ (the encryption of the sum of the counts)."""
    return Ciphertext(
        sum_points(c.alpha for c in ciphertexts), sum_points(c.beta for c in ciphertexts)
    )


def weighted_add(ciphertexts: Sequence[Ciphertext], weights: Sequence[int]) -> Ciphertext:
    """Return Σwᵢ·Eᵢ for non-negative integer weights (areas in 0.01 m²)."""
    return Ciphertext(
        weighted_sum([c.alpha for c in ciphertexts], weights),
        weighted_sum([c.beta for c in ciphertexts], weights),
    )


def decrypt_with_secret(secret_key: int, ciphertext: Ciphertext) -> Point:
    """Return m·G = β − s·α: only for tests and a single-key ceremony, never for trustees."""
    return ciphertext.beta - ciphertext.alpha * secret_key


class DiscreteLog:
    """Baby-step giant-step for m·G with 0 ≤ m ≤ bound, its table built once for many totals.

    The table holds ⌈√(bound+1)⌉ baby steps j·G; a search takes at most as many giant
    steps. For a total area of 10⁹ (0.01 m²) that is about 32,000 entries. For many
    searches with one table, ``searches`` makes it √searches times larger (at most 2²⁰
    entries), so that building it and the searches cost about the same.
    """

    def __init__(self, bound: int, searches: int = 1) -> None:
        if bound < 0:
            raise ValueError("the bound is not negative")
        self.bound = bound
        least = math.isqrt(bound)
        self.step = max(least, min(math.isqrt(bound * max(searches, 1)), 1 << 20)) + 1
        table: dict[bytes, int] = {}
        point = IDENTITY
        for j in range(self.step):
            table[point.to_bytes()] = j
            point = point + GENERATOR
        self._table = table
        self._giant = -point  # −step·G

    def solve(self, target: Point) -> int:
        """Return m with m·G = target and 0 ≤ m ≤ bound, or raise ValueError."""
        point = target
        for i in range(self.bound // self.step + 1):
            j = self._table.get(point.to_bytes())
            if j is not None:
                m = i * self.step + j
                if m <= self.bound:
                    return m
                break
            point = point + self._giant
        raise ValueError(f"the total is not between 0 and {self.bound}")
