"""A meeting's secrecy in its plan: secret or open, the scrutineers (监票人) and k of n.

A secret meeting (FORMATS §9) has n = scrutineers + 1 trustees: trustee 1 is always the
street office, trustees 2..n the scrutineers the plan names, and any k of them (2 ≤ k ≤ n)
decrypt the totals. The trustees' rows exist from the plan on; the key ceremony at approval
(voting.trustees.ceremony) gives them their public shares and sealed share files.
"""

from typing import Any

from sqlalchemy import select

from voting.db import db
from voting.errors import problem
from voting.meetings.matters import has_nul
from voting.meetings.models import Meeting, Trustee
from voting.rules.problems import Problem

MIN_SCRUTINEERS, MAX_SCRUTINEERS = 2, 5
MAX_NAME = 100


def parse_scrutineers(text: str) -> list[str]:
    """One scrutineer's name per non-empty line, stripped."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def check_secrecy(secret: Any, scrutineers: Any, threshold: Any) -> list[Problem]:
    """Problems of a plan's secrecy settings; an open meeting takes neither names nor k."""
    if not isinstance(secret, bool):
        return [problem("SECRET_FLAG", "请选择是否无记名表决", "secret must be true or false")]
    if not secret:
        return []
    out = []
    names = scrutineers if isinstance(scrutineers, list) else None
    if names is None or not all(isinstance(n, str) for n in names) or has_nul(names):
        return [
            problem(
                "SCRUTINEERS",
                f"请填写 {MIN_SCRUTINEERS} 至 {MAX_SCRUTINEERS} 名监票人的姓名，每行一名",
                f"Name {MIN_SCRUTINEERS} to {MAX_SCRUTINEERS} scrutineers, one per line",
            )
        ]
    names = [n.strip() for n in names]
    if not MIN_SCRUTINEERS <= len(names) <= MAX_SCRUTINEERS:
        out.append(
            problem(
                "SCRUTINEERS",
                f"无记名表决须有 {MIN_SCRUTINEERS} 至 {MAX_SCRUTINEERS} 名监票人（现为 "
                f"{len(names)} 名），每行一名",
                f"A secret ballot needs {MIN_SCRUTINEERS} to {MAX_SCRUTINEERS} scrutineers "
                f"({len(names)} given), one per line",
            )
        )
    if any(not n or len(n) > MAX_NAME for n in names):
        out.append(
            problem(
                "SCRUTINEER_NAME",
                f"监票人姓名不能为空，最多 {MAX_NAME} 字",
                f"A scrutineer's name must be 1 to {MAX_NAME} characters",
            )
        )
    elif len(set(names)) != len(names):
        out.append(
            problem(
                "SCRUTINEER_TWICE",
                "同一名监票人不能填写两次",
                "A scrutineer is named twice",
            )
        )
    n = len(names) + 1
    if type(threshold) is not int or not 2 <= threshold <= max(n, 2):
        out.append(
            problem(
                "TRUSTEE_THRESHOLD",
                f"解密所需人数须在 2 至 {n} 之间（监票人 {len(names)} 名加街道办事处）",
                f"The number needed to decrypt must be 2 to {n} (the scrutineers and the "
                "street office)",
            )
        )
    return out


def set_trustees(meeting: Meeting, secret: bool, scrutineers: list[str], threshold: Any) -> None:
    """Make the plan secret with these trustees, or open; the checks have passed."""
    meeting.secret = secret
    meeting.trustees.clear()
    db.session.flush()
    if not secret:
        meeting.trustee_threshold = None
        return
    meeting.trustee_threshold = threshold
    community = meeting.community
    names = [community.office.name, *(n.strip() for n in scrutineers)]
    for number, name in enumerate(names, start=1):
        meeting.trustees.append(
            Trustee(
                community_id=meeting.community_id,
                number=number,
                kind="office" if number == 1 else "scrutineer",
                name=name[:MAX_NAME],
            )
        )
    db.session.flush()


def scrutineer_names(meeting: Meeting) -> list[str]:
    """The plan's scrutineers, in trustee order (the office is not one)."""
    return [t.name for t in meeting.trustees if t.kind == "scrutineer"]


def board_frozen(meeting: Meeting) -> bool:
    """Whether a trustee's decryption has been accepted: the board may no longer change (no
    paper ballot is keyed or matched after it), since the decryptions are of its totals."""
    if not meeting.secret:
        return False
    return (
        db.session.scalar(
            select(Trustee.id)
            .where(Trustee.meeting_id == meeting.id, Trustee.submitted_at.is_not(None))
            .limit(1)
        )
        is not None
    )


def secrecy_json(meeting: Meeting) -> dict[str, Any]:
    """The plan's secrecy as the API shows it (no secret ever: public shares at most)."""
    return {
        "secret": meeting.secret,
        "trustee_threshold": meeting.trustee_threshold,
        "scrutineers": scrutineer_names(meeting),
        "trustees": [
            {
                "number": t.number,
                "kind": t.kind,
                "name": t.name,
                "public_share": t.public_share,
                "submitted": t.submitted_at is not None,
            }
            for t in meeting.trustees
        ],  # fmt: skip
        "joint_key": meeting.joint_key,
    }
