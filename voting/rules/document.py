"""The matters of a result document (FORMATS §4) from the bulletin board (FORMATS §3).

The publisher and the offline verifier both call ``matters_from_board``, so there is
exactly one count. A secret ballot's board (FORMATS §3.1) carries no plaintext choices:
its matters come from the decrypted totals through ``matters_from_totals``, which decides
by the same rules (``tally_totals``) and renders the same MATTER.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from voting.rules.numbers import fmt_area, fmt_ratio, parse_area
from voting.rules.persons import RosterTotals
from voting.rules.procedure import Procedure
from voting.rules.tally import (
    AnswerError,
    Counts,
    MatterResult,
    MatterSpec,
    TallyError,
    tally_groups,
    tally_totals,
)
from voting.rules.thresholds import rule_dict

__all__ = [
    "BoardError",
    "fmt_area",
    "fmt_ratio",
    "matters_from_board",
    "matters_from_totals",
    "parse_area",
]

CHANNELS = ("online", "paper", "proxy")


class BoardError(ValueError):
    """Board, matters or roster that cannot be counted; names the entry's receipt if any."""

    code = "BOARD_INVALID"

    def __init__(self, receipt: str | None, problem: str) -> None:
        self.receipt = receipt
        self.problem = problem
        super().__init__(f"entry {receipt}: {problem}" if receipt is not None else problem)


def matters_from_board(
    procedure: Mapping[str, Any] | Procedure,
    roster: Mapping[str, Any],
    matters: list[dict[str, Any]],
    entries: Iterable[Mapping[str, Any]],
) -> list[dict[str, Any]]:
    """Count the board entries and return the document's MATTER list (FORMATS §4)."""
    if not isinstance(procedure, Procedure):
        procedure = Procedure.from_dict(procedure)
    totals = _roster_totals(roster)
    specs = [_spec(matter) for matter in matters]
    by_id = {spec.id: spec for spec in specs}
    if len(by_id) != len(specs):
        raise BoardError(None, "two matters share an id")
    entries = entries if isinstance(entries, Sequence) else list(entries)
    groups = _group_entries(by_id, entries)
    out = []
    for matter, spec in zip(matters, specs, strict=True):
        try:
            result = tally_groups(spec, totals, groups[spec.id], procedure)
        except AnswerError as exc:
            # Rare: look up the first entry with this answer only now, to keep the pass lean.
            raise BoardError(_receipt_with(entries, spec.id, exc.answer), str(exc)) from None
        except TallyError as exc:
            raise BoardError(None, f"matter {spec.id}: {exc}") from None
        out.append(_matter_dict(matter, result))
    return out


#: The participation of a matter on a secret board, public from the entries' weights.
PARTICIPATION_FIELDS = ("valid_owners", "valid_area", "invalid_owners", "invalid_area")
ABSTAIN = "abstain"


def matters_from_totals(
    procedure: Mapping[str, Any] | Procedure,
    roster: Mapping[str, Any],
    definitions: list[dict[str, Any]],
    participation: Mapping[str, Mapping[str, int]],
    counts: Mapping[str, Mapping[str, Mapping[str, int]]],
    totals: Mapping[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """The MATTER list of FORMATS §4 from a secret ballot's decrypted totals (FORMATS §4.3).

    ``participation[matter]`` holds ``valid_owners``, ``valid_area``, ``invalid_owners`` and
    ``invalid_area`` (the board's entries with an encrypted answer, and with "invalid");
    ``counts[matter][slot][dimension]`` the decrypted heads (``owners``) and area of each
    option id and of ``abstain``, areas in 0.01 m². The outcome follows the same rules as
    :func:`matters_from_board`; with ``totals`` ({matter id: MATTER["totals"]}) each MATTER
    also carries its member ``totals``. Counts that no valid board can give (an abstention
    count above the participation, choices of a single-choice matter that do not add up)
    raise BoardError.
    """
    if not isinstance(procedure, Procedure):
        procedure = Procedure.from_dict(procedure)
    roster_totals = _roster_totals(roster)
    specs = [_spec(matter) for matter in definitions]
    if len({spec.id for spec in specs}) != len(specs):
        raise BoardError(None, "two matters share an id")
    out = []
    for matter, spec in zip(definitions, specs, strict=True):
        try:
            result = tally_totals(
                spec,
                roster_totals,
                _counts(spec, participation.get(spec.id), counts.get(spec.id)),
                procedure,
            )
        except TallyError as exc:
            raise BoardError(None, f"matter {spec.id}: {exc}") from None
        rendered = _matter_dict(matter, result)
        if totals is not None:
            if spec.id not in totals:
                raise BoardError(None, f"matter {spec.id} has no totals")
            rendered["totals"] = totals[spec.id]
        out.append(rendered)
    return out


def _number(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise BoardError(None, f"{what} is {value!r}, not a non-negative integer")
    return value


def _counts(
    spec: MatterSpec,
    participation: Mapping[str, int] | None,
    counts: Mapping[str, Mapping[str, int]] | None,
) -> Counts:
    """Check one matter's participation and decrypted counts and return its Counts."""
    if not isinstance(participation, Mapping) or set(participation) != set(PARTICIPATION_FIELDS):
        raise BoardError(None, f"matter {spec.id}: participation needs {PARTICIPATION_FIELDS}")
    slots = (*spec.option_ids, ABSTAIN)
    if not isinstance(counts, Mapping) or set(counts) != set(slots):
        raise BoardError(None, f"matter {spec.id}: a count per option and for abstain")
    value: dict[tuple[str, str], int] = {}
    for slot in slots:
        dims = counts[slot]
        if not isinstance(dims, Mapping) or set(dims) != {"owners", "area"}:
            raise BoardError(None, f"matter {spec.id}: {slot} has owners and area counts")
        for dim in ("owners", "area"):
            value[(slot, dim)] = _number(dims[dim], f"matter {spec.id}: {slot} {dim}")
    p = {name: _number(participation[name], f"matter {spec.id}: {name}") for name in participation}
    for dim, valid in (("owners", p["valid_owners"]), ("area", p["valid_area"])):
        abstain = value[(ABSTAIN, dim)]
        chosen = [value[(o, dim)] for o in spec.option_ids]
        if abstain > valid or any(c > valid - abstain for c in chosen):
            raise BoardError(None, f"matter {spec.id}: {dim} counts exceed the participation")
        if spec.kind != "election" and sum(chosen) + abstain != valid:
            raise BoardError(
                None, f"matter {spec.id}: {dim} choices and abstentions do not add up to it"
            )
        if spec.kind == "election" and not (
            valid - abstain <= sum(chosen) <= spec.seats * (valid - abstain)
        ):
            raise BoardError(None, f"matter {spec.id}: {dim} choices do not fit the ballots")
    return Counts(
        tuple(value[(o, "area")] for o in spec.option_ids),
        tuple(value[(o, "owners")] for o in spec.option_ids),
        p["valid_area"],
        p["valid_owners"],
        value[(ABSTAIN, "area")],
        value[(ABSTAIN, "owners")],
        p["invalid_area"],
        p["invalid_owners"],
    )


def _roster_totals(roster: Mapping[str, Any]) -> RosterTotals:
    try:
        owners, area = roster["owners"], parse_area(roster["area"])
    except (KeyError, TypeError, ValueError) as exc:
        raise BoardError(None, f"roster needs owners and a two-decimal area: {exc}") from None
    units = roster.get("units", 0)
    if isinstance(owners, bool) or not isinstance(owners, int) or owners < 0:
        raise BoardError(None, "roster owners must be a non-negative integer")
    return RosterTotals(units=units, owners=owners, area=area)


_MATTER_FIELDS = ("id", "title", "category", "kind", "seats", "alternates", "minimum", "options")


def _spec(matter: Mapping[str, Any]) -> MatterSpec:
    if not isinstance(matter, Mapping):
        raise BoardError(None, f"matter {matter!r} is not an object")
    name = matter.get("id")
    missing = [field for field in _MATTER_FIELDS if field not in matter]
    if missing:
        raise BoardError(None, f"matter {name!r} lacks {', '.join(missing)}")
    if not isinstance(name, str):
        raise BoardError(None, f"matter id {name!r} is not a string")
    options = matter["options"]
    if not isinstance(options, list) or not all(
        isinstance(o, Mapping) and "id" in o and "label" in o for o in options
    ):
        raise BoardError(None, f"matter {name!r}: options must be a list of {{id, label}}")
    outcome = matter.get("outcome")
    lot_seed = outcome.get("lot_seed") if isinstance(outcome, Mapping) else None
    if lot_seed is not None and not isinstance(lot_seed, str):
        raise BoardError(None, f"matter {name!r}: lot_seed must be a string")
    try:
        return MatterSpec(
            id=name,
            category=matter["category"],
            kind=matter["kind"],
            option_ids=tuple(option["id"] for option in options),
            seats=matter["seats"],
            alternates=matter["alternates"],
            minimum=matter["minimum"],
            lot_seed=lot_seed,
        )
    except TallyError as exc:
        raise BoardError(None, str(exc)) from None


def _group_entries(
    matter_ids: Iterable[str], entries: Iterable[Mapping[str, Any]]
) -> dict[str, dict[Any, list[int]]]:
    """One pass over the entries: per matter, per distinct answer, summed area and heads."""
    groups: dict[str, dict[Any, list[int]]] = {matter_id: {} for matter_id in matter_ids}
    areas: dict[str, int] = {}
    receipts: set[str] = set()
    for entry in entries:
        try:
            receipt = entry["receipt"]
            channel, area_text = entry["channel"], entry["area"]
            heads, answers = entry["owners"], entry["answers"]
        except (KeyError, TypeError):
            raise BoardError(_receipt_of(entry), "entry lacks a FORMATS §3 field") from None
        if receipt.__class__ is not str or not receipt:
            raise BoardError(None, f"receipt {receipt!r} is not a string")
        seen = len(receipts)
        receipts.add(receipt)
        if len(receipts) == seen:
            raise BoardError(receipt, "receipt appears twice")
        if channel not in CHANNELS:
            raise BoardError(receipt, f"channel {channel!r} is not online, paper or proxy")
        if area_text.__class__ is not str:
            raise BoardError(receipt, f"area {area_text!r} is not a string")
        area = areas.get(area_text)
        if area is None:
            try:
                area = areas[area_text] = parse_area(area_text)
            except ValueError as exc:
                raise BoardError(receipt, str(exc)) from None
        # Each entry is one voting person (FORMATS §3: owners is 1).
        if heads.__class__ is not int or heads != 1:
            raise BoardError(receipt, f"owners {heads!r} is not 1")
        if answers.__class__ is not dict:
            raise BoardError(receipt, "answers is not an object")
        for matter_id, answer in answers.items():
            matter = groups.get(matter_id)
            if matter is None:
                raise BoardError(receipt, f"unknown matter {matter_id!r}")
            key: tuple[Any, ...] | str
            if answer.__class__ is list:
                key = tuple(answer) if len(answer) < 2 else _sorted_key(answer)
            elif answer.__class__ is str:
                key = answer
            else:
                raise BoardError(receipt, f"matter {matter_id}: answer {answer!r} is malformed")
            try:
                summed = matter.get(key)
            except TypeError:
                raise BoardError(receipt, f"matter {matter_id}: answer {answer!r}") from None
            # Each distinct answer is checked once, by the tally.
            if summed is None:
                matter[key] = [area, 1]
            else:
                summed[0] += area
                summed[1] += 1
    return groups


def _sorted_key(answer: list[Any]) -> tuple[Any, ...]:
    """Order-free key of a multi-choice answer, so permuted ballots share one group."""
    try:
        return tuple(sorted(answer))
    except TypeError:  # choices of mixed types: the tally rejects them
        return tuple(answer)


def _receipt_with(entries: Sequence[Mapping[str, Any]], matter_id: str, key: object) -> str | None:
    """Return the receipt of the first entry whose answer to the matter is ``key``."""
    for entry in entries:
        answer = entry["answers"].get(matter_id)
        if isinstance(answer, list):
            answer = tuple(answer) if len(answer) < 2 else _sorted_key(answer)
        if answer == key:
            receipt: str = entry["receipt"]  # checked by matters_from_board before any count
            return receipt
    return None


def _receipt_of(entry: object) -> str | None:
    receipt = entry.get("receipt") if isinstance(entry, Mapping) else None
    return receipt if isinstance(receipt, str) else None


def _matter_dict(matter: Mapping[str, Any], result: MatterResult) -> dict[str, Any]:
    """Render one MATTER of FORMATS §4 from a tally result."""
    totals, p_area, p_head = result.totals, result.p_area, result.p_head
    outcome: dict[str, Any] = {
        "status": result.status,
        "winners": list(result.winners),
        "alternates": list(result.alternates),
    }
    if result.lot_used:
        outcome["lot_seed"] = result.spec.lot_seed
    return {
        "id": matter["id"],
        "title": matter["title"],
        "category": matter["category"],
        "kind": matter["kind"],
        "seats": matter["seats"],
        "alternates": matter["alternates"],
        "minimum": matter["minimum"],
        "options": [{"id": o["id"], "label": o["label"]} for o in matter["options"]],
        "rule": rule_dict(result.spec.category),
        "participation": {
            "owners": p_head,
            "area": fmt_area(p_area),
            "owners_ratio": fmt_ratio(p_head, totals.owners),
            "area_ratio": fmt_ratio(p_area, totals.area),
            "quorum_met": result.quorum_met,
        },
        "tally": [
            {
                "id": opt.id,
                "owners": opt.head,
                "area": fmt_area(opt.area),
                "owners_ratio": fmt_ratio(opt.head, p_head),
                "area_ratio": fmt_ratio(opt.area, p_area),
                "passed": opt.passed,
            }
            for opt in result.options
        ],
        "abstain": {"owners": result.abstain_head, "area": fmt_area(result.abstain_area)},
        "invalid": {"owners": result.invalid_head, "area": fmt_area(result.invalid_area)},
        "outcome": outcome,
    }
