"""Local state is private: the instance folder is 0700; the generated secret key and the SQLite
database with its -wal and -shm files are 0600, whatever the umask would have made them."""

import os
import sqlite3
import stat

import pytest
from sqlalchemy import text

from voting import create_app
from voting.db import db


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def instance(tmp_path, monkeypatch):
    """An instance folder of the default embedded setup, under a permissive umask."""
    folder = tmp_path / "instance"
    monkeypatch.setenv("VOTING_INSTANCE_PATH", str(folder))
    for name in ("VOTING_SECRET_KEY", "VOTING_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    old = os.umask(0o022)
    yield folder
    os.umask(old)


def write_something(app) -> None:
    with app.app_context():
        db.session.execute(text("CREATE TABLE IF NOT EXISTS probe (x INTEGER)"))
        db.session.execute(text("INSERT INTO probe VALUES (1)"))
        db.session.commit()


def test_a_new_instance_is_private(instance):
    app = create_app({"TESTING": True})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{instance / 'voting.db'}"
    write_something(app)
    with app.app_context():
        # The pooled connection is still open, so the WAL files exist.
        names = sorted(p.name for p in instance.iterdir())
        assert names == ["secret_key", "voting.db", "voting.db-shm", "voting.db-wal"]
        assert {name: mode(instance / name) for name in names} == dict.fromkeys(names, 0o600)
        db.engine.dispose()
    assert mode(instance) == 0o700


def test_an_instance_made_readable_before_is_made_private(instance):
    instance.mkdir(mode=0o755)
    database = instance / "voting.db"
    sqlite3.connect(database).close()
    database.chmod(0o644)
    assert mode(instance) == 0o755 and mode(database) == 0o644
    app = create_app({"TESTING": True})
    write_something(app)
    with app.app_context():
        assert mode(database) == 0o600
        assert mode(instance / "voting.db-wal") == 0o600
        db.engine.dispose()
    assert mode(instance) == 0o700 and mode(instance / "secret_key") == 0o600
