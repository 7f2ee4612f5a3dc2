"""Ed25519 through cryptography: RFC 8032 vectors, key ids, signatures, encrypted keys."""

import base64
import hashlib

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from voting.crypto.canonical import canonical
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

# RFC 8032 section 7.1: (secret key, public key, message, signature), all hex.
RFC8032 = {
    "TEST 1": (
        "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
        "",
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
    ),
    "TEST 2": (
        "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
        "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
        "72",
        "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
    ),
    "TEST 3": (
        "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
        "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
        "af82",
        "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a",
    ),
    "TEST SHA(abc)": (
        "833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42",
        "ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf",
        hashlib.sha512(b"abc").hexdigest(),
        "dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b58909351fc9ac90b3ecfdfbc7c66431e0303dca179c138ac17ad9bef1177331a704",
    ),
}


def b64(hex_text: str) -> str:
    return base64.b64encode(bytes.fromhex(hex_text)).decode()


@pytest.mark.parametrize("name", RFC8032)
def test_rfc8032_vectors(name):
    secret, public, message, signature = RFC8032[name]
    private = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(secret))
    assert public_key_b64(private) == b64(public)
    assert private.sign(bytes.fromhex(message)).hex() == signature
    load_public_key(b64(public)).verify(bytes.fromhex(signature), bytes.fromhex(message))


def test_sha_abc_message_is_sha512_of_abc():
    assert RFC8032["TEST SHA(abc)"][2].startswith("ddaf35a193617aba")


def test_key_id_is_16_hex_of_sha256_of_raw_key():
    public = b64(RFC8032["TEST 1"][1])
    expected = hashlib.sha256(bytes.fromhex(RFC8032["TEST 1"][1])).hexdigest()[:16]
    assert key_id(public) == expected and len(expected) == 16


def test_sign_and_verify_document():
    key = generate_private_key()
    doc = {"format": "gongyi-result/1", "title": "更换物业", "n": 3}
    signature = sign_document(key, doc)
    public = public_key_b64(key.public_key())
    assert public == public_key_b64(key)
    assert len(base64.b64decode(signature)) == 64
    key.public_key().verify(base64.b64decode(signature), canonical(doc))
    assert verify_signature(public, signature, doc)
    assert verify_signature(public, signature, dict(reversed(list(doc.items()))))
    assert not verify_signature(public, signature, {**doc, "n": 4})
    assert not verify_signature(public_key_b64(generate_private_key()), signature, doc)


@pytest.mark.parametrize(
    "public, signature, doc",
    [
        ("not base64!", None, {}),
        ("", None, {}),
        (base64.b64encode(b"short").decode(), None, {}),
        (None, None, {}),
        (12, None, {}),
        (None, "%%%", {}),
        (None, base64.b64encode(b"x" * 63).decode(), {}),
        (None, 5, {}),
        (None, None, {"a": 1.5}),
        (None, None, {1: 2}),
    ],
)
def test_verify_signature_never_raises(public, signature, doc):
    key = generate_private_key()
    good_public = public_key_b64(key)
    good_signature = sign_document(key, {"a": 1})
    public = good_public if public is None else public
    signature = good_signature if signature is None else signature
    assert verify_signature(public, signature, doc) is False


@pytest.mark.parametrize("bad", ["", "AAAA", "not base64", "A" * 43, "A" * 44 + "=", 7, None])
def test_load_public_key_refuses_bad_input(bad):
    with pytest.raises(ValueError):
        load_public_key(bad)
    with pytest.raises(ValueError):
        key_id(bad)


def test_encrypted_private_key_round_trip():
    key = generate_private_key()
    pem = encrypt_private_key(key, b"correct horse")
    assert pem.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    assert public_key_b64(decrypt_private_key(pem, b"correct horse")) == public_key_b64(key)
    with pytest.raises(ValueError):
        decrypt_private_key(pem, b"wrong")
