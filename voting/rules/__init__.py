"""The law as pure functions: voting persons, thresholds, tallies and outcomes (DOMAIN.md).

Standard library only, no Flask, no database: the offline verifier imports this package.
"""

from voting.rules.ballots import co_owner_answer, resolve_duplicates
from voting.rules.document import BoardError, matters_from_board, matters_from_totals
from voting.rules.election import lot_ticket, sum_of_ratios
from voting.rules.numbers import fmt_area, fmt_ratio, parse_area
from voting.rules.persons import (
    AreaUnresolved,
    Person,
    RosterTotals,
    UnitRecord,
    build_persons,
    roster_totals,
    unit_area,
)
from voting.rules.problems import Problem
from voting.rules.procedure import Procedure, ProcedureError
from voting.rules.tally import (
    AnswerError,
    Counts,
    MatterResult,
    MatterSpec,
    OptionTally,
    TallyError,
    explain,
    tally_matter,
    tally_totals,
)
from voting.rules.thresholds import approval_met, quorum_met

__all__ = [
    "AreaUnresolved",
    "AnswerError",
    "BoardError",
    "Counts",
    "MatterResult",
    "MatterSpec",
    "OptionTally",
    "Person",
    "Problem",
    "Procedure",
    "ProcedureError",
    "RosterTotals",
    "TallyError",
    "UnitRecord",
    "approval_met",
    "build_persons",
    "co_owner_answer",
    "explain",
    "fmt_area",
    "fmt_ratio",
    "lot_ticket",
    "matters_from_board",
    "matters_from_totals",
    "parse_area",
    "quorum_met",
    "resolve_duplicates",
    "roster_totals",
    "sum_of_ratios",
    "tally_matter",
    "tally_totals",
    "unit_area",
]
