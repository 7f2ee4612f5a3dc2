"""The one-time code at the first online ballot: a second channel the committee does not hold.

The committee holds every link (it prints the letters) and imported the roster with the
last four digits of each ID number and phone, so those alone cannot tell the owner from the
committee. When the owner's roster entry has a phone (and the rules of procedure keep the
code on), casting online needs a 6-digit code sent to that phone on the owner's request.

The code exists in clear only in the outbox row, sealed, until the worker sends it. The link
keeps a keyed hash of the latest code and when it was asked for; it expires after ten
minutes. Wrong codes count on the link's one counter of wrong tries (``count_try``): five
lock the link, however many are sent at once.
"""

import hashlib
import hmac
import logging
import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import update

from voting.audit.services import record_event
from voting.ballots.errors import BallotError
from voting.db import count_try, db
from voting.meetings.models import Credential, Meeting, Voter
from voting.messages.outbox import queue_message
from voting.rosters.phones import seal_code
from voting.typed import plain_code

log = logging.getLogger(__name__)

CODE_DIGITS = 6
CODE_LIFETIME = timedelta(minutes=10)
#: The least time between two codes of one link: a holder of the link cannot flood the phone.
RESEND_AFTER = timedelta(seconds=60)


def code_required(meeting: Meeting, voter: Voter) -> bool:
    """True when the owner confirms online ballots with a code sent to their phone."""
    if not voter.phones_sealed:
        return False
    return bool((meeting.procedure or {}).get("one_time_code", True))


def code_hash(credential_id: int, code: str) -> str:
    """Keyed hash of a code for one link: the only form in which the code is kept."""
    secret = str(current_app.config["SECRET_KEY"]).encode()
    message = f"ballot-code:{credential_id}:{code}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def _error(code: str, zh: str, en: str, status: int, **kwargs) -> BallotError:
    return BallotError(code, zh, en, status=status, **kwargs)


def send_code(
    credential: Credential, voter: Voter, meeting: Meeting, now: datetime, lang: str = "zh"
) -> None:
    """Make a new code for the link, keep its hash and queue it to the owner's phone.

    The new code replaces any earlier one. Raises BallotError when the owner has no code to
    receive, or when the last code was asked for less than a minute ago.
    """
    if not code_required(meeting, voter):
        raise _error(
            "code_not_needed",
            "花名册中没有您的手机号，无需验证码：请输入证件号码或手机号码的后四位。",
            "No phone is on the roster for you: confirm with the last four digits instead.",
            409,
        )
    sent = credential.code_sent_at
    if sent is not None and now - sent < RESEND_AFTER:
        wait = int((RESEND_AFTER - (now - sent)).total_seconds()) + 1
        raise _error(
            "code_wait",
            f"验证码刚刚发出，请查看手机短信；{wait} 秒后可以再次获取。",
            f"A code was just sent; check your messages. You can ask again in {wait} s.",
            429,
        )
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    db.session.execute(
        update(Credential)
        .where(Credential.id == credential.id)
        .values(code_hash=code_hash(credential.id, code), code_sent_at=now)
        .execution_options(synchronize_session=False)
    )
    credential.code_sent_at = now
    db.session.expire(credential, ["code_hash"])
    queue_message("code", community_id=meeting.community_id, meeting_id=meeting.id,
                  voter_id=voter.id, recipients=voter.phones_sealed, params={"lang": lang},
                  secret=seal_code(code), now=now)  # fmt: skip
    record_event(
        "credential.code_sent",
        {"meeting_id": meeting.id, "credential_id": credential.id},
        community_id=meeting.community_id,
        actor="resident",
    )


def code_matches(credential: Credential, typed: str, now: datetime) -> str:
    """``right``, ``wrong``, ``expired`` (the latest code, too old) or ``none`` (never sent)."""
    typed = plain_code(typed) if isinstance(typed, str) else ""
    if credential.code_hash is None or credential.code_sent_at is None:
        return "none"
    if not (len(typed) == CODE_DIGITS and typed.isascii() and typed.isdigit()):
        return "wrong"
    if not hmac.compare_digest(credential.code_hash, code_hash(credential.id, typed)):
        return "wrong"
    return "right" if now - credential.code_sent_at <= CODE_LIFETIME else "expired"


def check_code(
    credential: Credential, typed: str, now: datetime, limit: int
) -> tuple[bool, int | None]:
    """Count a try of the code in one statement: whether it is right, and the count after it
    (None when no try is left, right or wrong).

    A right code is spent as it is counted (its hash cleared), so it cannot confirm twice.
    Raises BallotError, without counting, when no code was sent or the code has expired:
    neither is a guess.
    """
    outcome = code_matches(credential, typed, now)
    if outcome == "none":
        raise _error(
            "code_required",
            "请先点“获取验证码”，验证码会发送到您在花名册登记的手机。",
            "Ask for a code first: it is sent to the phone on the roster.",
            403,
        )
    if outcome == "expired":
        raise _error(
            "code_expired",
            "验证码已过期（10 分钟内有效），请重新获取。",
            "The code has expired (valid for 10 minutes): ask for a new one.",
            403,
        )
    right = outcome == "right"
    count = count_try(Credential, credential.id, limit, right=right, verified_at=now,
                      code_hash=None)  # fmt: skip
    return right, count
