"""Ballot proofs: each option holds 0 or 1, the matter's count is within its limits.

Every proof verifies, and every altered input — a ciphertext, a challenge, a response, the
context, the key, the limits, the order of options — is refused.
"""

import dataclasses

import pytest

from voting.crypto.elgamal import Ciphertext, decrypt_with_secret, encrypt
from voting.crypto.group import GENERATOR, ORDER, base_mult, random_scalar
from voting.crypto.proofs import (
    TAG_OPTION,
    TAG_SUM,
    RangeProof,
    prove_range,
    verify_range,
)
from voting.crypto.secret_ballot import (
    EncryptedMatter,
    encrypt_matter,
    matter_sum,
    option_context,
    verify_matter,
)
from voting.crypto.secret_json import matter_from_json, matter_to_json

SECRET = random_scalar()
KEY = base_mult(SECRET)
CONTEXT = b"meeting m-1 matter 2 ballot 7f3a"


def _bump(values, index, delta=1):
    """Return the tuple with one value changed modulo the order."""
    changed = list(values)
    changed[index] = (changed[index] + delta) % ORDER
    return tuple(changed)


@pytest.mark.parametrize("count", [0, 1])
def test_option_proof_verifies_for_zero_and_one(count):
    ct, nonce = encrypt(KEY, count)
    proof = prove_range(TAG_OPTION, CONTEXT, KEY, ct, count, nonce, 0, 1)
    assert verify_range(TAG_OPTION, CONTEXT, KEY, ct, 0, 1, proof)


def test_a_count_outside_the_range_cannot_be_proved():
    ct, nonce = encrypt(KEY, 2)
    with pytest.raises(ValueError):
        prove_range(TAG_OPTION, CONTEXT, KEY, ct, 2, nonce, 0, 1)
    # Nor can a proof for 1 be carried over onto an encryption of 2.
    one, one_nonce = encrypt(KEY, 1)
    proof = prove_range(TAG_OPTION, CONTEXT, KEY, one, 1, one_nonce, 0, 1)
    assert not verify_range(TAG_OPTION, CONTEXT, KEY, ct, 0, 1, proof)
    # A lie about the count: the nonce of an encryption of 2, claimed as 1.
    lie = prove_range(TAG_OPTION, CONTEXT, KEY, ct, 1, nonce, 0, 1)
    assert not verify_range(TAG_OPTION, CONTEXT, KEY, ct, 0, 1, lie)


def _tampered(ct, proof):
    """Yield (what, ciphertext, proof, tag, context, key, lo, hi) with one input changed."""
    other = encrypt(KEY, 1)[0]
    yield "alpha", Ciphertext(other.alpha, ct.beta), proof, TAG_OPTION, CONTEXT, KEY, 0, 1
    yield "beta", Ciphertext(ct.alpha, other.beta), proof, TAG_OPTION, CONTEXT, KEY, 0, 1
    yield "beta+G", Ciphertext(ct.alpha, ct.beta + GENERATOR), proof, TAG_OPTION, CONTEXT, KEY, 0, 1
    for i in range(2):
        bumped = RangeProof(_bump(proof.challenges, i), proof.responses)
        yield f"challenge {i}", ct, bumped, TAG_OPTION, CONTEXT, KEY, 0, 1
        bumped = RangeProof(proof.challenges, _bump(proof.responses, i))
        yield f"response {i}", ct, bumped, TAG_OPTION, CONTEXT, KEY, 0, 1
    # Challenges moved between branches keep their sum but not the commitments.
    swapped = RangeProof(proof.challenges[::-1], proof.responses)
    yield "swapped challenges", ct, swapped, TAG_OPTION, CONTEXT, KEY, 0, 1
    out_of_range = RangeProof((proof.challenges[0] + ORDER, proof.challenges[1]), proof.responses)
    yield "unreduced challenge", ct, out_of_range, TAG_OPTION, CONTEXT, KEY, 0, 1
    yield "context", ct, proof, TAG_OPTION, CONTEXT + b"x", KEY, 0, 1
    yield "tag", ct, proof, TAG_SUM, CONTEXT, KEY, 0, 1
    yield "key", ct, proof, TAG_OPTION, CONTEXT, base_mult(random_scalar()), 0, 1
    yield "range", ct, proof, TAG_OPTION, CONTEXT, KEY, 0, 2
    yield "shifted range", ct, proof, TAG_OPTION, CONTEXT, KEY, 1, 2
    short = RangeProof(proof.challenges[:1], proof.responses[:1])
    yield "short proof", ct, short, TAG_OPTION, CONTEXT, KEY, 0, 1
    yield "empty range", ct, proof, TAG_OPTION, CONTEXT, KEY, 1, 0


@pytest.mark.parametrize("count", [0, 1])
def test_every_altered_input_is_refused(count):
    ct, nonce = encrypt(KEY, count)
    proof = prove_range(TAG_OPTION, CONTEXT, KEY, ct, count, nonce, 0, 1)
    cases = list(_tampered(ct, proof))
    assert len(cases) == 16
    for what, c, p, tag, context, key, lo, hi in cases:
        assert not verify_range(tag, context, key, c, lo, hi, p), what


def test_a_wide_range_proof_verifies_at_each_end():
    for count in (0, 3, 5):
        ct, nonce = encrypt(KEY, count)
        proof = prove_range(TAG_SUM, CONTEXT, KEY, ct, count, nonce, 0, 5)
        assert verify_range(TAG_SUM, CONTEXT, KEY, ct, 0, 5, proof)
        assert not verify_range(TAG_SUM, CONTEXT, KEY, ct, 0, 4, proof)


@pytest.mark.parametrize(
    ("choices", "seats"),
    [
        ([1, 0], 1),  # a motion: agree
        ([0, 0], 1),  # a motion: abstention, all zeros and the abstention slot 1
        ([0, 0, 1, 0], 1),  # a selection
        ([1, 1, 0, 1, 0], 3),  # an election of three seats
        ([0, 1, 0, 0, 0], 3),
        ([0] * 5, 3),
    ],
)
def test_a_matter_round_trips_and_verifies(choices, seats):
    matter = encrypt_matter(KEY, choices, seats, CONTEXT)
    assert verify_matter(KEY, matter, len(choices), seats, CONTEXT)
    again = matter_from_json(matter_to_json(matter))
    assert again == matter
    assert verify_matter(KEY, again, len(choices), seats, CONTEXT)
    # The abstention slot holds 1 exactly when nothing is chosen.
    assert decrypt_with_secret(SECRET, matter.abstain) == base_mult(int(sum(choices) == 0))


def test_over_votes_and_non_binary_choices_cannot_be_encrypted():
    with pytest.raises(ValueError):
        encrypt_matter(KEY, [1, 1], 1, CONTEXT)
    with pytest.raises(ValueError):
        encrypt_matter(KEY, [2, 0], 2, CONTEXT)
    with pytest.raises(ValueError):
        encrypt_matter(KEY, [1, 1, 1, 1], 3, CONTEXT)


def _matter_by_hand(choices, abstained, seats, sum_count=None):
    """Encrypt with honest per-slot proofs but any abstention bit; prove the sum if possible."""
    cts, proofs, nonces = [], [], []
    for i, choice in enumerate(choices):
        ct, nonce = encrypt(KEY, choice)
        cts.append(ct)
        nonces.append(nonce)
        proofs.append(
            prove_range(TAG_OPTION, option_context(CONTEXT, i), KEY, ct, choice, nonce, 0, 1)
        )
    abstain, a_nonce = encrypt(KEY, abstained)
    a_proof = prove_range(
        TAG_OPTION, option_context(CONTEXT, len(choices)), KEY, abstain, abstained, a_nonce, 0, 1
    )
    total = matter_sum(cts, abstain, seats)
    count = sum(choices) + seats * abstained if sum_count is None else sum_count
    nonce = (sum(nonces) + seats * a_nonce) % ORDER
    # A prover can only claim a value in range; claim the nearest one in 1..seats.
    claimed = min(max(count, 1), seats)
    sum_proof = prove_range(TAG_SUM, CONTEXT, KEY, total, claimed, nonce, 1, seats)
    return EncryptedMatter(tuple(cts), tuple(proofs), abstain, a_proof, sum_proof)


@pytest.mark.parametrize(
    ("choices", "abstained", "seats"),
    [
        ([0, 0], 0, 1),  # all zeros without the abstention: a blank that counts nowhere
        ([1, 0], 1, 1),  # a choice and an abstention together
        ([0, 1, 1], 1, 2),  # choices in an election and an abstention
        ([0, 0, 0], 0, 2),
    ],
)
def test_a_ballot_the_abstention_slot_does_not_fit_is_refused(choices, abstained, seats):
    forged = _matter_by_hand(choices, abstained, seats)
    assert not verify_matter(KEY, forged, len(choices), seats, CONTEXT)
    honest = _matter_by_hand(choices, int(sum(choices) == 0), seats)
    assert verify_matter(KEY, honest, len(choices), seats, CONTEXT)


def test_a_matter_with_any_part_altered_is_refused():
    matter = encrypt_matter(KEY, [0, 1, 1], 2, CONTEXT)
    other = encrypt_matter(KEY, [1, 0, 0], 2, CONTEXT)
    cts, proofs = matter.ciphertexts, matter.option_proofs
    extra_ct, extra_proof = other.ciphertexts[0], other.option_proofs[0]
    changes = {
        "options swapped": dataclasses.replace(
            matter,
            ciphertexts=(cts[1], cts[0], cts[2]),
            option_proofs=(proofs[1], proofs[0], proofs[2]),
        ),
        "ciphertext from another ballot": dataclasses.replace(
            matter, ciphertexts=(extra_ct, *cts[1:]), option_proofs=(extra_proof, *proofs[1:])
        ),
        "sum proof from another ballot": dataclasses.replace(matter, sum_proof=other.sum_proof),
        "an option dropped": dataclasses.replace(
            matter, ciphertexts=cts[:2], option_proofs=proofs[:2]
        ),
        "sum challenge": dataclasses.replace(
            matter,
            sum_proof=RangeProof(_bump(matter.sum_proof.challenges, 1), matter.sum_proof.responses),
        ),
        "abstention from another ballot": dataclasses.replace(
            matter, abstain=other.abstain, abstain_proof=other.abstain_proof
        ),
        "abstention proof": dataclasses.replace(matter, abstain_proof=other.abstain_proof),
        "option response": dataclasses.replace(
            matter,
            option_proofs=(RangeProof(proofs[0].challenges, _bump(proofs[0].responses, 0)),)
            + proofs[1:],
        ),
    }
    for what, changed in changes.items():
        assert not verify_matter(KEY, changed, 3, 2, CONTEXT), what
    assert not verify_matter(KEY, matter, 3, 1, CONTEXT), "seats"
    assert not verify_matter(KEY, matter, 4, 2, CONTEXT), "option count"
    assert not verify_matter(KEY, matter, 3, 2, CONTEXT + b"-replayed"), "context"


def test_an_over_vote_built_by_hand_is_refused():
    # A cheating client proves each option honestly but encrypts two choices in a motion.
    cts, proofs = [], []
    for i in range(2):
        ct, nonce = encrypt(KEY, 1)
        cts.append(ct)
        proofs.append(
            prove_range(TAG_OPTION, CONTEXT + i.to_bytes(8, "big"), KEY, ct, 1, nonce, 0, 1)
        )
    honest = encrypt_matter(KEY, [1, 0], 1, CONTEXT)
    forged = EncryptedMatter(
        tuple(cts), tuple(proofs), honest.abstain, honest.abstain_proof, honest.sum_proof
    )
    assert not verify_matter(KEY, forged, 2, 1, CONTEXT)
    # Each option alone passes: it is the limit on the sum that refuses the ballot.
    assert verify_matter(KEY, forged, 2, 2, CONTEXT) is False  # the sum proof is for 1..1
    for i, (ct, proof) in enumerate(zip(cts, proofs, strict=True)):
        assert verify_range(TAG_OPTION, CONTEXT + i.to_bytes(8, "big"), KEY, ct, 0, 1, proof)


def test_malformed_json_is_refused():
    data = matter_to_json(encrypt_matter(KEY, [1, 0], 1, CONTEXT))
    for broken in (
        {key: value for key, value in data.items() if key != "abstain"},
        {**data, "abstain": {"ciphertext": data["ciphertexts"][0]}},
        {**data, "extra": 1},
        {**data, "ciphertexts": data["ciphertexts"][0]},
        {**data, "ciphertexts": [data["ciphertexts"][0][:-2], data["ciphertexts"][1]]},
        {**data, "sum_proof": {"challenges": [f"{ORDER:064x}"], "responses": []}},
    ):
        with pytest.raises(ValueError):
            matter_from_json(broken)
