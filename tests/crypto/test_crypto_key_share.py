"""A trustee's key-share file opens with its passphrase only, unaltered, for its own key."""

import json

import pytest

from voting.crypto.group import ORDER
from voting.crypto.key_share import FORMAT, KeyShareError, open_share, seal_share
from voting.crypto.trustees import dealer_ceremony

FAST = 2**14  # the smallest scrypt cost a file may name; the default is 2**17


@pytest.fixture(scope="module")
def ceremony():
    return dealer_ceremony(2, 3, b"meeting m-9 key ceremony")


@pytest.fixture(scope="module")
def sealed(ceremony):
    key, shares = ceremony
    return seal_share(key, 2, shares[2], "共议 2026 监票", scrypt_n=FAST)


def test_the_share_opens_with_its_passphrase(ceremony, sealed):
    key, shares = ceremony
    doc = json.loads(json.dumps(sealed))
    assert doc["format"] == FORMAT and doc["trustee"] == 2
    assert f"{shares[2]:064x}" not in json.dumps(doc)
    assert open_share(doc, "共议 2026 监票") == (2, shares[2])
    assert open_share(doc, "共议 2026 监票", key) == (2, shares[2])


def test_the_default_cost_is_scrypt_2_17(ceremony):
    key, shares = ceremony
    doc = seal_share(key, 1, shares[1], "passphrase")
    assert doc["kdf"]["n"] == 2**17
    assert open_share(doc, "passphrase", key) == (1, shares[1])


def test_a_wrong_passphrase_is_refused(sealed):
    with pytest.raises(KeyShareError, match="wrong passphrase"):
        open_share(sealed, "共议 2026 监票 ")


@pytest.mark.parametrize(
    ("member", "value"),
    [
        ("trustee", 3),
        ("threshold", 3),
        ("public_key", "03" + "11" * 32),
        ("nonce", "00" * 12),
        ("sealed", "00" * 48),
    ],
)
def test_an_altered_member_is_refused(sealed, member, value):
    with pytest.raises(KeyShareError):
        open_share({**sealed, member: value}, "共议 2026 监票")


def test_altered_key_derivation_is_refused(sealed):
    kdf = sealed["kdf"]
    for changed in (
        {**kdf, "salt": "00" * 16},
        {**kdf, "n": 2**15},
        {**kdf, "n": 2**10},  # too cheap to accept
        {**kdf, "n": 2**40},  # too costly to try
        {**kdf, "name": "pbkdf2"},
        {**kdf, "n": "16384"},
    ):
        with pytest.raises(KeyShareError):
            open_share({**sealed, "kdf": changed}, "共议 2026 监票")


def test_a_share_of_another_key_or_trustee_is_named(ceremony, sealed):
    other_key, _ = dealer_ceremony(2, 3, b"another meeting")
    with pytest.raises(KeyShareError, match="another key or another trustee"):
        open_share(sealed, "共议 2026 监票", other_key)


def test_only_the_trustees_own_share_can_be_sealed(ceremony):
    key, shares = ceremony
    with pytest.raises(KeyShareError, match="not this trustee's share"):
        seal_share(key, 1, shares[2], "passphrase", scrypt_n=FAST)
    with pytest.raises(KeyShareError, match="not this trustee's share"):
        seal_share(key, 1, (shares[1] + 1) % ORDER, "passphrase", scrypt_n=FAST)
    with pytest.raises(KeyShareError, match="passphrase"):
        seal_share(key, 1, shares[1], "", scrypt_n=FAST)


@pytest.mark.parametrize("doc", [None, [], {"format": FORMAT}, {"format": "x"}, "text"])
def test_what_is_not_a_key_share_file_is_refused(doc):
    with pytest.raises(KeyShareError):
        open_share(doc, "passphrase")
