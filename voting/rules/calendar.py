"""Rest days and the publication deadline of Beijing art. 37 (DOMAIN.md 2.7, TV-24).

Decisions are published within 3 days of being made: the decision day is not counted (Civil
Code art. 201), the period ends at 24:00 of its last day (art. 203), and a last day that is a
statutory rest day (法定休假日: a weekend day that is not a 调休 working day, or a public
holiday) moves to the first day after the rest ends. The calendar is an input; ``CHINA`` holds
the State Council's arrangements as data.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

PUBLICATION_DAYS = 3


def _days(first: str, last: str | None = None) -> frozenset[date]:
    start = date.fromisoformat(first)
    end = date.fromisoformat(last) if last else start
    return frozenset(start + timedelta(days=n) for n in range((end - start).days + 1))


@dataclass(frozen=True)
class HolidayCalendar:
    """Public holidays and the weekend days made working days (调休上班)."""

    holidays: frozenset[date] = field(default_factory=frozenset)
    workdays: frozenset[date] = field(default_factory=frozenset)

    def is_rest_day(self, day: date) -> bool:
        """True for a public holiday, or a Saturday or Sunday that is not a working day."""
        return day in self.holidays or (day.weekday() >= 5 and day not in self.workdays)


#: 国务院办公厅 notices on the holiday arrangements of 2025 (国办发明电〔2024〕12号) and 2026
#: (issued November 2025). For 2027 only the statutory days of 《全国年节及纪念日放假办法》
#: (2024 revision) are listed until the State Council publishes that year's arrangement: no 调休
#: yet, so a 2027 deadline may come out earlier than the final arrangement gives, never later.
CHINA = HolidayCalendar(
    holidays=frozenset().union(
        # 2025
        _days("2025-01-01"),
        _days("2025-01-28", "2025-02-04"),
        _days("2025-04-04", "2025-04-06"),
        _days("2025-05-01", "2025-05-05"),
        _days("2025-05-31", "2025-06-02"),
        _days("2025-10-01", "2025-10-08"),
        # 2026
        _days("2026-01-01", "2026-01-03"),
        _days("2026-02-15", "2026-02-23"),
        _days("2026-04-04", "2026-04-06"),
        _days("2026-05-01", "2026-05-05"),
        _days("2026-06-19", "2026-06-21"),
        _days("2026-09-25", "2026-09-27"),
        _days("2026-10-01", "2026-10-07"),
        # 2027: statutory days only (除夕, 初一至初三; 清明; 劳动节 2 days; 端午; 中秋; 国庆 3)
        _days("2027-01-01"),
        _days("2027-02-05", "2027-02-08"),
        _days("2027-04-05"),
        _days("2027-05-01", "2027-05-02"),
        _days("2027-06-09"),
        _days("2027-09-15"),
        _days("2027-10-01", "2027-10-03"),
    ),
    workdays=frozenset().union(
        _days("2025-01-26"),
        _days("2025-02-08"),
        _days("2025-04-27"),
        _days("2025-09-28"),
        _days("2025-10-11"),
        _days("2026-01-04"),
        _days("2026-02-14"),
        _days("2026-02-28"),
        _days("2026-05-09"),
        _days("2026-09-20"),
        _days("2026-10-10"),
    ),
)


def publication_deadline(
    decided_on: date, calendar: HolidayCalendar = CHINA, days: int = PUBLICATION_DAYS
) -> date:
    """The last day (publish by its 24:00) to post a decision made on ``decided_on``."""
    last = decided_on + timedelta(days=days)
    while calendar.is_rest_day(last):
        last += timedelta(days=1)
    return last
