"""The key ceremony of a secret meeting, run when the street office approves its plan.

A trusted dealer (FORMATS §9.6, dealer 0, context ``gongyi-v2\\n{meeting id}\\nceremony``)
makes the joint key and one share per trustee in this process's memory. Each share is sealed
at once (FORMATS §9.9) under a fresh random passphrase; what is kept is public or sealed: the
joint key on the meeting, each trustee's public share and sealed file on its row. The
passphrases leave only on the key cards handed to the approving office user, once; they are
never stored nor logged, and the shares themselves are dropped with this call's frame.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app

from voting.crypto import canonical
from voting.crypto.ballot2 import ceremony_context
from voting.crypto.key_share import SCRYPT_N, seal_share
from voting.crypto.secret_json import joint_key_to_json
from voting.crypto.trustees import dealer_ceremony
from voting.meetings.common import log_meeting
from voting.meetings.models import Meeting
from voting.meetings.passphrase import new_passphrase
from voting.web import in_fours


@dataclass(frozen=True)
class KeyCard:
    """What one trustee's printed key card shows: the passphrase is on it and nowhere else."""

    number: int
    kind: str
    name: str
    passphrase: str
    key_share: dict[str, Any]


def fingerprint(joint_key: dict[str, Any]) -> str:
    """SHA-256 hex of the canonical JOINT_KEY: what the notice and key cards print."""
    return hashlib.sha256(canonical(joint_key)).hexdigest()


def short_fingerprint(joint_key: dict[str, Any]) -> str:
    """The fingerprint's first 32 hex characters in groups of four, for people to compare."""
    return " ".join(in_fours(fingerprint(joint_key)[:32]))


def run_ceremony(meeting: Meeting, now: datetime) -> list[KeyCard]:
    """Make the joint key and every trustee's sealed share; return the key cards."""
    trustees = list(meeting.trustees)
    threshold = meeting.trustee_threshold
    if threshold is None or not 2 <= threshold <= len(trustees):
        raise ValueError(f"meeting {meeting.id} has no valid k of n for its trustees")
    key, shares = dealer_ceremony(threshold, len(trustees), ceremony_context(str(meeting.id)))
    cost = current_app.config.get("VOTING_KEY_SHARE_SCRYPT_N", SCRYPT_N)
    cards = []
    for trustee in trustees:
        passphrase = new_passphrase()
        sealed = seal_share(key, trustee.number, shares.pop(trustee.number), passphrase, cost)
        trustee.public_share = sealed["public_share"]
        trustee.key_share = sealed
        trustee.partials = trustee.partials_for = None
        trustee.submitted_at = trustee.submitted_by = None
        cards.append(KeyCard(trustee.number, trustee.kind, trustee.name, passphrase, sealed))
    shares.clear()
    meeting.joint_key = joint_key_to_json(key)
    meeting.key_ceremony_at = now
    log_meeting(
        meeting,
        "key_ceremony",
        {
            "dealer": "trusted",
            "threshold": threshold,
            "trustees": [
                {"number": t.number, "kind": t.kind, "name": t.name, "public_share": t.public_share}
                for t in trustees
            ],  # fmt: skip
            "public_key": meeting.joint_key["public_key"],
            "fingerprint": fingerprint(meeting.joint_key),
        },
    )
    return cards


def forget_ceremony(meeting: Meeting) -> None:
    """Drop a ceremony's outcome (a plan returned after approval gets a new one)."""
    meeting.joint_key = meeting.key_ceremony_at = None
    for trustee in meeting.trustees:
        trustee.public_share = trustee.key_share = None
