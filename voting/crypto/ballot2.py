"""Secret ballots of a meeting (FORMATS §3.1, §4.3, §9): answers, the weighted totals, decryption.

The functions here join the primitives of §9 to the documents: the context of each proof,
an ENC_ANSWER from a voter's choices, the board's homomorphic totals per matter, slot
(each option id, and ``abstain``) and dimension (``owners``: heads = Σ E; ``area``:
Σ wᵢ·E with wᵢ the entry's area in 0.01 m²), a trustee's partial decryption of every total,
and the counts recovered from k of them. Pure: no web app, no database.

Large boards are added up in worker processes, a chunk of entries each
(:func:`aggregate` with ``workers``): each worker parses its entries, checks their proofs
if asked, and returns its partial sums, which are then added together.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from voting.crypto.canonical import canonical
from voting.crypto.elgamal import Ciphertext, DiscreteLog, add_all, weighted_add
from voting.crypto.group import Point, base_mult, random_scalar, sum_points
from voting.crypto.proofs import TAG_OPTION, verify_range
from voting.crypto.secret_ballot import (
    EncryptedMatter,
    encrypt_matter,
    option_context,
    verify_matter,
)
from voting.crypto.secret_json import (
    answer_ciphertexts,
    joint_key_from_json,
    matter_from_json,
    matter_to_json,
    partial_from_json,
    partial_to_json,
)
from voting.crypto.trustees import (
    DecryptionError,
    JointKey,
    PartialDecryption,
    lagrange_at_zero,
    partial_decrypt,
    verify_partial,
)
from voting.rules.document import CHANNELS
from voting.rules.numbers import parse_area

__all__ = [
    "ABSTAIN",
    "BOARD_FORMAT",
    "DECRYPTION_FORMAT",
    "DIMENSIONS",
    "Aggregates",
    "Decrypted",
    "aggregate",
    "answer_context",
    "ceremony_context",
    "check_decryption",
    "decrypt",
    "encrypt_answer",
    "seats_of",
    "slots_of",
    "total_context",
    "trustee_decryption",
]

BOARD_FORMAT = "gongyi-board/2"
DECRYPTION_FORMAT = "gongyi-decryption/1"
ABSTAIN = "abstain"
DIMENSIONS = ("owners", "area")
INVALID = "invalid"
#: Boards with at least this many entries are added up in worker processes by default.
PARALLEL_ENTRIES = 2000
#: Entries per worker task.
CHUNK = 250

#: {matter id: {slot: {dimension: ciphertext}}}
Sums = dict[str, dict[str, dict[str, Ciphertext]]]


class EncryptedEntryError(ValueError):
    """A board entry that cannot be counted; the message names its receipt."""


def answer_context(meeting_id: str, matter_id: str, receipt: str) -> bytes:
    """The context C of an entry's answer to a matter (UTF-8).

    ``gongyi-v2\\n{meeting}\\n{matter}\\n{receipt}``
    """
    return f"gongyi-v2\n{meeting_id}\n{matter_id}\n{receipt}".encode()


def total_context(meeting_id: str, matter_id: str, slot: str, dimension: str) -> bytes:
    """The context of a total's partial decryptions: meeting, matter, slot and dimension."""
    return f"gongyi-v2\n{meeting_id}\n{matter_id}\n{slot}\n{dimension}".encode()


def ceremony_context(meeting_id: str) -> bytes:
    """The context of the key ceremony's proofs: ``gongyi-v2\\n{meeting}\\nceremony``."""
    return f"gongyi-v2\n{meeting_id}\nceremony".encode()


def seats_of(matter: Mapping[str, Any]) -> int:
    """The most choices an answer may hold: the seats of an election, else 1."""
    if matter.get("kind") == "election":
        seats = matter.get("seats")
        if type(seats) is not int or seats < 1:
            raise ValueError(f"matter {matter.get('id')!r}: seats is a positive integer")
        return seats
    return 1


def option_ids(matter: Mapping[str, Any]) -> list[str]:
    """The matter's option ids in order."""
    options = matter.get("options")
    if not isinstance(options, list) or not options:
        raise ValueError(f"matter {matter.get('id')!r} has no options")
    ids = [o.get("id") if isinstance(o, Mapping) else None for o in options]
    if not all(isinstance(i, str) and i for i in ids) or len(set(ids)) != len(ids):
        raise ValueError(f"matter {matter.get('id')!r}: option ids are distinct strings")
    return ids  # type: ignore[return-value]


def slots_of(matter: Mapping[str, Any]) -> list[str]:
    """The slots with a total: every option id in order, then ``abstain``."""
    return [*option_ids(matter), ABSTAIN]


def _key(joint_key: Mapping[str, Any] | JointKey) -> JointKey:
    return joint_key if isinstance(joint_key, JointKey) else joint_key_from_json(joint_key)


def encrypt_answer(
    joint_key: Mapping[str, Any] | JointKey,
    meeting_id: str,
    matter: Mapping[str, Any],
    receipt: str,
    choices: Sequence[str],
    rng: Callable[[], int] = random_scalar,
) -> dict[str, Any]:
    """Encrypt a voter's choices for one matter as ENC_ANSWER; ``[]`` is an abstention.

    Refuses (ValueError) an unknown or repeated option and more choices than the matter
    allows (one for a motion or a selection, the seats for an election).
    """
    ids = option_ids(matter)
    seats = seats_of(matter)
    chosen = list(choices)
    if len(set(chosen)) != len(chosen):
        raise ValueError("an option is chosen twice")
    unknown = [c for c in chosen if c not in ids]
    if unknown:
        raise ValueError(f"{unknown[0]!r} is not an option of matter {matter.get('id')!r}")
    if len(chosen) > seats:
        raise ValueError(f"at most {seats} choices on matter {matter.get('id')!r}")
    bits = [int(i in chosen) for i in ids]
    context = answer_context(meeting_id, str(matter["id"]), receipt)
    return matter_to_json(encrypt_matter(_key(joint_key).public_key, bits, seats, context, rng))


@dataclass
class Aggregates:
    """The board's encrypted totals and its public participation, per matter.

    ``sums[matter][slot][dimension]`` is the ciphertext of a slot's heads (``owners``) or
    area total; ``participation[matter]`` holds ``valid_owners``, ``valid_area`` (entries
    with an ENC_ANSWER), ``invalid_owners`` and ``invalid_area`` (entries with "invalid"),
    areas in 0.01 m².
    """

    meeting_id: str
    sums: Sums
    participation: dict[str, dict[str, int]]
    entries: int = 0

    def to_json(self) -> dict[str, dict[str, dict[str, str]]]:
        """The sums as {matter: {slot: {dimension: hex}}}."""
        return {
            matter: {
                slot: {dim: ct.hex() for dim, ct in dims.items()} for slot, dims in slots.items()
            }
            for matter, slots in self.sums.items()
        }

    def digest(self) -> str:
        """SHA-256 hex of canonical({"meeting_id", "sums": to_json()}): what partials bind to."""
        return hashlib.sha256(
            canonical({"meeting_id": self.meeting_id, "sums": self.to_json()})
        ).hexdigest()


@dataclass
class _Partial:
    """One chunk's share of the aggregates (hex, so that it crosses processes cheaply)."""

    sums: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)
    participation: dict[str, dict[str, int]] = field(default_factory=dict)
    entries: int = 0


def _matter_shapes(matters: Sequence[Mapping[str, Any]]) -> dict[str, tuple[list[str], int]]:
    shapes: dict[str, tuple[list[str], int]] = {}
    for matter in matters:
        matter_id = matter.get("id")
        if not isinstance(matter_id, str) or matter_id in shapes:
            raise ValueError(f"matter id {matter_id!r} is not a distinct string")
        shapes[matter_id] = (option_ids(matter), seats_of(matter))
    return shapes


def _receipt(entry: Any, index: int) -> str:
    receipt = entry.get("receipt") if isinstance(entry, dict) else None
    return receipt if isinstance(receipt, str) else f"at index {index}"


def _chunk(
    meeting_id: str,
    shapes: dict[str, tuple[list[str], int]],
    entries: Sequence[Any],
    public_key: Point | None,
    start: int,
) -> _Partial:
    """Parse (and with a key, check the proofs of) some entries; return their sums."""
    columns: dict[str, list[list[Ciphertext]]] = {
        m: [[] for _ in range(len(ids) + 1)] for m, (ids, _) in shapes.items()
    }
    weights: dict[str, list[int]] = {m: [] for m in shapes}
    participation = {
        m: {"valid_owners": 0, "valid_area": 0, "invalid_owners": 0, "invalid_area": 0}
        for m in shapes
    }
    areas: dict[str, int] = {}
    for offset, entry in enumerate(entries):
        receipt = _receipt(entry, start + offset)
        if not isinstance(entry, dict):
            raise EncryptedEntryError(f"entry {receipt}: not an object")
        if set(entry) != {"receipt", "channel", "area", "owners", "answers"}:
            raise EncryptedEntryError(
                f"entry {receipt}: members are receipt, channel, area, owners, answers"
            )
        if entry["channel"] not in CHANNELS:
            raise EncryptedEntryError(f"entry {receipt}: channel {entry['channel']!r} is not known")
        if type(entry["owners"]) is not int or entry["owners"] != 1:
            raise EncryptedEntryError(f"entry {receipt}: owners {entry['owners']!r} is not 1")
        text = entry["area"]
        area = areas.get(text) if isinstance(text, str) else None
        if area is None:
            try:
                area = areas[text] = parse_area(text)
            except ValueError as exc:
                raise EncryptedEntryError(f"entry {receipt}: {exc}") from None
        answers = entry["answers"]
        if not isinstance(answers, dict):
            raise EncryptedEntryError(f"entry {receipt}: answers is not an object")
        for matter_id, answer in answers.items():
            shape = shapes.get(matter_id)
            if shape is None:
                raise EncryptedEntryError(f"entry {receipt}: unknown matter {matter_id!r}")
            counts = participation[matter_id]
            if answer == INVALID:
                counts["invalid_owners"] += 1
                counts["invalid_area"] += area
                continue
            ids, seats = shape
            try:
                if public_key is None:
                    options, abstain, proofs = answer_ciphertexts(answer)
                else:
                    encrypted = matter_from_json(answer)
                    options, abstain = list(encrypted.ciphertexts), encrypted.abstain
                    proofs = len(encrypted.option_proofs)
            except ValueError as exc:
                raise EncryptedEntryError(f"entry {receipt}: matter {matter_id}: {exc}") from None
            if len(options) != len(ids) or proofs != len(ids):
                raise EncryptedEntryError(
                    f"entry {receipt}: matter {matter_id}: {len(options)} "
                    f"ciphertexts, {len(ids)} options"
                )
            if public_key is not None and not verify_matter(
                public_key,
                encrypted,
                len(ids),
                seats,
                answer_context(meeting_id, matter_id, entry["receipt"]),
            ):
                context = answer_context(meeting_id, matter_id, entry["receipt"])
                raise EncryptedEntryError(
                    f"entry {receipt}: matter {matter_id}: "
                    f"{failed_proof(public_key, encrypted, ids, seats, context)} does not verify"
                )
            counts["valid_owners"] += 1
            counts["valid_area"] += area
            column = columns[matter_id]
            for index, ct in enumerate(options):
                column[index].append(ct)
            column[-1].append(abstain)
            weights[matter_id].append(area)
    sums: dict[str, dict[str, dict[str, str]]] = {}
    for matter_id, (ids, _) in shapes.items():
        sums[matter_id] = {
            slot: {
                "owners": add_all(column).hex(),
                "area": weighted_add(column, weights[matter_id]).hex(),
            }
            for slot, column in zip([*ids, ABSTAIN], columns[matter_id], strict=True)
        }
    return _Partial(sums, participation, len(entries))


def failed_proof(
    public_key: Point, encrypted: EncryptedMatter, ids: Sequence[str], seats: int, context: bytes
) -> str:
    """Name the first proof of an answer that does not verify (an answer known to fail)."""
    for index, (ct, proof) in enumerate(
        zip(encrypted.ciphertexts, encrypted.option_proofs, strict=True)
    ):
        if not verify_range(
            TAG_OPTION, option_context(context, index), public_key, ct, 0, 1, proof
        ):
            return f"option {ids[index]}'s 0-or-1 proof"
    if not verify_range(
        TAG_OPTION,
        option_context(context, len(ids)),
        public_key,
        encrypted.abstain,
        0,
        1,
        encrypted.abstain_proof,
    ):
        return "the abstention's 0-or-1 proof"
    return f"the sum proof (1 to {seats} choices or an abstention)"


#: The board a pool's forked workers read (set just before they are forked): meeting id,
#: matter shapes, entries and the public key in hex (None: no proofs to check).
_SHARED: tuple[str, dict[str, tuple[list[str], int]], Sequence[Any], str | None] | None = None


def _chunk_job(
    args: tuple[str, dict[str, tuple[list[str], int]], list[Any], str | None, int],
) -> _Partial:
    meeting_id, shapes, entries, key_hex, start = args
    key = None if key_hex is None else Point.from_hex(key_hex)
    return _chunk(meeting_id, shapes, entries, key, start)


def _shared_job(span: tuple[int, int]) -> _Partial:
    """A forked worker's chunk: entries[start:stop] of the board it inherited."""
    assert _SHARED is not None
    meeting_id, shapes, entries, key_hex = _SHARED
    key = None if key_hex is None else Point.from_hex(key_hex)
    return _chunk(meeting_id, shapes, entries[span[0] : span[1]], key, span[0])


def default_workers() -> int:
    """Every core this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


class Adding:
    """An aggregation under way in worker processes (:func:`start_aggregate`)."""

    def __init__(
        self,
        meeting_id: str,
        shapes: dict[str, tuple[list[str], int]],
        parts: list[_Partial] | None = None,
        pool: ProcessPoolExecutor | None = None,
        futures: list[Future[_Partial]] | None = None,
    ) -> None:
        self._meeting_id, self._shapes = meeting_id, shapes
        self._parts, self._pool, self._futures = parts, pool, futures or []

    def result(self) -> Aggregates:
        """Wait for the workers and return the aggregates (EncryptedEntryError for a bad entry)."""
        try:
            if self._parts is None:
                self._parts = [future.result() for future in self._futures]
        finally:
            self.close()
        return _combine(self._meeting_id, self._shapes, self._parts)

    def close(self) -> None:
        """Stop the workers (and drop the work not yet started)."""
        global _SHARED
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
            _SHARED = None


def start_aggregate(
    meeting_id: str,
    matters: Sequence[Mapping[str, Any]],
    entries: Sequence[Any],
    joint_key: Mapping[str, Any] | JointKey,
    check_proofs: bool = False,
    workers: int | None = None,
) -> Adding:
    """Start :func:`aggregate` in worker processes; this process is free until ``result()``.

    Where processes can be forked, the workers inherit the board instead of receiving it.
    """
    global _SHARED
    key = _key(joint_key)
    shapes = _matter_shapes(matters)
    if workers is None:
        workers = default_workers() if len(entries) >= PARALLEL_ENTRIES else 1
    key_hex = key.public_key.hex() if check_proofs else None
    if workers <= 1 or len(entries) <= CHUNK:
        part = _chunk(meeting_id, shapes, entries, key.public_key if check_proofs else None, 0)
        return Adding(meeting_id, shapes, parts=[part])
    spans = [(start, min(start + CHUNK, len(entries))) for start in range(0, len(entries), CHUNK)]
    if "fork" in multiprocessing.get_all_start_methods():
        _SHARED = (meeting_id, shapes, entries, key_hex)
        pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))
        futures = [pool.submit(_shared_job, span) for span in spans]
    else:  # pragma: no cover - no fork: each chunk is sent to its worker
        pool = ProcessPoolExecutor(workers)
        futures = [
            pool.submit(_chunk_job, (meeting_id, shapes, list(entries[a:b]), key_hex, a))
            for a, b in spans
        ]
    return Adding(meeting_id, shapes, pool=pool, futures=futures)


def aggregate(
    meeting_id: str,
    matters: Sequence[Mapping[str, Any]],
    entries: Sequence[Any],
    joint_key: Mapping[str, Any] | JointKey,
    check_proofs: bool = False,
    workers: int | None = None,
) -> Aggregates:
    """Add up a board v2's entries under encryption, per matter, slot and dimension.

    With ``check_proofs`` every answer's proofs are checked (EncryptedEntryError names the first
    entry that fails). ``workers`` processes share the work (default: every core when the
    board has at least PARALLEL_ENTRIES entries, else this process alone).
    """
    return start_aggregate(meeting_id, matters, entries, joint_key, check_proofs, workers).result()


def _combine(
    meeting_id: str, shapes: dict[str, tuple[list[str], int]], parts: Sequence[_Partial]
) -> Aggregates:
    sums: Sums = {}
    participation: dict[str, dict[str, int]] = {}
    for matter_id, (ids, _) in shapes.items():
        sums[matter_id] = {
            slot: {
                dim: add_all([Ciphertext.from_hex(p.sums[matter_id][slot][dim]) for p in parts])
                for dim in DIMENSIONS
            }
            for slot in [*ids, ABSTAIN]
        }
        participation[matter_id] = {
            name: sum(p.participation[matter_id][name] for p in parts)
            for name in ("valid_owners", "valid_area", "invalid_owners", "invalid_area")
        }
    return Aggregates(meeting_id, sums, participation, sum(p.entries for p in parts))


def _totals(aggregates: Aggregates) -> list[tuple[str, str, str, Ciphertext]]:
    return [
        (matter, slot, dim, ct)
        for matter, slots in aggregates.sums.items()
        for slot, dims in slots.items()
        for dim, ct in dims.items()
    ]


def trustee_decryption(
    joint_key: Mapping[str, Any] | JointKey,
    trustee: int,
    share: int,
    meeting_id: str,
    aggregates: Aggregates,
    rng: Callable[[], int] = random_scalar,
) -> dict[str, Any]:
    """Trustee i's TRUSTEE_DECRYPTION of every total, with a proof for each partial."""
    key = _key(joint_key)
    if not 1 <= trustee <= key.trustees:
        raise ValueError(f"trustee {trustee} is not one of 1..{key.trustees}")
    if base_mult(share) != key.public_share(trustee):
        raise ValueError(f"the key share is not trustee {trustee}'s")
    partials: dict[str, dict[str, dict[str, Any]]] = {}
    for matter, slot, dim, ct in _totals(aggregates):
        partial = partial_decrypt(
            key, trustee, share, ct, total_context(meeting_id, matter, slot, dim), rng
        )
        partials.setdefault(matter, {}).setdefault(slot, {})[dim] = partial_to_json(partial)
    return {
        "format": DECRYPTION_FORMAT,
        "meeting_id": meeting_id,
        "trustee": trustee,
        "aggregates_sha256": aggregates.digest(),
        "partials": partials,
    }


def _parsed_decryption(
    key: JointKey, meeting_id: str, aggregates: Aggregates, doc: Any
) -> tuple[int, dict[tuple[str, str, str], PartialDecryption]]:
    """Check a TRUSTEE_DECRYPTION; return its trustee and parsed partials."""
    if not isinstance(doc, dict) or set(doc) != {
        "format",
        "meeting_id",
        "trustee",
        "aggregates_sha256",
        "partials",
    }:
        raise ValueError(
            "a decryption has exactly format, meeting_id, trustee, aggregates_sha256, partials"
        )
    if doc["format"] != DECRYPTION_FORMAT:
        raise ValueError(f"the decryption's format is {doc['format']!r}, not {DECRYPTION_FORMAT}")
    if doc["meeting_id"] != meeting_id:
        raise ValueError(f"the decryption is for meeting {doc['meeting_id']!r}, not {meeting_id!r}")
    trustee = doc["trustee"]
    if type(trustee) is not int or not 1 <= trustee <= key.trustees:
        raise ValueError(f"the decryption's trustee {trustee!r} is not one of 1..{key.trustees}")
    if doc["aggregates_sha256"] != aggregates.digest():
        raise ValueError(
            f"trustee {trustee}'s decryption is of other totals (aggregates_sha256 differs)"
        )
    given = doc["partials"]
    wanted = {m: {s: set(d) for s, d in slots.items()} for m, slots in aggregates.sums.items()}
    shape = (
        {m: {s: set(d) for s, d in slots.items()} for m, slots in given.items()}
        if isinstance(given, dict)
        and all(
            isinstance(slots, dict) and all(isinstance(d, dict) for d in slots.values())
            for slots in given.values()
        )
        else None
    )
    if shape != wanted:
        raise ValueError(f"trustee {trustee}'s decryption does not cover exactly every total")
    parsed: dict[tuple[str, str, str], PartialDecryption] = {}
    for matter, slot, dim, ct in _totals(aggregates):
        where = f"trustee {trustee}'s partial of {matter}/{slot}/{dim}"
        try:
            partial = partial_from_json(given[matter][slot][dim])
        except ValueError as exc:
            raise ValueError(f"{where}: {exc}") from None
        if partial.trustee != trustee:
            raise ValueError(f"{where} names trustee {partial.trustee}")
        if not verify_partial(key, ct, partial, total_context(meeting_id, matter, slot, dim)):
            raise ValueError(f"{where} does not verify")
        parsed[(matter, slot, dim)] = partial
    return trustee, parsed


def check_decryption(
    joint_key: Mapping[str, Any] | JointKey,
    meeting_id: str,
    aggregates: Aggregates,
    doc: Any,
) -> None:
    """Check a TRUSTEE_DECRYPTION against these aggregates; raise ValueError naming the fault."""
    _parsed_decryption(_key(joint_key), meeting_id, aggregates, doc)


@dataclass
class Decrypted:
    """The decrypted counts: ``counts[matter][slot][dimension]`` (area in 0.01 m²)."""

    aggregates: Aggregates
    counts: dict[str, dict[str, dict[str, int]]]
    partials: dict[tuple[str, str, str], list[dict[str, Any]]]

    def totals_member(self, matter_id: str) -> dict[str, dict[str, dict[str, Any]]]:
        """MATTER["totals"] of result v2: {slot: {dimension: TOTAL}}."""
        return {
            slot: {
                dim: {
                    "ciphertext": ct.hex(),
                    "count": self.counts[matter_id][slot][dim],
                    "partials": self.partials[(matter_id, slot, dim)],
                }
                for dim, ct in dims.items()
            }
            for slot, dims in self.aggregates.sums[matter_id].items()
        }


class _Logs:
    """One discrete-log table shared by every total (sized for the largest bound)."""

    def __init__(self, bound: int, searches: int) -> None:
        self.table = DiscreteLog(bound, searches)

    def solve(self, point: Point, bound: int, where: str) -> int:
        try:
            value = self.table.solve(point)
        except ValueError:
            value = -1
        if not 0 <= value <= bound:
            raise DecryptionError(f"{where}: the total is not between 0 and {bound}")
        return value


def bounds(aggregates: Aggregates, matter: str, dim: str) -> int:
    """The largest count a total may decrypt to: the matter's valid heads or valid area."""
    counts = aggregates.participation[matter]
    return counts["valid_owners"] if dim == "owners" else counts["valid_area"]


def decrypt(
    joint_key: Mapping[str, Any] | JointKey,
    meeting_id: str,
    aggregates: Aggregates,
    decryptions: Sequence[Any],
) -> Decrypted:
    """Check the trustees' decryptions and combine them into the counts.

    Needs at least k decryptions by distinct trustees (DecryptionError otherwise); each is
    checked first (ValueError naming the fault). Every one given is used.
    """
    key = _key(joint_key)
    by_trustee: dict[int, dict[tuple[str, str, str], PartialDecryption]] = {}
    for doc in decryptions:
        trustee, parsed = _parsed_decryption(key, meeting_id, aggregates, doc)
        if trustee in by_trustee:
            raise DecryptionError(f"trustee {trustee}'s decryption is given twice")
        by_trustee[trustee] = parsed
    if len(by_trustee) < key.threshold:
        raise DecryptionError(
            f"{len(by_trustee)} trustees' decryptions given, {key.threshold} are needed"
        )
    present = sorted(by_trustee)
    top = max((bounds(aggregates, m, d) for m in aggregates.sums for d in DIMENSIONS), default=0)
    logs = _Logs(top, sum(1 for total in _totals(aggregates) if total[2] == "area"))
    counts: dict[str, dict[str, dict[str, int]]] = {}
    partials: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for matter, slot, dim, ct in _totals(aggregates):
        chosen = [by_trustee[t][(matter, slot, dim)] for t in present]
        point = _combine_checked(key, ct, chosen)
        counts.setdefault(matter, {}).setdefault(slot, {})[dim] = logs.solve(
            point, bounds(aggregates, matter, dim), f"{matter}/{slot}/{dim}"
        )
        partials[(matter, slot, dim)] = [partial_to_json(p) for p in chosen]
    return Decrypted(aggregates, counts, partials)


def _combine_checked(key: JointKey, ct: Ciphertext, partials: Sequence[PartialDecryption]) -> Point:
    """Combine partials already verified (by :func:`_parsed_decryption`)."""
    present = [p.trustee for p in partials]
    shared = sum_points(p.point * lagrange_at_zero(p.trustee, present) for p in partials)
    return ct.beta - shared
