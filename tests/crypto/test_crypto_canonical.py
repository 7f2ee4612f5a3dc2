"""Canonical JSON: RFC 8785's examples, and identity with the rfc8785 library."""

import json
from unittest import mock

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from voting.crypto.canonical import (
    MAX_INT,
    CanonicalError,
    canonical,
    canonical_parsed,
    parse_json,
    sha256_hex,
)

# RFC 8785 section 3.2.2: the sample input and its canonical output.
RFC_SAMPLE = r"""{
  "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
  "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
  "literals": [null, true, false]
}"""
RFC_SAMPLE_OUT = (
    '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],'
    '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}'
).encode()

# RFC 8785 section 3.2.3: keys sorted by UTF-16 code units, and the values in that order.
RFC_SORTING = r"""{
  "\u20ac": "Euro Sign",
  "\r": "Carriage Return",
  "\ufb33": "Hebrew Letter Dalet With Dagesh",
  "1": "One",
  "\ud83d\ude00": "Emoji: Grinning Face",
  "\u0080": "Control",
  "\u00f6": "Latin Small Letter O With Diaeresis"
}"""
RFC_SORTED_VALUES = [
    "Carriage Return",
    "One",
    "Control",
    "Latin Small Letter O With Diaeresis",
    "Euro Sign",
    "Emoji: Grinning Face",
    "Hebrew Letter Dalet With Dagesh",
]

TRICKY = (
    "\x00\x01\x07\x08\t\n\x0b\x0c\r\x1b\x1f\x7f\x80\u2028\u2029\ufeff\ue000\uffff"
    '"\\/ aZ09共议业主大会楼栋房号弃权😀𝄞\U0010ffff'
)
KEYS = st.text(alphabet=st.sampled_from(TRICKY), max_size=6) | st.text(max_size=6)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-MAX_INT, max_value=MAX_INT)
    | st.text(alphabet=st.sampled_from(TRICKY), max_size=12)
    | st.text(max_size=12)
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(KEYS, inner, max_size=6),
    max_leaves=30,
)
BMP_TEXT = st.text(alphabet=st.characters(max_codepoint=0xFFFF, exclude_categories=("Cs",)))
BMP_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-MAX_INT, MAX_INT) | BMP_TEXT,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(BMP_TEXT, inner, max_size=6),
    max_leaves=30,
)


def test_rfc8785_sample_through_the_library():
    assert rfc8785.dumps(json.loads(RFC_SAMPLE)) == RFC_SAMPLE_OUT


def test_rfc8785_sample_without_numbers():
    doc = json.loads(RFC_SAMPLE)
    del doc["numbers"]
    assert (
        canonical(doc)
        == b'{"literals":[null,true,false],"string":"\xe2\x82\xac$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}'
    )


def test_rfc8785_key_sorting_with_non_ascii_keys():
    doc = json.loads(RFC_SORTING)
    out = canonical(doc)
    assert list(json.loads(out).values()) == RFC_SORTED_VALUES
    assert out == rfc8785.dumps(doc)


def test_chinese_keys_sort_by_utf16_code_units():
    doc = {"楼栋": 1, "房号": 2, "area": 3, "业主": 4}
    assert canonical(doc) == '{"area":3,"业主":4,"房号":2,"楼栋":1}'.encode()


@settings(max_examples=200, deadline=None)
@given(VALUES)
def test_identical_to_rfc8785(value):
    assert canonical(value) == rfc8785.dumps(value)
    assert canonical_parsed(value) == rfc8785.dumps(value)


@settings(max_examples=200, deadline=None)
@given(BMP_VALUES)
def test_fast_path_alone_is_identical_below_u_ffff(value):
    expected = rfc8785.dumps(value)
    refusing = mock.Mock(dumps=mock.Mock(side_effect=AssertionError("fallback used")))
    with mock.patch("voting.crypto.canonical.rfc8785", refusing):
        assert canonical(value) == expected


@settings(max_examples=200, deadline=None)
@given(VALUES)
def test_parse_json_round_trip(value):
    assert canonical_parsed(parse_json(json.dumps(value))) == rfc8785.dumps(value)


@pytest.mark.parametrize("value", [1.0, 0.5, [1, {"a": 2.5}], {"area": float("nan")}])
def test_floats_are_refused_with_type_error(value):
    with pytest.raises(TypeError, match="float"):
        canonical(value)


@pytest.mark.parametrize("value", [{1: "a"}, {None: 1}, {"a": {(1,): 2}}])
def test_non_string_keys_are_refused(value):
    with pytest.raises(TypeError, match="keys must be strings"):
        canonical(value)


@pytest.mark.parametrize("value", [b"bytes", {1, 2}, object()])
def test_other_types_are_refused(value):
    with pytest.raises(TypeError):
        canonical(value)


def test_integer_bounds():
    assert canonical([MAX_INT, -MAX_INT]) == b"[9007199254740991,-9007199254740991]"
    for big in (MAX_INT + 1, -MAX_INT - 1, 10**30):
        with pytest.raises(CanonicalError):
            canonical(big)


def test_tuples_and_subclasses_encode_as_their_base_types():
    class Name(str):
        pass

    assert canonical((1, Name("x"), {Name("k"): True})) == rfc8785.dumps([1, "x", {"k": True}])


def test_lone_surrogates_are_refused():
    with pytest.raises(ValueError):
        canonical("\ud800")
    with pytest.raises(ValueError):
        canonical_parsed(parse_json('"\\udc00"'))


@pytest.mark.parametrize(
    "text", ["1.5", "[1e3]", '{"a": -0.0}', "NaN", "[Infinity]", "9007199254740992"]
)
def test_parse_json_refuses_what_documents_never_carry(text):
    with pytest.raises(CanonicalError):
        parse_json(text)


def test_parse_json_keeps_integers_and_text():
    assert parse_json('{"n": -9007199254740991, "s": "共议\\n"}') == {"n": -MAX_INT, "s": "共议\n"}
    with pytest.raises(json.JSONDecodeError):
        parse_json("{")


def test_sha256_hex():
    assert sha256_hex(b"") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert sha256_hex(b"abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
