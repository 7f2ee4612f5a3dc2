"""Voters' personal links: tokens that can be reprinted but are stored only as hashes.

A token is an HMAC of stable ids under a key derived from SECRET_KEY, so the letters can be
printed again without keeping the token; the database keeps only its SHA-256. Reissuing
makes a new credential row (a new id, hence a new token) and revokes the old one.
"""

import hashlib
import hmac
import re
import secrets
from datetime import datetime

from blinker import Namespace
from flask import current_app
from sqlalchemy import insert, select, update

from voting.audit.services import current_actor, record_event
from voting.ballots.models import Ballot
from voting.crypto.tokens import mac_token, token_hash
from voting.db import db, utcnow
from voting.meetings.errors import MeetingError, problem
from voting.meetings.models import Credential, Meeting, Voter

#: 144 bits: above the 128 the design asks for, and 24 characters without padding.
TOKEN_BYTES = 18
#: Sent with the new credential (and its meeting, ``now``) when a voter's link is reissued, in
#: that transaction: the owner's phone is told the new link (voting.app connects the messages).
link_reissued = Namespace().signal("link-reissued")
_TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{16,64}")


def _key() -> bytes:
    secret = current_app.config["SECRET_KEY"]
    secret = secret if isinstance(secret, bytes) else str(secret).encode()
    return hmac.new(secret, b"gongyi/credential-token/v1", hashlib.sha256).digest()


def _token_for(key: bytes, meeting_id: int, voter_id: int, credential_id: int) -> str:
    return mac_token(key, f"{meeting_id}:{voter_id}:{credential_id}", TOKEN_BYTES)


def credential_token(credential: Credential) -> str:
    """Regenerate a credential's token (for letters and the CSV); refuses (409) if the key
    changed."""
    token = _token_for(_key(), credential.meeting_id, credential.voter_id, credential.id)
    if not hmac.compare_digest(token_hash(token), credential.token_hash):
        raise MeetingError(
            problem(
                "CREDENTIAL_KEY_CHANGED",
                "系统密钥已更换，原链接无法重新打印；请为业主重新签发链接",
                "The secret key changed: this link cannot be reprinted; reissue it",
            ),
            409,
        )
    return token


def credential_for_token(token: str) -> Credential | None:
    """The credential a token belongs to (revoked or not), or None."""
    if not isinstance(token, str) or _TOKEN_RE.fullmatch(token) is None:
        return None
    return db.session.scalar(select(Credential).where(Credential.token_hash == token_hash(token)))


def issue_credentials(meeting: Meeting, voter_ids: list[int], now: datetime) -> None:
    """Issue one credential to each voter (bulk); the hashes are set once the ids exist."""
    if not voter_ids:
        return
    rows = [
        {
            "meeting_id": meeting.id,
            "community_id": meeting.community_id,
            "voter_id": vid,
            "token_hash": "pending-" + secrets.token_hex(28),
            "issued_at": now,
        }
        for vid in voter_ids
    ]
    ids = db.session.scalars(
        insert(Credential).returning(Credential.id, sort_by_parameter_order=True), rows
    )
    key = _key()
    db.session.execute(
        update(Credential),
        [
            {"id": cid, "token_hash": token_hash(_token_for(key, meeting.id, vid, cid))}
            for cid, vid in zip(ids, voter_ids, strict=True)
        ],
    )


def live_credentials(meeting: Meeting) -> list[tuple[Voter, Credential]]:
    """Each voter's unrevoked credential, by building and unit."""
    rows = db.session.execute(
        select(Voter, Credential)
        .join(Credential, Credential.voter_id == Voter.id)
        .where(Credential.meeting_id == meeting.id, Credential.revoked_at.is_(None))
        .order_by(Voter.building, Voter.id)
    )
    pairs = [(voter, credential) for voter, credential in rows]
    pairs.sort(key=lambda pair: (pair[0].building, _natural(pair[0].units)))
    return pairs


def _natural(units: list) -> list:
    label = units[0] if units else ""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", label)]


def _require_open(meeting: Meeting) -> None:
    if meeting.state != "open":
        raise MeetingError(
            problem(
                "WRONG_STATE",
                "只有在表决期间才能作废或重新签发链接",
                "Links can be revoked or reissued only while voting is open",
            )
        )


def _reason(reason: object) -> str:
    if not isinstance(reason, str) or not reason.strip() or len(reason.strip()) > 300:
        raise MeetingError(
            problem(
                "REASON_REQUIRED",
                "请写明原因（最多 300 字）",
                "A reason of 1 to 300 characters is required",
            )
        )
    return reason.strip()


def _log_change(type: str, meeting: Meeting, reason: str, **data: int) -> None:
    """Log a link's revocation or reissue. The reason may name a person and the log becomes
    public: only its hash is kept; the text stays on the credential row for staff."""
    record_event(
        type,
        {"meeting_id": meeting.id, **data,
         "reason_sha256": hashlib.sha256(reason.encode()).hexdigest()},
        community_id=meeting.community_id,
        actor=current_actor(),
    )  # fmt: skip


def revoke_credential(credential: Credential, reason: str, now: datetime | None = None) -> None:
    """Revoke a link (lost letter, wrong person); logged with the reason."""
    meeting = db.session.get(Meeting, credential.meeting_id)
    _require_open(meeting)
    reason = _reason(reason)
    if credential.revoked_at is not None:
        raise MeetingError(
            problem("ALREADY_REVOKED", "此链接已作废", "This link is already revoked")
        )
    credential.revoked_at, credential.revoked_reason = now or utcnow(), reason
    db.session.flush()
    _log_change("credential.revoked", meeting, reason, credential_id=credential.id,
                voter_id=credential.voter_id)  # fmt: skip


def reissue_credential(
    credential: Credential, reason: str, now: datetime | None = None
) -> Credential:
    """Revoke the voter's live link and issue a new one; refused once the voter has voted."""
    meeting = db.session.get(Meeting, credential.meeting_id)
    _require_open(meeting)
    reason = _reason(reason)
    voted = db.session.scalar(
        select(Ballot.id).where(
            Ballot.meeting_id == meeting.id, Ballot.voter_id == credential.voter_id
        )
    )
    if voted is not None:
        raise MeetingError(
            problem(
                "ALREADY_VOTED",
                "该业主已经投票，不能重新签发链接",
                "This voter has already voted: no new link",
            )
        )
    live = list(
        db.session.scalars(
            select(Credential).where(
                Credential.voter_id == credential.voter_id, Credential.revoked_at.is_(None)
            )
        )
    )
    if credential.revoked_at is not None and live:
        raise MeetingError(
            problem(
                "ALREADY_REVOKED",
                "此链接已作废，该业主已有新的链接",
                "This link is revoked and the voter already has a newer one",
            )
        )
    now = now or utcnow()
    for old in live:
        old.revoked_at, old.revoked_reason = now, reason
    new = Credential(
        meeting_id=meeting.id,
        community_id=meeting.community_id,
        voter_id=credential.voter_id,
        token_hash="pending-" + secrets.token_hex(28),
        issued_at=now,
    )
    db.session.add(new)
    db.session.flush()
    new.token_hash = token_hash(_token_for(_key(), meeting.id, new.voter_id, new.id))
    db.session.flush()
    _log_change("credential.reissued", meeting, reason, voter_id=credential.voter_id,
                revoked_credential_id=credential.id, credential_id=new.id)  # fmt: skip
    link_reissued.send(new, meeting=meeting, now=now)
    return new
