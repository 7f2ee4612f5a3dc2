"""Freezing the bulletin board (FORMATS.md §3) at publication: entries, canonical text, root.

The entries are those of ``voting.meetings.tally.board_entries`` (a test holds the two
equal), read here in one lean pass because publication must stay fast at 100,000 ballots:
each distinct answers text is parsed and put in canonical form once, and each entry's
canonical bytes are assembled from checked parts (RFC 8785 orders the keys answers, area,
channel, owners, receipt; receipts are 32 lowercase hex, channels a fixed word, areas
digits) instead of running the generic encoder 100,000 times.
"""

import hashlib
import json
import re
from dataclasses import dataclass
from operator import itemgetter

from sqlalchemy import Text, cast, select

from voting.ballots.models import CHANNELS, Ballot
from voting.crypto import canonical, merkle_root
from voting.crypto.canonical import canonical_parsed
from voting.db import db
from voting.meetings.models import Meeting, Voter
from voting.rules import fmt_area

BOARD_FORMAT = "gongyi-board/1"
BOARD_FORMAT_SECRET = "gongyi-board/2"
_RECEIPT = re.compile(r"[0-9a-f]{32}")
_RECEIPTS = re.compile(r"(?:[0-9a-f]{32}\n)+")


class BoardEntryError(ValueError):
    """A stored ballot that cannot go on the board as it is (never expected)."""


@dataclass
class Board:
    """The board's entries in receipt order, their canonical text and Merkle root."""

    entries: list[dict]
    text: str
    merkle_root: str


def _refuse(text: str) -> None:
    raise ValueError(f"number {text} in a ballot's answers")


#: One decoder for the whole board; answers hold only strings and lists of strings.
_DECODER = json.JSONDecoder(parse_float=_refuse, parse_constant=_refuse)


def _is_answers(answers: object) -> bool:
    """True for {matter id: "invalid" or [option id, ...]}: only strings inside."""
    if answers.__class__ is not dict:
        return False
    for key, value in answers.items():
        if key.__class__ is not str:
            return False
        if value.__class__ is list:
            for choice in value:
                if choice.__class__ is not str:
                    return False
        elif value.__class__ is not str:
            return False
    return True


def _parse(text: str, receipt: str) -> object:
    try:
        answers, end = _DECODER.raw_decode(text)
        if end != len(text):
            answers = _DECODER.decode(text)
    except ValueError as error:
        raise BoardEntryError(f"ballot {receipt}: answers are not clean JSON: {error}") from None
    return answers


def _answers(text: str, receipt: str) -> tuple[dict, bytes]:
    """Parse one stored answers text and return it with its canonical bytes."""
    answers = _parse(text, receipt)
    if not _is_answers(answers):
        raise BoardEntryError(f"ballot {receipt}: answers are not matter ids to choices")
    return answers, canonical_parsed(answers)  # type: ignore[return-value]


def _encrypted_answers(text: str, receipt: str) -> tuple[dict, bytes]:
    """Parse one stored answers text of a secret meeting, with its canonical bytes."""
    answers = _parse(text, receipt)
    try:
        encoded = canonical_parsed(answers) if answers.__class__ is dict else b""
    except ValueError:
        encoded = b""
    if not _is_encrypted_answers(answers, encoded):
        raise BoardEntryError(f"ballot {receipt}: answers are not matter ids to encrypted answers")
    return answers, encoded  # type: ignore[return-value]


_ENC_KEYS = {"ciphertexts", "proofs", "abstain", "sum_proof"}
#: The characters of encrypted answers' canonical bytes: structure, hex and member names.
_ENC_CHARACTERS = b'[]{},:"0123456789abcdefghijklmnopqrstuvwxyz_'


def _is_encrypted_answers(answers: object, encoded: bytes) -> bool:
    """True for {matter id: "invalid" or ENC_ANSWER} (the shape a secret meeting's ballots
    store), matter ids being digits and the canonical bytes holding no other character than
    structure, lowercase hex and member names (no escape, no text). Each ciphertext and
    proof is checked by whoever counts or verifies the board, not here."""
    if answers.__class__ is not dict:
        return False
    for key, value in answers.items():
        if key.__class__ is not str or not key.isdigit() or not key.isascii():
            return False
        if value.__class__ is str:
            if value != "invalid":
                return False
        elif value.__class__ is not dict or value.keys() != _ENC_KEYS:
            return False
    return not encoded.translate(None, _ENC_CHARACTERS)


def read_board(meeting: Meeting) -> Board:
    """Read every counted ballot of the meeting and freeze the board.

    A secret meeting's board is ``gongyi-board/2`` (FORMATS §3.1): the same entries, with
    the encrypted answers its ballots store; every ballot's answers are distinct then, so
    each is parsed and encoded once.
    """
    # Core, not the ORM: plain tuples, no per-row object loading.
    rows = (
        db.session.connection()
        .execute(
            select(Ballot.receipt, Ballot.channel, cast(Ballot.answers, Text), Voter.area)
            .join(Voter, Voter.id == Ballot.voter_id)
            .where(Ballot.meeting_id == meeting.id)
        )
        .all()
    )
    # The database's collation need not be byte order; the board is sorted by code point.
    rows.sort(key=itemgetter(0))
    receipts = [row[0] for row in rows]
    # One pass of the pattern over all receipts (they are spliced into the canonical bytes).
    if receipts and _RECEIPTS.fullmatch("\n".join(receipts) + "\n") is None:
        bad = next(r for r in receipts if not isinstance(r, str) or not _RECEIPT.fullmatch(r))
        raise BoardEntryError(f"ballot receipt {bad!r} is not 32 lowercase hex characters")
    board_format = BOARD_FORMAT_SECRET if meeting.secret else BOARD_FORMAT
    read = _encrypted_answers if meeting.secret else _answers
    dedupe = not meeting.secret  # plaintext answers repeat; ciphertexts never do
    parsed: dict[str, tuple[dict, bytes]] = {}
    areas: dict[int, str] = {}
    channels = {channel: channel.encode() for channel in CHANNELS}
    entries, encoded = [], []
    for receipt, channel, text, area in rows:
        answers = parsed.get(text) if dedupe else None
        if answers is None:
            answers = read(text, receipt)
            if dedupe:
                parsed[text] = answers
        area_text = areas.get(area)
        if area_text is None:
            area_text = areas[area] = fmt_area(area)
        if channel not in channels:
            raise BoardEntryError(f"ballot {receipt!r} has an unexpected channel")
        entries.append({"receipt": receipt, "channel": channel, "area": area_text,
                        "owners": 1, "answers": answers[0]})  # fmt: skip
        encoded.append(
            b'{"answers":' + answers[1] + b',"area":"' + area_text.encode()
            + b'","channel":"' + channels[channel] + b'","owners":1,"receipt":"'
            + receipt.encode() + b'"}'
        )  # fmt: skip
    sha256 = hashlib.sha256
    root = merkle_root([sha256(b"\x00" + data).digest() for data in encoded]).hex()
    # Canonical JSON sorts keys: "entries" < "format" < "meeting_id".
    text = b"".join(
        [b'{"entries":[', b",".join(encoded), b'],"format":', canonical(board_format),
         b',"meeting_id":', canonical(str(meeting.id)), b"}"]
    ).decode("utf-8")  # fmt: skip
    return Board(entries=entries, text=text, merkle_root=root)
