"""Published results checked by ``voting verify`` as a separate program, without the database.

The program runs in a temporary directory with no database settings, and with a
PYTHONPATH shim that makes ``import flask`` and ``import sqlalchemy`` fail: it can only pass
if the verifier needs nothing but voting.rules and voting.crypto.
"""

import copy
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

import voting
from voting.crypto import generate_private_key, key_id, public_key_b64, sign_document
from voting.crypto.statement import sign
from voting.crypto.verify import main as verify_main
from voting.db import db
from voting.results.services import countersign_result, publish_result

ROOT = Path(voting.__file__).resolve().parents[1]
VOTING = Path(sys.executable).with_name("voting")
BLOCKED = ("flask", "sqlalchemy", "flask_sqlalchemy", "psycopg", "werkzeug")

# TV-19: A and B take two seats; X ("3") and Y ("4") tie for the third and lots decide.
TIE_VOTERS = [
    ("1号楼", str(100 + n), 10000, "online", ["agree"], ["1"], ballot)
    for n, ballot in enumerate(
        [["1", "2", "3"]] * 3 + [["1", "2", "4"]] * 3 + [["1", "3", "4"]] * 2
    )
]


@pytest.fixture
def offline_env(tmp_path):
    """Environment and working directory of a machine that has no database and no web stack."""
    shim = tmp_path / "shim"
    for name in BLOCKED:
        (shim / name).mkdir(parents=True)
        (shim / name / "__init__.py").write_text(
            f"raise ImportError('{name} is not installed on the verifying machine')\n"
        )
    env = {k: v for k, v in os.environ.items() if not k.startswith("VOTING_")}
    env["PYTHONPATH"] = os.pathsep.join([str(shim), str(ROOT)])
    work = tmp_path / "work"
    work.mkdir()
    return env, work


def download(client, meeting_id: int, folder: Path) -> dict[str, dict]:
    """Fetch the published files as anyone would, and save them."""
    files = {}
    for name in ("result", "board", "audit"):
        response = client.get(f"/public/meetings/{meeting_id}/{name}.json")
        assert response.status_code == 200
        files[name] = json.loads(response.data)
    write(folder, files)
    return files


def write(folder: Path, files: dict[str, dict]) -> list[str]:
    for name, content in files.items():
        (folder / f"{name}.json").write_text(json.dumps(content, ensure_ascii=False), "utf-8")
    return ["result.json", "--board", "board.json", "--audit", "audit.json"]


def start(env, work: Path, args: list[str]) -> subprocess.Popen:
    return subprocess.Popen(
        [str(VOTING), "verify", *args], cwd=work, env=env, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip


def run(env, work, args):
    process = start(env, work, args)
    out, err = process.communicate(timeout=60)
    return process.returncode, out, err


def test_the_shim_really_blocks_the_web_stack(offline_env):
    env, work = offline_env
    probe = subprocess.run([sys.executable, "-c", "import flask"], cwd=work, env=env,
                           capture_output=True, text=True)  # fmt: skip
    assert probe.returncode == 1 and "not installed on the verifying machine" in probe.stderr


@pytest.mark.parametrize(
    "setup, lots",
    [
        ({}, False),
        ({"special": True, "name": "重大事项小区"}, False),
        ({"voters": TIE_VOTERS, "name": "抽签小区",
          "procedure": {"parking_policy": "include", "tie_resolution": "lot"}}, True),
    ],
    ids=["ordinary", "special", "lot"],
)  # fmt: skip
def test_published_meetings_verify_offline(client, results, offline_env, setup, lots):
    cast = results.setup(**setup)
    cast.run(publish_result)
    result = cast.run(countersign_result, user=cast.officer)
    env, work = offline_env
    files = download(client, cast.meeting_id, work)
    assert files["result"] == result.signed()
    office_key = result.signatures[1]["public_key"]
    code, out, err = run(env, work, [*write(work, files), "--key", office_key])
    assert code == 0, out + err
    assert out.rstrip().endswith("VERIFIED")
    assert "ok  signature committee" in out and "ok  signature office" in out
    assert "every figure matches the board" in out and "ok  audit log" in out
    if lots:
        document = files["result"]["document"]
        outcome = document["matters"][2]["outcome"]
        assert outcome["status"] == "elected" and outcome["winners"][:2] == ["1", "2"]
        assert outcome["lot_seed"] == document["board"]["merkle_root"]


def _committee_private_key(app, community_id):
    from voting.crypto import decrypt_private_key
    from voting.results.keys import key_passphrase
    from voting.results.models import SigningKey

    with app.app_context():
        key = db.session.scalar(select(SigningKey).where(SigningKey.community_id == community_id))
        return decrypt_private_key(key.private_key_pem, key_passphrase())


def _resign(files, private):
    """What a dishonest signer would do: sign the altered document with the real key (both the
    document and the statement of role and time, gongyi-sig/2); the office's signature goes."""
    signature = files["result"]["signatures"][0]
    document = files["result"]["document"]
    files["result"]["signatures"] = [
        sign(private, document, signature["role"], signature["signed_at"])
    ]
    files["result"]["countersigned"] = False


def _flip_first_choice(files):
    """Turn the first entry's answer on the motion into the opposite one."""
    matter_id = files["result"]["document"]["matters"][0]["id"]
    answers = files["board"]["entries"][0]["answers"]
    answers[matter_id] = ["agree"] if answers.get(matter_id) == ["disagree"] else ["disagree"]


def _rename_option(files):
    """Give an option a new id in the document (the board still says the old one)."""
    files["result"]["document"]["matters"][1]["options"][1]["id"] = "9"


def _tampers(private):
    """(name, edit, expected words in the MISMATCH line) for every kind of alteration."""

    def doc(files):
        return files["result"]["document"]

    def entries(files):
        return files["board"]["entries"]

    def signed(edit):
        def apply(files):
            edit(files)
            _resign(files, private)

        return apply

    def swap_key(files):
        other = generate_private_key()
        files["result"]["signatures"][0]["public_key"] = public_key_b64(other)
        files["result"]["signatures"][0]["key_id"] = key_id(public_key_b64(other))

    def foreign_signature(files):
        other = generate_private_key()
        files["result"]["signatures"][0]["signature"] = sign_document(other, doc(files))

    return [
        ("figure, unsigned", lambda f: doc(f)["matters"][0]["participation"].update(owners=10),
         "does not sign this document"),
        ("figure", signed(lambda f: doc(f)["matters"][0]["tally"][0].update(owners=8)),
         "matters[0].tally[0].owners"),
        ("area figure", signed(lambda f: doc(f)["matters"][1]["tally"][0].update(area="561.00")),
         "matters[1].tally[0].area"),
        ("option label, unsigned",
         lambda f: doc(f)["matters"][1]["options"][1].update(label="丁物业"),
         "does not sign this document"),
        ("option id", signed(_rename_option), "is not an option of"),
        ("rule", signed(lambda f: doc(f)["matters"][0]["rule"].update(approval="3/4")),
         "matters[0].rule.approval"),
        ("roster area", signed(lambda f: doc(f)["roster"].update(area="1100.00")),
         "matters[0].participation.area_ratio"),
        ("outcome",
         signed(lambda f: doc(f)["matters"][2]["outcome"].update(winners=["1", "2", "3"])),
         "matters[2].outcome.winners"),
        ("procedure", signed(lambda f: doc(f)["procedure"].update(ranking_rule="AREA_THEN_HEAD")),
         "matters[2].outcome"),
        ("choice", _flip_first_choice, "Merkle root"),
        ("entry area", lambda f: entries(f)[1].update(area="99.00"), "Merkle root"),
        ("dropped entry", lambda f: entries(f).pop(), "board has 8 entries"),
        ("duplicated entry", lambda f: entries(f).insert(1, copy.deepcopy(entries(f)[1])),
         "repeats the one before it"),
        ("reordered entries", lambda f: entries(f).reverse(), "must be sorted by receipt"),
        ("signature replaced", foreign_signature, "does not sign this document"),
        ("key replaced", swap_key, "does not sign this document"),
        ("key id replaced", lambda f: f["result"]["signatures"][0].update(key_id="0" * 16),
         "key_id"),
        ("audit event edited", lambda f: f["audit"]["events"][2]["data"].update(extra="改"),
         "audit log: event 3"),
        ("audit event dropped", lambda f: f["audit"]["events"].pop(1), "audit log: event"),
        ("audit head", signed(lambda f: doc(f)["audit"].update(head="ab" * 32)), "audit log"),
    ]  # fmt: skip


def _published_files(app, client, cast, folder):
    cast.run(publish_result)
    return download(client, cast.meeting_id, folder), _committee_private_key(app, cast.community.id)


def test_every_alteration_fails_naming_what(app, client, cast, tmp_path, capsys, monkeypatch):
    """Each alteration through the verifier's own entry point (in-process, for speed)."""
    original, private = _published_files(app, client, cast, tmp_path)
    monkeypatch.chdir(tmp_path)
    assert verify_main(write(tmp_path, original)) == 0
    assert capsys.readouterr().out.rstrip().endswith("VERIFIED")
    failures = []
    tampers = _tampers(private)
    assert len(tampers) >= 20 and len({name for name, _, _ in tampers}) == len(tampers)
    for name, edit, expected in tampers:
        files = copy.deepcopy(original)
        edit(files)
        code = verify_main(write(tmp_path, files))
        last = capsys.readouterr().out.rstrip().splitlines()[-1]
        if code != 1 or not last.startswith("MISMATCH") or expected not in last:
            failures.append(f"{name}: exit {code}: {last}")
    assert not failures, "\n".join(failures)


def test_alterations_fail_in_the_offline_program(app, client, cast, offline_env, tmp_path):
    """One alteration of each file, through the installed program on the offline machine."""
    env, work = offline_env
    original, private = _published_files(app, client, cast, work)
    chosen = {"figure", "choice", "signature replaced", "audit event edited"}
    running = []
    for name, edit, expected in _tampers(private):
        if name not in chosen:
            continue
        folder = tmp_path / name.replace(" ", "-")
        folder.mkdir()
        files = copy.deepcopy(original)
        edit(files)
        running.append((name, expected, start(env, folder, write(folder, files))))
    # A renamed alteration would otherwise drop out of this test without a word.
    assert sorted(name for name, _, _ in running) == sorted(chosen)
    for name, expected, process in running:
        out, err = process.communicate(timeout=60)
        assert process.returncode == 1, (name, out, err)
        last = out.rstrip().splitlines()[-1]
        assert last.startswith("MISMATCH") and expected in last, (name, last)


def test_key_given_must_be_among_the_signers(client, cast, offline_env):
    result = cast.run(publish_result)
    env, work = offline_env
    args = write(work, download(client, cast.meeting_id, work))
    code, out, _ = run(env, work, [*args, "--key", result.signatures[0]["public_key"]])
    assert code == 0
    stranger = public_key_b64(generate_private_key())
    code, out, _ = run(env, work, [*args, "--key", stranger])
    assert code == 1 and "no signature is by the key given with --key" in out


def test_a_meeting_run_through_the_services_verifies_offline(app, client, make, runner,
                                                           offline_env):  # fmt: skip
    """Plan, announce, open, vote online, close and tally with the meetings and ballots
    services; sign with keys made by ``voting keys new``; verify as a stranger would."""
    from types import SimpleNamespace

    from tests.ballots.support import MeetingKit, Unit, election, motion, selection
    from voting.ballots.services import cast_ballot
    from voting.rosters.models import Community

    kit = MeetingKit(app)
    areas = ["60.00"] * 4 + ["160.00"] * 3 + ["100.00"] * 2 + ["80.00"]
    units = [Unit(f"{101 + i}", area, f"o{i}") for i, area in enumerate(areas)]
    community_id = kit.community(units)
    opened = kit.open(community_id, [
        motion("续聘物业服务企业"),
        selection("选聘物业服务企业", ["甲物业", "乙物业"]),
        election("选举业主委员会委员", ["张", "王", "李", "赵", "刘"], 3, 1),
    ])  # fmt: skip
    approvals = [["张", "王", "李"]] * 2 + [["张", "王", "赵"]] * 2 + [["张", "李", "赵"]] * 2
    approvals += [["张", "王", "赵"], ["王", "刘"], ["李", "刘"]]
    with app.app_context():
        for i, names in enumerate(approvals):
            choice = {0: ["同意"] if i != 3 else ["反对"], 2: names}
            if i != 8:
                choice[1] = ["甲物业"] if i < 6 else ["乙物业"]
            cast_ballot(opened.tokens[f"o{i}"], opened.answers(choice))
        db.session.commit()
    kit.close(opened)
    with app.app_context():
        office_id = db.session.get(Community, community_id).office_id
    scope = SimpleNamespace(id=community_id)
    committee = make.user("committee", "e2e-committee", community=scope)
    officer = make.user("office", "e2e-office", office=SimpleNamespace(id=office_id))
    assert runner.invoke(args=["keys", "new", "--community", str(community_id)]).exit_code == 0
    assert runner.invoke(args=["keys", "new", "--office", str(office_id)]).exit_code == 0
    base = f"/api/v1/meetings/{opened.meeting_id}"
    headers = {"Authorization": f"Bearer {make.token(committee)}"}
    assert client.post(base + "/publish", headers=headers).status_code == 201
    headers = {"Authorization": f"Bearer {make.token(officer)}"}
    signed = client.post(base + "/countersign", headers=headers).get_json()
    env, work = offline_env
    files = download(client, opened.meeting_id, work)
    assert files["result"] == signed
    code, out, err = run(env, work, write(work, files))
    assert code == 0, out + err
    matters = files["result"]["document"]["matters"]
    assert [m["outcome"]["status"] for m in matters] == ["passed", "selected", "elected"]
    labels = {o["id"]: o["label"] for o in matters[2]["options"]}
    assert [labels[i] for i in matters[2]["outcome"]["winners"]] == ["张", "王", "赵"]
    assert files["result"]["document"]["board"]["entries"] == 9


def test_a_published_result_signs_roles_and_times_and_states_its_countersignature(results):
    from voting.crypto.statement import SCHEME
    from voting.crypto.verify import verify

    cast = results.setup()
    published = cast.run(publish_result).signed()
    assert published["document"]["signature_scheme"] == SCHEME
    assert published["countersigned"] is False
    assert [s["scheme"] for s in published["signatures"]] == [SCHEME]
    report = verify(published)
    assert report.verified and "--  not countersigned by the office" in report.lines
    result = cast.run(countersign_result, user=cast.officer).signed()
    committee, office = result["signatures"]
    assert result["countersigned"] is True
    assert (committee["role"], office["role"], office["scheme"]) == ("committee", "office", SCHEME)
    assert office["countersigns"] == {
        "key_id": committee["key_id"],
        "signed_at": committee["signed_at"],
    }
    report = verify(result)
    assert report.verified, report.text()
    assert f"ok  countersigned by the office: key {office['key_id']} at {office['signed_at']}" in (
        report.lines
    )
    stripped = copy.deepcopy(result)
    stripped["signatures"].pop()
    assert verify(stripped).mismatch == (
        "result.countersigned is true, but no signature is by the office"
    )
    relabelled = copy.deepcopy(result)
    relabelled["signatures"][1]["role"] = "committee"
    del relabelled["signatures"][1]["countersigns"]
    assert "does not sign this role and time" in verify(relabelled).mismatch
