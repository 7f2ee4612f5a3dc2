"""``voting verify`` on a secret ballot's result (gongyi-result/2) and board (gongyi-board/2).

The result is built purely, as Gongyi publishes one: answers encrypted, a trusted-dealer
ceremony of 2 of 3 trustees, the board added up under encryption, trustees 1 and 3
decrypting, the matters decided from the counts, and the document signed with gongyi-sig/2
by the committee and countersigned by the office. The verifier accepts it, and refuses each
kind of tampering below, naming what failed. A tampered document is signed again by the
real keys (a publisher lying, not a forger); a tampered board gets its Merkle root and
entry count put right in the document, so that the deeper check is the one that fails.
"""

import copy
import hashlib
import json
from collections.abc import Callable
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.crypto.conftest import MATTERS as V1_MATTERS
from tests.crypto.conftest import make_audit
from tests.crypto.reference import PROCEDURE
from voting.crypto.ballot2 import (
    aggregate,
    ceremony_context,
    decrypt,
    encrypt_answer,
    trustee_decryption,
)
from voting.crypto.canonical import canonical
from voting.crypto.group import GENERATOR, ORDER, Point
from voting.crypto.merkle import board_root
from voting.crypto.secret_json import joint_key_to_json
from voting.crypto.statement import countersigned, sign
from voting.crypto.trustees import dealer_ceremony
from voting.crypto.verify import main, verify
from voting.rules.document import matters_from_totals

MEETING = "mtg-2"
COMMITTEE_AT, OFFICE_AT = "2024-06-04T01:00:00Z", "2024-06-05T03:00:00Z"
COMMITTEE = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
OFFICE = Ed25519PrivateKey.from_private_bytes(bytes(range(32, 64)))

#: The v1 board's matters, with a special selection of numbered firms and two seats to fill.
MATTERS = copy.deepcopy(
    [
        V1_MATTERS[0],
        {
            **V1_MATTERS[1],
            "category": "special",
            "options": [{"id": o, "label": f"{o}号物业"} for o in ("1", "2", "3")],
        },
        {**V1_MATTERS[2], "seats": 2, "minimum": 1},
    ]
)
# area, channel, m1, m2, m3 (None: did not answer)
VOTERS = [
    ("100.00", "online", ["agree"], ["1"], ["A", "B"]),
    ("100.00", "online", ["agree"], ["1"], ["A", "C"]),
    ("120.00", "paper", ["agree"], ["2"], ["A", "D"]),
    ("80.00", "proxy", ["disagree"], ["1"], ["D"]),
    ("100.00", "online", [], ["3"], []),
    ("90.00", "online", ["agree"], "invalid", ["A", "D"]),
    ("110.00", "online", ["agree"], ["1"], ["B", "C"]),
    ("100.00", "online", ["agree"], None, ["E"]),
    ("95.50", "paper", "invalid", ["1"], ["A", "B"]),
    ("60.25", "online", ["disagree"], [], ["A"]),
]
ROSTER = {"units": 12, "owners": 12, "area": "1200.00", "snapshot_hash": "ab" * 32}


def _entries(key: dict[str, Any]) -> list[dict[str, Any]]:
    by_id = {m["id"]: m for m in MATTERS}
    entries = []
    for number, (area, channel, *answers) in enumerate(VOTERS):
        receipt = hashlib.sha256(f"receipt {number}".encode()).hexdigest()[:32]
        encrypted = {}
        for matter_id, answer in zip(("m1", "m2", "m3"), answers, strict=True):
            if answer is None:
                continue
            encrypted[matter_id] = (
                answer
                if answer == "invalid"
                else encrypt_answer(key, MEETING, by_id[matter_id], receipt, answer)
            )
        entries.append(
            {
                "receipt": receipt,
                "channel": channel,
                "area": area,
                "owners": 1,
                "answers": encrypted,
            }
        )
    return sorted(entries, key=lambda e: e["receipt"])


def sign_result(doc: dict[str, Any]) -> dict[str, Any]:
    committee = sign(COMMITTEE, doc, "committee", COMMITTEE_AT)
    office = sign(OFFICE, doc, "office", OFFICE_AT, countersigned(committee))
    return {"document": doc, "signatures": [committee, office], "countersigned": True}


@pytest.fixture(scope="module")
def built() -> dict[str, Any]:
    joint, shares = dealer_ceremony(2, 3, ceremony_context(MEETING))
    key = joint_key_to_json(joint)
    entries = _entries(key)
    board = {"format": "gongyi-board/2", "meeting_id": MEETING, "entries": entries}
    aggregates = aggregate(MEETING, MATTERS, entries, key)
    decryptions = [trustee_decryption(key, i, shares[i], MEETING, aggregates) for i in (1, 3)]
    decrypted = decrypt(key, MEETING, aggregates, decryptions)
    audit = make_audit(8)
    doc = {
        "format": "gongyi-result/2",
        "signature_scheme": "gongyi-sig/2",
        "community": {"id": "c-1", "name": "观澜小区"},
        "office": {"id": "o-1", "name": "和平街道办事处"},
        "meeting": {
            "id": MEETING,
            "title": "2024年第二次业主大会会议",
            "noticed_at": "2024-05-01T00:00:00Z",
            "opened_at": "2024-05-20T00:00:00Z",
            "closed_at": "2024-06-03T10:00:00Z",
        },
        "procedure": PROCEDURE,
        "roster": ROSTER,
        "matters": matters_from_totals(
            PROCEDURE,
            ROSTER,
            MATTERS,
            aggregates.participation,
            decrypted.counts,
            {m["id"]: decrypted.totals_member(m["id"]) for m in MATTERS},
        ),
        "board": {
            "format": "gongyi-board/2",
            "entries": len(entries),
            "merkle_root": board_root(entries),
        },
        "encryption": {
            "group": "secp256k1",
            "joint_key": key,
            "trustees": [
                {"number": 1, "kind": "office", "name": "和平街道办事处"},
                {"number": 2, "kind": "scrutineer", "name": "张监票"},
                {"number": 3, "kind": "scrutineer", "name": "李监票"},
            ],
        },
        "audit": {"seq": 6, "head": audit["events"][5]["hash"]},
        "issued_at": "2024-06-04T01:00:00Z",
    }
    other, _ = dealer_ceremony(2, 3, ceremony_context(MEETING))
    return {
        "result": sign_result(doc),
        "board": board,
        "audit": audit,
        "other_key": joint_key_to_json(other),
        "other_answer": encrypt_answer(key, MEETING, MATTERS[0], "ff" * 16, ["agree"]),
    }


def test_the_secret_result_verifies_and_says_what_was_checked(built):
    report = verify(built["result"], built["board"], built["audit"])
    assert report.verified, report.text()
    text = report.text()
    for words in (
        "ok  result format gongyi-result/2",
        "ok  signatures[1] signs its role office",
        "ok  encryption: secp256k1, joint key",
        "any 2 of 3 trustees decrypt",
        "ok  totals: 26 totals of 3 matters",
        "trustees 1, 3 with proofs that verify",
        "ok  board: 10 entries sorted by receipt",
        "ok  every entry's answers: 27 encrypted answers",
        "ok  both aggregates of every slot",
        "every figure matches the decrypted counts",
        "ok  audit log",
    ):
        assert words in text, words
    statuses = {m["id"]: m["outcome"]["status"] for m in built["result"]["document"]["matters"]}
    assert statuses == {"m1": "passed", "m2": "no_decision", "m3": "elected"}
    abstain = built["result"]["document"]["matters"][2]["abstain"]
    assert abstain == {"owners": 1, "area": "100.00"}


def test_voting_verify_accepts_the_files(built, tmp_path, capsys):
    paths = {}
    for name in ("result", "board", "audit"):
        paths[name] = tmp_path / f"{name}.json"
        paths[name].write_text(json.dumps(built[name], ensure_ascii=False), encoding="utf-8")
    code = main(
        [str(paths["result"]), "--board", str(paths["board"]), "--audit", str(paths["audit"])]
    )
    out = capsys.readouterr().out
    assert code == 0, out
    assert out.rstrip().endswith("VERIFIED")
    assert "ok  both aggregates of every slot" in out


def test_without_the_board_the_totals_are_still_checked(built):
    report = verify(built["result"])
    assert report.verified, report.text()
    assert any(line.startswith("ok  totals: 26 totals") for line in report.lines)
    assert "--  no --board given: the count was not re-checked" in report.lines


# --- tampering -------------------------------------------------------------------------

Case = dict[str, Any]  # {"result", "board", "doc", "other_key", "other_answer"}


def _bump(text: str) -> str:
    """A scalar in hex plus one (mod n)."""
    return f"{(int(text, 16) + 1) % ORDER:064x}"


def _entry(case: Case, matter: str = "m1", after: int = 0) -> dict[str, Any]:
    """The first entry (from ``after``) with an encrypted answer to the matter."""
    return next(
        e for e in case["board"]["entries"][after:] if isinstance(e["answers"].get(matter), dict)
    )


def _doc(case: Case) -> dict[str, Any]:
    return case["result"]["document"]


def _total(case: Case, matter: int = 0, slot: str = "agree", dim: str = "owners"):
    return _doc(case)["matters"][matter]["totals"][slot][dim]


def board_tamper(change: Callable[[Case], None]) -> Callable[[Case], str]:
    """Change the board, put the document's root and count right and sign again."""

    def apply(case: Case) -> str:
        change(case)
        entries = case["board"]["entries"]
        _doc(case)["board"]["merkle_root"] = board_root(entries)
        _doc(case)["board"]["entries"] = len(entries)
        return "resign"

    return apply


def doc_tamper(change: Callable[[Case], None]) -> Callable[[Case], str]:
    """Change the document and sign it again with the real keys."""

    def apply(case: Case) -> str:
        change(case)
        return "resign"

    return apply


def raw_tamper(change: Callable[[Case], None]) -> Callable[[Case], str]:
    """Change the files and sign nothing again."""

    def apply(case: Case) -> str:
        change(case)
        return "keep"

    return apply


def _swap_option_ciphertexts(case: Case) -> None:
    answer = _entry(case)["answers"]["m1"]
    answer["ciphertexts"].reverse()


def _other_entry_answer(case: Case) -> None:
    first = _entry(case)
    second = _entry(case, after=case["board"]["entries"].index(first) + 1)
    first["answers"]["m1"] = copy.deepcopy(second["answers"]["m1"])


def _set_area(case: Case) -> None:
    _entry(case)["area"] = "101.00"


def _drop_entry(case: Case) -> None:
    del case["board"]["entries"][3]


def _add_entry(case: Case) -> None:
    extra = copy.deepcopy(case["board"]["entries"][2])
    extra["receipt"] = "f" * 32
    case["board"]["entries"].append(extra)


def _add_fresh_entry(case: Case) -> None:
    # A well-formed ballot nobody cast (its proofs are valid for its own receipt).
    case["board"]["entries"].append(
        {
            "receipt": "ff" * 16,
            "channel": "online",
            "area": "100.00",
            "owners": 1,
            "answers": {"m1": case["other_answer"]},
        }
    )


def _duplicate_entry(case: Case) -> None:
    entries = case["board"]["entries"]
    entries.insert(4, copy.deepcopy(entries[4]))


def _change_receipt(case: Case) -> None:
    entries = case["board"]["entries"]
    receipt = entries[0]["receipt"]
    entries[0]["receipt"] = receipt[:-1] + ("0" if receipt[-1] != "0" else "1")


def _encrypted_to_invalid(case: Case) -> None:
    _entry(case, "m2")["answers"]["m2"] = "invalid"


def _invalid_to_encrypted(case: Case) -> None:
    entry = next(e for e in case["board"]["entries"] if e["answers"].get("m1") == "invalid")
    entry["answers"]["m1"] = copy.deepcopy(_entry(case)["answers"]["m1"])


def _drop_answer(case: Case) -> None:
    del _entry(case, "m3")["answers"]["m3"]


def _replace_total(case: Case, dim: str) -> None:
    totals = _doc(case)["matters"][0]["totals"]
    totals["agree"][dim]["ciphertext"], totals["disagree"][dim]["ciphertext"] = (
        totals["disagree"][dim]["ciphertext"],
        totals["agree"][dim]["ciphertext"],
    )


def _consistent_total_swap(case: Case) -> None:
    # Swap whole TOTALs (ciphertext, count, partials) of agree and disagree: every partial
    # verifies for its ciphertext, but the totals are not the board's aggregates.
    totals = _doc(case)["matters"][0]["totals"]
    totals["agree"], totals["disagree"] = totals["disagree"], totals["agree"]


def _figure(path: list[Any], value: Any) -> Callable[[Case], None]:
    def change(case: Case) -> None:
        target = _doc(case)["matters"]
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value(target[path[-1]]) if callable(value) else value

    return change


def _joint_key(change: Callable[[dict[str, Any], Case], None]) -> Callable[[Case], None]:
    def apply(case: Case) -> None:
        change(_doc(case)["encryption"]["joint_key"], case)

    return apply


def _swap_key(key: dict[str, Any], case: Case) -> None:
    key.update(copy.deepcopy(case["other_key"]))


def _public_key_not_c0(key: dict[str, Any], case: Case) -> None:
    key["public_key"] = GENERATOR.hex()


def _threshold_one(key: dict[str, Any], case: Case) -> None:
    key["threshold"] = 1
    key["commitments"] = key["commitments"][:1]


def _threshold_three(key: dict[str, Any], case: Case) -> None:
    key["threshold"] = 3


def _more_trustees(key: dict[str, Any], case: Case) -> None:
    key["trustees"] = 4


def _commitment(key: dict[str, Any], case: Case) -> None:
    key["commitments"][1] = (Point.from_hex(key["commitments"][1]) + GENERATOR).hex()


def _sig(index: int, path: list[str], value: Any) -> Callable[[Case], None]:
    """Set (KeyError: delete) a member of signature ``index``, without signing again."""

    def apply(case: Case) -> None:
        _put(case["result"]["signatures"][index], path, value)

    return apply


def _strip_statement(case: Case) -> None:
    signature = case["result"]["signatures"][0]
    del signature["scheme"], signature["statement_signature"]


def _remove_office(case: Case) -> None:
    del case["result"]["signatures"][1]


def _edit_unsigned(case: Case) -> None:
    _doc(case)["matters"][0]["tally"][0]["owners"] += 1


def _partial(index: int, member: str, value: Callable[[Any], Any]) -> Callable[[Case], None]:
    def change(case: Case) -> None:
        partial = _total(case)["partials"][index]
        partial[member] = value(partial[member])

    return change


def _bump_proof(part: str) -> Callable[[Any], Any]:
    return lambda proof: {**proof, part: _bump(proof[part])}


def _option_proof(part: str) -> Callable[[Case], None]:
    def change(case: Case) -> None:
        proof = _entry(case, "m2")["answers"]["m2"]["proofs"][1]
        proof[part][0] = _bump(proof[part][0])

    return change


def _abstain(member: str) -> Callable[[Case], None]:
    def change(case: Case) -> None:
        first = _entry(case, "m3")["answers"]["m3"]
        second = _entry(case, "m3", case["board"]["entries"].index(_entry(case, "m3")) + 1)
        first["abstain"][member] = copy.deepcopy(second["answers"]["m3"]["abstain"][member])

    return change


def _sum_proof(case: Case) -> None:
    proof = _entry(case, "m3")["answers"]["m3"]["sum_proof"]
    proof["responses"][0] = _bump(proof["responses"][0])


def _answer(change: Callable[[dict[str, Any]], None], matter: str = "m1") -> Callable[[Case], None]:
    def apply(case: Case) -> None:
        change(_entry(case, matter)["answers"][matter])

    return apply


def _trustee(index: int, member: str, value: Any) -> Callable[[Case], None]:
    def change(case: Case) -> None:
        _doc(case)["encryption"]["trustees"][index][member] = value

    return change


def _put(target: dict[str, Any], path: list[str], value: Any) -> None:
    for step in path[:-1]:
        target = target[step]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value


def _set(path: list[str], value: Any) -> Callable[[Case], None]:
    def change(case: Case) -> None:
        _put(_doc(case), path, value)

    return change


def _board_member(name: str, value: Any) -> Callable[[Case], None]:
    def change(case: Case) -> None:
        case["board"][name] = value

    return change


def _entry_member(name: str, value: Any) -> Callable[[Case], None]:
    def change(case: Case) -> None:
        entry = case["board"]["entries"][1]
        if value is KeyError:
            del entry[name]
        else:
            entry[name] = value

    return change


def _move_last_entry_first(case: Case) -> None:
    entries = case["board"]["entries"]
    entries.insert(0, entries.pop())


TAMPERS: dict[str, tuple[Callable[[Case], str], str]] = {
    # the board: ciphertexts and proofs
    "option ciphertexts swapped": (
        board_tamper(_swap_option_ciphertexts),
        "0-or-1 proof does not verify",
    ),
    "answer copied from another entry": (board_tamper(_other_entry_answer), "does not verify"),
    "option proof challenge": (
        board_tamper(_option_proof("challenges")),
        "option 2's 0-or-1 proof",
    ),
    "option proof response": (board_tamper(_option_proof("responses")), "option 2's 0-or-1 proof"),
    "abstention ciphertext": (
        board_tamper(_abstain("ciphertext")),
        "the abstention's 0-or-1 proof",
    ),
    "abstention proof": (board_tamper(_abstain("proof")), "the abstention's 0-or-1 proof"),
    "sum proof": (board_tamper(_sum_proof), "the sum proof (1 to 2 choices"),
    "ciphertext not a point": (
        board_tamper(_answer(lambda a: a["ciphertexts"].__setitem__(0, "02" + "ff" * 65))),
        "not a point",
    ),
    "ciphertext in upper case": (
        board_tamper(
            _answer(lambda a: a["ciphertexts"].__setitem__(0, a["ciphertexts"][0].upper()))
        ),
        "lowercase hex",
    ),
    "an option's ciphertext dropped": (
        board_tamper(_answer(lambda a: (a["ciphertexts"].pop(), a["proofs"].pop()))),
        "1 ciphertexts, 2 options",
    ),
    "an extra member in an answer": (
        board_tamper(_answer(lambda a: a.__setitem__("plain", ["agree"]))),
        "an encrypted answer is an object with exactly",
    ),
    # the board: weights and entries
    "an entry's area (weight)": (board_tamper(_set_area), "is not the board's area aggregate"),
    "an entry's owners": (board_tamper(_entry_member("owners", 2)), "owners 2 is not 1"),
    "an entry's channel": (board_tamper(_entry_member("channel", "mail")), "channel 'mail'"),
    "an entry's area malformed": (board_tamper(_entry_member("area", "100.5")), "two decimals"),
    "an entry's extra member": (board_tamper(_entry_member("choices", ["agree"])), "members are"),
    "an entry's answers missing": (board_tamper(_entry_member("answers", KeyError)), "members are"),
    "an entry's receipt": (board_tamper(_change_receipt), "does not verify"),
    "an entry dropped": (board_tamper(_drop_entry), "is not the board's heads aggregate"),
    "an entry added, copied": (board_tamper(_add_entry), "does not verify"),
    "an entry added, well-formed": (
        board_tamper(_add_fresh_entry),
        "is not the board's heads aggregate",
    ),
    "an entry duplicated": (board_tamper(_duplicate_entry), "repeats the one before it"),
    "entries out of order": (board_tamper(_move_last_entry_first), "must be sorted by receipt"),
    "an answer turned invalid": (
        board_tamper(_encrypted_to_invalid),
        "is not the board's heads aggregate",
    ),
    "an invalid answer turned valid": (board_tamper(_invalid_to_encrypted), "does not verify"),
    "an answer removed": (board_tamper(_drop_answer), "is not the board's heads aggregate"),
    "an answer to an unknown matter": (
        board_tamper(lambda c: _entry(c)["answers"].__setitem__("m9", "invalid")),
        "unknown matter 'm9'",
    ),
    "an entry dropped, root left": (raw_tamper(_drop_entry), "document.board.entries says 10"),
    "an entry changed, root left": (raw_tamper(_set_area), "board Merkle root is"),
    "board format": (raw_tamper(_board_member("format", "gongyi-board/1")), "board.format is"),
    "board meeting": (raw_tamper(_board_member("meeting_id", "mtg-3")), "board.meeting_id is"),
    # the totals
    "a total's ciphertext": (
        doc_tamper(lambda c: _replace_total(c, "owners")),
        "proof does not verify",
    ),
    "an area total's ciphertext": (
        doc_tamper(lambda c: _replace_total(c, "area")),
        "proof does not verify",
    ),
    "whole totals swapped": (doc_tamper(_consistent_total_swap), "proof does not verify"),
    "a total's count": (
        doc_tamper(lambda c: _total(c).__setitem__("count", _total(c)["count"] + 1)),
        "partial decryptions do not give it",
    ),
    "an area total's count": (
        doc_tamper(
            lambda c: _total(c, 2, "abstain", "area").__setitem__(
                "count", _total(c, 2, "abstain", "area")["count"] + 1
            )
        ),
        "matters[2].totals.abstain.area.count",
    ),
    "a partial's share": (
        doc_tamper(_partial(0, "share", lambda s: (Point.from_hex(s) + GENERATOR).hex())),
        "partials[0] (trustee 1)",
    ),
    "a partial's challenge": (
        doc_tamper(_partial(1, "proof", _bump_proof("challenge"))),
        "partials[1] (trustee 3)",
    ),
    "a partial's response": (
        doc_tamper(_partial(0, "proof", _bump_proof("response"))),
        "partials[0] (trustee 1)",
    ),
    "a partial's trustee number": (
        doc_tamper(_partial(1, "trustee", lambda t: 2)),
        "partials[1] (trustee 2)",
    ),
    "a partial removed": (
        doc_tamper(lambda c: _total(c)["partials"].pop()),
        "has 1 partial decryptions, 2 are needed",
    ),
    "a partial duplicated": (
        doc_tamper(lambda c: _total(c)["partials"].__setitem__(1, _total(c)["partials"][0])),
        "each once, in increasing order",
    ),
    "a total's slot missing": (
        doc_tamper(lambda c: _doc(c)["matters"][1]["totals"].pop("abstain")),
        "matters[1].totals has slots",
    ),
    "a total's extra member": (
        doc_tamper(lambda c: _total(c).__setitem__("plain", 1)),
        "not an object of exactly ciphertext, count and partials",
    ),
    # the v1 figures and outcome
    "an option's heads": (
        doc_tamper(_figure([0, "tally", 0, "owners"], lambda v: v + 1)),
        "matters[0].tally[0].owners",
    ),
    "an option's area": (
        doc_tamper(_figure([1, "tally", 2, "area"], "1.00")),
        "matters[1].tally[2].area",
    ),
    "a ratio": (
        doc_tamper(_figure([0, "tally", 1, "area_ratio"], "1/2")),
        "matters[0].tally[1].area_ratio",
    ),
    "an option passed": (
        doc_tamper(_figure([1, "tally", 0, "passed"], lambda v: not v)),
        "matters[1].tally[0].passed",
    ),
    "participation": (
        doc_tamper(_figure([2, "participation", "owners"], lambda v: v + 1)),
        "participation.owners",
    ),
    "quorum": (doc_tamper(_figure([0, "participation", "quorum_met"], False)), "quorum_met"),
    "abstentions": (doc_tamper(_figure([2, "abstain", "owners"], 0)), "matters[2].abstain.owners"),
    "invalid": (doc_tamper(_figure([0, "invalid", "area"], "0.00")), "matters[0].invalid.area"),
    "outcome status": (
        doc_tamper(_figure([0, "outcome", "status"], "rejected")),
        "matters[0].outcome.status",
    ),
    "outcome winners": (
        doc_tamper(_figure([2, "outcome", "winners"], ["B", "A"])),
        "matters[2].outcome.winners",
    ),
    "a wrong lot seed": (
        doc_tamper(_figure([2, "outcome", "lot_seed"], "00" * 32)),
        "lot's seed is the board's",
    ),
    "roster owners": (doc_tamper(_set(["roster", "owners"], 30)), "ratio"),
    "procedure": (
        doc_tamper(_set(["procedure", "invalid_counts_as_participation"], False)),
        "matters[0].participation",
    ),
    # the encryption member
    "joint key replaced": (doc_tamper(_joint_key(_swap_key)), "proof does not verify"),
    "joint key's public key": (
        doc_tamper(_joint_key(_public_key_not_c0)),
        "the public key is the first commitment",
    ),
    "a joint key commitment": (doc_tamper(_joint_key(_commitment)), "partials[0] (trustee 1)"),
    "threshold lowered to 1": (
        doc_tamper(_joint_key(_threshold_one)),
        "at least 2 trustees must decrypt",
    ),
    "threshold raised": (doc_tamper(_joint_key(_threshold_three)), "k commitments"),
    "number of trustees": (
        doc_tamper(_joint_key(_more_trustees)),
        "trustees lists 3, the joint key has 4",
    ),
    "group": (doc_tamper(_set(["encryption", "group"], "ristretto255")), "encryption.group"),
    "encryption missing": (
        doc_tamper(_set(["encryption"], KeyError)),
        "document.encryption is missing",
    ),
    "a trustee renumbered": (doc_tamper(_trustee(1, "number", 3)), "trustees[1].number is 3"),
    "the office relabelled": (doc_tamper(_trustee(0, "kind", "scrutineer")), "trustees[0].kind"),
    "a trustee unnamed": (doc_tamper(_trustee(2, "name", " ")), "trustees[2].name is empty"),
    # formats
    "result format": (doc_tamper(_set(["format"], "gongyi-result/3")), "document.format is"),
    "result format v1": (doc_tamper(_set(["format"], "gongyi-result/1")), "board.format is"),
    "document board format": (
        doc_tamper(_set(["board", "format"], "gongyi-board/1")),
        "document.board.format",
    ),
    "document entries count": (
        doc_tamper(_set(["board", "entries"], 11)),
        "document.board.entries says 11",
    ),
    "signature scheme dropped": (
        doc_tamper(_set(["signature_scheme"], KeyError)),
        "requires gongyi-sig/2",
    ),
    # signatures (not signed again)
    "a figure changed, not signed again": (
        raw_tamper(_edit_unsigned),
        "does not sign this document",
    ),
    "committee relabelled office": (
        raw_tamper(_sig(0, ["role"], "office")),
        "signatures[0].countersigns is missing",
    ),
    "office relabelled committee": (
        raw_tamper(_sig(1, ["role"], "committee")),
        "is a committee signature with a countersigns member",
    ),
    "a signature's time": (
        raw_tamper(_sig(0, ["signed_at"], "2024-06-04T02:00:00Z")),
        "does not sign this role and time",
    ),
    "a signature's scheme": (
        raw_tamper(_sig(1, ["scheme"], "gongyi-sig/1")),
        "scheme is",
    ),
    "a statement stripped": (
        raw_tamper(_strip_statement),
        "has no gongyi-sig/2 statement",
    ),
    "office signature removed, countersigned true": (
        raw_tamper(_remove_office),
        "countersigned is true",
    ),
    "what the office countersigns": (
        raw_tamper(_sig(1, ["countersigns", "signed_at"], OFFICE_AT)),
        "does not sign this role",
    ),
}


def _case(built: dict[str, Any]) -> Case:
    return {
        "result": copy.deepcopy(built["result"]),
        "board": copy.deepcopy(built["board"]),
        "audit": built["audit"],
        "other_key": built["other_key"],
        "other_answer": built["other_answer"],
    }


def test_there_are_many_kinds_of_tampering():
    assert len(TAMPERS) >= 40


@pytest.mark.parametrize("what", list(TAMPERS))
def test_each_tampering_is_refused_and_named(built, what):
    apply, expected = TAMPERS[what]
    case = _case(built)
    before = (canonical(case["result"]), canonical(case["board"]))
    if apply(case) == "resign":
        case["result"] = sign_result(case["result"]["document"])
    after = (canonical(case["result"]), canonical(case["board"]))
    assert after != before, f"{what} changed nothing"
    report = verify(case["result"], case["board"], case["audit"])
    assert not report.verified, f"{what} was accepted"
    assert expected in report.mismatch, f"{what}: {report.mismatch}"
