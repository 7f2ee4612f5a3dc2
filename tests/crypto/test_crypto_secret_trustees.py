"""Trustees: k-of-n key shares, partial decryptions with proofs, weighted totals decrypted.

Any k trustees decrypt the totals and k−1 cannot; one trustee absent does not block the
count; a partial decryption, its proof, a dealing or a share that was altered is refused;
a weight changed after the trustees decrypted no longer matches their partials.
"""

import dataclasses
import itertools
import random

import pytest

from voting.crypto.elgamal import DiscreteLog, add_all, encrypt, weighted_add
from voting.crypto.group import GENERATOR, ORDER, base_mult, random_scalar
from voting.crypto.proofs import Proof
from voting.crypto.secret_ballot import encrypt_matter, verify_matter
from voting.crypto.secret_json import (
    dealing_from_json,
    dealing_to_json,
    partial_from_json,
    partial_to_json,
)
from voting.crypto.trustees import (
    DecryptionError,
    combine_partials,
    combine_shares,
    deal,
    dealer_ceremony,
    joint_key,
    lagrange_at_zero,
    partial_decrypt,
    verify_dealing,
    verify_partial,
    verify_share,
)

CEREMONY = b"meeting m-7 key ceremony"
TALLY = b"meeting m-7 matter 1 option agree area"


@pytest.fixture(scope="module")
def ceremony():
    """A 3-of-5 key made by a trusted dealer: four scrutineers and the street office."""
    return dealer_ceremony(3, 5, CEREMONY)


def test_every_k_of_n_decrypts_and_fewer_cannot(ceremony):
    key, shares = ceremony
    ct, _ = encrypt(key.public_key, 42)
    partials = {i: partial_decrypt(key, i, shares[i], ct, TALLY) for i in shares}
    solve = DiscreteLog(100).solve
    for present in itertools.combinations(range(1, 6), 3):
        assert solve(combine_partials(key, ct, [partials[i] for i in present], TALLY)) == 42
    for present in itertools.combinations(range(1, 6), 2):
        with pytest.raises(DecryptionError, match="3 are needed"):
            combine_partials(key, ct, [partials[i] for i in present], TALLY)
        # Interpolating two shares as if they sufficed gives no decryption either.
        guess = sum(shares[i] * lagrange_at_zero(i, present) for i in present) % ORDER
        assert base_mult(guess) != key.public_key
        assert ct.beta - ct.alpha * guess != base_mult(42)


def test_one_trustee_absent_the_count_completes(ceremony):
    key, shares = ceremony
    ct, _ = encrypt(key.public_key, 7)
    present = [partial_decrypt(key, i, shares[i], ct, TALLY) for i in (1, 2, 3, 4)]
    assert DiscreteLog(10).solve(combine_partials(key, ct, present, TALLY)) == 7


def test_all_n_trustees_together_decrypt_too(ceremony):
    key, shares = ceremony
    ct, _ = encrypt(key.public_key, 0)
    partials = [partial_decrypt(key, i, shares[i], ct, TALLY) for i in shares]
    assert combine_partials(key, ct, partials, TALLY).is_identity


def test_altered_partial_decryptions_are_refused(ceremony):
    key, shares = ceremony
    ct, _ = encrypt(key.public_key, 3)
    other, _ = encrypt(key.public_key, 3)
    good = partial_decrypt(key, 2, shares[2], ct, TALLY)
    assert verify_partial(key, ct, good, TALLY)
    proof = good.proof
    altered = {
        "share point": dataclasses.replace(good, point=good.point + GENERATOR),
        "challenge": dataclasses.replace(
            good, proof=Proof((proof.challenge + 1) % ORDER, proof.response)
        ),
        "response": dataclasses.replace(
            good, proof=Proof(proof.challenge, (proof.response + 1) % ORDER)
        ),
        "unreduced response": dataclasses.replace(
            good, proof=Proof(proof.challenge, proof.response + ORDER)
        ),
        "trustee relabelled": dataclasses.replace(good, trustee=3),
        "trustee beyond n": dataclasses.replace(good, trustee=6),
        "another trustee's share used": partial_decrypt(key, 2, shares[4], ct, TALLY),
        "made for another ciphertext": partial_decrypt(key, 2, shares[2], other, TALLY),
    }
    for what, partial in altered.items():
        assert not verify_partial(key, ct, partial, TALLY), what
        with pytest.raises(DecryptionError):
            combine_partials(
                key,
                ct,
                [partial, *(partial_decrypt(key, i, shares[i], ct, TALLY) for i in (1, 5))],
                TALLY,
            )
    assert not verify_partial(key, ct, good, TALLY + b"-other-total"), "context"
    with pytest.raises(DecryptionError, match="twice"):
        combine_partials(
            key, ct, [good, good, partial_decrypt(key, 1, shares[1], ct, TALLY)], TALLY
        )


def test_a_distributed_ceremony_without_a_dealer():
    # Each of three trustees deals; nobody ever holds the secret key.
    dealings = [deal(i, 2, 3, CEREMONY) for i in (1, 2, 3)]
    for dealing, shares in dealings:
        assert verify_dealing(dealing, 2, CEREMONY)
        assert verify_dealing(dealing_from_json(dealing_to_json(dealing)), 2, CEREMONY)
        assert all(verify_share(dealing, i, shares[i]) for i in (1, 2, 3))
        assert not verify_share(dealing, 1, (shares[1] + 1) % ORDER)
        assert not verify_share(dealing, 1, shares[2])
    key = joint_key([d for d, _ in dealings], 2, 3, CEREMONY)
    own = {i: combine_shares([s[i] for _, s in dealings]) for i in (1, 2, 3)}
    assert all(key.public_share(i) == base_mult(own[i]) for i in own)
    ct, _ = encrypt(key.public_key, 5)
    partials = [partial_decrypt(key, i, own[i], ct, TALLY) for i in (3, 1)]
    partials = [partial_from_json(partial_to_json(p)) for p in partials]
    assert DiscreteLog(10).solve(combine_partials(key, ct, partials, TALLY)) == 5


def test_altered_dealings_are_refused():
    dealing, _ = deal(1, 3, 4, CEREMONY)
    commitments, proofs = dealing.commitments, dealing.proofs
    assert not verify_dealing(dealing, 2, CEREMONY), "threshold"
    assert not verify_dealing(dealing, 3, CEREMONY + b"x"), "context"
    assert not verify_dealing(dataclasses.replace(dealing, dealer=2), 3, CEREMONY), "dealer"
    moved = (commitments[0] + GENERATOR, *commitments[1:])
    assert not verify_dealing(dataclasses.replace(dealing, commitments=moved), 3, CEREMONY)
    swapped = (proofs[1], proofs[0], proofs[2])
    assert not verify_dealing(dataclasses.replace(dealing, proofs=swapped), 3, CEREMONY)
    with pytest.raises(ValueError, match="one dealing per dealer"):
        joint_key([dealing, dealing], 3, 4, CEREMONY)
    with pytest.raises(ValueError, match="does not verify"):
        joint_key([dataclasses.replace(dealing, commitments=moved)], 3, 4, CEREMONY)
    with pytest.raises(ValueError):
        dealer_ceremony(4, 3, CEREMONY)


def test_weighted_totals_of_a_board_decrypt_and_a_changed_weight_is_caught(ceremony):
    key, shares = ceremony
    rng = random.Random(20261204)
    # A motion (agree, disagree) on 30 ballots with areas in 0.01 m² and some abstentions.
    ballots = []
    for n in range(30):
        choices = rng.choice([[1, 0], [0, 1], [0, 0]])
        area = rng.randint(3000, 30000)
        context = f"m-7/1/ballot-{n}".encode()
        ballots.append(
            (choices, area, context, encrypt_matter(key.public_key, choices, 1, context))
        )
    assert all(verify_matter(key.public_key, m, 2, 1, c) for _, _, c, m in ballots)
    areas = [area for _, area, _, _ in ballots]
    solve = DiscreteLog(sum(areas)).solve
    for option in range(2):
        column = [m.ciphertexts[option] for _, _, _, m in ballots]
        heads, area = add_all(column), weighted_add(column, areas)
        for total, expected in (
            (heads, sum(ch[option] for ch, _, _, _ in ballots)),
            (area, sum(ch[option] * a for ch, a, _, _ in ballots)),
        ):
            partials = [partial_decrypt(key, i, shares[i], total, TALLY) for i in (2, 4, 5)]
            assert solve(combine_partials(key, total, partials, TALLY)) == expected
        # A verifier recomputing the area total with one weight changed gets another
        # ciphertext, which the trustees' partial decryptions do not fit.
        partials = [partial_decrypt(key, i, shares[i], area, TALLY) for i in (1, 2, 3)]
        changed = list(areas)
        changed[rng.randrange(len(changed))] += 1
        recomputed = weighted_add(column, changed)
        assert recomputed != area  # even where the ballot holds 0: its α is not the identity
        with pytest.raises(DecryptionError):
            combine_partials(key, recomputed, partials, TALLY)


def test_a_random_secret_is_not_anyones_share(ceremony):
    key, _ = ceremony
    intruder = random_scalar()
    ct, _ = encrypt(key.public_key, 1)
    fake = partial_decrypt(key, 1, intruder, ct, TALLY)
    assert not verify_partial(key, ct, fake, TALLY)
