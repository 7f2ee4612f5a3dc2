"""Serving the notice (送达): one message per owner when the notice is published, and each
voter's personal link when voting opens.

Both are queued in the transaction of the state change that causes them (announce, open),
once per meeting. A link message holds no token: the worker makes the link from the voter's
live credential when it sends, so that a link revoked meanwhile is never sent.
"""

from datetime import datetime

from sqlalchemy import exists, insert, select

from voting.audit.services import current_actor, record_event
from voting.db import db
from voting.meetings.models import Credential, Meeting, Voter
from voting.messages.models import Message
from voting.messages.outbox import public_base
from voting.rosters.models import Holding, Owner
from voting.timeutil import rfc3339


def notice_path(meeting_id: int) -> str:
    """Where anyone reads a published notice (results.notice)."""
    return f"/public/meetings/{meeting_id}/notice"


def _already(meeting: Meeting, kind: str) -> bool:
    return bool(
        db.session.scalar(
            select(exists().where(Message.meeting_id == meeting.id, Message.kind == kind))
        )
    )


def _queue_all(meeting: Meeting, kind: str, rows: list[dict], now: datetime) -> int:
    """Insert the messages at once and log how many were queued (never to whom)."""
    if not rows:
        return 0
    base = {"community_id": meeting.community_id, "meeting_id": meeting.id, "kind": kind,
            "recipient_hash": None, "secret": None, "state": "queued", "attempts": 0,
            "next_attempt_at": now, "created_at": now, "sent_at": None,
            "last_error": None}  # fmt: skip
    db.session.execute(insert(Message.__table__), [{**base, **row} for row in rows])
    record_event(
        "messages.queued",
        {"meeting_id": meeting.id, "kind": kind, "messages": len(rows)},
        community_id=meeting.community_id,
        actor=current_actor(),
    )
    return len(rows)


def queue_notices(meeting: Meeting, now: datetime) -> int:
    """One notice to every owner of the roster with a phone; returns how many were queued."""
    if _already(meeting, "notice"):
        return 0
    holds = exists().where(Holding.owner_id == Owner.id)
    owners = db.session.execute(
        select(Owner.key, Owner.phone_sealed)
        .where(Owner.community_id == meeting.community_id, Owner.phone_sealed.is_not(None), holds)
        .order_by(Owner.id)
    )
    params = {"opens": rfc3339(meeting.opens_at), "closes": rfc3339(meeting.closes_at),
              "link": public_base() + notice_path(meeting.id), "lang": "zh"}  # fmt: skip
    rows = [
        {"voter_id": None, "recipients": sealed, "params": {**params, "owner": key}}
        for key, sealed in owners
    ]
    return _queue_all(meeting, "notice", rows, now)


def queue_links(meeting: Meeting, now: datetime) -> int:
    """Each voter with a phone and a live link gets it once; returns how many were queued."""
    if _already(meeting, "link"):
        return 0
    voters = db.session.execute(
        select(Voter.id, Voter.phones_sealed)
        .join(Credential, Credential.voter_id == Voter.id)
        .where(Voter.meeting_id == meeting.id, Voter.phones_sealed.is_not(None),
               Credential.revoked_at.is_(None))
        .order_by(Voter.id)
    )  # fmt: skip
    params = {"closes": rfc3339(meeting.closes_at), "base": public_base(), "lang": "zh"}
    rows = [
        {"voter_id": voter_id, "recipients": sealed, "params": params}
        for voter_id, sealed in voters
    ]
    return _queue_all(meeting, "link", rows, now)


def queue_reissued_link(credential: Credential, *, meeting: Meeting, now: datetime) -> int:
    """A reissued link goes to the owner's phones too: the owner learns that their old link no
    longer works, and whoever asked for the new one (the committee holds the letters) is not
    the only one to have it. Returns how many messages were queued (0 without a phone)."""
    sealed = db.session.scalar(select(Voter.phones_sealed).where(Voter.id == credential.voter_id))
    waiting = exists().where(Message.voter_id == credential.voter_id, Message.kind == "link",
                             Message.state == "queued")  # fmt: skip
    if not sealed or db.session.scalar(select(waiting)):
        return 0  # no phone, or a link message not yet sent: it will carry the new link
    params = {"closes": rfc3339(meeting.closes_at), "base": public_base(), "lang": "zh"}
    row = {"voter_id": credential.voter_id, "recipients": sealed, "params": params}
    return _queue_all(meeting, "link", [row], now)
