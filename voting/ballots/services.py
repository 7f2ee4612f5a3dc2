"""Use cases of the resident's link: what a link may do, the identity check, casting.

The audit log becomes public, so nothing written to it joins a voter to choices: a cast
ballot is logged, by actor "resident", with a seal of its board entry only — a keyed hash
(``entry_seal``), so that the committee and the office can check that no ballot changed
after it was cast, while a reader of the public log cannot match an event's time to a
board entry (and so to whoever was seen voting at that minute).
"""

import hashlib
import hmac
import logging
import secrets
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from blinker import Namespace
from flask import current_app
from sqlalchemy import bindparam, insert, lambda_stmt, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import load_only

from voting.audit import services as audit
from voting.audit.services import record_event, record_event_at_commit
from voting.ballots.answers import ballot_form, check_answers
from voting.ballots.codes import check_code, code_required
from voting.ballots.errors import BallotError
from voting.ballots.models import Ballot, BallotConflict
from voting.ballots.secret import encrypt_answers
from voting.crypto.canonical import canonical
from voting.crypto.merkle import leaf_hash
from voting.crypto.tokens import token_hash
from voting.db import count_try, db, utcnow
from voting.meetings.credentials import credential_for_token
from voting.meetings.models import Credential, Meeting, Voter
from voting.messages.outbox import queue_ballot_alert
from voting.rosters.identity import check_last4
from voting.rules.numbers import fmt_area
from voting.web import current_lang, in_fours

log = logging.getLogger(__name__)
#: Sent with the credential after each wrong identity check; supervision keeps the address.
identity_check_failed = Namespace().signal("identity-check-failed")

#: Wrong identity checks after which a link is locked.
MAX_FAILED_CHECKS = 5
RESIDENT = "resident"

_REFUSALS = {
    "unknown_token": (
        404,
        "此链接无效。请核对二维码或链接是否完整。",
        "This link is not valid. Check that the QR code or link is complete.",
    ),
    "revoked": (
        410,
        "此链接已作废，可能已为您补发了新的链接。请使用最新的表决通知书。",
        "This link was revoked; a new one may have been issued. Use your latest letter.",
    ),
    "voided": (
        410,
        "本次会议已作废，无需再投票。",
        "This meeting was voided: there is nothing to vote on.",
    ),
    "locked": (
        403,
        "身份核对错误次数过多，此链接已锁定。请带上身份证件联系业委会。",
        "Too many wrong identity checks: this link is locked. Contact the committee.",
    ),
    "not_open": (409, "投票尚未开始。", "Voting has not started yet."),
    "closed": (
        410,
        "投票已经结束，不能再投票。",
        "Voting has ended: no more ballots are accepted.",
    ),
    "cannot_vote": (
        403,
        "花名册中此链接的业主不能投票。",
        "The roster does not let this voter vote.",
    ),
    "already_voted": (
        409,
        "您已经投过票了，每位业主只能投一次。",
        "You have already voted: each owner votes once.",
    ),
    "verification_required": (
        403,
        "请先输入证件号码或手机号码的后四位，核对身份。",
        "Confirm your identity with the last four digits first.",
    ),
    "code_required": (
        403,
        "请先获取验证码：验证码会发送到您在花名册登记的手机，投票时一并提交。",
        "Ask for a code first: it is sent to the phone on the roster; send it with the ballot.",
    ),
}


def voter_keys(meeting: Meeting, voter: Voter) -> dict[str, int]:
    """The columns that tie a row (a ballot, an entry, a conflict, an authorisation) to a
    meeting's voter: the meeting, its community (each community's rows stay apart) and the
    voter."""
    return {"meeting_id": meeting.id, "community_id": meeting.community_id, "voter_id": voter.id}


def refusal(code: str, **kwargs) -> BallotError:
    """The refusal of a link or ballot with its standard text and status."""
    return BallotError.of(_REFUSALS, code, **kwargs)


@dataclass
class Link:
    """What a resident's link leads to, and the state that decides which page they see."""

    state: str
    credential: Credential | None = None
    meeting: Meeting | None = None
    voter: Voter | None = None
    ballot: Ballot | None = None

    @property
    def error(self) -> BallotError | None:
        """The refusal for a link that cannot vote now (None when ready or voted)."""
        return None if self.state in ("ready", "voted") else refusal(self.state)


def window_state(meeting: Meeting, now: datetime) -> str:
    """``ready`` while online voting is open, else voided, not_open or closed."""
    if meeting.voided_at is not None:
        return "voided"
    if meeting.opened_at is None or now < meeting.opens_at:
        return "not_open"
    if meeting.state != "open" or now >= meeting.closes_at:
        return "closed"
    return "ready"


def open_link(token: str, now: datetime | None = None) -> Link:
    """Follow a resident's link: its credential, meeting, voter, ballot and state."""
    credential = credential_for_token(token)
    if credential is None:
        return Link("unknown_token")
    meeting = db.session.get(Meeting, credential.meeting_id)
    voter = db.session.get(Voter, credential.voter_id)
    ballot = db.session.scalar(
        select(Ballot).where(Ballot.meeting_id == meeting.id, Ballot.voter_id == voter.id)
    )
    link = Link("ready", credential, meeting, voter, ballot)
    if credential.revoked_at is not None:
        link.state = "revoked"
    elif meeting.voided_at is not None:
        link.state = "voided"
    elif ballot is not None:
        link.state = "voted"
    elif credential.locked_at is not None:
        link.state = "locked"
    elif not voter.can_vote:
        link.state = "cannot_vote"
    else:
        link.state = window_state(meeting, now or utcnow())
    return link


def needs_identity(voter: Voter) -> bool:
    """True when the roster holds an ID number or phone to check the voter against."""
    return bool(voter.salt and (voter.id_last4_hash or voter.phone_last4_hash))


def check_identity(
    credential: Credential, voter: Voter, typed: str, now: datetime, meeting: Meeting | None = None
) -> None:
    """Check the one-time code, or the last four digits for an owner without a phone; a wrong
    try is counted and the fifth locks the link.

    The answer counts only with the link's count in one statement (``count_try``): thirty
    parallel tries get five wrong answers counted at most, and no answer counts once the
    link is spent. Raises BallotError with ``keep`` set, so that the caller commits the count.
    """
    typed = typed if isinstance(typed, str) else ""
    meeting = meeting or db.session.get(Meeting, credential.meeting_id)
    by_code = code_required(meeting, voter)
    if by_code:
        right, count = check_code(credential, typed, now, MAX_FAILED_CHECKS)
    else:
        right = check_last4(voter.salt, voter.id_last4_hash, typed) or check_last4(
            voter.salt, voter.phone_last4_hash, typed
        )
        count = count_try(
            Credential, credential.id, MAX_FAILED_CHECKS, right=right, verified_at=now
        )
    if count is None:
        _lock(credential, now)
        raise refusal("locked", keep=True)
    if right:
        return
    log.warning(
        "identity check failed for credential %s (%s of %s)",
        credential.id,
        count,
        MAX_FAILED_CHECKS,
    )
    identity_check_failed.send(credential, now=now)
    if count >= MAX_FAILED_CHECKS:
        _lock(credential, now)
        raise refusal("locked", keep=True)
    left = MAX_FAILED_CHECKS - count
    what = ("验证码", "code") if by_code else ("号码", "number")
    raise BallotError(
        "verification_failed",
        f"{what[0]}不对，请再核对一次。再错 {left} 次，此链接将被锁定。",
        f"That {what[1]} does not match. After {left} more wrong tries this link is locked.",
        status=403,
        keep=True,
    )


def _lock(credential: Credential, now: datetime) -> None:
    """Lock the link (once: the first of parallel tries to find it spent logs it)."""
    locked = db.session.execute(
        update(Credential)
        .where(Credential.id == credential.id, Credential.locked_at.is_(None))
        .values(locked_at=now)
    ).rowcount
    if locked:
        record_event(
            "credential.locked",
            {"meeting_id": credential.meeting_id, "credential_id": credential.id},
            community_id=credential.community_id,
            actor=RESIDENT,
        )


def source_hash(address: str | None) -> str | None:
    """A keyed hash of the client's address: compares addresses without storing them."""
    if not address:
        return None
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(secret, b"ballot-source:" + address.encode(), hashlib.sha256).hexdigest()[:32]


def entry_seal(entry: dict) -> str:
    """Keyed SHA-256 (HMAC) of a board entry's canonical bytes, under the instance secret."""
    secret = str(current_app.config["SECRET_KEY"]).encode()
    key = hmac.new(secret, b"gongyi/ballot-entry-seal/v1", hashlib.sha256).digest()
    return hmac.new(key, canonical(entry), hashlib.sha256).hexdigest()


def new_receipt() -> str:
    """A fresh receipt: 32 hex characters, unpredictable (FORMATS.md §3)."""
    return secrets.token_hex(16)


def new_ballot(meeting: Meeting, voter: Voter, form, answers: dict, **columns) -> Ballot:
    """The voter's ballot with a fresh receipt; in a secret meeting only the answers'
    ciphertexts (bound to the receipt) are kept. ``columns``: the channel, who entered it, when
    and the channel's own columns."""
    receipt = new_receipt()
    if meeting.secret:  # only the ciphertexts are kept: the choices end with this request
        answers = encrypt_answers(meeting, form, receipt, answers)
    return Ballot(**voter_keys(meeting, voter), receipt=receipt, answers=answers, **columns)


def board_entry(ballot: Ballot, voter: Voter) -> dict:
    """The ballot as its bulletin-board entry (FORMATS.md §3, or §3.1 for a secret meeting,
    whose answers are encrypted): no name, no unit."""
    return {
        "receipt": ballot.receipt,
        "channel": ballot.channel,
        "area": fmt_area(voter.area),
        "owners": 1,
        "answers": ballot.answers,
    }


def insert_ballot(
    ballot: Ballot,
    voter: Voter,
    community_id: int,
    actor: str,
    *,
    log_at_commit: bool = False,
    lang: str = "zh",
) -> Ballot:
    """Insert a ballot under the one-ballot-per-voter constraint and log its board entry.

    ``log_at_commit`` appends the log entry when the transaction commits (online casting,
    committed by ``durable_ballot``): see ``record_event_at_commit``. Each phone of the
    owner is told, in the same transaction, that a ballot was recorded in their name.
    """
    values = {
        "meeting_id": ballot.meeting_id, "community_id": ballot.community_id,
        "voter_id": ballot.voter_id, "channel": ballot.channel, "receipt": ballot.receipt,
        "answers": ballot.answers, "invalid_reasons": ballot.invalid_reasons or {},
        "cast_at": ballot.cast_at, "entered_by": ballot.entered_by, "proxy_id": ballot.proxy_id,
        "source_hash": ballot.source_hash, "desk_id": ballot.desk_id,
        "received_at": ballot.received_at,
    }  # fmt: skip
    try:
        # A plain INSERT: a second ballot of the voter fails on the unique constraint, and the
        # refusal rolls the whole transaction back, so no savepoint is needed.
        table = Ballot.__table__
        statement = insert(table).returning(table.c.id)
        ballot.id = db.session.execute(statement, values).scalar_one()
    except IntegrityError:
        raise refusal("already_voted") from None
    entry = entry_seal(board_entry(ballot, voter))
    append = record_event_at_commit if log_at_commit else record_event
    append(
        "ballot.cast",
        {"meeting_id": ballot.meeting_id, "channel": ballot.channel, "entry": entry},
        community_id=community_id,
        actor=actor,
    )
    queue_ballot_alert(community_id=community_id, meeting_id=ballot.meeting_id,
                       voter_id=ballot.voter_id, phones_sealed=voter.phones_sealed,
                       channel=ballot.channel, at=ballot.cast_at, lang=lang)  # fmt: skip
    return ballot


#: What casting reads of the credential, voter and meeting (every ballot loads them: keep it
#: lean).
_CREDENTIAL_COLUMNS = (Credential.meeting_id, Credential.community_id, Credential.voter_id,
                       Credential.revoked_at, Credential.locked_at, Credential.code_hash,
                       Credential.code_sent_at)  # fmt: skip
_VOTER_COLUMNS = (Voter.meeting_id, Voter.community_id, Voter.area, Voter.can_vote, Voter.salt,
                  Voter.id_last4_hash, Voter.phone_last4_hash, Voter.phones_sealed)  # fmt: skip
_MEETING_COLUMNS = (
    Meeting.community_id, Meeting.opens_at, Meeting.closes_at, Meeting.submitted_at,
    Meeting.approved_at, Meeting.announced_at, Meeting.opened_at, Meeting.closed_at,
    Meeting.tallied_at, Meeting.published_at, Meeting.countersigned_at, Meeting.voided_at,
    Meeting.revoked_at,
    Meeting.procedure,  # whether owners with a phone confirm with a one-time code
    Meeting.secret, Meeting.joint_key,  # a secret meeting's ballots are encrypted
)  # fmt: skip


#: The token's credential with its voter and meeting, in one query. Built once: the hot path
#: of every ballot, where building the statement (and its cache key) would cost more than
#: running it.
_LOOKUP = lambda_stmt(
    lambda: (
        select(Credential, Voter, Meeting)
        .join(Voter, Voter.id == Credential.voter_id)
        .join(Meeting, Meeting.id == Credential.meeting_id)
        .where(Credential.token_hash == bindparam("token_hash"))
        .options(
            load_only(*_CREDENTIAL_COLUMNS),
            load_only(*_VOTER_COLUMNS),
            load_only(*_MEETING_COLUMNS),
        )
    )
)


def _credential_voter_meeting(token: str) -> tuple[Credential, Voter, Meeting] | None:
    """The token's credential with its voter and meeting, or None."""
    if not isinstance(token, str) or not 16 <= len(token) <= 64:
        return None
    row = db.session.execute(_LOOKUP, {"token_hash": token_hash(token)}).first()
    return None if row is None else (row[0], row[1], row[2])


def cast_ballot(
    token: str,
    answers: dict,
    verification: str | None = None,
    source: str | None = None,
    *,
    verified: bool = False,
    now: datetime | None = None,
    desk_id: int | None = None,
) -> Ballot:
    """Cast an online ballot with a resident's link; ``verified`` if the page checked identity,
    ``desk_id`` when cast at a committee's help desk (an assisted ballot)."""
    now = now or utcnow()
    found = _credential_voter_meeting(token)
    if found is None:
        raise refusal("unknown_token")
    credential, voter, meeting = found
    if credential.revoked_at is not None:
        raise refusal("revoked")
    if credential.locked_at is not None:
        raise refusal("locked")
    state = window_state(meeting, now)
    if state != "ready":
        raise refusal(state)
    if not voter.can_vote:
        raise refusal("cannot_vote")
    if needs_identity(voter) and not verified:
        if verification is None:
            by_code = code_required(meeting, voter)
            raise refusal("code_required" if by_code else "verification_required")
        check_identity(credential, voter, verification, now, meeting)
    form = ballot_form(meeting.id, frozen_at=meeting.announced_at)
    ballot = new_ballot(
        meeting,
        voter,
        form,
        check_answers(form, answers),
        channel="online",
        cast_at=now,
        entered_by=RESIDENT,
        source_hash=source_hash(source),
        desk_id=desk_id,
    )
    lang = current_lang() if voter.phones_sealed else "zh"
    try:
        insert_ballot(ballot, voter, meeting.community_id, RESIDENT, log_at_commit=True, lang=lang)
    except BallotError as error:
        if error.code == "already_voted":
            list_online_conflict(meeting.id, meeting.community_id, voter.id, now)
        raise
    # What the voter of a secret meeting checks on the board (not stored: it is derived).
    ballot.fingerprint = entry_fingerprint(ballot, voter) if meeting.secret else None
    return ballot


#: How the conflict list names the ballot already counted.
_COUNTED = {"paper": "纸质票", "proxy": "委托投票"}


def list_online_conflict(meeting_id: int, community_id: int, voter_id: int, now: datetime):
    """An online attempt after a paper or proxy ballot: undo the attempt, list it as a conflict
    (as paper after online is) and refuse; the sign that someone voted on paper in the owner's
    name. Raises the refusal with ``keep`` set, so that the caller commits the listing."""
    db.session.rollback()  # the attempt's transaction (on PostgreSQL, aborted by the INSERT)
    existing = db.session.scalar(
        select(Ballot.channel).where(Ballot.meeting_id == meeting_id, Ballot.voter_id == voter_id)
    )
    if existing not in _COUNTED:
        raise refusal("already_voted")
    db.session.add(
        BallotConflict(meeting_id=meeting_id, community_id=community_id, voter_id=voter_id,
                       channel="online", attempted_by=RESIDENT, attempted_at=now,
                       reason=f"该业主已有{_COUNTED[existing]}选票，本次网络投票未计入")
    )  # fmt: skip
    db.session.flush()
    record_event("ballot.conflict", {"meeting_id": meeting_id, "channel": "online"},
                 community_id=community_id, actor=RESIDENT)  # fmt: skip
    raise refusal("already_voted", keep=True)


@contextmanager
def durable_ballot():
    """Cast a ballot in the block and commit it: no receipt is shown before the ballot is on disk.

    The commit is synchronous (PostgreSQL's ``synchronous_commit``, on by default; SQLite with
    ``synchronous=FULL``): it returns once the ballot is flushed to the log. The ballot's
    audit event goes with the commit (``audit.commit``), so the community's audit head is
    locked only while the server appends, commits and flushes: about 0.1 ms of flush on this
    project's machines, a few ms on slow disks — hundreds of ballots a second in one
    community at worst, far more than an assembly casts; other communities never wait. If the
    block raises, nothing is committed (the caller rolls back as after any refusal).
    """
    yield
    audit.commit()


def entry_fingerprint(ballot: Ballot, voter: Voter) -> str:
    """The SHA-256 (hex) of the ballot's board entry as the board's Merkle tree hashes it
    (the leaf hash, FORMATS.md §3): with the receipt, what the voter can check on the board."""
    return leaf_hash(board_entry(ballot, voter)).hex()


#: The receipt in groups of four characters, as printed for the voter.
format_receipt = in_fours
