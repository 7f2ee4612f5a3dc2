"""``voting trustee decrypt``: a trustee's partial decryption of a secret meeting's totals,
made on the trustee's own computer, from its sealed share file and the board.

    voting trustee decrypt --share SHARE.json --board BOARD.json [--meeting MEETING.json]
                           [--passphrase-file F] --out DECRYPTION.json

Offline and pure: it imports ``voting.crypto`` (and the passphrase's normal form), not the
web app nor a database. It checks every ballot's proofs on the board, adds the board up under
encryption itself, and decrypts only those totals: a server that handed it anything but the
board's totals (a single ballot's ciphertext, say) gets a decryption of the board's totals
and nothing else. The matters and joint key come from the board (the decryption page's
board.json carries them) or from ``--meeting`` (GET /api/v1/meetings/<id>). The output is
uploaded on the meeting's decryption page.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from pathlib import Path
from typing import Any

from voting.crypto.ballot2 import aggregate, trustee_decryption
from voting.crypto.key_share import KeyShareError, open_share
from voting.crypto.secret_json import joint_key_from_json
from voting.meetings.passphrase import normal_passphrase


class OfflineError(Exception):
    """Something the trustee must fix; the message says what."""


def _load(path: str, what: str) -> Any:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise OfflineError(f"cannot read the {what} {path}: {error.strerror}") from None
    except ValueError as error:
        raise OfflineError(f"the {what} {path} is not JSON: {error}") from None


def _meeting_parts(board: dict, meeting: dict | None) -> tuple[list[dict], dict]:
    """The matter definitions and joint key, from the board or the meeting's JSON."""
    source = board if "matters" in board and "joint_key" in board else meeting
    if source is None:
        raise OfflineError(
            "the board has no matters and joint key: download board.json from the "
            "decryption page, or give --meeting MEETING.json (GET /api/v1/meetings/<id>)"
        )
    if str(source.get("id", source.get("meeting_id"))) != str(board.get("meeting_id")):
        raise OfflineError("the meeting and the board are of different meetings")
    matters = [
        {"id": str(m["id"]), "kind": m["kind"], "seats": m.get("seats", 1),
         "options": [{"id": str(o["id"])} for o in m["options"]]}
        for m in source["matters"]
    ]  # fmt: skip
    if not isinstance(source.get("joint_key"), dict):
        raise OfflineError("the meeting has no joint key")
    return matters, source["joint_key"]


def decrypt_offline(share_file: dict, passphrase: str, board: Any, meeting: Any = None) -> dict:
    """Return the TRUSTEE_DECRYPTION of the board's totals by the share file's trustee."""
    if not isinstance(board, dict) or board.get("format") != "gongyi-board/2":
        raise OfflineError("the board is not a gongyi-board/2 document")
    matters, joint = _meeting_parts(board, meeting if isinstance(meeting, dict) else None)
    try:
        key = joint_key_from_json(joint)
    except ValueError as error:
        raise OfflineError(f"the joint key is malformed: {error}") from None
    try:
        trustee, share = open_share(share_file, normal_passphrase(passphrase), key)
    except KeyShareError as error:
        raise OfflineError(f"the share file does not open: {error}") from None
    meeting_id = str(board["meeting_id"])
    try:
        totals = aggregate(meeting_id, matters, board["entries"], key, check_proofs=True)
    except (ValueError, KeyError, TypeError) as error:
        raise OfflineError(f"the board does not check: {error}") from None
    return trustee_decryption(key, trustee, share, meeting_id, totals)


def main(argv: list[str] | None = None) -> int:
    """Run the command; 0 when the decryption is written, 1 when it could not be made."""
    parser = argparse.ArgumentParser(
        prog="voting trustee decrypt",
        description="A trustee's partial decryption of a secret meeting's totals, offline.",
    )
    parser.add_argument("--share", required=True, help="the sealed key-share file (JSON)")
    parser.add_argument("--board", required=True, help="board.json of the decryption page")
    parser.add_argument("--meeting", help="the meeting's JSON, if the board lacks matters")
    parser.add_argument("--passphrase-file", help="read the passphrase from this file")
    parser.add_argument("--out", required=True, help="where to write the decryption (JSON)")
    args = parser.parse_args(argv)
    try:
        share = _load(args.share, "share file")
        board = _load(args.board, "board")
        meeting = _load(args.meeting, "meeting") if args.meeting else None
        if args.passphrase_file:
            passphrase = Path(args.passphrase_file).read_text(encoding="utf-8").strip()
        else:
            passphrase = getpass.getpass("Passphrase (口令): ")
        doc = decrypt_offline(share, passphrase, board, meeting)
    except OfflineError as error:
        print(f"voting trustee decrypt: {error}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"voting trustee decrypt: {error}", file=sys.stderr)
        return 1
    Path(args.out).write_text(json.dumps(doc, separators=(",", ":")), encoding="utf-8")
    totals = sum(len(slots) * 2 for slots in doc["partials"].values())
    print(
        f"trustee {doc['trustee']}: {totals} totals of {len(board['entries'])} ballots "
        f"decrypted partially, every proof on the board checked; wrote {args.out}\n"
        f"totals' digest (SHA-256): {doc['aggregates_sha256']}\n"
        "Before uploading, check that the meeting's decryption page shows the same number of "
        "ballots and the same digest: the totals of any other board (a few ballots picked "
        "out, say) could tell how those owners voted."
    )
    return 0


def entry(argv: list[str]) -> int:
    """``voting trustee <command> ...``: only ``decrypt`` exists."""
    if argv[:1] != ["decrypt"]:
        print("usage: voting trustee decrypt --share FILE --board BOARD.json --out OUT.json",
              file=sys.stderr)  # fmt: skip
        return 2
    return main(argv[1:])
