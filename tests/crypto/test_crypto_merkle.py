"""The RFC 6962 Merkle tree: a naive reference, Certificate Transparency vectors, proofs."""

import hashlib

import pytest

from voting.crypto.canonical import canonical
from voting.crypto.merkle import (
    board_root,
    inclusion_proof,
    leaf_hash,
    leaf_hashes,
    merkle_root,
    verify_inclusion,
)

EMPTY = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
# Certificate Transparency's RFC 6962 test data: eight leaves and the root after each.
CT_LEAVES = [
    "",
    "00",
    "10",
    "2021",
    "3031",
    "40414243",
    "5051525354555657",
    "606162636465666768696a6b6c6d6e6f",
]
CT_ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
CT_PATHS = [
    (0, 1, []),
    (
        0,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        5,
        8,
        [
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (
        1,
        5,
        [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
]


def sha(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def reference_mth(data: list[bytes]) -> bytes:
    """RFC 6962 section 2.1 as written: MTH over the raw leaf inputs, recursively."""
    n = len(data)
    if n == 0:
        return sha(b"")
    if n == 1:
        return sha(b"\x00" + data[0])
    k = 1
    while k * 2 < n:
        k *= 2
    return sha(b"\x01" + reference_mth(data[:k]) + reference_mth(data[k:]))


def reference_path(m: int, data: list[bytes]) -> list[bytes]:
    """RFC 6962 section 2.1.1 PATH(m, D[n]), recursively."""
    n = len(data)
    if n == 1:
        return []
    k = 1
    while k * 2 < n:
        k *= 2
    if m < k:
        return reference_path(m, data[:k]) + [reference_mth(data[k:])]
    return reference_path(m - k, data[k:]) + [reference_mth(data[:k])]


def entries(n: int) -> list[dict]:
    return [
        {"receipt": f"{i:032x}", "area": f"{i}.50", "owners": 1, "answers": {}} for i in range(n)
    ]


def test_empty_root_is_sha256_of_empty_string():
    assert merkle_root([]).hex() == EMPTY
    assert board_root([]) == EMPTY


@pytest.mark.parametrize("n", [0, 1, 2, 3, 7])
def test_roots_of_small_boards_match_the_naive_reference(n):
    board = entries(n)
    expected = reference_mth([canonical(entry) for entry in board])
    assert merkle_root(leaf_hashes(board)) == expected
    assert board_root(board) == expected.hex()


def test_roots_by_hand():
    a, b, c = (leaf_hash({"receipt": r}) for r in "abc")
    assert leaf_hash({"receipt": "a"}) == sha(b'\x00{"receipt":"a"}')
    assert merkle_root([a]) == a
    assert merkle_root([a, b]) == sha(b"\x01" + a + b)
    assert merkle_root([a, b, c]) == sha(b"\x01" + sha(b"\x01" + a + b) + c)


def test_certificate_transparency_roots():
    data = [bytes.fromhex(leaf) for leaf in CT_LEAVES]
    hashes = [sha(b"\x00" + leaf) for leaf in data]
    for n in range(1, 9):
        assert merkle_root(hashes[:n]).hex() == CT_ROOTS[n - 1]
        assert reference_mth(data[:n]).hex() == CT_ROOTS[n - 1]


@pytest.mark.parametrize("index, size, path", CT_PATHS)
def test_certificate_transparency_audit_paths(index, size, path):
    hashes = [sha(b"\x00" + bytes.fromhex(leaf)) for leaf in CT_LEAVES[:size]]
    proof = inclusion_proof(hashes, index)
    assert [node.hex() for node in proof] == path
    assert verify_inclusion(hashes[index], index, size, proof, bytes.fromhex(CT_ROOTS[size - 1]))


def test_every_size_to_70_matches_the_reference_and_every_proof_verifies():
    for n in range(1, 71):
        data = [i.to_bytes(2, "big") for i in range(n)]
        hashes = [sha(b"\x00" + item) for item in data]
        root = merkle_root(hashes)
        assert root == reference_mth(data), n
        for index in range(n):
            proof = inclusion_proof(hashes, index)
            assert proof == reference_path(index, data), (n, index)
            assert verify_inclusion(hashes[index], index, n, proof, root)


def test_tampered_proofs_fail():
    hashes = [sha(b"\x00" + bytes([i])) for i in range(13)]
    root = merkle_root(hashes)
    for index in range(13):
        proof = inclusion_proof(hashes, index)
        for j in range(len(proof)):
            bad = list(proof)
            bad[j] = bytes([bad[j][0] ^ 1]) + bad[j][1:]
            assert not verify_inclusion(hashes[index], index, 13, bad, root)
        assert not verify_inclusion(hashes[index], index, 13, proof[:-1], root)
        assert not verify_inclusion(hashes[index], index, 13, [*proof, proof[0]], root)
        other = (index + 1) % 13
        assert not verify_inclusion(hashes[index], other, 13, proof, root)


@pytest.mark.parametrize(
    "leaf, index, size, proof, root",
    [
        (b"x", 0, 1, [], b"x"),
        (bytes(32), 1, 1, [], bytes(32)),
        (bytes(32), -1, 1, [], bytes(32)),
        (None, 0, 1, [], bytes(32)),
        (bytes(32), 0, 2, [None], bytes(32)),
        (bytes(32), 0, 2, [b"short"], bytes(32)),
        (bytes(32), "0", 1, [], bytes(32)),
    ],
)
def test_verify_inclusion_refuses_malformed_input(leaf, index, size, proof, root):
    assert verify_inclusion(leaf, index, size, proof, root) is False


def test_one_leaf_tree():
    only = leaf_hash({"receipt": "x"})
    assert inclusion_proof([only], 0) == []
    assert verify_inclusion(only, 0, 1, [], only)
    with pytest.raises(IndexError):
        inclusion_proof([only], 1)


def test_a_hundred_thousand_leaves():
    hashes = [sha(i.to_bytes(4, "big")) for i in range(100_000)]
    root = merkle_root(hashes)
    proof = inclusion_proof(hashes, 77_777)
    assert len(proof) == 17
    assert verify_inclusion(hashes[77_777], 77_777, 100_000, proof, root)
