"""The worker that sends queued messages: ``voting worker`` (the demo runs it in a thread).

Each due message is claimed (PostgreSQL: ``FOR UPDATE SKIP LOCKED``, so several workers
share the queue), split into one message per phone, sent by the configured provider, and
marked sent; a refused one is retried with a growing delay, then given up. The audit log
records each message's kind and recipient hash, never its text or code.
"""

import logging
import threading
from datetime import datetime, timedelta

from flask import Flask, current_app
from sqlalchemy import func, select

from voting.audit.services import record_event
from voting.ballots.models import Ballot
from voting.crypto.sealing import SealError
from voting.db import db, utcnow
from voting.meetings.credentials import credential_token
from voting.meetings.errors import MeetingError
from voting.meetings.models import Credential, Meeting
from voting.messages.models import Message
from voting.messages.outbox import code_expired, render
from voting.messages.providers import Outgoing, ProviderError, make_provider
from voting.quiet import is_quiet, quiet_ends
from voting.rosters.identity import mask_phone
from voting.rosters.models import Community, Office
from voting.rosters.phones import open_code, open_phones, phone_hash, seal_phones

log = logging.getLogger(__name__)

#: Attempts before a message is given up; the delay doubles from 30 s up to an hour.
MAX_ATTEMPTS = 8
BATCH = 50
#: Kinds that wait for the end of quiet hours (voting.quiet).
HELD_AT_NIGHT = ("notice", "link", "reminder")


def backoff(attempts: int) -> timedelta:
    """The delay before the next attempt after ``attempts`` failed ones."""
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 3600))


def _due(now: datetime) -> list[Message]:
    query = (
        select(Message)
        .where(Message.state == "queued", Message.next_attempt_at <= now)
        .order_by(Message.id)
        .limit(BATCH)
    )
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return list(db.session.scalars(query))


def _fan_out(message: Message) -> str | None:
    """This message's one phone; copies for the owner's other phones are queued."""
    phones = open_phones(message.recipients)
    if message.kind == "code":
        phones = phones[:1]  # a code goes to the phone the roster checks, only
    if not phones:
        return None
    first, *others = phones
    for phone in others:
        db.session.add(
            Message(community_id=message.community_id, meeting_id=message.meeting_id,
                    voter_id=message.voter_id, kind=message.kind,
                    recipients=seal_phones([phone]), recipient_hash=phone_hash(phone),
                    params={**message.params, "to": mask_phone(phone)}, state="queued",
                    attempts=0, next_attempt_at=message.next_attempt_at,
                    created_at=message.created_at)
        )  # fmt: skip
    message.recipients = seal_phones([first])
    message.recipient_hash = phone_hash(first)
    # The masked phone (138********) is what the service record shows staff.
    message.params = {**message.params, "to": mask_phone(first)}
    return first


def _over_rate(message: Message, now: datetime) -> bool:
    """The per-phone limit: at most VOTING_SMS_PER_PHONE_HOUR messages sent an hour."""
    limit = current_app.config["VOTING_SMS_PER_PHONE_HOUR"]
    sent = db.session.scalar(
        select(func.count())
        .select_from(Message)
        .where(Message.recipient_hash == message.recipient_hash, Message.state == "sent",
               Message.sent_at > now - timedelta(hours=1))
    )  # fmt: skip
    return sent >= limit


def _log(message: Message, type: str, **extra) -> None:
    data = {"message_id": str(message.id), "kind": message.kind, "to": message.recipient_hash,
            "meeting_id": None if message.meeting_id is None else str(message.meeting_id),
            **extra}  # fmt: skip
    record_event(type, data, community_id=message.community_id, actor="system")


def _give_up(message: Message, reason: str) -> None:
    message.state, message.secret, message.last_error = "failed", None, reason[:300]
    _log(message, "message.failed", reason=reason[:100])


def _cancel(message: Message, reason: str) -> None:
    """Drop a message that no longer makes sense (the owner voted, the link was revoked)."""
    message.state, message.secret, message.last_error = "cancelled", None, reason[:300]
    _log(message, "message.cancelled", reason=reason[:100])


def _held(message: Message, now: datetime) -> datetime | None:
    """Until when a notice, link or reminder waits (quiet hours), or None to send now."""
    setting = current_app.config.get("VOTING_QUIET_HOURS")
    if message.kind in HELD_AT_NIGHT and is_quiet(now, setting):
        return quiet_ends(now, setting)
    return None


def _current_params(message: Message, now: datetime) -> tuple[dict, str | None]:
    """The params the text shows now (a link made from the live credential), or a reason
    to cancel the message."""
    if message.kind not in HELD_AT_NIGHT or message.meeting_id is None:
        return message.params, None
    meeting = db.session.get(Meeting, message.meeting_id)
    if meeting is None or meeting.voided_at is not None:
        return message.params, "meeting voided"
    if message.kind == "notice":
        over = meeting.closed_at is not None or now >= meeting.closes_at
        return message.params, "voting is over" if over else None
    if meeting.state != "open" or now >= meeting.closes_at:
        return message.params, "voting is not open"
    if message.kind == "reminder" and _has_voted(message):
        return message.params, "already voted"
    credential = db.session.scalar(
        select(Credential).where(Credential.voter_id == message.voter_id,
                                 Credential.revoked_at.is_(None))
    )  # fmt: skip
    if credential is None:
        return message.params, "no live link"
    try:
        token = credential_token(credential)
    except MeetingError:
        return message.params, "the link cannot be made again"
    base = message.params.get("base") or current_app.config.get("PUBLIC_URL") or ""
    return {**message.params, "link": f"{base.rstrip('/')}/v/{token}"}, None


def _has_voted(message: Message) -> bool:
    return (
        db.session.scalar(
            select(Ballot.id).where(
                Ballot.meeting_id == message.meeting_id, Ballot.voter_id == message.voter_id
            )
        )
        is not None
    )


def _deliver(message: Message, provider, now: datetime) -> bool:
    """Send one claimed message; True if it was sent."""
    phone = (
        _fan_out(message)
        if message.recipient_hash is None
        else next(iter(open_phones(message.recipients)), None)
    )
    if phone is None:
        _give_up(message, "no phone")
        return False
    if message.kind == "code" and code_expired(message.created_at, now):
        _give_up(message, "expired")
        return False
    held = _held(message, now)
    if held is not None:
        message.next_attempt_at = held
        return False
    params, cancel = _current_params(message, now)
    if cancel is not None:
        _cancel(message, cancel)
        return False
    if _over_rate(message, now):
        message.next_attempt_at = now + timedelta(minutes=10)
        return False
    code = None
    if message.secret:
        try:
            code = open_code(message.secret)
        except SealError:
            _give_up(message, "the code cannot be opened")
            return False
    title, office = "", ""
    if message.meeting_id is not None:
        title = db.session.scalar(select(Meeting.title).where(Meeting.id == message.meeting_id))
    office, community = db.session.execute(
        select(Office.name, Community.name)
        .join(Community, Community.office_id == Office.id)
        .where(Community.id == message.community_id)
    ).one()
    text, variables = render(message.kind, params, meeting_title=title or "",
                             office=office or "", code=code,
                             community=community or "")  # fmt: skip
    outgoing = Outgoing(to=phone, kind=message.kind, text=text, meeting_id=message.meeting_id,
                        sent_at=now, code=code, variables=variables)  # fmt: skip
    try:
        provider.send(outgoing)
    except ProviderError as error:
        message.attempts += 1
        message.last_error = str(error)[:300]
        log.warning("message %s not sent (attempt %s): %s", message.id, message.attempts, error)
        if message.attempts >= MAX_ATTEMPTS:
            _give_up(message, str(error))
        else:
            message.next_attempt_at = now + backoff(message.attempts)
        return False
    message.state, message.sent_at, message.secret = "sent", now, None
    message.attempts += 1
    _log(message, "message.sent")
    return True


def deliver_due(provider=None, now: datetime | None = None) -> int:
    """Send every message due now, one transaction each; returns how many were sent."""
    provider = provider or make_provider(current_app.config)
    postgres = db.session.get_bind().dialect.name == "postgresql"
    sent, seen = 0, set()
    while True:
        now_ = now or utcnow()
        ids = [m.id for m in _due(now_) if m.id not in seen]
        db.session.rollback()  # release the batch: each message is claimed and sent alone
        if not ids:
            return sent
        seen.update(ids)
        for message_id in ids:
            query = select(Message).where(Message.id == message_id, Message.state == "queued")
            if postgres:
                query = query.with_for_update(skip_locked=True)
            message = db.session.scalar(query)
            if message is None or message.next_attempt_at > now_:
                db.session.rollback()
                continue
            try:
                sent += _deliver(message, provider, now_)
                db.session.commit()
            except Exception:
                db.session.rollback()
                log.exception("message %s: the worker failed", message_id)


def run_worker(app: Flask, stop: threading.Event, interval: float = 2.0) -> None:
    """Send due messages every ``interval`` seconds until ``stop`` is set."""
    with app.app_context():
        provider = make_provider(app.config)
    while not stop.is_set():
        with app.app_context():
            try:
                deliver_due(provider)
            except Exception:  # keep the worker alive: the next round retries
                log.exception("the message worker failed a round")
            finally:
                db.session.remove()
        stop.wait(interval)


def start_in_thread(app: Flask, interval: float = 2.0) -> threading.Event:
    """Run the worker in a daemon thread of this process (the demo); returns its stop."""
    stop = threading.Event()
    thread = threading.Thread(target=run_worker, args=(app, stop, interval), daemon=True,
                              name="voting-worker")  # fmt: skip
    thread.start()
    return stop
