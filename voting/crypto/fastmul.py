"""Quick linear combinations of public points, for verifiers: a·P + b·G (+ c·Q) as bytes.

A proof's verifier rebuilds commitments such as v·G − c·α and v·H − c·(β − j·G) from public
values only, so it may use variable-time arithmetic. libsecp256k1 exposes its fast
variable-time double multiplication (Strauss with the precomputed tables of G) only inside
ECDSA public key recovery, which computes Q = r⁻¹·(s·R − e·G) for the point R whose x is r.
Asking it to "recover" with R = P, s = a·r and e = −b·r gives exactly a·P + b·G in one call
instead of a multiplication and an addition. Nothing here is a signature: the ECDSA
function is used only as that arithmetic. Whenever it cannot serve (P is the identity, its x
is not below the group order, a is 0, or the result is the identity) the ordinary
arithmetic of :mod:`voting.crypto.group` gives the same bytes.

Never use this with secret scalars: its time depends on them.
"""

from __future__ import annotations

from typing import Any

from voting.crypto.group import IDENTITY, ORDER, POINT_BYTES, Point, base_mult

try:  # coincurve's own cffi binding of libsecp256k1 and its context
    from coincurve._libsecp256k1 import ffi as _ffi  # type: ignore[import-not-found]
    from coincurve._libsecp256k1 import lib as _lib
    from coincurve.context import GLOBAL_CONTEXT

    _CTX: Any = GLOBAL_CONTEXT.ctx
    _COMPRESSED: int = _lib.SECP256K1_EC_COMPRESSED
except (ImportError, AttributeError):  # pragma: no cover - another build of coincurve
    _lib = None

_IDENTITY = bytes(POINT_BYTES)


def _slow(p: Point, a: int, b: int, q: Point | None, c: int) -> bytes:
    """a·P + b·G + c·Q with the group's ordinary arithmetic."""
    total = p * a if q is None else p * a + q * c
    return (total + base_mult(b)).to_bytes()


def _recovered(out: Any, sig: Any, encoded: bytes, r: int, a: int, b: int) -> bool:
    """Set ``out`` to a·P + b·G by ECDSA public key recovery, where ``encoded`` is P's
    encoding and r < ORDER its x: the signature (r, s = a·r) and e = −b·r. False where
    libsecp256k1 refuses (the sum is the identity); ``sig`` is scratch space."""
    return bool(
        _lib.secp256k1_ecdsa_recoverable_signature_parse_compact(
            _CTX, sig, encoded[1:] + (a * r % ORDER).to_bytes(32, "big"), encoded[0] - 2
        )
        and _lib.secp256k1_ecdsa_recover(_CTX, out, sig, (-b * r % ORDER).to_bytes(32, "big"))
    )


def combination(p: Point, a: int, b: int, q: Point | None = None, c: int = 0) -> bytes:
    """Return the 33-byte encoding of a·P + b·G (+ c·Q), in variable time."""
    a, b, c = a % ORDER, b % ORDER, c % ORDER
    if _lib is None or p.is_identity or a == 0:
        return _slow(p, a, b, q, c)
    encoded = p.to_bytes()
    r = int.from_bytes(encoded[1:], "big")
    if r >= ORDER:
        return _slow(p, a, b, q, c)
    out = _ffi.new("secp256k1_pubkey *")
    sig = _ffi.new("secp256k1_ecdsa_recoverable_signature *")
    if not _recovered(out, sig, encoded, r, a, b):
        return _slow(p, a, b, q, c)  # the identity
    if q is not None and c and not q.is_identity:
        term = _ffi.new("secp256k1_pubkey *")
        _ffi.memmove(term, q._key.public_key, 64)  # type: ignore[union-attr]
        if not _lib.secp256k1_ec_pubkey_tweak_mul(_CTX, term, c.to_bytes(32, "big")):
            return _slow(p, a, b, q, c)
        terms = [out, term]
        both = _ffi.new("secp256k1_pubkey *")
        if not _lib.secp256k1_ec_pubkey_combine(
            _CTX, both, _ffi.new("secp256k1_pubkey *[]", terms), len(terms)
        ):
            return _IDENTITY
        out = both
    data = _ffi.new("unsigned char[33]")
    size = _ffi.new("size_t *", POINT_BYTES)
    _lib.secp256k1_ec_pubkey_serialize(_CTX, data, size, out, _COMPRESSED)
    return bytes(_ffi.buffer(data, POINT_BYTES))


class _Buffers:
    """Reused libsecp256k1 structures of :func:`branch` (one process, one thread at a time)."""

    def __init__(self) -> None:
        self.sig = _ffi.new("secp256k1_ecdsa_recoverable_signature *")
        self.a = _ffi.new("secp256k1_pubkey *")
        self.b = _ffi.new("secp256k1_pubkey *")
        self.term = _ffi.new("secp256k1_pubkey *")
        self.both = _ffi.new("secp256k1_pubkey *")
        self.pair = _ffi.new("secp256k1_pubkey *[2]", [self.b, self.term])
        self.data = _ffi.new("unsigned char[33]")
        self.size = _ffi.new("size_t *", POINT_BYTES)


_buffers: _Buffers | None = None


def _serialized(key: Any, buffers: _Buffers) -> bytes:
    buffers.size[0] = POINT_BYTES
    _lib.secp256k1_ec_pubkey_serialize(_CTX, buffers.data, buffers.size, key, _COMPRESSED)
    return bytes(_ffi.buffer(buffers.data, POINT_BYTES))


def branch(h: Point, alpha: Point, beta: Point, j: int, c: int, v: int) -> tuple[bytes, bytes]:
    """A range proof branch's commitments for a verifier, in variable time:
    a = v·G − c·α and b = v·H − c·(β − j·G) = −c·β + c·j·G + v·H."""
    global _buffers
    c, v = c % ORDER, v % ORDER
    if _lib is None or not c or not v or alpha.is_identity or beta.is_identity or h.is_identity:
        return combination(alpha, -c, v), combination(beta, -c, c * j, h, v)
    x_alpha, x_beta = alpha.to_bytes(), beta.to_bytes()
    r_alpha, r_beta = int.from_bytes(x_alpha[1:], "big"), int.from_bytes(x_beta[1:], "big")
    if r_alpha >= ORDER or r_beta >= ORDER:
        return combination(alpha, -c, v), combination(beta, -c, c * j, h, v)
    buffers = _buffers = _buffers or _Buffers()
    minus_c = ORDER - c
    # a = (−c)·α + v·G
    if not _recovered(buffers.a, buffers.sig, x_alpha, r_alpha, minus_c, v):
        return combination(alpha, -c, v), combination(beta, -c, c * j, h, v)
    a = _serialized(buffers.a, buffers)
    # b = (−c)·β + (c·j)·G + v·H
    _ffi.memmove(buffers.term, h._key.public_key, 64)  # type: ignore[union-attr]
    if not (
        _recovered(buffers.b, buffers.sig, x_beta, r_beta, minus_c, c * j)
        and _lib.secp256k1_ec_pubkey_tweak_mul(_CTX, buffers.term, v.to_bytes(32, "big"))
        and _lib.secp256k1_ec_pubkey_combine(_CTX, buffers.both, buffers.pair, 2)
    ):
        return a, combination(beta, -c, c * j, h, v)
    return a, _serialized(buffers.both, buffers)


__all__ = ["IDENTITY", "branch", "combination"]
