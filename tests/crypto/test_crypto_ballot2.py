"""A secret meeting end to end in pure code: encrypted answers, the weighted totals, 2 of 3
trustees decrypting them, and the matters decided from the counts.

The counts are compared with a plaintext count of the same random ballots, by heads and by
area, abstentions included; the matters with those of the version 1 count of the same
board in the clear.
"""

import copy
import random

import pytest

from tests.crypto.reference import PROCEDURE, plain_counts
from voting.crypto import ballot2
from voting.crypto.ballot2 import (
    ABSTAIN,
    Aggregates,
    EncryptedEntryError,
    aggregate,
    answer_context,
    ceremony_context,
    check_decryption,
    decrypt,
    encrypt_answer,
    total_context,
    trustee_decryption,
)
from voting.crypto.elgamal import Ciphertext
from voting.crypto.group import GENERATOR, base_mult
from voting.crypto.secret_json import joint_key_to_json, partial_from_json
from voting.crypto.trustees import DecryptionError, dealer_ceremony, lagrange_at_zero
from voting.rules.document import matters_from_board, matters_from_totals
from voting.rules.numbers import fmt_area

MEETING = "mtg-9"


def _matter(mid, kind, options, seats=1, alternates=0, minimum=0):
    return {
        "id": mid,
        "title": f"事项{mid}",
        "category": "ordinary",
        "kind": kind,
        "seats": seats,
        "alternates": alternates,
        "minimum": minimum,
        "options": [{"id": o, "label": o} for o in options],
    }


MATTERS = [
    _matter("m1", "motion", ["agree", "disagree"]),
    _matter("m2", "selection", ["1", "2", "3"]),
    _matter("m3", "election", ["1", "2", "3", "4", "5"], seats=2, alternates=1, minimum=1),
]


@pytest.fixture(scope="module")
def ceremony():
    key, shares = dealer_ceremony(2, 3, ceremony_context(MEETING))
    return joint_key_to_json(key), shares


def _random_answer(rng, matter):
    roll = rng.random()
    if roll < 0.1:
        return None  # did not answer this matter
    if roll < 0.15:
        return "invalid"
    ids = [o["id"] for o in matter["options"]]
    most = matter["seats"] if matter["kind"] == "election" else 1
    return sorted(rng.sample(ids, rng.randint(0, most)))


def _plain_board(rng, count):
    entries = []
    for _ in range(count):
        answers = {}
        for matter in MATTERS:
            answer = _random_answer(rng, matter)
            if answer is not None:
                answers[matter["id"]] = answer
        entries.append(
            {
                "receipt": f"{rng.getrandbits(128):032x}",
                "channel": rng.choice(["online", "paper", "proxy"]),
                "area": fmt_area(rng.randint(3000, 30000)),
                "owners": 1,
                "answers": answers,
            }
        )
    return sorted(entries, key=lambda e: e["receipt"])


def _encrypted(key, plain):
    by_id = {m["id"]: m for m in MATTERS}
    out = []
    for entry in plain:
        answers = {
            mid: answer
            if answer == "invalid"
            else encrypt_answer(key, MEETING, by_id[mid], entry["receipt"], answer)
            for mid, answer in entry["answers"].items()
        }
        out.append({**entry, "answers": answers})
    return out


def _plain_counts(plain):
    """The counts a plaintext count gives, per matter, slot and dimension."""
    return plain_counts(MATTERS, ((entry["area"], entry["answers"]) for entry in plain))


@pytest.fixture(scope="module")
def meeting(ceremony):
    key, shares = ceremony
    rng = random.Random(20261204)
    plain = _plain_board(rng, 36)
    entries = _encrypted(key, plain)
    aggregates = aggregate(MEETING, MATTERS, entries, key, check_proofs=True)
    decryptions = {i: trustee_decryption(key, i, shares[i], MEETING, aggregates) for i in (1, 2, 3)}
    return plain, entries, aggregates, decryptions


def test_two_of_three_trustees_decrypt_the_exact_weighted_counts(ceremony, meeting):
    key, _ = ceremony
    plain, _, aggregates, decryptions = meeting
    expected = _plain_counts(plain)
    for present in ((1, 2), (2, 3), (1, 3), (1, 2, 3)):
        decrypted = decrypt(key, MEETING, aggregates, [decryptions[i] for i in present])
        assert decrypted.counts == expected, present
    # Abstentions are counted exactly, elections included.
    assert expected["m3"][ABSTAIN]["owners"] > 0


def test_the_public_participation_is_that_of_the_board(meeting):
    plain, _, aggregates, _ = meeting
    for matter in MATTERS:
        answers = [(e["answers"].get(matter["id"]), e["area"]) for e in plain]
        valid = [int(a.replace(".", "")) for ans, a in answers if ans not in (None, "invalid")]
        invalid = [int(a.replace(".", "")) for ans, a in answers if ans == "invalid"]
        assert aggregates.participation[matter["id"]] == {
            "valid_owners": len(valid),
            "valid_area": sum(valid),
            "invalid_owners": len(invalid),
            "invalid_area": sum(invalid),
        }


def test_one_trustee_cannot_decrypt(ceremony, meeting):
    key, shares = ceremony
    plain, _, aggregates, decryptions = meeting
    with pytest.raises(DecryptionError, match="2 are needed"):
        decrypt(key, MEETING, aggregates, [decryptions[2]])
    with pytest.raises(DecryptionError, match="given twice"):
        decrypt(key, MEETING, aggregates, [decryptions[2], decryptions[2]])
    # Interpolating one trustee's partial alone does not give the count's point.
    expected = _plain_counts(plain)["m1"]["agree"]["owners"]
    ct = aggregates.sums["m1"]["agree"]["owners"]
    partial = partial_from_json(decryptions[2]["partials"]["m1"]["agree"]["owners"])
    alone = ct.beta - partial.point * lagrange_at_zero(2, [2])
    assert alone != base_mult(expected)
    # Nor does a share that is not a trustee's.
    with pytest.raises(ValueError, match="not trustee 1's"):
        trustee_decryption(key, 1, shares[2], MEETING, aggregates)


def test_matters_from_totals_decide_as_the_count_in_the_clear(ceremony, meeting):
    key, _ = ceremony
    plain, _, aggregates, decryptions = meeting
    decrypted = decrypt(key, MEETING, aggregates, [decryptions[1], decryptions[3]])
    roster = {"units": 50, "owners": 50, "area": "9000.00", "snapshot_hash": "ab" * 32}
    clear = matters_from_board(PROCEDURE, roster, MATTERS, plain)
    totals = {m["id"]: decrypted.totals_member(m["id"]) for m in MATTERS}
    secret = matters_from_totals(
        PROCEDURE, roster, MATTERS, aggregates.participation, decrypted.counts, totals
    )
    for matter in secret:
        assert matter.pop("totals") == totals[matter["id"]]
    assert secret == clear
    # Each TOTAL names its ciphertext, count and the partials that decrypt it.
    total = totals["m2"]["2"]["area"]
    assert Ciphertext.from_hex(total["ciphertext"]) == aggregates.sums["m2"]["2"]["area"]
    assert [p["trustee"] for p in total["partials"]] == [1, 3]
    assert total["count"] == _plain_counts(plain)["m2"]["2"]["area"]


def test_a_decryption_that_does_not_fit_is_refused(ceremony, meeting):
    key, _ = ceremony
    _, _, aggregates, decryptions = meeting
    good = decryptions[1]
    check_decryption(key, MEETING, aggregates, good)
    bad = {}
    bad["digest"] = {**good, "aggregates_sha256": "00" * 32}
    bad["meeting"] = {**good, "meeting_id": "mtg-10"}
    bad["format"] = {**good, "format": "gongyi-decryption/0"}
    bad["trustee"] = {**good, "trustee": 2}
    changed = copy.deepcopy(good)
    changed["partials"]["m3"]["4"]["area"]["share"] = GENERATOR.hex()
    bad["share"] = changed
    moved = copy.deepcopy(good)
    moved["partials"]["m1"]["agree"]["owners"] = good["partials"]["m1"]["disagree"]["owners"]
    bad["moved"] = moved
    missing = copy.deepcopy(good)
    del missing["partials"]["m2"][ABSTAIN]
    bad["missing"] = missing
    relabelled = copy.deepcopy(good)
    relabelled["partials"]["m1"]["agree"]["owners"]["trustee"] = 3
    bad["relabelled"] = relabelled
    for what, doc in bad.items():
        with pytest.raises(ValueError):
            check_decryption(key, MEETING, aggregates, doc)
        with pytest.raises(ValueError):
            decrypt(key, MEETING, aggregates, [doc, decryptions[2]])
        assert what


def test_the_proofs_refuse_an_answer_moved_to_another_ballot(ceremony, meeting):
    key, _ = ceremony
    _, entries, _, _ = meeting
    moved = copy.deepcopy(entries)
    first = next(i for i, e in enumerate(moved) if isinstance(e["answers"].get("m1"), dict))
    second = next(
        i for i, e in enumerate(moved) if i > first and isinstance(e["answers"].get("m1"), dict)
    )
    moved[first]["answers"]["m1"] = entries[second]["answers"]["m1"]
    aggregate(MEETING, MATTERS, moved, key)  # without proofs it adds up
    with pytest.raises(EncryptedEntryError, match=moved[first]["receipt"]):
        aggregate(MEETING, MATTERS, moved, key, check_proofs=True)


def test_worker_processes_add_up_the_same(ceremony, meeting, monkeypatch):
    key, _ = ceremony
    _, entries, aggregates, _ = meeting
    monkeypatch.setattr(ballot2, "CHUNK", 10)
    parallel = aggregate(MEETING, MATTERS, entries, key, check_proofs=True, workers=2)
    assert isinstance(parallel, Aggregates)
    assert parallel.to_json() == aggregates.to_json()
    assert parallel.participation == aggregates.participation
    assert parallel.digest() == aggregates.digest()


def test_an_answer_no_ballot_form_gives_cannot_be_encrypted(ceremony):
    key, _ = ceremony
    for matter, choices in (
        (MATTERS[0], ["agree", "disagree"]),
        (MATTERS[1], ["4"]),
        (MATTERS[2], ["1", "2", "3"]),
        (MATTERS[2], ["1", "1"]),
    ):
        with pytest.raises(ValueError):
            encrypt_answer(key, MEETING, matter, "ab" * 16, choices)


def test_contexts_are_the_documented_bytes():
    assert answer_context("7", "12", "ab" * 16) == ("gongyi-v2\n7\n12\n" + "ab" * 16).encode()
    assert total_context("7", "12", "abstain", "area") == b"gongyi-v2\n7\n12\nabstain\narea"
    assert ceremony_context("7") == b"gongyi-v2\n7\nceremony"


def test_two_boards_that_differ_in_one_choice_differ_only_in_that_answer(ceremony):
    key, shares = ceremony
    rng = random.Random(7)
    plain = _plain_board(rng, 12)
    changed = copy.deepcopy(plain)
    voter = next(i for i, e in enumerate(changed) if e["answers"].get("m1") == ["agree"])
    changed[voter]["answers"]["m1"] = ["disagree"]
    one, other = _encrypted(key, plain), _encrypted(key, changed)
    for a, b in zip(one, other, strict=True):
        # Receipts, channels, weights and which matters were answered are the same; an
        # encrypted answer is fresh randomness either way, so nothing tells the two apart
        # but the ciphertexts and proofs, which only k trustees together could open.
        assert {k: v for k, v in a.items() if k != "answers"} == {
            k: v for k, v in b.items() if k != "answers"
        }
        assert a["answers"].keys() == b["answers"].keys()
        for matter_id, answer in a["answers"].items():
            if answer == "invalid":
                assert b["answers"][matter_id] == "invalid"
            else:
                assert set(answer) == set(b["answers"][matter_id])
                assert answer["ciphertexts"] != b["answers"][matter_id]["ciphertexts"]
    # The totals differ by exactly that vote: one head and its area move from agree to
    # disagree, everything else is equal.
    counts = []
    for entries in (one, other):
        aggregates = aggregate(MEETING, MATTERS, entries, key, check_proofs=True)
        decryptions = [trustee_decryption(key, i, shares[i], MEETING, aggregates) for i in (1, 2)]
        counts.append(decrypt(key, MEETING, aggregates, decryptions).counts)
    area = int(plain[voter]["area"].replace(".", ""))
    expected = copy.deepcopy(counts[0])
    expected["m1"]["agree"] = {
        "owners": expected["m1"]["agree"]["owners"] - 1,
        "area": expected["m1"]["agree"]["area"] - area,
    }
    expected["m1"]["disagree"] = {
        "owners": expected["m1"]["disagree"]["owners"] + 1,
        "area": expected["m1"]["disagree"]["area"] + area,
    }
    assert counts[1] == expected
