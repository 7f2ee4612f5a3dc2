"""The verifier's quick combinations a·P + b·G (+ c·Q) give the bytes of the plain arithmetic."""

import random

from voting.crypto.fastmul import branch, combination
from voting.crypto.group import GENERATOR, IDENTITY, ORDER, base_mult


def plain(p, a, b, q=None, c=0):
    total = p * a + base_mult(b)
    return (total if q is None else total + q * c).to_bytes()


def test_random_combinations_match_the_plain_arithmetic():
    rng = random.Random(15)
    for _ in range(60):
        p, q = base_mult(rng.randrange(1, ORDER)), base_mult(rng.randrange(1, ORDER))
        a, b, c = (rng.randrange(ORDER) for _ in range(3))
        assert combination(p, a, b) == plain(p, a, b)
        assert combination(p, a, b, q, c) == plain(p, a, b, q, c)
        assert combination(p, -a, -b, q, -c) == plain(p, -a, -b, q, -c)


def test_the_edge_cases_fall_back_to_the_same_bytes():
    k = 123456789
    p = base_mult(k)
    cases = [
        (p, 0, 5, None, 0),  # a = 0
        (IDENTITY, 7, 5, None, 0),  # P is the identity
        (p, 1, -k, None, 0),  # the result is the identity
        (p, 2, 3, IDENTITY, 9),  # Q is the identity
        (p, 2, 3, GENERATOR, 0),  # c = 0
        (p, 1, 0, p, -1),  # a·P + c·Q cancel
        (p, 0, 0, None, 0),  # everything zero
    ]
    for p_, a, b, q, c in cases:
        assert combination(p_, a, b, q, c) == plain(p_, a, b, q, c), (a, b, c)
    assert combination(p, 1, -k) == bytes(33)


def test_a_branch_gives_the_commitments_of_the_plain_arithmetic():
    rng = random.Random(17)
    h = base_mult(rng.randrange(1, ORDER))
    for j in (0, 1, 2, 7):
        for _ in range(15):
            alpha, beta = base_mult(rng.randrange(1, ORDER)), base_mult(rng.randrange(1, ORDER))
            c, v = rng.randrange(ORDER), rng.randrange(ORDER)
            expected = (plain(alpha, -c, v), (h * v + (beta - base_mult(j)) * -c).to_bytes())
            assert branch(h, alpha, beta, j, c, v) == expected
    # Zero scalars and the identity take the plain path and agree.
    alpha = base_mult(5)
    for c, v, beta in ((0, 3, alpha), (3, 0, alpha), (3, 4, IDENTITY), (1, 5, base_mult(1))):
        expected = (plain(alpha, -c, v), (h * v + (beta - base_mult(1)) * -c).to_bytes())
        assert branch(h, alpha, beta, 1, c, v) == expected
