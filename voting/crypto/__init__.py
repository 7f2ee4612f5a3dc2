"""Canonical JSON, Ed25519 keys and signatures, the Merkle tree, audit chains, the verifier.

Pure code: it imports neither Flask nor SQLAlchemy nor any feature package, so that
``voting verify`` runs with only ``voting.rules`` and ``voting.crypto`` installed.
The verifier itself lives in ``voting.crypto.verify`` and is not imported here, so that
signing and hashing do not load the counting rules. Nor is the secret-ballot layer
(``group``, ``elgamal``, ``proofs``, ``secret_ballot``, ``trustees``, ``key_share``,
``secret_json``: docs/FORMATS.md §9), which loads libsecp256k1 only where it is used.
"""

from voting.crypto.audit import GENESIS, event_hash, verify_chain
from voting.crypto.canonical import CanonicalError, canonical, parse_json, sha256_hex
from voting.crypto.keys import (
    decrypt_private_key,
    encrypt_private_key,
    generate_private_key,
    key_id,
    load_public_key,
    public_key_b64,
    sign_document,
    verify_signature,
)
from voting.crypto.merkle import (
    board_root,
    inclusion_proof,
    leaf_hash,
    leaf_hashes,
    merkle_root,
    verify_inclusion,
)

__all__ = [
    "GENESIS",
    "CanonicalError",
    "board_root",
    "canonical",
    "decrypt_private_key",
    "encrypt_private_key",
    "event_hash",
    "generate_private_key",
    "inclusion_proof",
    "key_id",
    "leaf_hash",
    "leaf_hashes",
    "load_public_key",
    "merkle_root",
    "parse_json",
    "public_key_b64",
    "sha256_hex",
    "sign_document",
    "verify_chain",
    "verify_inclusion",
    "verify_signature",
]
