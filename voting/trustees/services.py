"""Decrypting a secret meeting's totals after close, trustee by trustee, and counting it.

A trustee contributes its TRUSTEE_DECRYPTION (FORMATS §9.7) of the board's aggregates either
from its sealed share and passphrase, opened in this process's memory only (the share is
never stored; the passphrase is never stored nor logged), or as a file made offline with
``voting trustee decrypt``. Each is checked against the joint key and stored on the
trustee's row with the digest of the aggregates it decrypts. The first accepted decryption
freezes the board; once k decryptions of the current aggregates are in, the meeting is
counted and becomes "tallied".
"""

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from voting.audit.models import AuditEvent
from voting.audit.services import record_event
from voting.auth.models import User
from voting.ballots.models import PaperEntry
from voting.crypto.ballot2 import check_decryption, trustee_decryption
from voting.crypto.key_share import KeyShareError, open_share
from voting.crypto.secret_json import joint_key_from_json
from voting.db import db, lock_row, utcnow
from voting.errors import Said
from voting.meetings.models import Meeting, Trustee
from voting.meetings.passphrase import normal_passphrase
from voting.meetings.secrecy import board_frozen
from voting.results.board import Board, read_board
from voting.results.document import (
    board_aggregates,
    count_secret,
    secret_definitions,
    trustee_decryptions,
)

#: Wrong passphrases a trustee's share file may be tried with on the page; then only the
#: offline tool is left (each try already costs scrypt's memory and time).
MAX_WRONG_PASSPHRASES = 5
REFUSED_EVENT = "meeting.key_share_refused"


class DecryptionRefused(Said):
    """A decryption step refused, with the message to show and the HTTP status."""


class WrongPassphrase(DecryptionRefused):
    """The share file did not open: wrong passphrase, altered file, or another key's."""

    def __init__(self, message: Any, trustee: int | None) -> None:
        super().__init__(message, 422)
        self.trustee = trustee


def require_decryptable(meeting: Meeting) -> None:
    """Only a closed secret meeting with a joint key takes decryptions."""
    if not meeting.secret or not meeting.joint_key:
        raise DecryptionRefused(_l("这次会议不是无记名表决，不需要解密。"), 404)
    if meeting.voided_at is not None:
        raise DecryptionRefused(_l("会议已作废，不能解密。"))
    if meeting.tallied_at is not None:
        raise DecryptionRefused(_l("已有足够的监票人提交解密，会议已完成计票。"))
    if meeting.closed_at is None:
        raise DecryptionRefused(_l("表决尚未结束，结束后才能解密总数。"))


def _lock(meeting: Meeting) -> None:
    """Hold the meeting's row so that two trustees' submissions count one after the other."""
    lock_row(meeting)


def frozen_board(meeting: Meeting) -> tuple[Board, Any]:
    """The board as it stands and its aggregates (voting.crypto.ballot2.Aggregates)."""
    board = read_board(meeting)
    return board, board_aggregates(meeting, board)


def wrong_passphrases(meeting: Meeting, number: int) -> int:
    """How many times trustee ``number``'s share file was refused on the page."""
    events = db.session.scalars(
        select(AuditEvent.data).where(
            AuditEvent.community_id == meeting.community_id, AuditEvent.type == REFUSED_EVENT
        )
    )
    return sum(1 for d in events if (d.get("meeting_id"), d.get("trustee")) == (meeting.id, number))


def note_wrong_passphrase(meeting: Meeting, user: User, number: int | None) -> None:
    """Log a refused share file (after the refused transaction was rolled back)."""
    record_event(
        REFUSED_EVENT,
        {"meeting_id": meeting.id, "trustee": number},
        community_id=meeting.community_id,
        actor=f"user:{user.username}",
    )


def _trustee(meeting: Meeting, number: Any) -> Trustee:
    for trustee in meeting.trustees:
        if type(number) is int and trustee.number == number:
            return trustee
    raise DecryptionRefused(_l("这不是本次会议监票人的文件。"), 422)


def submit_share(meeting: Meeting, user: User, share_file: Any, passphrase: str) -> Trustee:
    """Open a trustee's sealed share with its passphrase, in memory, and submit its partial
    decryptions of the totals; the share and passphrase are dropped when this returns."""
    _lock(meeting)
    require_decryptable(meeting)
    if not isinstance(share_file, dict) or share_file.get("format") != "gongyi-key-share/1":
        raise DecryptionRefused(
            _l("无法识别密钥文件：请上传监票人密钥卡对应的 .json 文件，或粘贴二维码中的全部文字。"),
            422,
        )
    number = share_file.get("trustee")
    trustee = _trustee(meeting, number)
    if share_file != trustee.key_share:
        # Only the file sealed at this meeting's ceremony is opened (its scrypt cost is ours,
        # not one an uploaded file could set).
        raise DecryptionRefused(_l("这不是本次会议密钥仪式为该监票人生成的密钥文件。"), 422)
    if wrong_passphrases(meeting, trustee.number) >= MAX_WRONG_PASSPHRASES:
        raise DecryptionRefused(
            _l("该监票人的口令已输错 %(n)s 次，网页解密已停用。请在自己的电脑上用 voting "
               "trustee decrypt 脱机解密后上传结果。", n=MAX_WRONG_PASSPHRASES),
            429,
        )  # fmt: skip
    key = joint_key_from_json(meeting.joint_key)
    try:
        opened, share = open_share(share_file, normal_passphrase(passphrase), key)
    except KeyShareError:
        raise WrongPassphrase(
            _l("口令不正确，或密钥文件不是本次会议的（已记录，每名监票人最多可试 %(n)s 次）。",
               n=MAX_WRONG_PASSPHRASES),
            trustee.number,
        ) from None  # fmt: skip
    board, aggregates = frozen_board(meeting)
    doc = trustee_decryption(key, opened, share, str(meeting.id), aggregates)
    del share
    return _accept(meeting, user, trustee, doc, board, aggregates, "share")


def submit_decryption(meeting: Meeting, user: User, doc: Any) -> Trustee:
    """Accept a TRUSTEE_DECRYPTION made offline, once it checks against the board's totals."""
    _lock(meeting)
    require_decryptable(meeting)
    if not isinstance(doc, dict) or doc.get("format") != "gongyi-decryption/1":
        raise DecryptionRefused(
            _l("无法识别解密文件：请上传 voting trustee decrypt 生成的 .json 文件。"), 422
        )
    trustee = _trustee(meeting, doc.get("trustee"))
    board, aggregates = frozen_board(meeting)
    try:
        check_decryption(meeting.joint_key, str(meeting.id), aggregates, doc)
    except ValueError as error:
        raise DecryptionRefused(
            _l("解密文件未通过核验：%(error)s。请用最新的表决记录重新生成。", error=str(error)),
            422,
        ) from None
    return _accept(meeting, user, trustee, doc, board, aggregates, "upload")


def _accept(
    meeting: Meeting,
    user: User,
    trustee: Trustee,
    doc: dict,
    board: Board,
    aggregates: Any,
    how: str,
) -> Trustee:
    first = not board_frozen(meeting)
    now = utcnow()
    trustee.partials, trustee.partials_for = doc, aggregates.digest()
    trustee.submitted_at, trustee.submitted_by = now, f"user:{user.username}"
    wiped = _discard_unmatched_keying(meeting) if first else 0
    db.session.flush()
    record_event(
        "meeting.decryption_submitted",
        {"meeting_id": meeting.id, "trustee": trustee.number, "kind": trustee.kind,
         "name": trustee.name, "aggregates_sha256": trustee.partials_for, "how": how,
         "board_frozen": first, "merkle_root": board.merkle_root,
         "entries": len(board.entries), "paper_keying_discarded": wiped},
        community_id=meeting.community_id, actor=f"user:{user.username}",
    )  # fmt: skip
    count_if_ready(meeting, board, aggregates, f"user:{user.username}")
    return trustee


def _discard_unmatched_keying(meeting: Meeting) -> int:
    """Wipe the clerks' plaintext keying of paper entries that never matched: the board is
    frozen, they will never count, and no plaintext choice outlives the count."""
    result = db.session.execute(
        update(PaperEntry)
        .where(PaperEntry.meeting_id == meeting.id, PaperEntry.status != "matched")
        .values(answers={})
    )
    return result.rowcount or 0


def count_if_ready(meeting: Meeting, board: Board, aggregates: Any, actor: str) -> bool:
    """Count the meeting once k decryptions of these aggregates are stored; True if counted."""
    docs = trustee_decryptions(meeting, aggregates)
    if len(docs) < (meeting.trustee_threshold or 0):
        return False
    try:
        tally = count_secret(meeting, board, aggregates, totals=False)
    except ValueError as error:
        # Counts no valid board gives (never expected): the meeting stays closed, logged.
        record_event(
            "meeting.tally_failed",
            {"meeting_id": meeting.id, "problem": str(error)},
            community_id=meeting.community_id, actor=actor,
        )  # fmt: skip
        return False
    meeting.tally, meeting.tallied_at = tally, utcnow()
    record_event(
        "meeting.tallied",
        {"meeting_id": meeting.id, "ballots": len(board.entries),
         "trustees": sorted(d["trustee"] for d in docs),
         "aggregates_sha256": aggregates.digest(),
         "outcomes": {m["id"]: m["outcome"]["status"] for m in meeting.tally}},
        community_id=meeting.community_id, actor=actor,
    )  # fmt: skip
    return True


def offline_kit(meeting: Meeting) -> dict:
    """The board v2 for ``voting trustee decrypt``, with the matters and the joint key it needs
    (extra members a board reader ignores; the Merkle root covers the entries alone)."""
    return {
        "format": "gongyi-board/2",
        "meeting_id": str(meeting.id),
        "entries": read_board(meeting).entries,
        "matters": secret_definitions(meeting),
        "joint_key": meeting.joint_key,
    }
