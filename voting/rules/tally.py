"""Counting one matter: participation, support, thresholds and outcome (DOMAIN 2.3–2.6)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import cast

from voting.rules.election import Outcome, elect
from voting.rules.explain import explain
from voting.rules.persons import RosterTotals
from voting.rules.procedure import Procedure
from voting.rules.thresholds import CATEGORIES, approval_met, quorum_met

__all__ = [
    "INVALID",
    "KINDS",
    "MOTION_OPTIONS",
    "AnswerError",
    "Counts",
    "MatterResult",
    "MatterSpec",
    "OptionTally",
    "TallyError",
    "Vote",
    "classify_answer",
    "explain",
    "tally_groups",
    "tally_matter",
    "tally_totals",
]

MOTION, SELECTION, ELECTION = "motion", "selection", "election"
KINDS = (MOTION, SELECTION, ELECTION)
MOTION_OPTIONS = ("agree", "disagree")
INVALID = "invalid"

#: An answer: chosen option ids ([] abstains), "invalid", or None for "did not take part".
Answer = Sequence[str] | str | None
#: An answer as read from a ballot or a board, before it is checked against the matter.
AnswerKey = Sequence[object] | str
#: One voter's (or a group of identical voters') area in 0.01 m², heads and answer.
Vote = tuple[int, int, Answer]


class TallyError(ValueError):
    """Input a tally cannot count; ``code`` names the problem."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        super().__init__(f"{code}: {message}")


class AnswerError(TallyError):
    """A ballot answer that no ballot form could produce (unknown or repeated option...)."""

    def __init__(self, code: str, message: str, answer: object = None) -> None:
        self.answer = answer
        super().__init__(code, message)


@dataclass(frozen=True)
class MatterSpec:
    """One matter (表决事项) as put to the vote."""

    id: str
    category: str
    kind: str
    option_ids: tuple[str, ...]
    seats: int = 1
    alternates: int = 0
    minimum: int = 0
    lot_seed: str | None = None
    option_set: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        problem = _spec_problem(self)
        if problem:
            raise TallyError("MATTER_SPEC_INVALID", f"matter {self.id}: {problem}")
        object.__setattr__(self, "option_set", frozenset(self.option_ids))


def _spec_problem(spec: MatterSpec) -> str | None:
    if not isinstance(spec.id, str) or not spec.id:
        return "the id must be a non-empty string"
    if not all(isinstance(o, str) and o for o in spec.option_ids):
        return "option ids must be non-empty strings"
    if spec.category not in CATEGORIES:
        return f"category {spec.category!r} is not one of {', '.join(CATEGORIES)}"
    if spec.kind not in KINDS:
        return f"kind {spec.kind!r} is not one of {', '.join(KINDS)}"
    if spec.kind == MOTION and tuple(spec.option_ids) != MOTION_OPTIONS:
        return "a motion's options are exactly agree, disagree"
    if not spec.option_ids or len(set(spec.option_ids)) != len(spec.option_ids):
        return "options must be present and distinct"
    for name in ("seats", "alternates", "minimum"):
        value = getattr(spec, name)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            return f"{name} must be a non-negative integer"
    if spec.seats < 1 or (spec.kind != ELECTION and spec.seats != 1):
        return "seats must be 1, or at least 1 for an election"
    return None


@dataclass(frozen=True)
class OptionTally:
    """Support for one option: agreeing area and heads, and whether it passed."""

    id: str
    area: int
    head: int
    passed: bool


@dataclass(frozen=True)
class _MatterCount:
    """The count of one matter: participation, each option's support, abstentions."""

    spec: MatterSpec
    totals: RosterTotals
    procedure: Procedure
    p_area: int
    p_head: int
    options: tuple[OptionTally, ...]
    abstain_area: int
    abstain_head: int
    #: Invalid ballots are always reported; they are in P only if the procedure says so.
    invalid_area: int
    invalid_head: int
    quorum_met: bool


# A dataclass's fields come from its bases in reverse order: the count's, then the outcome's.
@dataclass(frozen=True)
class MatterResult(Outcome, _MatterCount):
    """The count and outcome of one matter."""

    def option(self, option_id: str) -> OptionTally:
        """Return the tally of one option by id."""
        for opt in self.options:
            if opt.id == option_id:
                return opt
        raise KeyError(option_id)


def classify_answer(spec: MatterSpec, answer: AnswerKey) -> tuple[str, ...] | None:
    """Return the chosen ids (() abstains) or None for an invalid ballot; raise if malformed."""
    if isinstance(answer, str):
        if answer == INVALID:
            return None
        raise AnswerError("ANSWER_MALFORMED", f"{answer!r} is neither choices nor invalid", answer)
    if not isinstance(answer, (list, tuple)):
        raise AnswerError("ANSWER_MALFORMED", f"answer of type {type(answer).__name__}", answer)
    try:
        known = spec.option_set.issuperset(answer)
    except TypeError:  # an unhashable choice
        known = False
    if not known:
        bad = next(c for c in answer if not isinstance(c, str) or c not in spec.option_set)
        raise AnswerError("UNKNOWN_OPTION", f"{bad!r} is not an option of {spec.id}", answer)
    if len(answer) > 1:
        if len(set(answer)) != len(answer):
            raise AnswerError("REPEATED_OPTION", f"an option is chosen twice on {spec.id}", answer)
        if spec.kind != ELECTION:
            raise AnswerError("TOO_MANY_CHOICES", f"{spec.kind} {spec.id} takes one choice", answer)
        if len(answer) > spec.seats:
            return None  # an over-vote in an election is an invalid ballot (DOMAIN 2.5)
    # Every choice is now a known option id, hence a string.
    return cast(tuple[str, ...], tuple(answer))


def tally_matter(
    spec: MatterSpec, totals: RosterTotals, votes: Iterable[Vote], procedure: Procedure
) -> MatterResult:
    """Count the votes of those who answered this matter and decide its outcome."""
    groups: dict[AnswerKey, list[int]] = {}
    for area, heads, answer in votes:
        if answer is None:
            continue
        if area < 0 or heads < 0:
            raise TallyError("NEGATIVE_WEIGHT", "a vote has negative area or heads")
        key = answer if isinstance(answer, (str, tuple)) else _as_tuple(answer)
        try:
            group = groups.get(key)
        except TypeError:
            raise AnswerError("ANSWER_MALFORMED", f"{answer!r} on {spec.id}", answer) from None
        if group is None:
            groups[key] = [area, heads]
        else:
            group[0] += area
            group[1] += heads
    return tally_groups(spec, totals, groups, procedure)


@dataclass(frozen=True)
class Counts:
    """A matter's sums: support per option (in the matter's order) and the valid,
    abstaining and invalid weights, areas in 0.01 m²."""

    option_area: tuple[int, ...]
    option_head: tuple[int, ...]
    valid_area: int
    valid_head: int
    abstain_area: int
    abstain_head: int
    invalid_area: int
    invalid_head: int


def tally_groups(
    spec: MatterSpec,
    totals: RosterTotals,
    groups: Mapping[AnswerKey, Sequence[int]],
    procedure: Procedure,
) -> MatterResult:
    """Count votes already summed per distinct answer, {answer: (area, heads)}, and decide."""
    index = {option_id: i for i, option_id in enumerate(spec.option_ids)}
    a_area = [0] * len(index)
    a_head = [0] * len(index)
    valid_area = valid_head = abstain_area = abstain_head = invalid_area = invalid_head = 0
    for key, (area, heads) in groups.items():
        choices = classify_answer(spec, key)
        if choices is None:
            invalid_area += area
            invalid_head += heads
            continue
        valid_area += area
        valid_head += heads
        if not choices:
            abstain_area += area
            abstain_head += heads
        for choice in choices:
            a_area[index[choice]] += area
            a_head[index[choice]] += heads
    counts = Counts(
        tuple(a_area),
        tuple(a_head),
        valid_area,
        valid_head,
        abstain_area,
        abstain_head,
        invalid_area,
        invalid_head,
    )
    return tally_totals(spec, totals, counts, procedure)


def tally_totals(
    spec: MatterSpec, totals: RosterTotals, counts: Counts, procedure: Procedure
) -> MatterResult:
    """Decide a matter from its sums (a plaintext count, or decrypted totals of a secret
    ballot): participation, each option's support against the rule, and the outcome."""
    if len(counts.option_area) != len(spec.option_ids) or len(counts.option_head) != len(
        spec.option_ids
    ):
        raise TallyError("COUNTS_INVALID", f"one count per option of {spec.id}")
    numbers = (
        *counts.option_area,
        *counts.option_head,
        counts.valid_area,
        counts.valid_head,
        counts.abstain_area,
        counts.abstain_head,
        counts.invalid_area,
        counts.invalid_head,
    )
    if any(isinstance(n, bool) or not isinstance(n, int) or n < 0 for n in numbers):
        raise TallyError("COUNTS_INVALID", f"counts of {spec.id} are non-negative integers")
    valid_area, valid_head = counts.valid_area, counts.valid_head
    invalid_area, invalid_head = counts.invalid_area, counts.invalid_head
    if valid_head + invalid_head > totals.owners or valid_area + invalid_area > totals.area:
        raise TallyError("PARTICIPATION_EXCEEDS_ROSTER", f"more ballots than roster on {spec.id}")

    p_area, p_head = valid_area, valid_head
    if procedure.invalid_counts_as_participation:
        p_area += invalid_area
        p_head += invalid_head
    quorum = quorum_met(p_area, p_head, totals.area, totals.owners)
    options = tuple(
        OptionTally(
            option_id,
            counts.option_area[i],
            counts.option_head[i],
            quorum
            and approval_met(
                spec.category, counts.option_area[i], counts.option_head[i], p_area, p_head
            ),
        )
        for i, option_id in enumerate(spec.option_ids)
    )
    return MatterResult(
        spec,
        totals,
        procedure,
        p_area,
        p_head,
        options,
        counts.abstain_area,
        counts.abstain_head,
        invalid_area,
        invalid_head,
        quorum,
        **vars(_outcome(spec, procedure, options, p_area, p_head, quorum)),
    )


def _as_tuple(answer: object) -> tuple[object, ...]:
    if not isinstance(answer, list):
        raise AnswerError("ANSWER_MALFORMED", f"answer of type {type(answer).__name__}", answer)
    return tuple(answer)


def _outcome(
    spec: MatterSpec,
    procedure: Procedure,
    options: tuple[OptionTally, ...],
    p_area: int,
    p_head: int,
    quorum: bool,
) -> Outcome:
    if not quorum:
        return Outcome("no_quorum", (), ())
    passing = [opt for opt in options if opt.passed]
    if spec.kind == MOTION:
        if options[0].passed:
            return Outcome("passed", ("agree",), ())
        return Outcome("rejected", (), ())
    if spec.kind == SELECTION:
        # Single choice: at most one option can hold more than half the heads.
        if len(passing) == 1:
            return Outcome("selected", (passing[0].id,), ())
        return Outcome("no_decision", (), ())
    lot_seed = spec.lot_seed if procedure.tie_resolution == "lot" else None
    return elect(
        [(opt.id, opt.area, opt.head) for opt in passing],
        p_area,
        p_head,
        seats=spec.seats,
        alternates=spec.alternates,
        minimum=spec.minimum,
        ranking_rule=procedure.ranking_rule,
        lot_seed=lot_seed,
    )
