"""One matter of a secret ballot: a ciphertext per option and the proofs that it is well formed.

Each option's ciphertext encrypts 1 (chosen) or 0, with a proof of that; the sum of a
matter's ciphertexts encrypts the number of choices, with a proof that it lies between the
matter's lower and upper limits: 0..1 for a motion or a selection (0 being an abstention,
all zeros), 0..seats for an election. The proofs are bound to a caller-given context (the
meeting, the matter and the ballot's receipt), so a ballot's proofs cannot be replayed on
another ballot or matter: option i's context is the matter's context followed by i as 8
bytes big-endian.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from voting.crypto.elgamal import Ciphertext, add_all, encrypt
from voting.crypto.group import ORDER, Point, random_scalar, uint
from voting.crypto.proofs import TAG_OPTION, TAG_SUM, RangeProof, prove_range, verify_range


@dataclass(frozen=True, slots=True)
class EncryptedMatter:
    """The ciphertexts of one matter's options, their 0-or-1 proofs and the proof of the sum."""

    ciphertexts: tuple[Ciphertext, ...]
    option_proofs: tuple[RangeProof, ...]
    sum_proof: RangeProof


def option_context(context: bytes, index: int) -> bytes:
    """Return the context of option ``index``'s proof: the matter's context then the index."""
    return context + uint(index)


def encrypt_matter(
    public_key: Point,
    choices: Sequence[int],
    lowest: int,
    highest: int,
    context: bytes,
    rng: Callable[[], int] = random_scalar,
) -> EncryptedMatter:
    """Encrypt 0/1 per option and prove each, and the number of choices in lowest..highest."""
    if any(choice not in (0, 1) for choice in choices):
        raise ValueError("each option is chosen (1) or not (0)")
    if not lowest <= sum(choices) <= highest:
        raise ValueError("the number of choices is outside the matter's limits")
    ciphertexts, proofs, nonces = [], [], []
    for index, choice in enumerate(choices):
        ct, nonce = encrypt(public_key, choice, rng())
        ciphertexts.append(ct)
        nonces.append(nonce)
        proofs.append(
            prove_range(
                TAG_OPTION, option_context(context, index), public_key, ct, choice, nonce, 0, 1, rng
            )
        )
    total = add_all(ciphertexts)
    sum_proof = prove_range(
        TAG_SUM, context, public_key, total, sum(choices), sum(nonces) % ORDER, lowest, highest, rng
    )
    return EncryptedMatter(tuple(ciphertexts), tuple(proofs), sum_proof)


def verify_matter(
    public_key: Point,
    matter: EncryptedMatter,
    options: int,
    lowest: int,
    highest: int,
    context: bytes,
) -> bool:
    """Tell whether there are ``options`` ciphertexts of 0 or 1 adding up to lowest..highest."""
    if len(matter.ciphertexts) != options or len(matter.option_proofs) != options:
        return False
    for index, (ct, proof) in enumerate(zip(matter.ciphertexts, matter.option_proofs, strict=True)):
        if not verify_range(
            TAG_OPTION, option_context(context, index), public_key, ct, 0, 1, proof
        ):
            return False
    total = add_all(matter.ciphertexts)
    return verify_range(TAG_SUM, context, public_key, total, lowest, highest, matter.sum_proof)
