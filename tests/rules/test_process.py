"""Process rules: TV-23 to TV-26 and the other Beijing numeric checks of DOMAIN 2.7."""

from datetime import date, datetime, timedelta

import pytest

from voting.rules.process import (
    committee_decision_adopted,
    committee_meeting_quorate,
    committee_minimum,
    first_meeting_in_time,
    founding_application_ok,
    is_assembly_matter,
    notice_ok,
    pmc_decision_adopted,
    pmc_meeting_quorate,
    pmc_problems,
    preparatory_group_problems,
    publication_deadline,
    reelection_required,
    removal_motion_required,
    temporary_meeting_required,
    unnoticed_matters,
    validate_seats,
    window_problems,
)

from .support import procedure


@pytest.mark.parametrize(
    ("notice", "clear", "plain"),
    [
        (date(2024, 6, 4), True, True),
        (date(2024, 6, 5), False, True),
        (date(2024, 6, 6), False, False),
    ],
)
def test_tv23_notice_period(notice, clear, plain):
    meeting = date(2024, 6, 20)
    assert notice_ok(notice, meeting) is clear
    assert notice_ok(notice, meeting, "CLEAR_15") is clear
    assert notice_ok(notice, meeting, "PLAIN_15") is plain


def test_notice_rule_must_be_known():
    with pytest.raises(ValueError):
        notice_ok(date(2024, 6, 1), date(2024, 6, 20), "CLEAR_14")


def test_tv24_publication_deadline():
    assert publication_deadline(date(2024, 6, 17), set()) == date(2024, 6, 20)
    holidays = {date(2024, 9, 15), date(2024, 9, 16), date(2024, 9, 17)}
    assert publication_deadline(date(2024, 9, 12), holidays) == date(2024, 9, 18)


def test_publication_deadline_ignores_holidays_before_the_last_day():
    holidays = {date(2024, 6, 18), date(2024, 6, 19)}
    assert publication_deadline(date(2024, 6, 17), holidays) == date(2024, 6, 20)


@pytest.mark.parametrize(("proposers", "required"), [(4, True), (3, False), (5, True)])
def test_tv25_temporary_meeting_trigger(proposers, required):
    assert temporary_meeting_required(proposers, 20) is required


def test_temporary_meeting_needs_owners():
    assert not temporary_meeting_required(0, 0)


@pytest.mark.parametrize(("absences", "required"), [(6, True), (5, False), (12, True)])
def test_tv26_removal_motion(absences, required):
    assert removal_motion_required(absences, 12) is required
    assert not removal_motion_required(0, 0)


@pytest.mark.parametrize(("alternates", "required"), [(1, False), (0, True), (3, False)])
def test_tv26_reelection_trigger(alternates, required):
    assert reelection_required(5, 3, alternates) is required


def test_tv26_committee_meeting_and_decision():
    assert committee_meeting_quorate(3, 5)
    assert not committee_meeting_quorate(2, 5)
    assert not committee_decision_adopted(2, 5)
    assert committee_decision_adopted(3, 5)


@pytest.mark.parametrize(("households", "minimum"), [(1, 3), (100, 3), (101, 5), (3000, 5)])
def test_committee_minimum(households, minimum):
    assert committee_minimum(households) == minimum


@pytest.mark.parametrize(
    ("seats", "alternates", "households", "codes"),
    [
        (3, 3, 100, []),
        (3, 0, 101, ["SEATS_BELOW_MINIMUM"]),
        (5, 5, 500, []),
        (6, 2, 500, ["SEATS_EVEN"]),
        (5, 6, 500, ["ALTERNATES_OUT_OF_RANGE"]),
        (4, -1, 100, ["SEATS_EVEN", "ALTERNATES_OUT_OF_RANGE"]),
        (13, 3, 5000, ["SEATS_ABOVE_NATIONAL_RANGE"]),
    ],
)
def test_validate_seats(seats, alternates, households, codes):
    problems = validate_seats(seats, alternates, households)
    assert [p.code for p in problems] == codes
    assert all(p.zh and p.en for p in problems)


def test_seats_above_eleven_only_warn():
    [problem] = validate_seats(13, 0, 5000)
    assert problem.severity == "warning"
    assert validate_seats(2, 0, 50)[0].severity == "error"


def test_founding_application():
    # Half the area delivered, inclusive; then 5% of heads or of area, or the developer.
    assert founding_application_ok(500, 1000, 100, applicant_heads=5)
    assert not founding_application_ok(499, 1000, 100, applicant_heads=50)
    assert not founding_application_ok(500, 1000, 100, applicant_heads=4, applicant_area=49)
    assert founding_application_ok(500, 1000, 100, applicant_heads=4, applicant_area=50)
    assert founding_application_ok(600, 1000, 100, by_developer=True)
    assert not founding_application_ok(0, 0, 0, by_developer=True)


def test_pmc_composition_and_meetings():
    assert pmc_problems(7, 4) == []
    assert [p.code for p in pmc_problems(8, 4)] == ["PMC_SIZE"]
    assert [p.code for p in pmc_problems(5, 2)] == ["PMC_SIZE", "PMC_OWNER_REPS"]
    assert pmc_problems(9, 5) == [] and [p.code for p in pmc_problems(9, 4)] == ["PMC_OWNER_REPS"]
    assert pmc_meeting_quorate(7, 4, 4, 3)
    assert not pmc_meeting_quorate(7, 4, 4, 2)
    assert not pmc_meeting_quorate(7, 3, 4, 3)
    assert pmc_decision_adopted(4, 7) and not pmc_decision_adopted(3, 7)


def test_preparatory_group():
    assert preparatory_group_problems(5, 3) == []
    assert [p.code for p in preparatory_group_problems(6, 3)] == ["PREP_GROUP_EVEN"]
    assert [p.code for p in preparatory_group_problems(7, 3)] == ["PREP_GROUP_OWNER_REPS"]


def test_first_meeting_within_sixty_days():
    formed = date(2024, 1, 1)
    assert first_meeting_in_time(formed, formed + timedelta(days=60))
    assert not first_meeting_in_time(formed, formed + timedelta(days=61))


@pytest.mark.parametrize(
    ("days", "codes"), [(4, ["WINDOW_TOO_SHORT"]), (5, []), (60, []), (61, ["WINDOW_TOO_LONG"])]
)
def test_voting_window(days, codes):
    opens = datetime(2024, 6, 20, 8, 0)
    problems = window_problems(opens, opens + timedelta(days=days), procedure())
    assert [p.code for p in problems] == codes


def test_voting_window_follows_the_settings():
    proc = procedure(window_days_min=7, window_days_max=14)
    opens = date(2024, 6, 20)
    assert [p.code for p in window_problems(opens, opens + timedelta(days=6), proc)] == [
        "WINDOW_TOO_SHORT"
    ]
    assert window_problems(opens, opens + timedelta(days=14), proc) == []


def test_dwelling_to_business_is_not_an_assembly_matter():
    assert not is_assembly_matter("dwelling_to_business")
    assert is_assembly_matter("fee_change")


def test_matters_not_in_the_notice_are_refused():
    problems = unnoticed_matters(["m1", "m2"], ["m1", "m3", "m4"])
    assert [p.code for p in problems] == ["MATTER_NOT_NOTICED"] * 2
    assert "m3" in problems[0].en and "m3" in problems[0].zh
    assert unnoticed_matters(["m1", "m2"], ["m2"]) == []
