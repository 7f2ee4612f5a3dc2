"""Canonical JSON, Ed25519 keys and signatures, the Merkle tree, audit chains, the verifier.

Pure code: it imports neither Flask nor SQLAlchemy nor any feature package, so that
``voting verify`` runs with only ``voting.rules`` and ``voting.crypto`` installed.
The verifier itself lives in ``voting.crypto.verify`` and is not imported here, so that
signing and hashing do not load the counting rules. Nor is the secret-ballot layer
(``group``, ``elgamal``, ``proofs``, ``secret_ballot``, ``trustees``, ``key_share``,
``secret_json``: docs/FORMATS.md §9), which loads libsecp256k1 only where it is used.
"""

from voting.crypto import keys, merkle
from voting.crypto.audit import GENESIS, event_hash, verify_chain
from voting.crypto.canonical import CanonicalError, canonical, parse_json, sha256_hex

# Keys, signatures and the Merkle tree: each module's __all__ names what it exports.
from voting.crypto.keys import *  # noqa: F403
from voting.crypto.merkle import *  # noqa: F403

__all__ = [
    "GENESIS",
    "CanonicalError",
    "canonical",
    "event_hash",
    "parse_json",
    "sha256_hex",
    "verify_chain",
]
__all__ += keys.__all__
__all__ += merkle.__all__
