"""Test vectors of the secret-ballot primitives (docs/FORMATS.md §9.8), pinned in a JSON file.

The vectors are made with a seeded generator anyone can rebuild: the i-th random scalar of
the stream named L is hash_to_scalar("gongyi-v2/test-vector", L, i as 8 bytes). The test
rebuilds them byte for byte, then checks the pinned documents on their own, as an
independent verifier would: everything verifies and decrypts to the stated counts.
"""

import itertools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from voting.crypto.elgamal import DiscreteLog, add_all, weighted_add
from voting.crypto.group import GENERATOR, hash_to_scalar, uint
from voting.crypto.secret_ballot import encrypt_matter, verify_matter
from voting.crypto.secret_json import (
    dealing_from_json,
    dealing_to_json,
    joint_key_from_json,
    joint_key_to_json,
    matter_from_json,
    matter_to_json,
    partial_from_json,
    partial_to_json,
)
from voting.crypto.trustees import (
    combine_partials,
    deal,
    joint_key,
    partial_decrypt,
    verify_dealing,
    verify_share,
)

VECTORS = Path(__file__).with_name("secret_v2_vectors.json")
KEY_CONTEXT = b"gongyi-v2 vector meeting m-1"
TALLY_CONTEXT = b"gongyi-v2 vector tally m-1/1/0"
BALLOTS = [
    # context, choices (one matter, three options, at most two choices), area in 0.01 m²
    (b"gongyi-v2 vector ballot 1", [1, 0, 1], 8950),
    (b"gongyi-v2 vector ballot 2", [1, 0, 0], 12000),
    (b"gongyi-v2 vector ballot 3", [0, 0, 0], 6025),
]


def seeded(label: str) -> Callable[[], int]:
    """Return the vectors' generator: scalars hashed from a label and a counter."""
    counter = itertools.count()
    return lambda: hash_to_scalar("gongyi-v2/test-vector", label.encode(), uint(next(counter)))


def build_vectors() -> dict[str, Any]:
    """Make every vector from the seeded generators."""
    dealings = [deal(i, 2, 3, KEY_CONTEXT, seeded(f"dealer {i}")) for i in (1, 2, 3)]
    key = joint_key([d for d, _ in dealings], 2, 3, KEY_CONTEXT)
    shares = {i: sum(s[i] for _, s in dealings) for i in (1, 2, 3)}
    ballots = [
        encrypt_matter(key.public_key, choices, 2, context, seeded(context.decode()))
        for context, choices, _ in BALLOTS
    ]
    first = [b.ciphertexts[0] for b in ballots]
    heads = add_all(first)
    area = weighted_add(first, [w for _, _, w in BALLOTS])
    partials = {
        name: [
            partial_to_json(
                partial_decrypt(key, i, shares[i], total, TALLY_CONTEXT, seeded(f"{name} {i}"))
            )
            for i in (1, 3)
        ]
        for name, total in (("heads", heads), ("area", area))
    }
    return {
        "hash": {
            "tag": "gongyi-v2/option-0-1",
            "parts_hex": ["616263", ""],
            "scalar": f"{hash_to_scalar('gongyi-v2/option-0-1', b'abc', b''):064x}",
        },
        "key_context": KEY_CONTEXT.decode(),
        "dealings": [dealing_to_json(d) for d, _ in dealings],
        "shares_of_trustee_2": [f"{s[2]:064x}" for _, s in dealings],
        "joint_key": joint_key_to_json(key),
        "ballots": [
            {"context": c.decode(), "choices": ch, "area": w, "matter": matter_to_json(b)}
            for (c, ch, w), b in zip(BALLOTS, ballots, strict=True)
        ],
        "option_0": {
            "heads": heads.hex(),
            "area": area.hex(),
            "tally_context": TALLY_CONTEXT.decode(),
            "partials": partials,
            "totals": {"heads": 2, "area": 20950},
        },
    }


def test_the_vectors_are_rebuilt_byte_for_byte():
    assert build_vectors() == json.loads(VECTORS.read_text(encoding="utf-8"))


def test_the_pinned_vectors_verify_on_their_own():
    doc = json.loads(VECTORS.read_text(encoding="utf-8"))
    context = doc["key_context"].encode()
    dealings = [dealing_from_json(d) for d in doc["dealings"]]
    assert all(verify_dealing(d, 2, context) for d in dealings)
    shares = [int(s, 16) for s in doc["shares_of_trustee_2"]]
    assert all(verify_share(d, 2, s) for d, s in zip(dealings, shares, strict=True))
    key = joint_key_from_json(doc["joint_key"])
    assert key == joint_key(dealings, 2, 3, context)
    matters = []
    for ballot in doc["ballots"]:
        matter = matter_from_json(ballot["matter"])
        assert verify_matter(key.public_key, matter, 3, 2, ballot["context"].encode())
        matters.append(matter)
    first = [m.ciphertexts[0] for m in matters]
    option = doc["option_0"]
    heads = add_all(first)
    area = weighted_add(first, [b["area"] for b in doc["ballots"]])
    assert (heads.hex(), area.hex()) == (option["heads"], option["area"])
    tally_context = option["tally_context"].encode()
    solve = DiscreteLog(30000).solve
    for name, total in (("heads", heads), ("area", area)):
        partials = [partial_from_json(p) for p in option["partials"][name]]
        assert (
            solve(combine_partials(key, total, partials, tally_context)) == option["totals"][name]
        )
    assert doc["hash"]["scalar"] == f"{hash_to_scalar('gongyi-v2/option-0-1', b'abc', b''):064x}"
    assert GENERATOR.hex() == "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"
