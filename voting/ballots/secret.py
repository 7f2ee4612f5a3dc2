"""Secret ballots (issue 15): what a ballot of a secret meeting stores.

A meeting whose ballots are secret (``Meeting.secret``, with the joint key of its trustees)
keeps each answered matter only as an encrypted answer (FORMATS §9.5, ``ENC_ANSWER``): one
ciphertext of 0 or 1 per option and one for the abstention, with their proofs, bound to the
meeting, the matter and the ballot's receipt. ``Ballot.answers`` is then
``{matter id: ENC_ANSWER | "invalid"}``; a matter left out stays out (taking part is public).
The plaintext choices exist only in memory while the ballot is cast, or on the clerks' paper
entries until the two match (then both are emptied).
"""

from __future__ import annotations

from typing import Any

from voting.ballots.answers import INVALID, MatterForm
from voting.ballots.errors import BallotError
from voting.crypto import ballot2
from voting.crypto.secret_json import joint_key_from_json
from voting.crypto.trustees import JointKey
from voting.meetings.models import Meeting


def matter_definition(matter: MatterForm) -> dict[str, Any]:
    """A matter of the ballot form as ``encrypt_answer`` takes it: id, kind, seats, options."""
    return {
        "id": matter.id,
        "kind": matter.kind,
        "seats": matter.seats,
        "options": [{"id": code} for code in matter.codes],
    }


#: Parsed joint keys by meeting and public key: parsing checks every point, once per meeting.
_KEYS: dict[tuple[int, str], JointKey] = {}


def joint_key(meeting_id: int, data: dict[str, Any]) -> JointKey:
    """The meeting's joint key (FORMATS §9.6 JOINT_KEY), parsed once per process."""
    cache_key = (meeting_id, str(data.get("public_key")))
    key = _KEYS.get(cache_key)
    if key is None:
        if len(_KEYS) >= 500:
            _KEYS.clear()
        key = _KEYS[cache_key] = joint_key_from_json(data)
    return key


def encrypt_answers(
    meeting: Meeting, form: dict[str, MatterForm], receipt: str, answers: dict[str, Any]
) -> dict[str, Any]:
    """The checked answers encrypted for the board: ``{matter id: ENC_ANSWER | "invalid"}``.

    The receipt must be the ballot's own: every proof is bound to it.
    """
    if not meeting.joint_key:
        raise BallotError(
            "no_joint_key",
            "本次会议为秘密投票，但尚未生成监票人的联合公钥，暂时不能投票。请联系业委会。",
            "This secret-ballot meeting has no joint key yet: no ballot can be cast.",
            status=409,
        )
    key = joint_key(meeting.id, meeting.joint_key)
    meeting_id = str(meeting.id)
    encrypted: dict[str, Any] = {}
    for matter_id, answer in answers.items():
        if answer == INVALID:
            encrypted[matter_id] = INVALID
            continue
        encrypted[matter_id] = ballot2.encrypt_answer(
            key, meeting_id, matter_definition(form[matter_id]), receipt, list(answer)
        )
    return encrypted
