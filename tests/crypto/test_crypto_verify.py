"""The verifier on a hand-built result: untouched files verify; every single edit is named."""

import copy
import re

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from voting.crypto.keys import key_id, public_key_b64
from voting.crypto.merkle import board_root
from voting.crypto.verify import main, verify
from voting.rules.document import matters_from_board

ATTACKER = Ed25519PrivateKey.from_private_bytes(b"\x07" * 32)


def leaves(value, path=""):
    """Yield (json path, value) for every scalar in a JSON value."""
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from leaves(inner, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from leaves(inner, f"{path}[{index}]")
    else:
        yield path, value


def locate(value, path):
    """Return (container, key) for a path made by ``leaves``."""
    parts = path.replace("[", ".[").split(".")
    for part in parts[:-1]:
        value = value[int(part[1:-1])] if part.startswith("[") else value[part]
    last = parts[-1]
    return value, int(last[1:-1]) if last.startswith("[") else last


def changed(value):
    """Return a plausible different value of the same kind."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if re.fullmatch(r"\d+\.00", value):
        return f"{int(value[:-3]) - 20}.00"
    if re.fullmatch(r"\d+/\d+", value):
        top, bottom = value.split("/")
        return f"{int(top) + 1}/{bottom}"
    return value + "x"


def run(capsys, args):
    code = main(args)
    out = capsys.readouterr()
    return code, out.out, out.err


def doc_leaves(published):
    return [path for path, _ in leaves(published.doc)]


def test_untouched_files_verify(published, capsys):
    code, out, err = run(capsys, published.files("--key", published.committee_b64()))
    assert code == 0, out
    lines = out.splitlines()
    committee_id = key_id(published.committee_b64())
    assert lines[-1] == "VERIFIED"
    assert f"ok  signature committee key {committee_id}" in lines
    assert f"ok  signature office key {key_id(public_key_b64(published.office))}" in lines
    assert f"ok  signed by the key given with --key: committee {committee_id}" in lines
    assert any(line.startswith("ok  board: 9 entries") for line in lines)
    assert any(line.startswith('ok  matter "m3"') and "elected" in line for line in lines)
    assert any(line.startswith("ok  audit log: events 1 to 6") for line in lines)
    assert err == ""


def test_key_from_a_file(published, capsys, tmp_path):
    key_file = tmp_path / "committee.pub"
    key_file.write_text(published.committee_b64() + "\n")
    assert run(capsys, published.files("--key", str(key_file)))[0] == 0


def test_result_alone_says_what_was_not_checked(published, capsys):
    code, out, _ = run(capsys, published.files(board=False, audit=False))
    assert code == 0
    assert "--  no --board given: the count was not re-checked" in out
    assert "--  no --audit given: the audit log was not checked" in out
    assert "--  no --key given" in out


def test_verify_api(published):
    report = verify(published.result, published.board, published.audit, published.committee_b64())
    assert report.verified and report.text().endswith("\nVERIFIED")
    report = verify(published.result, {**published.board, "entries": []})
    assert not report.verified and report.text().startswith("ok  ")
    assert report.text().splitlines()[-1].startswith("MISMATCH: board has 0 entries")


def test_every_edit_of_the_document_breaks_the_signatures(published, capsys):
    original = copy.deepcopy(published.result)
    paths = doc_leaves(published)
    assert len(paths) > 100
    for path in paths:
        published.result = copy.deepcopy(original)
        container, key = locate(published.doc, path)
        container[key] = changed(container[key])
        code, out, _ = run(capsys, published.files())
        assert code == 1, path
        expected = "document.format is" if path == "format" else "signatures[0] (committee key "
        assert out.splitlines()[-1].startswith(f"MISMATCH: {expected}"), path


FIGURES = ("rule", "participation", "tally", "abstain", "invalid", "outcome")


def test_every_figure_edited_and_re_signed_is_named_by_the_recount(published, capsys):
    original = copy.deepcopy(published.doc)
    checked = 0
    for path in doc_leaves(published):
        if not path.startswith("matters[") or path.split(".")[1].split("[")[0] not in FIGURES:
            continue
        doc = copy.deepcopy(original)
        container, key = locate(doc, path)
        container[key] = changed(container[key])
        published.result["document"] = doc
        published.sign_as(("committee", ATTACKER))
        code, out, _ = run(capsys, published.files())
        mismatch = out.splitlines()[-1]
        assert code == 1, path
        assert mismatch.startswith(f"MISMATCH: {path}: document says "), (path, mismatch)
        checked += 1
        # The forger's key is not the committee's: --key says so before any recount.
        code, out, _ = run(capsys, published.files("--key", published.committee_b64()))
        assert code == 1
        assert "MISMATCH: no signature is by the key given with --key" in out
    assert checked > 100


def test_recount_names_the_figure_and_both_values(published, capsys):
    published.doc["matters"][2]["tally"][1]["area"] = "480.00"
    published.resign()
    code, out, _ = run(capsys, published.files())
    assert code == 1
    assert out.splitlines()[-1] == (
        'MISMATCH: matters[2].tally[1].area: document says "480.00", board gives "500.00"'
    )


# Values that change the outcome: two alternates would elect the same people.
REPLACEMENTS = {"procedure.ranking_rule": "AREA_THEN_HEAD", "matters[2].alternates": 0}


@pytest.mark.parametrize(
    "path",
    [
        "matters[0].category",
        "matters[1].kind",
        "matters[2].seats",
        "matters[2].alternates",
        "matters[2].minimum",
        "matters[1].options[2].id",
        "matters[0].id",
        "roster.owners",
        "roster.area",
        "procedure.ranking_rule",
        "procedure.invalid_counts_as_participation",
    ],
)
def test_edited_definitions_fail_the_recount(published, capsys, path):
    container, key = locate(published.doc, path)
    container[key] = REPLACEMENTS.get(path, changed(container[key]))
    published.resign()
    code, out, _ = run(capsys, published.files())
    assert code == 1, out
    assert out.splitlines()[-1].startswith("MISMATCH: ")


def test_dropped_or_added_option_is_named(published, capsys):
    published.doc["matters"][2]["tally"].pop()
    published.resign()
    code, out, _ = run(capsys, published.files())
    assert out.splitlines()[-1] == "MISMATCH: matters[2].tally: document has 4 items, board gives 5"


def entry_edits(board):
    yield "area", lambda e: e.update(area="61.00")
    yield "channel", lambda e: e.update(channel="paper" if e["channel"] != "paper" else "online")
    yield "owners", lambda e: e.update(owners=2)
    yield (
        "choice",
        lambda e: e["answers"].update(
            m1=["disagree"] if e["answers"]["m1"] == ["agree"] else ["agree"]
        ),
    )
    yield "choice m3", lambda e: e["answers"].update(m3=e["answers"]["m3"][:-1])
    yield "dropped answer", lambda e: e["answers"].pop("m1")
    yield (
        "invalid",
        lambda e: e["answers"].update(m1="invalid" if e["answers"]["m1"] != "invalid" else []),
    )
    yield (
        "receipt",
        lambda e: e.update(receipt=e["receipt"][:-1] + ("0" if e["receipt"][-1] != "0" else "1")),
    )


@pytest.mark.parametrize("index", range(9))
def test_every_edit_of_a_board_entry_changes_the_root(published, capsys, index):
    original = copy.deepcopy(published.board)
    edits = list(entry_edits(original))
    assert len(edits) >= 8
    for name, edit in edits:
        published.board = copy.deepcopy(original)
        edit(published.board["entries"][index])
        code, out, _ = run(capsys, published.files())
        assert code == 1, name
        last = out.splitlines()[-1]
        assert last.startswith("MISMATCH: board Merkle root is ") or "sorted by receipt" in last, (
            name,
            last,
        )


def test_edited_board_with_matching_root_fails_the_recount(published, capsys):
    entry = published.board["entries"][3]
    entry["answers"]["m3"] = ["A", "B", "E"]
    published.doc["board"]["merkle_root"] = board_root(published.board["entries"])
    published.resign()
    code, out, _ = run(capsys, published.files())
    assert code == 1
    assert out.splitlines()[-1].startswith("MISMATCH: matters[2].tally[")


def test_consistent_forgery_is_caught_only_by_the_key(published, capsys):
    assert len(published.board["entries"]) == 9
    for entry in published.board["entries"]:
        entry["answers"]["m1"] = ["disagree"]
    doc = published.doc
    entries = published.board["entries"]
    doc["matters"] = matters_from_board(
        doc["procedure"], doc["roster"], published.definitions, entries
    )
    doc["board"]["merkle_root"] = board_root(entries)
    published.sign_as(("committee", ATTACKER))
    assert run(capsys, published.files())[0] == 0
    code, out, _ = run(capsys, published.files("--key", published.committee_b64()))
    assert code == 1
    assert f"the signers are committee {key_id(public_key_b64(ATTACKER))}" in out


@pytest.mark.parametrize("index", [0, 4, 8])
def test_dropped_entry(published, capsys, index):
    del published.board["entries"][index]
    code, out, _ = run(capsys, published.files())
    assert code == 1
    assert (
        out.splitlines()[-1] == "MISMATCH: board has 8 entries, but document.board.entries says 9"
    )


@pytest.mark.parametrize("index", [0, 4, 8])
def test_duplicated_entry(published, capsys, index):
    entries = published.board["entries"]
    entries.insert(index, copy.deepcopy(entries[index]))
    code, out, _ = run(capsys, published.files())
    assert code == 1
    assert f"MISMATCH: board entries[{index + 1}].receipt" in out
    assert "repeats the one before it" in out


@pytest.mark.parametrize("index", range(8))
def test_reordered_entries(published, capsys, index):
    entries = published.board["entries"]
    entries[index], entries[index + 1] = entries[index + 1], entries[index]
    code, out, _ = run(capsys, published.files())
    assert code == 1
    assert f"MISMATCH: board entries[{index + 1}].receipt" in out and "comes before" in out


def test_bad_receipts_and_meeting(published, capsys):
    published.board["entries"][2]["receipt"] = published.board["entries"][2]["receipt"].upper()
    code, out, _ = run(capsys, published.files())
    assert "MISMATCH: board entries[2].receipt is" in out and "lowercase hex" in out
    published.board = {**published.board, "meeting_id": "mtg-2"}
    code, out, _ = run(capsys, published.files())
    assert (
        out.splitlines()[-1]
        == 'MISMATCH: board.meeting_id is "mtg-2", but the result is for meeting "mtg-1"'
    )


def test_replaced_signature(published, capsys):
    sigs = published.result["signatures"]
    sigs[0]["signature"], sigs[1]["signature"] = sigs[1]["signature"], sigs[0]["signature"]
    code, out, _ = run(capsys, published.files())
    assert out.splitlines()[-1].startswith("MISMATCH: signatures[0] (committee key ")
    assert out.splitlines()[-1].endswith("does not sign this document")


def test_replaced_public_key(published, capsys):
    published.result["signatures"][1]["public_key"] = public_key_b64(ATTACKER)
    code, out, _ = run(capsys, published.files())
    assert code == 1
    assert out.splitlines()[-1] == (
        f'MISMATCH: signatures[1].key_id is "{key_id(public_key_b64(published.office))}", '
        f"but its public key has id {key_id(public_key_b64(ATTACKER))}"
    )
    published.result["signatures"][1]["key_id"] = key_id(public_key_b64(ATTACKER))
    code, out, _ = run(capsys, published.files())
    assert out.splitlines()[-1].startswith("MISMATCH: signatures[1] (office key ")


@pytest.mark.parametrize(
    "edit, message",
    [
        (lambda r: r.update(signatures=[]), "result.signatures is empty: the result is not signed"),
        (
            lambda r: r["signatures"][0].update(role="admin"),
            'signatures[0].role is "admin", expected committee or office',
        ),
        (lambda r: r["signatures"][0].update(public_key="AAAA"), "signatures[0].public_key is not"),
        (lambda r: r["signatures"][0].update(signature="!!"), "signatures[0] (committee key"),
        (lambda r: r["signatures"][1].pop("signed_at"), "signatures[1].signed_at is missing"),
        (
            lambda r: r["document"].update(format="gongyi-result/3"),
            'document.format is "gongyi-result/3", expected "gongyi-result/1"',
        ),
        (
            lambda r: r["document"].update(format="gongyi-result/2"),
            "document.signature_scheme is null: a gongyi-result/2 requires gongyi-sig/2",
        ),
    ],
)
def test_signature_shape(published, capsys, edit, message):
    edit(published.result)
    code, out, _ = run(capsys, published.files())
    assert code == 1
    assert out.splitlines()[-1].startswith(f"MISMATCH: {message}"), out


def test_key_that_did_not_sign(published, capsys):
    code, out, _ = run(capsys, published.files("--key", public_key_b64(ATTACKER)))
    assert code == 1
    assert (
        f"no signature is by the key given with --key ({key_id(public_key_b64(ATTACKER))})" in out
    )


@pytest.mark.parametrize("seq", range(1, 9))
def test_edited_audit_event(published, capsys, seq):
    published.audit["events"][seq - 1]["data"]["n"] = 99
    code, out, _ = run(capsys, published.files())
    if seq > 6:  # published at event 6: later events are not the result's business
        assert code == 0
        return
    assert code == 1
    assert out.splitlines()[-1].startswith(f"MISMATCH: audit log: event {seq} has hash ")


def test_audit_log_cut_before_the_head(published, capsys):
    del published.audit["events"][5:]
    code, out, _ = run(capsys, published.files())
    assert (
        out.splitlines()[-1]
        == "MISMATCH: audit log: event 6, which the result names, is not in the log"
    )


def test_audit_head_edited_and_re_signed(published, capsys):
    published.doc["audit"]["head"] = published.audit["events"][4]["hash"]
    published.resign()
    code, out, _ = run(capsys, published.files())
    assert code == 1
    assert out.splitlines()[-1].startswith("MISMATCH: audit log: event 6 has hash ")


def test_audit_rewritten_from_an_event_on(published, capsys):
    from voting.crypto.audit import event_hash

    events = published.audit["events"]
    events[2]["data"]["who"] = "李**"
    for position in range(2, len(events)):
        events[position]["prev"] = events[position - 1]["hash"] if position else "0" * 64
        events[position]["hash"] = event_hash(events[position])
    code, out, _ = run(capsys, published.files())
    assert out.splitlines()[-1].startswith("MISMATCH: audit log: event 6 has hash ")
