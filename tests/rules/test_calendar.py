"""The publication deadline of Beijing art. 37 and the holiday calendar (DOMAIN.md TV-24)."""

from datetime import date

import pytest

from voting.rules.calendar import CHINA, HolidayCalendar, _days, publication_deadline


def test_tv24_no_holidays():
    calendar = HolidayCalendar()
    assert publication_deadline(date(2024, 6, 17), calendar) == date(2024, 6, 20)


def test_tv24_a_last_day_in_the_holiday_moves_to_the_day_after_it():
    # 2024-09-14 (Saturday) was a 调休 working day; 09-15..17 the Mid-Autumn holiday.
    calendar = HolidayCalendar(_days("2024-09-15", "2024-09-17"), _days("2024-09-14"))
    assert publication_deadline(date(2024, 9, 12), calendar) == date(2024, 9, 18)


@pytest.mark.parametrize(
    ("decided", "deadline"),
    [
        ("2025-06-16", "2025-06-19"),  # Monday: Thursday, nothing in the way
        ("2025-06-18", "2025-06-23"),  # day 3 is a Saturday: the next Monday
        ("2025-09-26", "2025-09-29"),  # day 3 is Monday 09-29
        ("2025-09-25", "2025-09-28"),  # day 3 is Sunday 09-28, a 调休 working day
        ("2025-09-29", "2025-10-09"),  # National Day and Mid-Autumn: 10-01..08
        ("2026-02-11", "2026-02-14"),  # Saturday 02-14 is a working day before Spring Festival
        ("2026-02-12", "2026-02-24"),  # day 3 is 02-15, the holiday runs to 02-23
        ("2026-04-30", "2026-05-06"),  # Labour Day 05-01..05
        ("2026-12-29", "2027-01-04"),  # 2027-01-01 Friday, then the weekend
        ("2027-02-03", "2027-02-09"),  # Spring Festival 2027: the statutory days
    ],
)
def test_the_official_calendar(decided, deadline):
    assert publication_deadline(date.fromisoformat(decided)) == date.fromisoformat(deadline)


def test_the_calendar_covers_2025_to_2027_and_workdays_are_weekend_days():
    years = {d.year for d in CHINA.holidays}
    assert years == {2025, 2026, 2027}
    assert all(d.weekday() >= 5 for d in CHINA.workdays)
    assert not CHINA.holidays & CHINA.workdays
    # Every public holiday of the Labour Day break 2025 is a rest day, its 调休 Sunday is not.
    assert all(CHINA.is_rest_day(d) for d in _days("2025-05-01", "2025-05-05"))
    assert not CHINA.is_rest_day(date(2025, 4, 27))
