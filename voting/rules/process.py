"""Process rules: notice, publication, committee size, Beijing numeric checks (DOMAIN 2.5, 2.7)."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date, timedelta

from voting.rules.problems import WARNING, Problem
from voting.rules.procedure import Procedure

__all__ = [
    "NOT_ASSEMBLY_MATTERS",
    "Problem",
    "committee_decision_adopted",
    "committee_meeting_quorate",
    "committee_minimum",
    "first_meeting_in_time",
    "founding_application_ok",
    "is_assembly_matter",
    "notice_ok",
    "pmc_decision_adopted",
    "pmc_meeting_quorate",
    "pmc_problems",
    "preparatory_group_problems",
    "publication_deadline",
    "reelection_required",
    "removal_motion_required",
    "temporary_meeting_required",
    "unnoticed_matters",
    "validate_seats",
    "window_problems",
]

#: Decisions that are not the assembly's to take: art. 279 needs every interested owner.
NOT_ASSEMBLY_MATTERS = frozenset({"dwelling_to_business"})
NATIONAL_MAX_SEATS = 11


def notice_ok(
    notice_date: date, meeting_date: date, rule: str = "CLEAR_15", min_days: int = 15
) -> bool:
    """Return whether the notice came early enough (art. 35; Civil Code art. 201)."""
    days = (meeting_date - notice_date).days
    if rule == "CLEAR_15":
        return days >= min_days + 1
    if rule == "PLAIN_15":
        return days >= min_days
    raise ValueError(f"unknown notice rule {rule!r}")


def publication_deadline(decision_date: date, holidays: Collection[date]) -> date:
    """Return the last day to publish a decision (art. 37, 「三日内」, Civil Code art. 203).

    ``holidays`` must list every 法定休假日 that applies, weekends included where they do.
    """
    last = decision_date + timedelta(days=3)
    while last in holidays:
        last += timedelta(days=1)
    return last


def committee_minimum(households: int) -> int:
    """Return the legal minimum of committee members: 3 at ≤ 100 households, else 5."""
    return 3 if households <= 100 else 5


def validate_seats(seats: int, alternates: int, households: int) -> list[Problem]:
    """Check committee seats and alternates (Beijing art. 39); above 11 is only a warning."""
    problems = []
    minimum = committee_minimum(households)
    if seats % 2 == 0:
        problems.append(
            Problem(
                "SEATS_EVEN", f"委员人数 {seats} 须为单数", f"{seats} seats: the number must be odd"
            )
        )
    if seats < minimum:
        problems.append(
            Problem(
                "SEATS_BELOW_MINIMUM",
                f"{households} 户的小区委员人数不得少于 {minimum} 人",
                f"A community of {households} households needs at least {minimum} seats",
            )
        )
    if alternates < 0 or alternates > seats:
        problems.append(
            Problem(
                "ALTERNATES_OUT_OF_RANGE",
                f"候补委员人数 {alternates} 须在 0 至委员人数 {seats} 之间",
                f"Alternates ({alternates}) must be between 0 and the seats ({seats})",
            )
        )
    if seats > NATIONAL_MAX_SEATS:
        problems.append(
            Problem(
                "SEATS_ABOVE_NATIONAL_RANGE",
                f"委员人数 {seats} 超过《业主大会和业主委员会指导规则》所定的 11 人",
                f"{seats} seats exceed the national guideline's 11",
                WARNING,
            )
        )
    return problems


def founding_application_ok(
    delivered_area: int,
    total_area: int,
    total_heads: int,
    applicant_heads: int = 0,
    applicant_area: int = 0,
    by_developer: bool = False,
) -> bool:
    """Return whether an application to found the assembly may proceed (Beijing art. 30)."""
    if total_area <= 0 or 2 * delivered_area < total_area:
        return False
    return by_developer or 20 * applicant_heads >= total_heads or 20 * applicant_area >= total_area


def temporary_meeting_required(proposers: int, owners: int) -> bool:
    """Return whether proposers reach 20% of owners by headcount (art. 35, inclusive)."""
    return owners > 0 and 5 * proposers >= owners


def committee_meeting_quorate(attendees: int, members: int) -> bool:
    """Return whether more than half of the members attend (art. 45)."""
    return 2 * attendees > members


def committee_decision_adopted(signers: int, members: int) -> bool:
    """Return whether a decision is signed by more than half of ALL members (art. 45)."""
    return 2 * signers > members


def removal_motion_required(absences: int, meetings: int) -> bool:
    """Return whether a member missed half or more of the year's meetings (art. 46)."""
    return meetings > 0 and 2 * absences >= meetings


def reelection_required(seats: int, vacancies: int, alternates: int) -> bool:
    """Return whether members left after alternates fill vacancies are under half (art. 48)."""
    remaining = seats - vacancies + min(alternates, vacancies)
    return 2 * remaining < seats


def pmc_problems(members: int, owner_reps: int) -> list[Problem]:
    """Check a 物管会's composition: at least 7, odd, owners' reps at least half (art. 54)."""
    size = None
    if members < 7 or members % 2 == 0:
        size = Problem(
            "PMC_SIZE",
            f"物业管理委员会须为 7 人以上单数，现为 {members} 人",
            f"A property management committee needs an odd 7 or more, not {members}",
        )
    body = ("物业管理委员会", "committee")
    return _composition(size, "PMC_OWNER_REPS", body, members, owner_reps)


def pmc_meeting_quorate(
    members: int, attendees: int, owner_reps: int, owner_rep_attendees: int
) -> bool:
    """Return whether a 物管会 meeting is quorate (art. 57)."""
    return 2 * attendees > members and 2 * owner_rep_attendees > owner_reps


def pmc_decision_adopted(signers: int, members: int) -> bool:
    """Return whether a 物管会 decision is signed by more than half of all members (art. 57)."""
    return 2 * signers > members


def preparatory_group_problems(members: int, owner_reps: int) -> list[Problem]:
    """Check a preparatory group (筹备组): odd, owners' reps at least half (art. 31)."""
    size = None
    if members % 2 == 0:
        size = Problem(
            "PREP_GROUP_EVEN",
            f"筹备组人数 {members} 须为单数",
            f"The preparatory group ({members}) must be odd",
        )
    return _composition(size, "PREP_GROUP_OWNER_REPS", ("筹备组", "group"), members, owner_reps)


def _composition(
    size: Problem | None, reps_code: str, body: tuple[str, str], members: int, owner_reps: int
) -> list[Problem]:
    """The body's size problem, if any, then whether owners' representatives are at least half
    of its members (arts. 31 and 54 ask the same of both bodies)."""
    problems = [size] if size else []
    if 2 * owner_reps < members:
        body_zh, body_en = body
        problems.append(
            Problem(
                reps_code,
                f"{body_zh}中业主代表（{owner_reps} 人）不得少于半数",
                f"Owners' representatives ({owner_reps}) must be at least half the {body_en}",
            )
        )
    return problems


def first_meeting_in_time(formed_on: date, meeting_on: date, max_days: int = 60) -> bool:
    """Return whether the first meeting is held within 60 days of the group's forming (art. 32)."""
    return 0 <= (meeting_on - formed_on).days <= max_days


def window_problems(opens_at: date, closes_at: date, procedure: Procedure) -> list[Problem]:
    """Check the voting window against window_days_min and window_days_max (DOMAIN 2.7)."""
    length = closes_at - opens_at
    lo, hi = procedure.window_days_min, procedure.window_days_max
    if length < timedelta(days=lo):
        return [
            Problem(
                "WINDOW_TOO_SHORT",
                f"表决期限不得少于 {lo} 日",
                f"The voting window must be at least {lo} days",
            )
        ]
    if length > timedelta(days=hi):
        return [
            Problem(
                "WINDOW_TOO_LONG",
                f"表决期限不得超过 {hi} 日",
                f"The voting window must not exceed {hi} days",
            )
        ]
    return []


def is_assembly_matter(kind_of_decision: str) -> bool:
    """Return False for decisions the assembly may not vote on (art. 279 住改商)."""
    return kind_of_decision not in NOT_ASSEMBLY_MATTERS


def unnoticed_matters(noticed_ids: Iterable[str], ballot_ids: Iterable[str]) -> list[Problem]:
    """Return one problem per ballot matter that was not in the notice (art. 35)."""
    noticed = set(noticed_ids)
    return [
        Problem(
            "MATTER_NOT_NOTICED",
            f"表决事项 {matter_id} 未在会议通知中公告，不得表决",
            f"Matter {matter_id} was not in the notice and cannot be voted on",
        )
        for matter_id in ballot_ids
        if matter_id not in noticed
    ]
