"""The prime-order group of secret ballots: secp256k1 through libsecp256k1 (``coincurve``).

Why this group and this binding. Exponential ElGamal and its proofs need a group of prime
order with canonical encodings and a reviewed implementation of its arithmetic.
secp256k1 has prime order (cofactor 1), so every valid encoding is in the group and no
small-subgroup check is needed; libsecp256k1 (Bitcoin Core's) is among the most reviewed
and tested elliptic-curve libraries, with constant-time multiplication. ``coincurve``, its
maintained binding, ships wheels with the library inside, so ``voting verify`` installs
with pip alone. libsodium's ristretto255 was the other candidate: PyNaCl does not expose
it, and pysodium needs a system libsodium and measured here about twice as slow for a
multiplication and three times for an addition. libsecp256k1 cannot represent the identity
element (it is the "point at infinity", not a public key), so :class:`Point` carries it
itself: a decrypted total of zero is the identity.

Encodings (docs/FORMATS.md §9): a point is its 33-byte SEC1 compressed form, the identity 33
zero bytes; a scalar is 32 bytes big-endian, below the group order.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Sequence

from coincurve import PublicKey

#: The order of secp256k1's group (SEC 2, section 2.4.1).
ORDER = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
POINT_BYTES = 33
SCALAR_BYTES = 32
_IDENTITY_BYTES = bytes(POINT_BYTES)


class GroupError(ValueError):
    """Bytes that are not a group element or a scalar of the group."""


class Point:
    """An element of the group; ``None`` inside stands for the identity."""

    __slots__ = ("_key", "_encoded")

    def __init__(self, key: PublicKey | None, encoded: bytes | None = None) -> None:
        self._key = key
        self._encoded = encoded

    @classmethod
    def from_bytes(cls, data: bytes) -> Point:
        """Parse 33 bytes: a compressed point on the curve, or 33 zero bytes for the identity."""
        if not isinstance(data, bytes) or len(data) != POINT_BYTES:
            raise GroupError("a group element is 33 bytes")
        if data == _IDENTITY_BYTES:
            return IDENTITY
        if data[0] not in (2, 3):
            raise GroupError("a group element is a compressed point (02 or 03 first)")
        try:
            return cls(PublicKey(data), data)
        except (ValueError, TypeError) as exc:
            raise GroupError("the bytes are not a point of secp256k1") from exc

    @classmethod
    def from_hex(cls, text: str) -> Point:
        """Parse 66 lowercase hex characters (see :meth:`from_bytes`)."""
        return cls.from_bytes(_unhex(text, POINT_BYTES))

    def to_bytes(self) -> bytes:
        """Return the 33-byte encoding."""
        if self._encoded is None:
            self._encoded = _IDENTITY_BYTES if self._key is None else self._key.format(True)
        return self._encoded

    def hex(self) -> str:
        """Return the encoding as lowercase hex."""
        return self.to_bytes().hex()

    @property
    def is_identity(self) -> bool:
        """Whether this is the neutral element."""
        return self._key is None

    def __add__(self, other: Point) -> Point:
        return sum_points((self, other))

    def __neg__(self) -> Point:
        if self._key is None:
            return self
        # A compressed point's first byte is its y parity; the negation flips it.
        data = self.to_bytes()
        return Point(PublicKey(bytes([data[0] ^ 1]) + data[1:]))

    def __sub__(self, other: Point) -> Point:
        return self + (-other)

    def __mul__(self, scalar: int) -> Point:
        k = scalar % ORDER
        if k == 0 or self._key is None:
            return IDENTITY
        return Point(self._key.multiply(k.to_bytes(SCALAR_BYTES, "big")))

    __rmul__ = __mul__

    def plus_base(self, scalar: int) -> Point:
        """Return self + scalar·G in one call to the library."""
        k = scalar % ORDER
        if k == 0:
            return self
        if self._key is None:
            return base_mult(k)
        try:
            return Point(self._key.add(k.to_bytes(SCALAR_BYTES, "big")))
        except ValueError:
            return IDENTITY

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Point) and self.to_bytes() == other.to_bytes()

    def __hash__(self) -> int:
        return hash(self.to_bytes())

    def __repr__(self) -> str:
        return f"Point({self.hex()})"


IDENTITY = Point(None, _IDENTITY_BYTES)


def base_mult(scalar: int) -> Point:
    """Return scalar·G for the standard generator G of secp256k1."""
    k = scalar % ORDER
    if k == 0:
        return IDENTITY
    return Point(PublicKey.from_valid_secret(k.to_bytes(SCALAR_BYTES, "big")))


GENERATOR = base_mult(1)


def sum_points(points: Iterable[Point]) -> Point:
    """Return the sum of the points in one call to the library (the identity when empty)."""
    keys = [point._key for point in points if point._key is not None]
    if not keys:
        return IDENTITY
    if len(keys) == 1:
        return Point(keys[0])
    try:
        return Point(PublicKey.combine_keys(keys))
    except ValueError:
        # libsecp256k1 refuses a sum that is the point at infinity.
        return IDENTITY


def weighted_sum(points: Sequence[Point], weights: Sequence[int]) -> Point:
    """Return Σ wᵢ·Pᵢ for non-negative integer weights, by bit slices.

    For each bit j the points whose weight has that bit are summed in one library call;
    the slices are then combined as Σ 2ʲ·Sⱼ. With weights of b bits this costs b
    multiplications instead of one per point, which is what makes an area total over
    a large board quick.
    """
    if len(points) != len(weights):
        raise ValueError("one weight per point")
    if any(w < 0 for w in weights):
        raise ValueError("weights are not negative")
    top = max(weights, default=0).bit_length()
    slices = []
    for bit in range(top):
        mask = 1 << bit
        selected = [p for p, w in zip(points, weights, strict=True) if w & mask]
        slices.append(sum_points(selected) * mask)
    return sum_points(slices)


def random_scalar() -> int:
    """Return a uniformly random non-zero scalar from the system's secure generator."""
    return secrets.randbelow(ORDER - 1) + 1


def scalar_bytes(scalar: int) -> bytes:
    """Return a scalar (taken modulo the order) as 32 bytes big-endian."""
    return (scalar % ORDER).to_bytes(SCALAR_BYTES, "big")


def scalar_from_hex(text: str) -> int:
    """Parse 64 hex characters as a scalar; refuse one not below the order."""
    value = int.from_bytes(_unhex(text, SCALAR_BYTES), "big")
    if value >= ORDER:
        raise GroupError("a scalar is below the group order")
    return value


def uint(value: int) -> bytes:
    """Return a non-negative integer as 8 bytes big-endian (counts, bounds, indices, weights)."""
    return value.to_bytes(8, "big")


def hash_to_scalar(tag: str, *parts: bytes) -> int:
    """Return the Fiat–Shamir challenge: SHA-256 of the framed tag and parts, modulo the order.

    Each item is framed by its length (4 bytes big-endian) so that no two different lists
    of inputs hash the same bytes; the tag is a domain separation string naming the proof.
    """
    digest = hashlib.sha256()
    for item in (tag.encode("ascii"), *parts):
        digest.update(len(item).to_bytes(4, "big"))
        digest.update(item)
    return int.from_bytes(digest.digest(), "big") % ORDER


def _unhex(text: str, size: int) -> bytes:
    """Decode lowercase hex of exactly ``size`` bytes, or raise GroupError."""
    if not isinstance(text, str) or len(text) != 2 * size or text != text.lower():
        raise GroupError(f"expected {2 * size} lowercase hex characters")
    try:
        return bytes.fromhex(text)
    except ValueError as exc:
        raise GroupError("not hex") from exc
