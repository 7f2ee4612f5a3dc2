"""The restore drill: ``voting backup``, restored into a new database, still verifies."""

import json
import os
import shutil
import stat
import subprocess

from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from voting.crypto.verify import main as verify_main
from voting.db import db
from voting.operations import libpq_url
from voting.results.models import Result
from voting.results.services import countersign_result, publish_result

PG = bool(os.environ.get("VOTING_TEST_DATABASE_URL"))


def restore(backup, database_url: str, tmp_path) -> str:
    """Restore the backup into a new database; its URL."""
    if not PG:
        copy = tmp_path / "restored.db"
        shutil.copyfile(backup, copy)
        return f"sqlite:///{copy}"
    url = make_url(database_url)
    name = f"{url.database}_restored"
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    restored = url.set(database=name)
    dsn, env = libpq_url(restored)
    done = subprocess.run(
        ["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={dsn}", str(backup)],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return restored.render_as_string(hide_password=False)


def drop(url: str) -> None:
    if PG:
        name = make_url(url).database
        engine = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


def test_a_restored_backup_passes_the_audit_and_the_verifier(
    make_app, app_config, runner, results, tmp_path, capsys
):
    cast = results.setup()
    cast.run(publish_result)
    cast.run(countersign_result, user=cast.officer)
    backup = tmp_path / ("gongyi.dump" if PG else "gongyi.db")
    made = runner.invoke(args=["backup", str(backup)])
    assert made.exit_code == 0, made.output
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    again = runner.invoke(args=["backup", str(backup)])
    assert again.exit_code == 1 and "exists already" in again.output  # never overwritten

    url = restore(backup, app_config["SQLALCHEMY_DATABASE_URI"], tmp_path)
    copy = make_app(SQLALCHEMY_DATABASE_URI=url)
    try:
        audit = copy.test_cli_runner().invoke(args=["audit", "verify", str(cast.community.id)])
        assert audit.exit_code == 0 and audit.output.startswith("ok  audit chain"), audit.output
        with copy.app_context():
            published = db.session.scalars(select(Result.meeting_id).distinct()).all()
        assert published == [cast.meeting_id]
        client = copy.test_client()
        for meeting_id in published:
            for name in ("result", "board", "audit"):
                response = client.get(f"/public/meetings/{meeting_id}/{name}.json")
                assert response.status_code == 200
                (tmp_path / f"{name}.json").write_text(json.dumps(response.get_json()), "utf-8")
            capsys.readouterr()
            code = verify_main(
                [str(tmp_path / "result.json"), "--board", str(tmp_path / "board.json"),
                 "--audit", str(tmp_path / "audit.json")]
            )  # fmt: skip
            out = capsys.readouterr().out
            assert code == 0 and out.rstrip().endswith("VERIFIED"), out
            assert "ok  signature office" in out and "ok  audit log" in out
    finally:
        with copy.app_context():
            db.engine.dispose()
        drop(url)
