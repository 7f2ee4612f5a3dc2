"""Append to and check the audit chains."""

import json
import logging
import secrets
from collections.abc import Callable

from flask import Flask, current_app, has_request_context
from sqlalchemy import JSON, bindparam, event, insert, select, text, update
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from voting.audit.models import AuditChain, AuditEvent
from voting.crypto.audit import GENESIS, event_hash, verify_chain
from voting.crypto.canonical import canonical
from voting.db import db, utcnow

log = logging.getLogger(__name__)


def chain_name(community_id: int | None = None, office_id: int | None = None) -> str:
    """The chain an event belongs to: its community's, else its office's, else the system's."""
    if community_id is not None:
        return f"community:{community_id}"
    if office_id is not None:
        return f"office:{office_id}"
    return "system"


#: app.extensions key of the function that names who acts in a request (set by the web layer).
_ACTOR = "audit_actor"


def name_actors_with(app: Flask, actor: Callable[[], str | None]) -> None:
    """Let the web layer say who acts in a request: the log records what it is told and reads
    no login or token itself."""
    app.extensions[_ACTOR] = actor


def current_actor() -> str:
    """Who acts in this request as the web layer names it (``user:<username>`` for a login or
    an API token), else ``system``."""
    if has_request_context():
        actor = current_app.extensions.get(_ACTOR)
        name = actor() if actor is not None else None
        if name is not None:
            return name
    return "system"


def _create_chain(name: str) -> None:
    """The chain's head row at genesis, unless it exists (first event of a chain)."""
    session = db.session
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            pg_insert(AuditChain)
            .values(name=name, seq=0, head=GENESIS)
            .on_conflict_do_nothing(index_elements=["name"])
        )
    else:
        session.execute(insert(AuditChain).values(name=name, seq=0, head=GENESIS))


#: PostgreSQL: lock the head, hash the event and append it in one statement. The canonical
#: bytes are made here with two random marks where seq and prev go; the database puts the
#: head's values in their place, so that the head is locked for one round trip only.
_APPEND_SQL = """
WITH head AS (
    SELECT seq, head FROM audit_chains WHERE name = :chain FOR UPDATE
), event AS (
    SELECT head.seq + 1 AS seq, head.head AS prev,
           encode(sha256(convert_to(replace(replace(CAST(:template AS TEXT), :seq_mark,
               CAST(head.seq + 1 AS TEXT)), :prev_mark, head.head), 'UTF8')), 'hex') AS hash
    FROM head
), advance AS (
    UPDATE audit_chains SET seq = event.seq, head = event.hash FROM event
    WHERE audit_chains.name = :chain
)
INSERT INTO audit_events (chain, community_id, seq, at, type, actor, data, prev, hash)
SELECT :chain, :community_id, event.seq, :at, :type, :actor, CAST(:data AS JSON), event.prev,
       event.hash
FROM {source}
RETURNING seq, prev, hash
"""
_APPEND = text(_APPEND_SQL.format(source="event")).bindparams(bindparam("data", type_=JSON))


def _template_params(name: str, community_id: int | None, body: dict) -> dict:
    """_APPEND's parameters: the canonical bytes with two random marks where seq and prev go."""
    seq_mark, prev_mark = f"seq:{secrets.token_hex(16)}", f"prev:{secrets.token_hex(16)}"
    template = canonical({**body, "seq": seq_mark, "prev": prev_mark}).decode()
    return {"chain": name, "community_id": community_id, "template": template,
            "seq_mark": f'"{seq_mark}"', "prev_mark": prev_mark, **body}  # fmt: skip


def _append_postgres(name: str, community_id: int | None, body: dict) -> tuple[int, str, str]:
    """Append on PostgreSQL (see _APPEND); returns the event's seq, prev and hash."""
    params = _template_params(name, community_id, body)
    row = db.session.execute(_APPEND, params).first()
    if row is None:
        _create_chain(name)
        row = db.session.execute(_APPEND, params).first()
    return row.seq, row.prev, row.hash


def _append_sqlite(name: str, community_id: int | None, body: dict) -> tuple[int, str, str]:
    """Append on SQLite, whose write transactions already hold the database lock."""
    session = db.session
    current = select(AuditChain.seq, AuditChain.head).where(AuditChain.name == name)
    row = session.execute(current).first()
    if row is None:
        _create_chain(name)
        row = session.execute(current).first()
    seq, prev = row.seq + 1, row.head
    digest = event_hash({**body, "seq": seq, "prev": prev})
    session.execute(update(AuditChain).where(AuditChain.name == name).values(seq=seq, head=digest))
    session.execute(
        insert(AuditEvent).values(chain=name, community_id=community_id, seq=seq, prev=prev,
                                  hash=digest, **body)
    )  # fmt: skip
    return seq, prev, digest


def _event_body(type: str, data: dict, actor: str | None) -> dict:
    return {
        "at": utcnow().strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "type": type,
        "actor": actor or current_actor(),
        "data": data,
    }


def _check_hash(body: dict, seq: int, prev: str, digest: str) -> bool:
    """True if the database hashed the event as the verifier will."""
    return event_hash({**body, "seq": seq, "prev": prev}) == digest


def _append(name: str, community_id: int | None, body: dict) -> AuditEvent:
    session = db.session
    if session.get_bind().dialect.name == "postgresql":
        seq, prev, digest = _append_postgres(name, community_id, body)
        if not _check_hash(body, seq, prev, digest):
            # Never commit an event whose hash the verifier would not recompute.
            raise RuntimeError(f"audit event {name} #{seq}: the database hashed it differently")
    else:
        seq, prev, digest = _append_sqlite(name, community_id, body)
    _expire_head(name)
    return AuditEvent(chain=name, community_id=community_id, seq=seq, prev=prev, hash=digest,
                      **body)  # fmt: skip


def _expire_head(name: str) -> None:
    loaded = db.session.identity_map.get(identity_key(AuditChain, name))
    if loaded is not None:
        db.session.expire(loaded)


def record_event(
    type: str,
    data: dict,
    *,
    community_id: int | None = None,
    office_id: int | None = None,
    actor: str | None = None,
) -> AuditEvent:
    """Append one event to its chain; ``data`` must hold no unmasked identity data.

    The chain's head row stays locked until commit, so appends never fork; every state change
    of a community (each ballot above all) passes here, so the lock is held as briefly as the
    database allows.
    """
    _append_waiting(db.session)
    return _append(
        chain_name(community_id, office_id), community_id, _event_body(type, data, actor)
    )


#: Events waiting for their transaction's commit, in ``Session.info``.
_AT_COMMIT = "audit_at_commit"


def record_event_at_commit(
    type: str,
    data: dict,
    *,
    community_id: int | None = None,
    office_id: int | None = None,
    actor: str | None = None,
) -> None:
    """Append one event when its transaction commits or appends another event, if sooner.

    With ``commit()`` below, PostgreSQL receives the append and the COMMIT together (psycopg's
    pipeline mode): the chain's head is locked while the server appends and commits, and not
    while the client is scheduled between two round trips. Each ballot of a meeting appends
    to the same chain, so that lock time is what bounds casting. Events keep the order in
    which they were recorded: ``record_event`` and a plain ``session.commit()`` append the
    waiting ones first. A rollback of the transaction drops them, so an event is never lost
    nor kept for work that was undone. On SQLite, whose writing transactions hold the whole
    database anyway, ``commit()`` is a plain commit.
    """
    body = _event_body(type, data, actor)
    waiting = db.session.info.setdefault(_AT_COMMIT, [])
    waiting.append((chain_name(community_id, office_id), community_id, body))


@event.listens_for(Session, "before_commit")
def _append_waiting(session: Session) -> None:
    """Append the session's waiting events (before a commit, or before another event)."""
    for name, community_id, body in session.info.pop(_AT_COMMIT, ()):
        _append(name, community_id, body)


@event.listens_for(Session, "after_transaction_end")
def _drop_waiting_events(session: Session, transaction) -> None:
    """The end of the outermost transaction ends its waiting events (appended or undone)."""
    if transaction.parent is None:
        session.info.pop(_AT_COMMIT, None)


#: _APPEND for the pipelined append and commit, in the driver's own parameter style. Where
#: _APPEND appends nothing to a chain without a head (the caller then creates it), this one
#: fails on audit_events' NOT NULL columns, so that the COMMIT behind it cannot commit the
#: transaction without its event. Every community's chain has a head from its creation on.
_APPEND_OR_FAIL = str(
    text(_APPEND_SQL.format(source="(SELECT 1) AS one LEFT JOIN event ON TRUE"))
    .bindparams(bindparam("data", type_=JSON))
    .compile(dialect=postgresql.psycopg.dialect())
)


def _can_pipeline() -> bool:
    """psycopg's pipeline mode needs libpq 14 or later (the binary package brings its own)."""
    from psycopg import Pipeline

    return Pipeline.is_supported()


def commit() -> None:
    """Commit the session; on PostgreSQL with the last waiting event in the same round trip."""
    session = db.session
    waiting = session.info.get(_AT_COMMIT)
    if not waiting or session.get_bind().dialect.name != "postgresql" or not _can_pipeline():
        session.commit()  # appends the waiting events first (before_commit)
        return
    *first, (name, community_id, body) = waiting
    session.info[_AT_COMMIT] = []
    for earlier in first:
        _append(*earlier)
    session.flush()
    params = _template_params(name, community_id, body)
    params["data"] = json.dumps(body["data"])
    driver = session.connection().connection.driver_connection
    try:
        with driver.pipeline():
            appended = driver.execute(_APPEND_OR_FAIL, params)
            driver.commit()
        seq, prev, digest = appended.fetchone()
    except Exception:
        session.rollback()
        raise
    # The driver committed; the session ends its transaction (psycopg sends nothing more).
    session.commit()
    _expire_head(name)
    if not _check_hash(body, seq, prev, digest):
        log.error("audit event %s #%s: the database hashed it differently", name, seq)


def chain_events(name: str, upto_seq: int | None = None) -> list[AuditEvent]:
    """The events of one chain in order."""
    query = select(AuditEvent).where(AuditEvent.chain == name).order_by(AuditEvent.seq)
    if upto_seq is not None:
        query = query.where(AuditEvent.seq <= upto_seq)
    return list(db.session.scalars(query))


def verify_live_chain(name: str) -> list[str]:
    """Recompute every hash of a stored chain and compare it with its recorded head."""
    events = [event.as_dict() for event in chain_events(name)]
    chain = db.session.get(AuditChain, name)
    problems = verify_chain(events)
    if chain is not None and not problems:
        last = events[-1] if events else {"seq": 0, "hash": GENESIS}
        if (last["seq"], last["hash"]) != (chain.seq, chain.head):
            problems.append(
                f"chain head says seq {chain.seq} {chain.head[:12]}…, "
                f"events end at seq {last['seq']} {last['hash'][:12]}…"
            )
    return problems
