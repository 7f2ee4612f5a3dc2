"""What a published election leaves to do (DOMAIN.md 2.5): a by-election for seats left
vacant, or a runoff (决选) between candidates tied at the last seat.

Works on a published MATTER (FORMATS.md §4), so that what is drafted follows from the signed
result alone: the tie is found again with the same ranking the count used.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from voting.rules.election import elect
from voting.rules.numbers import parse_area

BY_ELECTION, RUNOFF = "by_election", "runoff"


@dataclass(frozen=True)
class FollowUp:
    """A matter to put to a later meeting: seats to fill and, for a runoff, its candidates."""

    kind: str
    #: The published election's matter id.
    matter_id: str
    seats: int
    #: Option ids of the published election: the tied candidates of a runoff; none for a
    #: by-election, whose candidates are nominated anew.
    candidates: tuple[str, ...] = ()


def follow_up(matter: dict[str, Any], ranking_rule: str) -> FollowUp | None:
    """The by-election or runoff a published election needs, or None when it needs neither.

    A tie at the last seat (``tie_unresolved`` with ``runoff`` as the rules' resolution) gives
    a runoff among the tied for the seats they straddle; an election that filled fewer seats
    than it had (``elected`` or ``committee_not_formed``) gives a by-election for the rest.
    A matter without quorum decided nothing: it needs a new election, not a follow-up.
    """
    if matter.get("kind") != "election" or not matter["participation"]["quorum_met"]:
        return None
    outcome = matter["outcome"]
    seats, winners = matter["seats"], outcome["winners"]
    if outcome["status"] == "tie_unresolved":
        part = matter["participation"]
        decided = elect(
            [(t["id"], parse_area(t["area"]), t["owners"]) for t in matter["tally"] if t["passed"]],
            parse_area(part["area"]), part["owners"], seats=seats,
            alternates=matter["alternates"], minimum=matter["minimum"],
            ranking_rule=ranking_rule, lot_seed=None,
        )  # fmt: skip
        if decided.tie_at == "seat":
            return FollowUp(RUNOFF, matter["id"], seats - len(winners), decided.tied)
        return None
    if outcome["status"] in ("elected", "committee_not_formed") and len(winners) < seats:
        return FollowUp(BY_ELECTION, matter["id"], seats - len(winners))
    return None
