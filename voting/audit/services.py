"""Append to and check the audit chains."""

from flask import has_request_context
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert

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


def _lock_chain(name: str) -> AuditChain:
    """Lock the chain's head row (creating it on first use) so appends never fork."""
    session = db.session
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            pg_insert(AuditChain)
            .values(name=name, seq=0, head=GENESIS)
            .on_conflict_do_nothing(index_elements=["name"])
        )
        return session.execute(
            select(AuditChain).where(AuditChain.name == name).with_for_update()
        ).scalar_one()
    # SQLite: every write transaction already holds the database lock (BEGIN IMMEDIATE).
    chain = session.get(AuditChain, name)
    if chain is None:
        chain = AuditChain(name=name, seq=0, head=GENESIS)
        session.add(chain)
    return chain


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
    chain = _lock_chain(name)
    body = {
        "seq": chain.seq + 1,
        "at": utcnow().strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "type": type,
        "actor": actor or current_actor(),
        "data": data,
        "prev": chain.head,
    }
    digest = event_hash(body)
    event = AuditEvent(chain=name, community_id=community_id, hash=digest, **body)
    chain.seq, chain.head = body["seq"], digest
    db.session.add(event)
    db.session.flush()
    return event


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
