"""Fixtures: the app on SQLite (always) or PostgreSQL (VOTING_TEST_DATABASE_URL), clients,
logins and small factories. The schema is built once per run with the migrations; each test
starts from it empty (SQLite: a copy of the migrated file; PostgreSQL: tables truncated).
"""

import functools
import logging
import os
import shutil
import tempfile
import threading
from pathlib import Path

import pytest
from argon2 import PasswordHasher

os.environ.setdefault("VOTING_INSTANCE_PATH", tempfile.mkdtemp(prefix="voting-test-instance-"))

from sqlalchemy import create_engine, text  # noqa: E402
from werkzeug.serving import WSGIRequestHandler, make_server  # noqa: E402

from voting import create_app  # noqa: E402
from voting.db import db  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures"
ROSTERS = FIXTURES / "rosters"
PG_URL = os.environ.get("VOTING_TEST_DATABASE_URL")


def _pg_url(url: str) -> str:
    return (
        "postgresql+psycopg://" + url.split("://", 1)[1] if url.startswith("postgresql://") else url
    )


def _migrate(url: str) -> None:
    from flask_migrate import upgrade

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "t"})
    with app.app_context():
        upgrade()
        db.engine.dispose()


@pytest.fixture(scope="session")
def template_database(tmp_path_factory):
    """The migrated schema: a template SQLite file, or a freshly rebuilt PostgreSQL schema."""
    if PG_URL:
        url = _pg_url(PG_URL)
        engine = create_engine(url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
        _migrate(url)
        return url
    path = tmp_path_factory.mktemp("db") / "template.db"
    _migrate(f"sqlite:///{path}")
    return path


@pytest.fixture
def database_url(template_database, tmp_path):
    """A database at the migrations' head with no rows, for this test alone."""
    if PG_URL:
        yield template_database
        engine = create_engine(template_database)
        with engine.begin() as connection:
            tables = connection.execute(
                text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                     "AND tablename <> 'alembic_version'")
            ).scalars().all()  # fmt: skip
            if tables:
                names = ", ".join(f'"{t}"' for t in tables)
                connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        engine.dispose()
    else:
        path = tmp_path / "voting.db"
        shutil.copyfile(template_database, path)
        yield f"sqlite:///{path}"


@pytest.fixture
def app_config(database_url):
    """Settings of the app under test; a test may change them before using ``app``."""
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": "test-secret",
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "VOTING_MIN_NOTICE_DAYS": 15,
    }


@pytest.fixture
def app(app_config):
    """The app; tests push ``app.app_context()`` themselves around direct database work, so
    that requests made with ``client`` run in contexts (and sessions) of their own."""
    app = create_app(app_config)
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def make_app(app_config):
    """Another app on this test's database with some settings changed. Its pooled connections
    are closed when the test ends, whatever the outcome, so none is left to the collector."""
    made = []

    def make(**settings):
        made.append(create_app({**app_config, **settings}))
        return made[-1]

    yield make
    for other in made:
        with other.app_context():
            db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def _in_app_context(method):
    """Run a factory method in an app context of its own."""

    @functools.wraps(method)
    def wrapped(self, *args, **kwargs):
        with self.app.app_context():
            return method(self, *args, **kwargs)

    return wrapped


class Factory:
    """Makes offices, communities (with a sample roster), users and tokens, each committed in
    an app context of its own; the objects returned are detached but readable."""

    password = "correct horse battery"

    def __init__(self, app):
        self.app = app

    @_in_app_context
    def office(self, name: str = "望京街道办事处"):
        from voting.rosters.services import create_office

        office = create_office(name)
        db.session.commit()
        return office

    @_in_app_context
    def community(self, office=None, name: str = "观澜苑", roster: str | None = "roster-small.csv",
                  parking_policy: str | None = "include"):  # fmt: skip
        from voting.rosters.services import create_community, import_roster, update_procedure

        office = office or self.office()
        community = create_community(name, office.id, "owners_committee")
        if parking_policy:
            update_procedure(community, {"parking_policy": parking_policy})
        if roster:
            import_roster(community, (ROSTERS / roster).read_bytes(), roster)
        db.session.commit()
        _ = community.office  # loaded now, readable once detached
        return community

    @_in_app_context
    def user(self, role: str, username: str | None = None, office=None, community=None):
        from voting.auth.services import add_user

        scope = office.id if office else (community.id if community else "")
        user = add_user(
            username or f"{role}-{scope}", self.password, role,
            office_id=office.id if office else None,
            community_id=community.id if community else None,
        )  # fmt: skip
        db.session.commit()
        return user

    @_in_app_context
    def token(self, user) -> str:
        from voting.auth.models import User
        from voting.auth.services import issue_token

        token = issue_token(db.session.get(User, user.id))
        db.session.commit()
        return token


def row_count(app, model) -> int:
    """How many rows ``model``'s table holds."""
    from sqlalchemy import func, select

    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def bearer(make, user) -> dict:
    """The ``Authorization`` header of a new API token of ``user``."""
    return {"Authorization": f"Bearer {make.token(user)}"}


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch):
    """Staff users are made in many tests; Argon2's real cost is not what any of them tests."""
    monkeypatch.setattr(
        "voting.auth.services._hasher", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)
    )


@pytest.fixture
def make(app):
    return Factory(app)


@pytest.fixture
def community(make):
    """A community of the small roster (10 units, 7 owners with parking included), in an
    office of its own."""
    return make.community()


@pytest.fixture
def kit(app):
    """Meetings made and advanced in a few lines (tests/ballots/support.py)."""
    from tests.ballots.support import MeetingKit

    return MeetingKit(app)


class AuthActions:
    """Log a staff user in and out through the real login page."""

    def __init__(self, client):
        self.client = client

    def login(self, user_or_name, password: str = Factory.password):
        username = getattr(user_or_name, "username", user_or_name)
        return self.client.post("/login", data={"username": username, "password": password})

    def logout(self):
        return self.client.post("/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)


class _QuietHandler(WSGIRequestHandler):
    """Request lines carry tokens: the browser tests' server logs none of them."""

    def log_request(self, *args, **kwargs) -> None:
        pass


@pytest.fixture
def browser():
    """Headless Chromium as a phone (tests/browsing.py); skipped where it is not installed."""
    from tests.browsing import browser_missing, start_chromium

    missing = browser_missing()
    if missing:
        if os.environ.get("VOTING_REQUIRE_BROWSER") == "1":
            pytest.fail(f"VOTING_REQUIRE_BROWSER=1 but {missing}")
        pytest.skip(missing)
    profile = tempfile.mkdtemp(prefix="voting-chromium-")
    driver = start_chromium(profile)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def served(tmp_path):
    """The app on a free port of 127.0.0.1 with a migrated file SQLite database (browser tests)."""
    from flask_migrate import upgrade

    url = f"sqlite:///{tmp_path / 'browser.db'}"
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "browser",
                      "WTF_CSRF_ENABLED": True, "RATELIMIT_ENABLED": False})  # fmt: skip
    with app.app_context():
        upgrade()
    logging.getLogger("alembic").setLevel(logging.WARNING)
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    with app.app_context():
        db.engine.dispose()
