"""The group of secret ballots and exponential ElGamal: encodings, arithmetic, sums, logs."""

import hashlib
import random

import pytest

from voting.crypto.elgamal import (
    ZERO,
    Ciphertext,
    DiscreteLog,
    add_all,
    decrypt_with_secret,
    encrypt,
    weighted_add,
)
from voting.crypto.group import (
    GENERATOR,
    IDENTITY,
    ORDER,
    GroupError,
    Point,
    base_mult,
    hash_to_scalar,
    random_scalar,
    scalar_from_hex,
    sum_points,
    weighted_sum,
)

G_HEX = "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"
TWO_G_HEX = "02c6047f9441ed7d6d3045406e95c07cd85c778e4b8cef3ca7abac09b95c709ee5"


def test_encodings_are_sec1_compressed_and_the_identity_is_zeros():
    assert GENERATOR.hex() == G_HEX
    assert (GENERATOR + GENERATOR).hex() == TWO_G_HEX == (GENERATOR * 2).hex()
    assert IDENTITY.to_bytes() == bytes(33)
    assert Point.from_hex("00" * 33) is IDENTITY
    assert Point.from_hex(TWO_G_HEX) == base_mult(2)
    assert base_mult(ORDER).is_identity and (GENERATOR * ORDER).is_identity


def test_arithmetic_and_the_identity():
    p, q = base_mult(random_scalar()), base_mult(random_scalar())
    assert p - p == IDENTITY
    assert p + IDENTITY == p == IDENTITY + p
    negated = -p
    assert -negated == p and negated != p and -IDENTITY == IDENTITY
    assert (p + q) - q == p
    assert p * 3 == p + p + p
    assert p.plus_base(5) == p + base_mult(5)
    assert (-GENERATOR).plus_base(1) == IDENTITY
    assert IDENTITY.plus_base(7) == base_mult(7)
    assert sum_points([]) == IDENTITY and sum_points([p, -p]) == IDENTITY


@pytest.mark.parametrize(
    "text",
    [
        "",
        "02" * 32,  # 32 bytes
        "04" + G_HEX[2:],  # not a compressed prefix
        "02" + "ff" * 32,  # x beyond the field
        "02" + "00" * 31 + "05",  # x=5 is not on the curve
        G_HEX.upper(),  # hex is lowercase
        "zz" * 33,
    ],
)
def test_points_that_are_not_group_elements_are_refused(text):
    with pytest.raises(GroupError):
        Point.from_hex(text)


def test_scalars_at_or_above_the_order_are_refused():
    assert scalar_from_hex(f"{ORDER - 1:064x}") == ORDER - 1
    with pytest.raises(GroupError):
        scalar_from_hex(f"{ORDER:064x}")


def test_challenges_frame_every_part_and_separate_domains():
    framed = b"\x00\x00\x00\x14gongyi-v2/option-0-1\x00\x00\x00\x03abc\x00\x00\x00\x00"
    expected = int.from_bytes(hashlib.sha256(framed).digest(), "big") % ORDER
    assert hash_to_scalar("gongyi-v2/option-0-1", b"abc", b"") == expected
    assert f"{expected:064x}" == "5f8f44cc9e4370c8bb453f960a3ed6a09766e451473de810205c7680063c4eb2"
    assert hash_to_scalar("t", b"ab", b"c") != hash_to_scalar("t", b"a", b"bc")
    assert hash_to_scalar("t", b"ab") != hash_to_scalar("t", b"ab", b"")
    assert hash_to_scalar("t1", b"x") != hash_to_scalar("t2", b"x")
    assert 0 <= hash_to_scalar("t", b"x") < ORDER


def test_weighted_sum_equals_the_sum_of_multiples():
    rng = random.Random(15)
    points = [base_mult(random_scalar()) for _ in range(40)]
    weights = [rng.choice([0, 1, 2, 8950, 12000, 2**40 + 3]) for _ in points]
    naive = IDENTITY
    for point, weight in zip(points, weights, strict=True):
        naive = naive + point * weight
    assert weighted_sum(points, weights) == naive
    assert weighted_sum([], []) == IDENTITY
    with pytest.raises(ValueError):
        weighted_sum(points[:1], [-1])


def test_encryption_round_trip_and_homomorphism():
    secret = random_scalar()
    public = base_mult(secret)
    solve = DiscreteLog(100).solve
    for count in (0, 1, 7):
        ct, _ = encrypt(public, count)
        assert solve(decrypt_with_secret(secret, ct)) == count
        assert Ciphertext.from_hex(ct.hex()) == ct and Ciphertext.from_bytes(ct.to_bytes()) == ct
    cts = [encrypt(public, c)[0] for c in (1, 0, 1, 1)]
    assert solve(decrypt_with_secret(secret, add_all(cts))) == 3
    assert solve(decrypt_with_secret(secret, weighted_add(cts, [10, 99, 20, 5]))) == 35
    assert solve(decrypt_with_secret(secret, cts[0] + cts[2])) == 2
    assert add_all([]) == ZERO


def test_two_encryptions_of_the_same_count_differ():
    public = base_mult(random_scalar())
    assert encrypt(public, 1)[0] != encrypt(public, 1)[0]


def test_a_fixed_nonce_gives_a_fixed_ciphertext():
    public = base_mult(2)
    ct, nonce = encrypt(public, 1, 3)
    assert nonce == 3
    # (3·G, 3·2·G + G) = (3G, 7G)
    assert ct == Ciphertext(base_mult(3), base_mult(7))
    # The hand-checkable vector of docs/FORMATS.md §9.8.
    assert ct.hex() == (
        "02f9308a019258c31049344f85f89d5229b531c845836f99b08601f113bce036f9"
        "025cbdf0646e5db4eaa398f365f2ea7a0e3d419b7e0330e39ce92bddedcac4f9bc"
    )


@pytest.mark.parametrize("searches", [1, 50, 10**6])
def test_discrete_log_is_bounded(searches):
    log = DiscreteLog(1000, searches)
    assert [log.solve(base_mult(m)) for m in (0, 1, 31, 32, 999, 1000)] == [
        0,
        1,
        31,
        32,
        999,
        1000,
    ]
    for outside in (1001, 5000, ORDER - 1):
        with pytest.raises(ValueError):
            log.solve(base_mult(outside))
    assert DiscreteLog(0, searches).solve(IDENTITY) == 0
