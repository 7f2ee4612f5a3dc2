"""One matter of a secret ballot: a ciphertext per option and per abstention, with proofs.

Each option's ciphertext encrypts 1 (chosen) or 0, and so does the abstention slot, which
holds 1 exactly when no option is chosen; each has a proof of that. The sum of the option
ciphertexts plus ``seats`` times the abstention ciphertext encrypts a value between 1 and
``seats`` (1 for a motion or a selection), with a proof: an abstention (1 in the slot)
forces zero choices, otherwise there are 1 to ``seats`` choices, and a ballot of all zeros
cannot be proved. So every slot, the abstentions included, has an exact encrypted total.

The proofs are bound to a caller-given context (the meeting, the matter and the ballot's
receipt), so a ballot's proofs cannot be replayed on another ballot or matter: option i's
context is the matter's context followed by i as 8 bytes big-endian, and the abstention's
the context followed by the number of options.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from voting.crypto.elgamal import Ciphertext, add_all, encrypt
from voting.crypto.group import ORDER, Point, random_scalar, uint
from voting.crypto.proofs import TAG_OPTION, TAG_SUM, RangeProof, prove_range, verify_range


@dataclass(frozen=True, slots=True)
class EncryptedMatter:
    """The ciphertexts of one matter's options and abstention, their proofs and the sum's."""

    ciphertexts: tuple[Ciphertext, ...]
    option_proofs: tuple[RangeProof, ...]
    abstain: Ciphertext
    abstain_proof: RangeProof
    sum_proof: RangeProof


def option_context(context: bytes, index: int) -> bytes:
    """Return the context of option ``index``'s proof: the matter's context then the index."""
    return context + uint(index)


def matter_sum(ciphertexts: Sequence[Ciphertext], abstain: Ciphertext, seats: int) -> Ciphertext:
    """Return Σᵢ Eᵢ + seats·E_abstain, the ciphertext the sum proof is about."""
    scaled = abstain if seats == 1 else Ciphertext(abstain.alpha * seats, abstain.beta * seats)
    return add_all([*ciphertexts, scaled])


def encrypt_matter(
    public_key: Point,
    choices: Sequence[int],
    seats: int,
    context: bytes,
    rng: Callable[[], int] = random_scalar,
) -> EncryptedMatter:
    """Encrypt 0/1 per option and the abstention, and prove each and the sum in 1..seats."""
    if seats < 1:
        raise ValueError("a matter has at least one seat")
    if any(choice not in (0, 1) for choice in choices):
        raise ValueError("each option is chosen (1) or not (0)")
    chosen = sum(choices)
    if chosen > seats:
        raise ValueError("the number of choices is outside the matter's limits")
    abstained = int(chosen == 0)
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
    abstain, abstain_nonce = encrypt(public_key, abstained, rng())
    abstain_proof = prove_range(
        TAG_OPTION,
        option_context(context, len(choices)),
        public_key,
        abstain,
        abstained,
        abstain_nonce,
        0,
        1,
        rng,
    )
    total = matter_sum(ciphertexts, abstain, seats)
    sum_proof = prove_range(
        TAG_SUM,
        context,
        public_key,
        total,
        chosen + seats * abstained,
        (sum(nonces) + seats * abstain_nonce) % ORDER,
        1,
        seats,
        rng,
    )
    return EncryptedMatter(tuple(ciphertexts), tuple(proofs), abstain, abstain_proof, sum_proof)


def verify_matter(
    public_key: Point,
    matter: EncryptedMatter,
    options: int,
    seats: int,
    context: bytes,
) -> bool:
    """Tell whether there are ``options`` ciphertexts of 0 or 1, an abstention slot of 0 or 1,
    and the sum of the options plus ``seats`` times the slot is in 1..seats."""
    if seats < 1:
        return False
    if len(matter.ciphertexts) != options or len(matter.option_proofs) != options:
        return False
    for index, (ct, proof) in enumerate(zip(matter.ciphertexts, matter.option_proofs, strict=True)):
        if not verify_range(
            TAG_OPTION, option_context(context, index), public_key, ct, 0, 1, proof
        ):
            return False
    if not verify_range(
        TAG_OPTION,
        option_context(context, options),
        public_key,
        matter.abstain,
        0,
        1,
        matter.abstain_proof,
    ):
        return False
    total = matter_sum(matter.ciphertexts, matter.abstain, seats)
    return verify_range(TAG_SUM, context, public_key, total, 1, seats, matter.sum_proof)
