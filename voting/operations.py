"""What an operator watches: ``/healthz`` and one JSON line per request.

The request line names the method, the path with every personal token replaced by
``<token>``, the status, the duration and the client's address; never a query string, a
body, a cookie or a header (they may carry tokens, receipts or passwords).
"""

import json
import logging
import os
import shutil
import subprocess
import time
from pathlib import Path

from flask import Blueprint, Flask, g, jsonify, request
from sqlalchemy import text
from sqlalchemy.engine import make_url

from voting.db import db

bp = Blueprint("health", __name__)
request_log = logging.getLogger("voting.requests")

#: URL variables that hold a personal token or a topic's poster key.
SECRET_ARGUMENTS = ("token", "key")


@bp.get("/healthz")
def healthz():
    """200 when the database answers and its schema is at the migrations' head, else 503."""
    from voting.schema import schema_behind

    try:
        db.session.execute(text("SELECT 1"))
        behind = schema_behind()
    except Exception as error:  # any failure to reach the database is the answer itself
        db.session.rollback()
        logging.getLogger(__name__).warning(
            "health check: database unreachable (%s)", type(error).__name__
        )
        return jsonify({"status": "unavailable", "database": "unreachable"}), 503
    if behind:
        body = {"status": "unavailable", "database": "ok", "migrations": behind}
        return jsonify(body), 503
    return jsonify({"status": "ok", "database": "ok", "migrations": "head"})


def add_operations(app: Flask) -> None:
    """The health check (no login, no rate limit) and the request log."""
    from voting.extensions import limiter

    app.register_blueprint(bp)
    limiter.exempt(bp)
    app.before_request(_start_clock)
    app.after_request(_log_request)


def _start_clock() -> None:
    g.request_started = time.perf_counter()


def loggable_request_path() -> str:
    """The request's path with its personal tokens replaced by ``<token>``."""
    from voting.web import loggable_path

    path = request.path
    for name in SECRET_ARGUMENTS:
        value = (request.view_args or {}).get(name)
        if isinstance(value, str) and value:
            path = path.replace(value, "<token>")
    return loggable_path(path)


def _log_request(response):
    started = g.get("request_started")
    duration = time.perf_counter() - started if started is not None else 0.0
    line = {
        "method": request.method,
        "path": loggable_request_path(),
        "status": response.status_code,
        "duration_ms": round(duration * 1000, 1),
        "client": request.remote_addr,
    }
    request_log.info(json.dumps(line, ensure_ascii=False))
    return response


class JsonLineFormatter(logging.Formatter):
    """A request line as it is (already JSON), with the time added first."""

    def format(self, record: logging.LogRecord) -> str:
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
        return json.dumps(
            {"time": f"{stamp}Z", **json.loads(record.getMessage())}, ensure_ascii=False
        )


def configure_request_log() -> None:
    """One JSON line per request on stderr, apart from the plain application log."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonLineFormatter())
    request_log.handlers[:] = [handler]
    request_log.setLevel(logging.INFO)
    request_log.propagate = False


class BackupError(Exception):
    """The backup could not be made; the message says why and what to do."""


def backup_database(target: Path) -> str:
    """Copy the live database to ``target``: SQLite through its online backup API (a
    consistent copy while the app writes), PostgreSQL through ``pg_dump --format=custom``.
    Returns what was done, for the operator."""
    url = db.engine.url
    if target.exists():
        raise BackupError(f"{target} exists already: choose a new file")
    if url.get_backend_name() == "sqlite":
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.close(fd)
        import sqlite3

        source = db.engine.raw_connection()
        try:
            destination = sqlite3.connect(target)
            with destination:
                source.driver_connection.backup(destination)
            destination.close()
        finally:
            source.close()
        return f"SQLite database copied to {target} (online backup)"
    if url.get_backend_name() == "postgresql":
        return _pg_dump(url, target)
    raise BackupError(f"no backup for {url.get_backend_name()} databases")


def libpq_url(url) -> tuple[str, dict]:
    """The database URL as libpq reads it, and the environment carrying its password."""
    url = make_url(str(url)) if isinstance(url, str) else url
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _pg_dump(url, target: Path) -> str:
    program = shutil.which("pg_dump")
    if program is None:
        raise BackupError("pg_dump is not installed: install PostgreSQL's client programs")
    dsn, env = libpq_url(url)
    done = subprocess.run(
        [program, "--format=custom", "--no-owner", f"--file={target}", f"--dbname={dsn}"],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise BackupError(f"pg_dump failed: {done.stderr.strip()[:500]}")
    os.chmod(target, 0o600)
    return f"PostgreSQL database dumped to {target} (pg_dump custom format; pg_restore reads it)"
