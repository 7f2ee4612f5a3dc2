"""JSON forms of the secret-ballot objects, as docs/FORMATS.md §9 writes them.

Every group element and scalar is lowercase hex of its exact bytes (group.py): a point 66
characters, a scalar 64, a ciphertext α‖β 132. Readers refuse anything else with
ValueError, so a verifier can report a malformed document instead of crashing on it.
"""

from __future__ import annotations

from typing import Any

from voting.crypto.elgamal import Ciphertext
from voting.crypto.group import Point, scalar_bytes, scalar_from_hex
from voting.crypto.proofs import Proof, RangeProof
from voting.crypto.secret_ballot import EncryptedMatter
from voting.crypto.trustees import Dealing, JointKey, PartialDecryption


def _scalar_hex(value: int) -> str:
    """Return a scalar as 64 lowercase hex characters."""
    return scalar_bytes(value).hex()


def _list(value: Any, what: str) -> list[Any]:
    """Return ``value`` if it is a JSON array, else raise ValueError naming ``what``."""
    if not isinstance(value, list):
        raise ValueError(f"{what} is an array")
    return value


def _object(value: Any, what: str, keys: set[str]) -> dict[str, Any]:
    """Return ``value`` if it is an object with exactly ``keys``, else raise ValueError."""
    if not isinstance(value, dict) or set(value) != keys:
        raise ValueError(f"{what} is an object with exactly {sorted(keys)}")
    return value


def _index(value: Any, what: str) -> int:
    """Return a non-negative JSON integer (not a boolean), else raise ValueError."""
    if type(value) is not int or value < 0:
        raise ValueError(f"{what} is a non-negative integer")
    return value


def range_proof_to_json(proof: RangeProof) -> dict[str, Any]:
    """Return {"challenges": [hex, …], "responses": [hex, …]}."""
    return {
        "challenges": [_scalar_hex(c) for c in proof.challenges],
        "responses": [_scalar_hex(v) for v in proof.responses],
    }


def range_proof_from_json(data: Any) -> RangeProof:
    """Parse a range proof."""
    data = _object(data, "a range proof", {"challenges", "responses"})
    return RangeProof(
        tuple(scalar_from_hex(c) for c in _list(data["challenges"], "challenges")),
        tuple(scalar_from_hex(v) for v in _list(data["responses"], "responses")),
    )


def proof_to_json(proof: Proof) -> dict[str, Any]:
    """Return {"challenge": hex, "response": hex}."""
    return {"challenge": _scalar_hex(proof.challenge), "response": _scalar_hex(proof.response)}


def proof_from_json(data: Any) -> Proof:
    """Parse a Schnorr or Chaum–Pedersen proof."""
    data = _object(data, "a proof", {"challenge", "response"})
    return Proof(scalar_from_hex(data["challenge"]), scalar_from_hex(data["response"]))


def matter_to_json(matter: EncryptedMatter) -> dict[str, Any]:
    """Return ENC_ANSWER: a matter's ciphertexts and option proofs, abstention and sum proof."""
    return {
        "ciphertexts": [ct.hex() for ct in matter.ciphertexts],
        "proofs": [range_proof_to_json(p) for p in matter.option_proofs],
        "abstain": {
            "ciphertext": matter.abstain.hex(),
            "proof": range_proof_to_json(matter.abstain_proof),
        },
        "sum_proof": range_proof_to_json(matter.sum_proof),
    }


_ANSWER_KEYS = {"ciphertexts", "proofs", "abstain", "sum_proof"}
_ABSTAIN_KEYS = {"ciphertext", "proof"}


def matter_from_json(data: Any) -> EncryptedMatter:
    """Parse an encrypted matter (ENC_ANSWER)."""
    data = _object(data, "an encrypted answer", _ANSWER_KEYS)
    abstain = _object(data["abstain"], "an answer's abstain", _ABSTAIN_KEYS)
    return EncryptedMatter(
        tuple(Ciphertext.from_hex(c) for c in _list(data["ciphertexts"], "ciphertexts")),
        tuple(range_proof_from_json(p) for p in _list(data["proofs"], "proofs")),
        Ciphertext.from_hex(abstain["ciphertext"]),
        range_proof_from_json(abstain["proof"]),
        range_proof_from_json(data["sum_proof"]),
    )


def answer_ciphertexts(data: Any) -> tuple[list[Ciphertext], Ciphertext, int]:
    """Parse only an ENC_ANSWER's ciphertexts (options, abstention) and count its proofs.

    For adding up answers whose proofs were already checked: the shape is checked, the
    proofs are not read.
    """
    data = _object(data, "an encrypted answer", _ANSWER_KEYS)
    abstain = _object(data["abstain"], "an answer's abstain", _ABSTAIN_KEYS)
    return (
        [Ciphertext.from_hex(c) for c in _list(data["ciphertexts"], "ciphertexts")],
        Ciphertext.from_hex(abstain["ciphertext"]),
        len(_list(data["proofs"], "proofs")),
    )


def dealing_to_json(dealing: Dealing) -> dict[str, Any]:
    """Return a dealing's public part (never its shares)."""
    return {
        "dealer": dealing.dealer,
        "commitments": [c.hex() for c in dealing.commitments],
        "proofs": [proof_to_json(p) for p in dealing.proofs],
    }


def dealing_from_json(data: Any) -> Dealing:
    """Parse a dealing's public part."""
    data = _object(data, "a dealing", {"dealer", "commitments", "proofs"})
    return Dealing(
        _index(data["dealer"], "dealer"),
        tuple(Point.from_hex(c) for c in _list(data["commitments"], "commitments")),
        tuple(proof_from_json(p) for p in _list(data["proofs"], "proofs")),
    )


def joint_key_to_json(key: JointKey) -> dict[str, Any]:
    """Return the joint key: k, n, the public key and the joint commitments."""
    return {
        "threshold": key.threshold,
        "trustees": key.trustees,
        "public_key": key.public_key.hex(),
        "commitments": [c.hex() for c in key.commitments],
    }


def joint_key_from_json(data: Any) -> JointKey:
    """Parse a joint key; its public key must be the first commitment."""
    data = _object(data, "a joint key", {"threshold", "trustees", "public_key", "commitments"})
    commitments = tuple(Point.from_hex(c) for c in _list(data["commitments"], "commitments"))
    threshold, trustees = _index(data["threshold"], "threshold"), _index(data["trustees"], "n")
    if not 1 <= threshold <= trustees or len(commitments) != threshold:
        raise ValueError("a joint key has 1 ≤ k ≤ n and k commitments")
    if Point.from_hex(data["public_key"]) != commitments[0]:
        raise ValueError("the public key is the first commitment")
    return JointKey(threshold, trustees, commitments)


def partial_to_json(partial: PartialDecryption) -> dict[str, Any]:
    """Return {"trustee", "share": hex point, "proof"}."""
    return {
        "trustee": partial.trustee,
        "share": partial.point.hex(),
        "proof": proof_to_json(partial.proof),
    }


def partial_from_json(data: Any) -> PartialDecryption:
    """Parse a partial decryption."""
    data = _object(data, "a partial decryption", {"trustee", "share", "proof"})
    return PartialDecryption(
        _index(data["trustee"], "trustee"),
        Point.from_hex(data["share"]),
        proof_from_json(data["proof"]),
    )
