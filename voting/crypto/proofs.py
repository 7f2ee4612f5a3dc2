"""Non-interactive zero-knowledge proofs over the group, made with Fiat–Shamir.

- :func:`prove_range` / :func:`verify_range`: a ciphertext encrypts one of lo, lo+1, …, hi
  (a disjunction of Chaum–Pedersen proofs, one branch per value, as in Belenios's
  "interval proofs" and ElectionGuard's range proofs). With lo=0, hi=1 it shows that an
  option holds 0 or 1; over the sum of a matter's options that the number of choices is
  within the matter's limits.
- :func:`prove_equal_logs` / :func:`verify_equal_logs`: log_G(K) = log_A(D) (Chaum–
  Pedersen), which shows a trustee's partial decryption D = s·A matches its public share
  K = s·G.
- :func:`prove_knowledge` / :func:`verify_knowledge`: knowledge of log_G(K) (Schnorr),
  for the coefficient commitments of the key ceremony.

Every challenge hashes a domain separation tag, the caller's context (which binds the proof
to its meeting, matter, option and ballot) and every public input and commitment, in the
order docs/FORMATS.md §9 gives. A proof is (challenges, responses); the verifier rebuilds
the commitments from them, as Belenios does, so nothing else is sent.
Every random scalar comes from ``rng``: the system's secure generator, unless a test passes
a seeded one to reproduce the vectors of docs/FORMATS.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from voting.crypto.elgamal import Ciphertext
from voting.crypto.fastmul import branch
from voting.crypto.group import (
    ORDER,
    Point,
    base_mult,
    hash_to_scalar,
    random_scalar,
    scalar_bytes,
    uint,
)

TAG_OPTION = "gongyi-v2/option-0-1"
TAG_SUM = "gongyi-v2/matter-sum"
TAG_DECRYPTION = "gongyi-v2/partial-decryption"
TAG_COEFFICIENT = "gongyi-v2/coefficient"


@dataclass(frozen=True, slots=True)
class RangeProof:
    """One (challenge, response) pair per value lo..hi; the challenges add up to the hash."""

    challenges: tuple[int, ...]
    responses: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Proof:
    """A (challenge, response) pair: Schnorr or Chaum–Pedersen."""

    challenge: int
    response: int


def _branch(public_key: Point, ct: Ciphertext, j: int, c: int, v: int) -> list[bytes]:
    """Rebuild one branch's commitments a_j = v_j·G − c_j·α, b_j = v_j·H − c_j·(β − j·G)."""
    a = (ct.alpha * -c).plus_base(v)
    b = public_key * v + ct.beta.plus_base(-j) * -c
    return [a.to_bytes(), b.to_bytes()]


def _branch_public(public_key: Point, ct: Ciphertext, j: int, c: int, v: int) -> list[bytes]:
    """:func:`_branch` for a verifier, in variable time (every input is public)."""
    return list(branch(public_key, ct.alpha, ct.beta, j, c, v))


def _range_challenge(
    tag: str,
    context: bytes,
    public_key: Point,
    ct: Ciphertext,
    lo: int,
    hi: int,
    commitments: list[bytes],
) -> int:
    """Hash tag, context, H, α, β, lo, hi and a_lo, b_lo, …, a_hi, b_hi."""
    return hash_to_scalar(
        tag, context, public_key.to_bytes(), ct.to_bytes(), uint(lo), uint(hi), *commitments
    )


def prove_range(
    tag: str,
    context: bytes,
    public_key: Point,
    ct: Ciphertext,
    count: int,
    nonce: int,
    lo: int,
    hi: int,
    rng: Callable[[], int] = random_scalar,
) -> RangeProof:
    """Prove that ``ct`` = (r·G, r·H + count·G) with lo ≤ count ≤ hi, knowing r = ``nonce``.

    A simulated branch j's commitments are a_j = v_j·G − c_j·α and b_j = v_j·H − c_j·(β − j·G);
    knowing r, the prover computes them as w·G and w·H + c_j·(j − count)·G with
    w = v_j − c_j·r: the same points, without multiplying α or β.
    """
    if not 0 <= lo <= count <= hi:
        raise ValueError("the count is outside the range it is proved in")
    size = hi - lo + 1
    challenges = [rng() for _ in range(size)]
    responses = [rng() for _ in range(size)]
    real = count - lo
    u = rng()
    commitments: list[bytes] = []
    for offset in range(size):
        if offset == real:
            commitments += [base_mult(u).to_bytes(), (public_key * u).to_bytes()]
        else:
            c = challenges[offset]
            w = (responses[offset] - c * nonce) % ORDER
            b = (public_key * w).plus_base(c * (lo + offset - count))
            commitments += [base_mult(w).to_bytes(), b.to_bytes()]
    total = _range_challenge(tag, context, public_key, ct, lo, hi, commitments)
    challenges[real] = (total - sum(challenges) + challenges[real]) % ORDER
    responses[real] = (u + challenges[real] * nonce) % ORDER
    return RangeProof(tuple(challenges), tuple(responses))


def verify_range(
    tag: str,
    context: bytes,
    public_key: Point,
    ct: Ciphertext,
    lo: int,
    hi: int,
    proof: RangeProof,
) -> bool:
    """Tell whether ``proof`` shows that ``ct`` encrypts a value in lo..hi."""
    size = hi - lo + 1
    if lo < 0 or size < 1:
        return False
    if len(proof.challenges) != size or len(proof.responses) != size:
        return False
    if not all(0 <= x < ORDER for x in (*proof.challenges, *proof.responses)):
        return False
    commitments: list[bytes] = []
    for offset, (c, v) in enumerate(zip(proof.challenges, proof.responses, strict=True)):
        commitments += _branch_public(public_key, ct, lo + offset, c, v)
    total = _range_challenge(tag, context, public_key, ct, lo, hi, commitments)
    return sum(proof.challenges) % ORDER == total


def _equal_logs_challenge(
    context: bytes,
    base: Point,
    public: Point,
    partial: Point,
    a: Point,
    b: Point,
    public_key: Point,
) -> int:
    """Hash tag, context, H, K, A, D and the commitments a, b."""
    return hash_to_scalar(
        TAG_DECRYPTION,
        context,
        public_key.to_bytes(),
        public.to_bytes(),
        base.to_bytes(),
        partial.to_bytes(),
        a.to_bytes(),
        b.to_bytes(),
    )


def prove_equal_logs(
    context: bytes,
    public_key: Point,
    secret: int,
    base: Point,
    partial: Point,
    rng: Callable[[], int] = random_scalar,
) -> Proof:
    """Prove log_G(s·G) = log_A(D) for D = s·A with A = ``base``, knowing s = ``secret``."""
    u = rng()
    public = base_mult(secret)
    c = _equal_logs_challenge(context, base, public, partial, base_mult(u), base * u, public_key)
    return Proof(c, (u + c * secret) % ORDER)


def verify_equal_logs(
    context: bytes, public_key: Point, public: Point, base: Point, partial: Point, proof: Proof
) -> bool:
    """Tell whether ``proof`` shows log_G(K) = log_A(D) for K = ``public``, A, D = ``partial``."""
    c, v = proof.challenge, proof.response
    if not (0 <= c < ORDER and 0 <= v < ORDER):
        return False
    a = (public * -c).plus_base(v)
    b = base * v - partial * c
    return c == _equal_logs_challenge(context, base, public, partial, a, b, public_key)


def prove_knowledge(context: bytes, secret: int, rng: Callable[[], int] = random_scalar) -> Proof:
    """Prove knowledge of s for K = s·G (Schnorr)."""
    u = rng()
    public = base_mult(secret)
    c = hash_to_scalar(TAG_COEFFICIENT, context, public.to_bytes(), base_mult(u).to_bytes())
    return Proof(c, (u + c * secret) % ORDER)


def verify_knowledge(context: bytes, public: Point, proof: Proof) -> bool:
    """Tell whether ``proof`` shows knowledge of log_G(``public``)."""
    c, v = proof.challenge, proof.response
    if not (0 <= c < ORDER and 0 <= v < ORDER) or public.is_identity:
        return False
    a = (public * -c).plus_base(v)
    return c == hash_to_scalar(TAG_COEFFICIENT, context, public.to_bytes(), a.to_bytes())


def proof_bytes(proof: RangeProof | Proof) -> bytes:
    """Return a proof's scalars as 32-byte big-endian strings, challenges then responses."""
    if isinstance(proof, Proof):
        return scalar_bytes(proof.challenge) + scalar_bytes(proof.response)
    return b"".join(map(scalar_bytes, proof.challenges + proof.responses))
