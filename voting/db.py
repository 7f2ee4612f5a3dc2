"""The declarative Base, its naming convention, and the column types every feature shares."""

import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import JSON, BigInteger, DateTime, ForeignKey, Integer, MetaData, event, func
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, registry
from sqlalchemy.types import TypeDecorator

from voting.config import owner_only

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Stores UTC without a zone (SQLite has none) and always returns aware UTC datetimes."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware UTC datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    """Base of every model; constraint names follow NAMING_CONVENTION."""

    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime(), dict: JSON(), list: JSON()},
    )


#: Objects stay readable after the request's single commit (nothing reads them stale after it).
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})

#: Primary keys: integers, BIGINT on PostgreSQL for tables that grow with ballots and events.
intpk = Annotated[int, mapped_column(Integer, primary_key=True)]
bigpk = Annotated[
    int, mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
]
#: Areas are integers of 0.01 m², never floats (DOMAIN.md 2.1).
Area = Annotated[int | None, mapped_column(Integer)]
created_at = Annotated[datetime, mapped_column(default=utcnow, server_default=func.now())]


class InCommunity:
    """A row of one community's data. Rows below a meeting or a topic name the community too,
    so that a scope check reads it from the row itself."""

    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))


def stamped(row, *states: str) -> str | None:
    """The first of ``states`` whose ``<state>_at`` timestamp is set on ``row``, else None: a
    state derived from timestamps, with ``states`` listed from the last a row can reach."""
    return next((state for state in states if getattr(row, f"{state}_at")), None)


@event.listens_for(Engine, "do_connect")
def _sqlite_file_private(dialect, connection_record, cargs, cparams):
    """A SQLite database file is made readable by this account alone (0600) before SQLite
    opens it; SQLite gives its -wal and -shm files the database file's mode."""
    if dialect.name != "sqlite" or not cargs or cparams.get("uri"):
        return
    name = str(cargs[0])
    if not name or name == ":memory:" or name.startswith("file:"):
        return
    path = Path(name)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        for file in (path, Path(f"{name}-wal"), Path(f"{name}-shm")):
            owner_only(file, 0o600)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """WAL, foreign keys and a busy timeout on SQLite; writers take the lock up front."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # The "begin" hook below issues BEGIN itself: IMMEDIATE for requests that may write, so
    # that two writers queue on the lock instead of failing when a reader tries to upgrade.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    # FULL: an acknowledged ballot survives a power cut, not only a crash of the process.
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin(conn):
    """On SQLite, requests that may write take the write lock when they begin."""
    if conn.dialect.name != "sqlite":
        return
    from flask import has_request_context, request

    writes = has_request_context() and request.method not in ("GET", "HEAD", "OPTIONS")
    conn.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")


def count_try(model, row_id: int, limit: int, *, right: bool, **on_right) -> int | None:
    """Count a try of a row's ``failed_checks`` in one statement, unless ``limit`` wrong tries
    were counted or the row is locked: the count after this try, or None when no try is left.

    A wrong try adds one (UPDATE … SET failed_checks = failed_checks + 1 WHERE failed_checks <
    limit RETURNING); a right one sets ``on_right`` under the same condition and adds nothing.
    So parallel tries can never get more than ``limit`` wrong answers counted, and no answer,
    right or wrong, counts once they are: on PostgreSQL each waits for the row and re-reads
    it; SQLite writes one transaction at a time.
    """
    from sqlalchemy import update

    values = on_right if right else {"failed_checks": model.failed_checks + 1}
    count = db.session.scalar(
        update(model)
        .where(model.id == row_id, model.failed_checks < limit, model.locked_at.is_(None))
        .values(**values)
        .returning(model.failed_checks)
        .execution_options(synchronize_session=False)
    )
    _show_count(model, row_id, count, on_right if right else {})
    return count


def _show_count(model, row_id: int, count: int | None, values: dict) -> None:
    """Let a loaded row read what the database holds now, without a write of its own."""
    from sqlalchemy.orm.attributes import set_committed_value
    from sqlalchemy.orm.util import identity_key

    loaded = db.session.identity_map.get(identity_key(model, row_id))
    if loaded is not None and count is not None:
        set_committed_value(loaded, "failed_checks", count)
        for name, value in values.items():
            set_committed_value(loaded, name, value)


def lock_row(row) -> None:
    """Hold ``row`` for this transaction (SELECT ... FOR UPDATE; on SQLite every writing
    request already holds the database) and reload it. Changes this session has not yet
    written are flushed first: a reload would otherwise drop them."""
    db.session.flush()
    db.session.refresh(row, with_for_update=True)
