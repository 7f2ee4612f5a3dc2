"""Append to and check the audit chains."""

from flask import has_request_context
from flask_login import current_user
from sqlalchemy import insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm.util import identity_key

from voting.audit.models import AuditChain, AuditEvent
from voting.crypto.audit import GENESIS, event_hash, verify_chain
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


def _lock_chain(name: str) -> tuple[int, str]:
    """Lock the chain's head row (creating it on first use) so appends never fork.

    Returns the head's (seq, hash). Columns, not an entity: the head is advanced with one
    statement below, and no stale copy is left in the session.
    """
    session = db.session
    postgres = session.get_bind().dialect.name == "postgresql"
    locked = select(AuditChain.seq, AuditChain.head).where(AuditChain.name == name)
    if postgres:
        locked = locked.with_for_update()
    row = session.execute(locked).first()
    if row is None:
        # SQLite: every write transaction already holds the database lock (BEGIN IMMEDIATE).
        create = pg_insert(AuditChain) if postgres else insert(AuditChain)
        create = create.values(name=name, seq=0, head=GENESIS)
        if postgres:
            create = create.on_conflict_do_nothing(index_elements=["name"])
        session.execute(create)
        row = session.execute(locked).first()
    return row.seq, row.head


def record_event(
    type: str,
    data: dict,
    *,
    community_id: int | None = None,
    office_id: int | None = None,
    actor: str | None = None,
) -> AuditEvent:
    """Append one event to its chain; ``data`` must hold no unmasked identity data."""
    name = chain_name(community_id, office_id)
    seq, head = _lock_chain(name)
    body = {
        "seq": seq + 1,
        "at": utcnow().strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "type": type,
        "actor": actor or current_actor(),
        "data": data,
        "prev": head,
    }
    digest = event_hash(body)
    session = db.session
    advance = update(AuditChain).where(AuditChain.name == name).values(seq=body["seq"], head=digest)
    append = insert(AuditEvent).values(chain=name, community_id=community_id, hash=digest, **body)
    # The head row stays locked until commit: on PostgreSQL advance it and append the event in
    # one round trip, to keep that time short (every ballot of a community passes here).
    if session.get_bind().dialect.name == "postgresql":
        session.execute(append.add_cte(advance.cte("advance_chain")))
    else:
        session.execute(advance)
        session.execute(append)
    loaded = session.identity_map.get(identity_key(AuditChain, name))
    if loaded is not None:
        session.expire(loaded)
    return AuditEvent(chain=name, community_id=community_id, hash=digest, **body)


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
