"""Quiet hours in Beijing time, including windows that run past midnight."""

from datetime import UTC, datetime, timedelta

import pytest

from voting.quiet import is_quiet, parse, quiet_ends, window_text


def beijing(hour: int, minute: int = 0) -> datetime:
    """2026-03-02 at that Beijing time, in UTC."""
    return datetime(2026, 3, 2, hour, minute, tzinfo=UTC) - timedelta(hours=8)


@pytest.mark.parametrize(
    ("hour", "minute", "quiet"),
    [(20, 59, False), (21, 0, True), (23, 30, True), (0, 0, True), (7, 59, True), (8, 0, False)],
)
def test_the_default_window_runs_from_nine_at_night_to_eight_in_the_morning(hour, minute, quiet):
    assert is_quiet(beijing(hour, minute), "21:00-08:00") is quiet


def test_the_window_ends_at_eight_the_next_morning_or_the_same_morning():
    assert quiet_ends(beijing(22), "21:00-08:00") == beijing(8) + timedelta(days=1)
    assert quiet_ends(beijing(3), "21:00-08:00") == beijing(8)
    assert quiet_ends(beijing(12), "21:00-08:00") == beijing(12)


def test_a_daytime_window_and_an_empty_setting():
    assert is_quiet(beijing(12, 30), "12:00-13:00") and not is_quiet(beijing(13), "12:00-13:00")
    assert not is_quiet(beijing(23), "") and parse("") is None and window_text("") == ""
    assert window_text("21:00-08:00") == "21:00–08:00"


def test_a_malformed_setting_is_refused_with_its_name():
    with pytest.raises(ValueError, match="VOTING_QUIET_HOURS"):
        parse("nine to eight")
