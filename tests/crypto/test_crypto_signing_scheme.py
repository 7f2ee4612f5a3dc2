"""gongyi-sig/2: every signature covers its role and time; the countersignature is checked.

Documents of the first scheme (signatures over canonical(DOC) only) still verify, with a note
that their role and time are not covered.
"""

import copy

import pytest

from voting.crypto.keys import key_id, public_key_b64, sign_document
from voting.crypto.statement import SCHEME, countersigned, is_signed_at, sign
from voting.crypto.verify import verify

COMMITTEE_AT, OFFICE_AT = "2024-06-04T01:00:00Z", "2024-06-05T03:00:00Z"


def _v2(published, office: bool = True) -> dict:
    """The published document declared gongyi-sig/2 and signed that way."""
    doc = {**copy.deepcopy(published.doc), "signature_scheme": SCHEME}
    committee = sign(published.committee, doc, "committee", COMMITTEE_AT)
    signatures = [committee]
    if office:
        signatures.append(
            sign(published.office, doc, "office", OFFICE_AT, countersigned(committee))
        )
    return {"document": doc, "signatures": signatures, "countersigned": office}


def _ids(published) -> tuple[str, str]:
    return key_id(public_key_b64(published.committee)), key_id(public_key_b64(published.office))


def test_a_countersigned_v2_result_verifies_and_names_each_signer(published):
    report = verify(_v2(published))
    committee, office = _ids(published)
    assert report.verified, report.text()
    assert f"ok  signature committee key {committee}" in report.lines
    assert f"ok  signature office key {office}" in report.lines
    assert f"ok  signatures[1] signs its role office and time {OFFICE_AT} ({SCHEME})" in (
        report.lines
    )
    assert f"ok  countersigned by the office: key {office} at {OFFICE_AT}" in report.lines


def test_a_v2_result_before_the_countersignature_says_so(published):
    report = verify(_v2(published, office=False))
    assert report.verified, report.text()
    assert "--  not countersigned by the office" in report.lines


@pytest.mark.parametrize("index, role", [(0, "office"), (1, "committee")])
def test_a_relabelled_role_is_rejected(published, index, role):
    result = _v2(published)
    result["signatures"][index]["role"] = role
    report = verify(result)
    assert not report.verified
    assert report.mismatch.startswith(f"signatures[{index}]")


def test_a_relabelled_role_with_a_consistent_shape_breaks_the_statement(published):
    """An attacker who also moves the countersigns member still cannot relabel."""
    result = _v2(published)
    office = result["signatures"][1]
    office["role"] = "committee"
    del office["countersigns"]
    report = verify(result)
    assert report.mismatch == (
        f"signatures[1] (committee key {_ids(published)[1]}) does not sign this role and time: "
        "its role, signed_at or countersigns member was changed"
    )


def test_a_changed_time_is_rejected(published):
    result = _v2(published)
    result["signatures"][1]["signed_at"] = "2024-06-06T03:00:00Z"
    assert "does not sign this role and time" in verify(result).mismatch


def test_a_missing_office_signature_on_a_countersigned_result_is_rejected(published):
    result = _v2(published)
    del result["signatures"][1]
    assert verify(result).mismatch == (
        "result.countersigned is true, but no signature is by the office"
    )


def test_an_office_signature_on_a_result_said_not_countersigned_is_rejected(published):
    result = _v2(published)
    result["countersigned"] = False
    assert verify(result).mismatch == (
        "result.countersigned is false, but signatures[1] is by the office"
    )


def test_a_stripped_statement_falls_back_to_nothing(published):
    """The document requires gongyi-sig/2, so a signature cannot be downgraded to relabel it."""
    result = _v2(published)
    for name in ("scheme", "statement_signature", "countersigns"):
        del result["signatures"][1][name]
    result["signatures"][1]["role"] = "committee"
    assert verify(result).mismatch == (
        f"signatures[1] has no {SCHEME} statement, but the document requires one: "
        "its role and time could have been changed"
    )


def test_a_countersignature_of_another_committee_signature_is_rejected(published):
    result = _v2(published)
    doc = result["document"]
    other = sign(published.committee, doc, "committee", "2024-06-03T00:00:00Z")
    result["signatures"][1] = sign(published.office, doc, "office", OFFICE_AT, countersigned(other))
    assert verify(result).mismatch == (
        f"signatures[1] countersigns the committee signature by key {_ids(published)[0]} at "
        "2024-06-03T00:00:00Z, which is not in the result"
    )


def test_a_countersignature_before_the_committee_signed_is_rejected(published):
    result = _v2(published)
    doc, committee = result["document"], result["signatures"][0]
    early = "2024-06-03T00:00:00Z"
    result["signatures"][1] = sign(published.office, doc, "office", early, countersigned(committee))
    assert verify(result).mismatch == (
        f"signatures[1] is signed at {early}, before the committee signature it countersigns "
        f"({COMMITTEE_AT})"
    )


BAD_TIMES = [
    "2024-13-40T99:00:00Z",
    "yesterday",
    "2024-06-04 01:00:00",
    "2024-06-04T01:00:00+08:00",
    "",
]


@pytest.mark.parametrize("signed_at", BAD_TIMES)
@pytest.mark.parametrize("scheme", ["v1", "v2"])
def test_a_malformed_signed_at_is_rejected(published, signed_at, scheme):
    result = _v2(published) if scheme == "v2" else copy.deepcopy(published.result)
    result["signatures"][0]["signed_at"] = signed_at
    assert verify(result).mismatch.startswith("signatures[0].signed_at is ")
    assert "expected a UTC time like 2024-06-04T01:00:00Z" in verify(result).mismatch
    assert not is_signed_at(signed_at)


def test_v1_documents_still_verify_with_a_note_that_role_and_time_are_not_covered(published):
    report = verify(copy.deepcopy(published.result))
    committee, office = _ids(published)
    assert report.verified, report.text()
    assert f"ok  signature committee key {committee}" in report.lines
    assert (
        "--  signatures[0] is of the first scheme: it signs the document only, so its role "
        "(committee) and time (2024-06-04T01:00:00Z) are not signed"
    ) in report.lines
    assert f"ok  countersigned by the office: key {office} at 2024-06-04T01:00:00Z" in (
        report.lines
    )


def test_v1_a_committee_signature_copied_as_the_office_is_rejected(published):
    result = copy.deepcopy(published.result)
    copied = {**result["signatures"][0], "role": "office"}
    result["signatures"][1] = copied
    assert verify(result).mismatch == (
        f"signatures[1] (office) and signatures[0] (committee) are by the same key "
        f"{_ids(published)[0]}: a signature was copied or mislabelled"
    )


def test_v1_a_result_without_a_committee_signature_is_rejected(published):
    result = copy.deepcopy(published.result)
    result["signatures"][0]["role"] = "office"
    assert verify(result).mismatch == (
        "no signature is by the committee: the result was not published by it"
    )


def test_v1_countersigned_claim_without_the_office_is_rejected(published):
    result = copy.deepcopy(published.result)
    del result["signatures"][1]
    result["countersigned"] = True
    assert verify(result).mismatch == (
        "result.countersigned is true, but no signature is by the office"
    )


def test_the_statement_signature_is_over_the_documented_object(published):
    """FORMATS.md §4: STATEMENT = {scheme, document_sha256, role, key_id, signed_at,
    countersigns?}, signed like a document; an independent verifier can rebuild it."""
    import hashlib

    from voting.crypto.canonical import canonical

    result = _v2(published)
    office = result["signatures"][1]
    rebuilt = {
        "scheme": "gongyi-sig/2",
        "document_sha256": hashlib.sha256(canonical(result["document"])).hexdigest(),
        "role": "office",
        "key_id": office["key_id"],
        "signed_at": OFFICE_AT,
        "countersigns": {"key_id": _ids(published)[0], "signed_at": COMMITTEE_AT},
    }
    assert office["statement_signature"] == sign_document(published.office, rebuilt)
