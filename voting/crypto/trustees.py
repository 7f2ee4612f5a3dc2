"""Trustees' keys: k-of-n key shares, partial decryptions with proofs, and their combination.

The key ceremony follows ElectionGuard's structure (Feldman commitments with a Schnorr proof
per coefficient): a dealer picks a random polynomial f of degree k−1, publishes
Cⱼ = aⱼ·G for its coefficients with proofs of knowledge, and hands trustee i (numbered
1..n) the share f(i), which the trustee checks against the commitments.

- **Distributed ceremony** (Pedersen's joint Feldman): every trustee deals; trustee i's
  share is the sum of the shares it received, the joint commitments are the coefficient-
  wise sums, and the public key is their constant term. Nobody ever holds the secret key.
- **Trusted-dealer ceremony** (:func:`dealer_ceremony`): one dealing made on one machine,
  which knows the secret key while it runs and must forget the polynomial afterwards.
  Simpler to run at a meeting's approval; the machine must be trusted for that moment.

Each trustee's public share Kᵢ = sᵢ·G = Σⱼ iʲ·Cⱼ is computable by anyone from the
commitments. A trustee decrypts an aggregate (α, β) partially as Dᵢ = sᵢ·α with a
Chaum–Pedersen proof that log_G Kᵢ = log_α Dᵢ; any k verified partials give
m·G = β − Σ λᵢ·Dᵢ with the Lagrange coefficients λᵢ at 0. Fewer than k shares give no
information about the secret key (Shamir).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from voting.crypto.elgamal import Ciphertext
from voting.crypto.group import (
    IDENTITY,
    ORDER,
    Point,
    base_mult,
    random_scalar,
    sum_points,
    uint,
)
from voting.crypto.proofs import (
    Proof,
    prove_equal_logs,
    prove_knowledge,
    verify_equal_logs,
    verify_knowledge,
)


class DecryptionError(ValueError):
    """Partial decryptions that cannot be combined (too few, duplicated, or a bad proof)."""


@dataclass(frozen=True, slots=True)
class Dealing:
    """What a dealer publishes: commitments to its polynomial's coefficients, with proofs."""

    dealer: int
    commitments: tuple[Point, ...]
    proofs: tuple[Proof, ...]


@dataclass(frozen=True, slots=True)
class JointKey:
    """The ceremony's public outcome: k, n and the joint coefficient commitments."""

    threshold: int
    trustees: int
    commitments: tuple[Point, ...]

    @property
    def public_key(self) -> Point:
        """The election public key H, the constant term's commitment."""
        return self.commitments[0]

    def public_share(self, trustee: int) -> Point:
        """Return trustee i's public share Kᵢ = Σⱼ iʲ·Cⱼ."""
        return commitment_at(self.commitments, trustee)


@dataclass(frozen=True, slots=True)
class PartialDecryption:
    """Trustee i's Dᵢ = sᵢ·α of one ciphertext and the proof that it used its share."""

    trustee: int
    point: Point
    proof: Proof


def coefficient_context(context: bytes, dealer: int, index: int) -> bytes:
    """Return the context of the proof for a dealer's coefficient: context, dealer, index."""
    return context + uint(dealer) + uint(index)


def partial_context(context: bytes, trustee: int) -> bytes:
    """Return the context of a trustee's decryption proof: the context then the trustee."""
    return context + uint(trustee)


def _check_sizes(threshold: int, trustees: int) -> None:
    """Refuse a k-of-n that Shamir sharing cannot give."""
    if not 1 <= threshold <= trustees:
        raise ValueError("the threshold is between 1 and the number of trustees")


def _evaluate(coefficients: Sequence[int], x: int) -> int:
    """Return f(x) modulo the order by Horner's rule."""
    value = 0
    for coefficient in reversed(coefficients):
        value = (value * x + coefficient) % ORDER
    return value


def commitment_at(commitments: Sequence[Point], x: int) -> Point:
    """Return Σⱼ xʲ·Cⱼ, the commitment to f(x), by Horner's rule."""
    value = IDENTITY
    for commitment in reversed(commitments):
        value = value * x + commitment
    return value


def deal(
    dealer: int,
    threshold: int,
    trustees: int,
    context: bytes,
    rng: Callable[[], int] = random_scalar,
) -> tuple[Dealing, dict[int, int]]:
    """Make a dealing and the secret shares f(1)..f(n), one to send to each trustee."""
    _check_sizes(threshold, trustees)
    coefficients = [rng() for _ in range(threshold)]
    dealing = Dealing(
        dealer,
        tuple(base_mult(a) for a in coefficients),
        tuple(
            prove_knowledge(coefficient_context(context, dealer, j), a, rng)
            for j, a in enumerate(coefficients)
        ),
    )
    return dealing, {i: _evaluate(coefficients, i) for i in range(1, trustees + 1)}


def verify_dealing(dealing: Dealing, threshold: int, context: bytes) -> bool:
    """Tell whether a dealing has k commitments, each with a valid proof of knowledge."""
    if len(dealing.commitments) != threshold or len(dealing.proofs) != threshold:
        return False
    return all(
        verify_knowledge(coefficient_context(context, dealing.dealer, j), commitment, proof)
        for j, (commitment, proof) in enumerate(
            zip(dealing.commitments, dealing.proofs, strict=True)
        )
    )


def verify_share(dealing: Dealing, trustee: int, share: int) -> bool:
    """Tell whether ``share`` is the dealer's f(trustee), checked against its commitments."""
    return 0 <= share < ORDER and base_mult(share) == commitment_at(dealing.commitments, trustee)


def joint_key(
    dealings: Sequence[Dealing], threshold: int, trustees: int, context: bytes
) -> JointKey:
    """Check every dealing and sum them coefficient by coefficient into the joint key."""
    _check_sizes(threshold, trustees)
    dealers = [d.dealer for d in dealings]
    if not dealings or len(set(dealers)) != len(dealers):
        raise ValueError("one dealing per dealer, at least one")
    for dealing in dealings:
        if not verify_dealing(dealing, threshold, context):
            raise ValueError(f"dealing {dealing.dealer} does not verify")
    commitments = tuple(sum_points(d.commitments[j] for d in dealings) for j in range(threshold))
    return JointKey(threshold, trustees, commitments)


def combine_shares(received: Sequence[int]) -> int:
    """Return a trustee's key share: the sum of the shares it received from every dealer."""
    return sum(received) % ORDER


def dealer_ceremony(
    threshold: int, trustees: int, context: bytes, rng: Callable[[], int] = random_scalar
) -> tuple[JointKey, dict[int, int]]:
    """Run a trusted-dealer ceremony: one dealing (dealer 0), its shares for trustees 1..n."""
    dealing, shares = deal(0, threshold, trustees, context, rng)
    return joint_key([dealing], threshold, trustees, context), shares


def partial_decrypt(
    key: JointKey,
    trustee: int,
    share: int,
    ciphertext: Ciphertext,
    context: bytes,
    rng: Callable[[], int] = random_scalar,
) -> PartialDecryption:
    """Return trustee i's Dᵢ = sᵢ·α with its Chaum–Pedersen proof."""
    point = ciphertext.alpha * share
    proof = prove_equal_logs(
        partial_context(context, trustee), key.public_key, share, ciphertext.alpha, point, rng
    )
    return PartialDecryption(trustee, point, proof)


def verify_partial(
    key: JointKey, ciphertext: Ciphertext, partial: PartialDecryption, context: bytes
) -> bool:
    """Tell whether a partial decryption is trustee i's share applied to this ciphertext."""
    if not 1 <= partial.trustee <= key.trustees:
        return False
    return verify_equal_logs(
        partial_context(context, partial.trustee),
        key.public_key,
        key.public_share(partial.trustee),
        ciphertext.alpha,
        partial.point,
        partial.proof,
    )


def lagrange_at_zero(trustee: int, present: Sequence[int]) -> int:
    """Return λᵢ = Π_{j≠i} j / (j − i) modulo the order, for interpolation at 0."""
    numerator, denominator = 1, 1
    for other in present:
        if other != trustee:
            numerator = numerator * other % ORDER
            denominator = denominator * (other - trustee) % ORDER
    return numerator * pow(denominator, -1, ORDER) % ORDER


def combine_partials(
    key: JointKey,
    ciphertext: Ciphertext,
    partials: Sequence[PartialDecryption] | Mapping[int, PartialDecryption],
    context: bytes,
) -> Point:
    """Return m·G from at least k verified partial decryptions by distinct trustees."""
    given = list(partials.values()) if isinstance(partials, Mapping) else list(partials)
    present = [p.trustee for p in given]
    if len(set(present)) != len(present):
        raise DecryptionError("a trustee's partial decryption is given twice")
    if len(given) < key.threshold:
        raise DecryptionError(f"{len(given)} partial decryptions given, {key.threshold} are needed")
    for partial in given:
        if not verify_partial(key, ciphertext, partial, context):
            raise DecryptionError(f"trustee {partial.trustee}'s partial decryption does not verify")
    shared = sum_points(p.point * lagrange_at_zero(p.trustee, present) for p in given)
    return ciphertext.beta - shared
