"""Append to and check the audit chains."""

import secrets

from flask import has_request_context
from flask_login import current_user
from sqlalchemy import JSON, bindparam, insert, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm.util import identity_key

from voting.audit.models import AuditChain, AuditEvent
from voting.crypto.audit import GENESIS, event_hash, verify_chain
from voting.crypto.canonical import canonical
from voting.db import db, utcnow


def chain_name(community_id: int | None = None, office_id: int | None = None) -> str:
    """The chain an event belongs to: its community's, else its office's, else the system's."""
    if community_id is not None:
        return f"community:{community_id}"
    if office_id is not None:
        return f"office:{office_id}"
    return "system"


def current_actor() -> str:
    """Who acts in this request: ``user:<username>``, else ``system``."""
    if has_request_context() and current_user and current_user.is_authenticated:
        return f"user:{current_user.username}"
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
_APPEND = text("""
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
FROM event
RETURNING seq, prev, hash
""").bindparams(bindparam("data", type_=JSON))


def _append_postgres(name: str, community_id: int | None, body: dict) -> tuple[int, str, str]:
    """Append on PostgreSQL (see _APPEND); returns the event's seq, prev and hash."""
    seq_mark, prev_mark = f"seq:{secrets.token_hex(16)}", f"prev:{secrets.token_hex(16)}"
    template = canonical({**body, "seq": seq_mark, "prev": prev_mark}).decode()
    params = {"chain": name, "community_id": community_id, "template": template,
              "seq_mark": f'"{seq_mark}"', "prev_mark": prev_mark, **body}  # fmt: skip
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
    name = chain_name(community_id, office_id)
    body = {
        "at": utcnow().strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "type": type,
        "actor": actor or current_actor(),
        "data": data,
    }
    session = db.session
    if session.get_bind().dialect.name == "postgresql":
        seq, prev, digest = _append_postgres(name, community_id, body)
        event = {**body, "seq": seq, "prev": prev}
        if event_hash(event) != digest:
            # Never commit an event whose hash the verifier would not recompute.
            raise RuntimeError(f"audit event {name} #{seq}: the database hashed it differently")
    else:
        seq, prev, digest = _append_sqlite(name, community_id, body)
    loaded = session.identity_map.get(identity_key(AuditChain, name))
    if loaded is not None:
        session.expire(loaded)
    return AuditEvent(chain=name, community_id=community_id, seq=seq, prev=prev, hash=digest,
                      **body)  # fmt: skip


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
