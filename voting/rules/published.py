"""A published MATTER (FORMATS §4) read back into the rules' MatterResult, so that the same
sentences explain an outcome from the document's figures alone: a result in the clear, or a
secret ballot's, whose figures come from its decrypted totals."""

from __future__ import annotations

from typing import Any

from voting.rules.election import elect
from voting.rules.numbers import parse_area
from voting.rules.persons import RosterTotals
from voting.rules.procedure import Procedure
from voting.rules.tally import MatterResult, MatterSpec, OptionTally


def matter_result(
    matter: dict[str, Any], roster: dict[str, Any], procedure: Procedure
) -> MatterResult:
    """Rebuild the rules' MatterResult from a published MATTER, to explain it in words.

    Options are named by their labels (people read the sentences) unless labels repeat;
    ties and lots are worked out on the ids first, as the count did.
    """
    options = [
        OptionTally(t["id"], parse_area(t["area"]), t["owners"], t["passed"])
        for t in matter["tally"]
    ]
    lot_seed = matter["outcome"].get("lot_seed")
    part = matter["participation"]
    p_area, p_head = parse_area(part["area"]), part["owners"]
    tie: dict[str, Any] = {}
    if matter["kind"] == "election" and part["quorum_met"]:
        outcome = elect(
            [(o.id, o.area, o.head) for o in options if o.passed], p_area, p_head,
            seats=matter["seats"], alternates=matter["alternates"], minimum=matter["minimum"],
            ranking_rule=procedure.ranking_rule,
            lot_seed=lot_seed if procedure.tie_resolution == "lot" else None,
        )  # fmt: skip
        tie = {"tied": outcome.tied, "tie_at": outcome.tie_at, "lot_used": outcome.lot_used}
    name = {o["id"]: o["id"] for o in matter["options"]}
    labels = [o["label"] for o in matter["options"]]
    if matter["kind"] != "motion" and all(labels) and len(set(labels)) == len(labels):
        name = {o["id"]: o["label"] for o in matter["options"]}
    if tie:
        tie["tied"] = tuple(name[i] for i in tie["tied"])
    spec = MatterSpec(
        id=matter["id"], category=matter["category"], kind=matter["kind"],
        option_ids=tuple(name.values()), seats=matter["seats"],
        alternates=matter["alternates"], minimum=matter["minimum"], lot_seed=lot_seed,
    )  # fmt: skip
    return MatterResult(
        spec=spec,
        totals=RosterTotals(roster["units"], roster["owners"], parse_area(roster["area"])),
        procedure=procedure, p_area=p_area, p_head=p_head,
        options=tuple(OptionTally(name[o.id], o.area, o.head, o.passed) for o in options),
        abstain_area=parse_area(matter["abstain"]["area"]),
        abstain_head=matter["abstain"]["owners"],
        invalid_area=parse_area(matter["invalid"]["area"]),
        invalid_head=matter["invalid"]["owners"], quorum_met=part["quorum_met"],
        status=matter["outcome"]["status"],
        winners=tuple(name[i] for i in matter["outcome"]["winners"]),
        alternates=tuple(name[i] for i in matter["outcome"]["alternates"]), **tie,
    )  # fmt: skip
