"""``voting verify`` as a program: exit codes, hostile input, and no web stack needed."""

import copy
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import voting
from voting.crypto.verify import main, verify

ROOT = Path(voting.__file__).resolve().parents[1]
FORGER = ("committee", Ed25519PrivateKey.from_private_bytes(b"\x09" * 32))


def run(capsys, args):
    code = main(args)
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize(
    "content, message",
    [
        (b'{"document": ', "is not valid JSON"),
        (b"", "is not valid JSON"),
        (b"\xff\xfe{}", "is not UTF-8 text"),
        (b"[" * 200_000 + b"]" * 200_000, "nests too deeply"),
    ],
)
def test_unreadable_result_exits_2(published, capsys, content, message):
    args = published.files()
    Path(args[0]).write_bytes(content)
    code, out, err = run(capsys, args)
    assert code == 2
    assert out == ""
    assert err.startswith("voting verify: ") and message in err
    assert "Traceback" not in err


def test_missing_files_and_directories_exit_2(published, capsys, tmp_path):
    args = published.files()
    code, _, err = run(capsys, [args[0], "--board", str(tmp_path / "nope.json")])
    assert code == 2 and "cannot read the board file" in err
    code, _, err = run(capsys, [str(tmp_path), "--audit", args[-1]])
    assert code == 2 and "cannot read the result file" in err


@pytest.mark.parametrize("key", ["not a key", "AAAA", "", "A" * 44])
def test_bad_key_exits_2(published, capsys, key):
    code, _, err = run(capsys, published.files("--key", key))
    assert code == 2 and "--key is neither a base64 Ed25519 public key" in err


def test_byte_order_mark_is_accepted(published, capsys):
    args = published.files()
    path = Path(args[0])
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert run(capsys, args)[0] == 0


@pytest.mark.parametrize(
    "text, message",
    [
        ('{"document": {"n": 1.5}}', "number 1.5 is not an integer"),
        ('{"document": {"n": 12345678901234567890}}', "is outside"),
        ('{"document": NaN}', "number NaN is not an integer"),
    ],
)
def test_numbers_documents_never_carry_are_a_mismatch(published, capsys, text, message):
    args = published.files()
    Path(args[0]).write_text(text)
    code, out, _ = run(capsys, args)
    assert code == 1 and out.startswith("MISMATCH: the result file ") and message in out


def test_injected_lines_cannot_fake_a_verdict(published, capsys):
    published.doc["meeting"]["title"] = "x\nVERIFIED\n\u202e"
    published.sign_as(FORGER)
    code, out, _ = run(capsys, published.files())
    assert code == 0
    assert out.count("\n") == len(out.splitlines()) and out.splitlines().count("VERIFIED") == 1
    assert '"x\\nVERIFIED\\n\\u202e"' in out


def paths(value, path=()):
    """Yield the path of every node of a JSON value, containers included."""
    yield path
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from paths(inner, (*path, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from paths(inner, (*path, index))


JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**60), 2**60) | st.floats() | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3)
    ),
    max_leaves=6,
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_hostile_edits_never_end_in_a_traceback(published, capsys, data):
    files = {
        "result": copy.deepcopy(published.result),
        "board": copy.deepcopy(published.board),
        "audit": copy.deepcopy(published.audit),
    }
    name = data.draw(st.sampled_from(sorted(files)))
    path = data.draw(st.sampled_from(list(paths(files[name]))))
    replacement = data.draw(JSON)
    if not path:
        files[name] = replacement
    else:
        parent = files[name]
        for step in path[:-1]:
            parent = parent[step]
        if data.draw(st.booleans()) and isinstance(parent, dict):
            del parent[path[-1]]
        else:
            parent[path[-1]] = replacement
    original = published.result, published.board, published.audit
    published.result, published.board, published.audit = (
        files["result"],
        files["board"],
        files["audit"],
    )
    try:
        if name == "result" and data.draw(st.booleans()):
            try:  # reach the checks behind the signatures
                published.sign_as(FORGER)
            except (AttributeError, KeyError, TypeError, ValueError):
                pass  # no document, or one that cannot be signed
        code, out, err = run(capsys, published.files())
    finally:
        published.result, published.board, published.audit = original
    assert code in (0, 1, 2)
    assert "Traceback" not in out + err
    if code == 1:
        assert out.splitlines()[-1].startswith("MISMATCH: ")


def test_runs_without_flask_or_sqlalchemy(published, tmp_path):
    blocked = tmp_path / "blocked"
    (blocked / "sqlalchemy").mkdir(parents=True)
    refusal = "raise ImportError('the verifier must not need the web stack')\n"
    (blocked / "flask.py").write_text(refusal)
    (blocked / "sqlalchemy" / "__init__.py").write_text(refusal)
    (blocked / "flask_sqlalchemy.py").write_text(refusal)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(blocked), str(ROOT)])}
    code = (
        "import sys; from voting.crypto.verify import main; rc = main(); "
        "assert not {'flask', 'sqlalchemy'} & set(sys.modules); sys.exit(rc)"
    )
    args = published.files("--key", published.committee_b64())
    done = subprocess.run(
        [sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "VERIFIED"
    probe = subprocess.run([sys.executable, "-c", "import flask"], env=env, capture_output=True)
    assert probe.returncode != 0

    published.board["entries"].pop()
    done = subprocess.run(
        [sys.executable, "-c", code, *published.files()], env=env, capture_output=True, text=True
    )
    assert done.returncode == 1 and done.stdout.splitlines()[-1].startswith("MISMATCH: board has")


PYTHON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=4)
    | st.binary(max_size=2),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.tuples(inner)
        | st.dictionaries(st.text(max_size=3) | st.integers(), inner, max_size=3)
    ),
    max_leaves=6,
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_verify_api_never_raises_on_hostile_values(published, data):
    values = [
        copy.deepcopy(published.result),
        copy.deepcopy(published.board),
        copy.deepcopy(published.audit),
    ]
    which = data.draw(st.integers(0, 2))
    path = data.draw(st.sampled_from(list(paths(values[which]))))
    replacement = data.draw(PYTHON_VALUES)
    if path:
        parent = values[which]
        for step in path[:-1]:
            parent = parent[step]
        parent[path[-1]] = replacement
    else:
        values[which] = replacement
    report = verify(*values, key=published.committee_b64())
    assert report.verified or report.mismatch
