"""The verifier's checks of a secret ballot's result and board (FORMATS §3.1, §4.3).

Loaded only for ``gongyi-result/2`` documents, so that version 1 checks never load
libsecp256k1. The order is §4.3's: the encryption member, every total's partial decryptions
and count, then with the board its entries and Merkle root, every answer's proofs and the two
weighted aggregates (in worker processes on a large board), and the figures and outcome
recomputed from the counts.
"""

from __future__ import annotations

from typing import Any

from voting.crypto.ballot2 import (
    ABSTAIN,
    BOARD_FORMAT,
    DIMENSIONS,
    PARALLEL_ENTRIES,
    Adding,
    EncryptedEntryError,
    default_workers,
    slots_of,
    start_aggregate,
    total_context,
)
from voting.crypto.board_shape import board_root_of, check_entries, check_format
from voting.crypto.elgamal import Ciphertext
from voting.crypto.group import GroupError, base_mult, sum_points
from voting.crypto.secret_json import joint_key_from_json, partial_from_json
from voting.crypto.shape import (
    Mismatch,
    first_difference,
    hex64,
    matter_line,
    member,
    same_meeting,
    show,
)
from voting.crypto.statement import SCHEME
from voting.crypto.trustees import JointKey, lagrange_at_zero, verify_partial
from voting.rules.document import BoardError, matters_from_totals

RESULT_FORMAT = "gongyi-result/2"
GROUP = "secp256k1"
_TOTAL_KEYS = {"ciphertext", "count", "partials"}


def check_scheme(doc: dict[str, Any]) -> None:
    """A version 2 result requires gongyi-sig/2 signatures."""
    scheme = doc.get("signature_scheme")
    if scheme != SCHEME:
        raise Mismatch(
            f"document.signature_scheme is {show(scheme)}: a {RESULT_FORMAT} requires {SCHEME}"
        )


def _meeting_id(doc: dict[str, Any]) -> str:
    return member(member(doc, "meeting", dict, "document"), "id", str, "document.meeting")


def check_encryption(lines: list[str], doc: dict[str, Any]) -> JointKey:
    """Check document.encryption: the group, the joint key and the trustees; return the key."""
    where = "document.encryption"
    encryption = member(doc, "encryption", dict, "document")
    if set(encryption) != {"group", "joint_key", "trustees"}:
        raise Mismatch(f"{where} has members {show(sorted(encryption))}, expected group, "
                       "joint_key, trustees")  # fmt: skip
    group = member(encryption, "group", str, where)
    if group != GROUP:
        raise Mismatch(f"{where}.group is {show(group)}, expected {show(GROUP)}")
    try:
        key = joint_key_from_json(encryption["joint_key"])
    except (ValueError, TypeError) as exc:
        raise Mismatch(f"{where}.joint_key: {exc}") from None
    if key.threshold < 2:
        raise Mismatch(
            f"{where}.joint_key.threshold is {key.threshold}: at least 2 trustees must decrypt, "
            "so that the office alone never can"
        )
    trustees = member(encryption, "trustees", list, where)
    if len(trustees) != key.trustees:
        raise Mismatch(f"{where}.trustees lists {len(trustees)}, the joint key has {key.trustees}")
    names = []
    for index, trustee in enumerate(trustees):
        at = f"{where}.trustees[{index}]"
        if not isinstance(trustee, dict) or set(trustee) != {"number", "kind", "name"}:
            raise Mismatch(f"{at} is not an object of number, kind and name")
        number = member(trustee, "number", int, at)
        kind = member(trustee, "kind", str, at)
        name = member(trustee, "name", str, at)
        if number != index + 1:
            raise Mismatch(f"{at}.number is {number}, expected {index + 1}: trustees are 1..n")
        expected = "office" if number == 1 else "scrutineer"
        if kind != expected:
            raise Mismatch(f"{at}.kind is {show(kind)}, expected {show(expected)}")
        if not name.strip():
            raise Mismatch(f"{at}.name is empty")
        names.append(f"{number} {kind} {show(name)}")
    lines.append(
        f"ok  encryption: {GROUP}, joint key {key.public_key.hex()}, any {key.threshold} of "
        f"{key.trustees} trustees decrypt ({'; '.join(names)})"
    )
    return key


def _totals_of(matter: Any, index: int) -> tuple[str, list[str], dict[str, Any]]:
    """A MATTER's id, slots and totals member, checked for shape."""
    where = f"matters[{index}]"
    matter_id = member(matter, "id", str, where)
    try:
        slots = slots_of(matter)
    except ValueError as exc:
        raise Mismatch(f"{where}: {exc}") from None
    totals = member(matter, "totals", dict, where)
    if set(totals) != set(slots):
        raise Mismatch(
            f"{where}.totals has slots {show(sorted(totals))}, expected {show(sorted(slots))} "
            "(every option and abstain)"
        )
    for slot in slots:
        dims = totals[slot]
        if not isinstance(dims, dict) or set(dims) != set(DIMENSIONS):
            raise Mismatch(f"{where}.totals.{slot} is not an object of owners and area")
        for dim in DIMENSIONS:
            total = dims[dim]
            if not isinstance(total, dict) or set(total) != _TOTAL_KEYS:
                raise Mismatch(
                    f"{where}.totals.{slot}.{dim} is not an object of exactly ciphertext, "
                    "count and partials"
                )
    return matter_id, slots, totals


def check_totals(lines: list[str], doc: dict[str, Any], key: JointKey) -> None:
    """Check every TOTAL: its partial decryptions (≥ k distinct trustees) and its count."""
    meeting_id = _meeting_id(doc)
    matters = member(doc, "matters", list, "document")
    used: set[int] = set()
    checked = 0
    for index, matter in enumerate(matters):
        matter_id, slots, totals = _totals_of(matter, index)
        for slot in slots:
            for dim in DIMENSIONS:
                used |= _check_total(
                    f"matters[{index}].totals.{slot}.{dim}",
                    totals[slot][dim],
                    key,
                    total_context(meeting_id, matter_id, slot, dim),
                )
                checked += 1
    lines.append(
        f"ok  totals: {checked} totals of {len(matters)} matters (heads and area of every option "
        f"and of the abstentions), each decrypted by at least {key.threshold} of trustees "
        f"{', '.join(map(str, sorted(used)))} with proofs that verify, each count the discrete "
        "log of the decryption"
    )


def _check_total(where: str, total: dict[str, Any], key: JointKey, context: bytes) -> set[int]:
    """Check one TOTAL's partials and count; return the trustees whose partials it holds."""
    try:
        ct = Ciphertext.from_hex(total["ciphertext"])
    except (ValueError, TypeError) as exc:
        raise Mismatch(f"{where}.ciphertext is not a ciphertext: {exc}") from None
    given = member(total, "partials", list, where)
    partials = []
    for number, data in enumerate(given):
        try:
            partials.append(partial_from_json(data))
        except (ValueError, TypeError) as exc:
            raise Mismatch(f"{where}.partials[{number}]: {exc}") from None
    trustees = [p.trustee for p in partials]
    if len(set(trustees)) != len(trustees) or trustees != sorted(trustees):
        raise Mismatch(
            f"{where}.partials are by trustees {trustees}: each once, in increasing order"
        )
    if len(partials) < key.threshold:
        raise Mismatch(
            f"{where} has {len(partials)} partial decryptions, {key.threshold} are needed"
        )
    for number, partial in enumerate(partials):
        if not verify_partial(key, ct, partial, context):
            raise Mismatch(
                f"{where}.partials[{number}] (trustee {partial.trustee}): the partial decryption's "
                "proof does not verify for this ciphertext and trustee"
            )
    shared = sum_points(p.point * lagrange_at_zero(p.trustee, trustees) for p in partials)
    point = ct.beta - shared
    count = member(total, "count", int, where)
    if count < 0 or base_mult(count) != point:
        raise Mismatch(f"{where}.count is {count}, but the partial decryptions do not give it")
    return set(trustees)


def check_board2(lines: list[str], doc: dict[str, Any], board: Any, encode: Any) -> None:
    """Check a gongyi-board/2 against a gongyi-result/2 and recount it under encryption."""
    check_format(board, BOARD_FORMAT, "board")
    meeting_id = _meeting_id(doc)
    same_meeting(board, meeting_id)
    entries = member(board, "entries", list, "board")
    stated = member(doc, "board", dict, "document")
    check_format(stated, BOARD_FORMAT, "document.board")
    count = member(stated, "entries", int, "document.board")
    root = hex64(stated, "merkle_root", "document.board")
    check_entries(entries)
    if len(entries) != count:
        raise Mismatch(f"board has {len(entries)} entries, but document.board.entries says {count}")
    matters = member(doc, "matters", list, "document")
    key = joint_key_from_json(doc["encryption"]["joint_key"])  # checked by check_encryption
    workers = default_workers() if len(entries) >= PARALLEL_ENTRIES else 1
    # Workers check the proofs while this process computes the Merkle root; alone, this
    # process computes the root first, so that a board whose root is wrong says so first.
    adding = None
    if workers > 1:
        adding = _start(meeting_id, matters, entries, key, workers)
    try:
        computed_root = board_root_of(entries, encode)
    except BaseException:
        if adding is not None:
            adding.close()
        raise
    if computed_root != root:
        if adding is not None:
            adding.close()
        raise Mismatch(
            f"board Merkle root is {computed_root}, but document.board.merkle_root is {root}"
        )
    lines.append(
        f"ok  board: {count} entries sorted by receipt, Merkle root {root} as the result says"
    )
    if adding is None:
        adding = _start(meeting_id, matters, entries, key, workers)
    try:
        aggregates = adding.result()
    except (EncryptedEntryError, GroupError, ValueError) as exc:
        raise Mismatch(f"board: {exc}") from None
    answers = sum(p["valid_owners"] for p in aggregates.participation.values())
    proofs = sum(
        aggregates.participation[m["id"]]["valid_owners"] * (len(m["options"]) + 2) for m in matters
    )
    processes = f"{workers} processes" if workers > 1 else "one process"
    lines.append(
        f"ok  every entry's answers: {answers} encrypted answers, all {proofs} proofs verify "
        f"(each option and abstention 0 or 1, each answer 1 to its seats or an abstention), "
        f"checked in {processes}"
    )
    counts: dict[str, dict[str, dict[str, int]]] = {}
    totals: dict[str, Any] = {}
    for index, matter in enumerate(matters):
        matter_id, slots, stated_totals = _totals_of(matter, index)
        totals[matter_id] = stated_totals
        counts[matter_id] = {}
        for slot in slots:
            counts[matter_id][slot] = {}
            for dim in DIMENSIONS:
                recomputed = aggregates.sums[matter_id][slot][dim].hex()
                if stated_totals[slot][dim]["ciphertext"] != recomputed:
                    what = "heads" if dim == "owners" else "area"
                    raise Mismatch(
                        f"matters[{index}].totals.{slot}.{dim}.ciphertext is not the board's "
                        f"{what} aggregate of {show(matter_id)} {slot}: the board gives "
                        f"{recomputed[:16]}…"
                    )
                counts[matter_id][slot][dim] = stated_totals[slot][dim]["count"]
    lines.append(
        "ok  both aggregates of every slot (heads Σ E, area Σ area·E) recomputed from the "
        "board equal the totals' ciphertexts"
    )
    _check_figures(lines, doc, matters, aggregates.participation, counts, totals, root)


def _start(
    meeting_id: str, matters: list[Any], entries: list[Any], key: JointKey, workers: int
) -> Adding:
    """Start adding the board up with every proof checked; a bad entry is a Mismatch."""
    try:
        return start_aggregate(
            meeting_id, matters, entries, key, check_proofs=True, workers=workers
        )
    except (EncryptedEntryError, GroupError, ValueError) as exc:
        raise Mismatch(f"board: {exc}") from None


def _check_figures(
    lines: list[str],
    doc: dict[str, Any],
    matters: list[Any],
    participation: dict[str, dict[str, int]],
    counts: dict[str, dict[str, dict[str, int]]],
    totals: dict[str, Any],
    root: str,
) -> None:
    """Re-decide every matter from the counts and compare every figure and the outcome."""
    for index, matter in enumerate(matters):
        outcome = matter.get("outcome") if isinstance(matter, dict) else None
        seed = outcome.get("lot_seed") if isinstance(outcome, dict) else None
        if seed is not None and seed != root:
            raise Mismatch(
                f"matters[{index}].outcome.lot_seed is {show(seed)}, but the lot's seed is the "
                f"board's Merkle root {root}"
            )
    procedure = member(doc, "procedure", dict, "document")
    roster = member(doc, "roster", dict, "document")
    try:
        computed = matters_from_totals(procedure, roster, matters, participation, counts, totals)
    except BoardError as exc:
        raise Mismatch(f"the decrypted counts: {exc}") from None
    except Exception as exc:  # hostile documents must end in a MISMATCH, not a traceback
        raise Mismatch(
            f"the outcome cannot be recomputed from these counts: {type(exc).__name__}: {exc}"
        ) from None
    difference = first_difference(matters, computed, "matters")
    if difference:
        raise Mismatch(difference.replace("board gives", "the counts give"))
    matches = f"the decrypted counts ({ABSTAIN} included)"
    lines.extend(matter_line(matter, matches) for matter in computed)
