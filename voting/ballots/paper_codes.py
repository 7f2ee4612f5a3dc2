"""Printed paper ballots: each owner's ballot carries a short code (and its QR code) that the
clerks type, or scan, to open that owner's entry form instead of searching a name.

The code is an HMAC of the meeting and voter ids under a key derived from SECRET_KEY, so a
ballot can be printed again without storing anything; 40 bits in 8 Crockford base32
characters ("K7M3-Q9PX"), which read aloud and type without confusing 0/O or 1/I/L. It only
identifies the owner for entry by staff; the two-clerk rule decides what counts.
"""

import hashlib
import hmac

from flask import current_app
from sqlalchemy import select

from voting.db import db
from voting.meetings.models import Meeting, Voter
from voting.typed import plain_code

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
#: What people type for the letters Crockford base32 leaves out.
READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})
LENGTH = 8


def _key() -> bytes:
    secret = current_app.config["SECRET_KEY"]
    secret = secret if isinstance(secret, bytes) else str(secret).encode()
    return hmac.new(secret, b"gongyi/paper-ballot-code/v1", hashlib.sha256).digest()


def _code(key: bytes, meeting_id: int, voter_id: int) -> str:
    digest = hmac.new(key, f"{meeting_id}:{voter_id}".encode(), hashlib.sha256).digest()
    number = int.from_bytes(digest[:5], "big")
    return "".join(ALPHABET[(number >> (5 * i)) & 31] for i in reversed(range(LENGTH)))


def paper_code(voter: Voter) -> str:
    """The voter's code as printed: two groups of four, e.g. ``K7M3-Q9PX``."""
    code = _code(_key(), voter.meeting_id, voter.id)
    return f"{code[:4]}-{code[4:]}"


def normalise_code(typed: str | None) -> str:
    """A typed or scanned code as stored: full width, spaces, dashes and case do not matter."""
    text = plain_code(typed).upper().replace("-", "").translate(READ_AS)
    return text if len(text) == LENGTH and all(c in ALPHABET for c in text) else ""


def voter_by_code(meeting: Meeting, typed: str | None) -> Voter | None:
    """The meeting's voter whose ballot carries this code, else None (also when two share it)."""
    code = normalise_code(typed)
    if not code:
        return None
    key = _key()
    ids = db.session.scalars(select(Voter.id).where(Voter.meeting_id == meeting.id))
    found = [vid for vid in ids if hmac.compare_digest(_code(key, meeting.id, vid), code)]
    return db.session.get(Voter, found[0]) if len(found) == 1 else None
