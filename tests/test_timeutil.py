"""Times typed in Beijing time are stored as UTC, shown back as typed, published as RFC 3339."""

from datetime import UTC, datetime, timedelta, timezone

from voting.timeutil import rfc3339, to_local, to_utc


def test_a_typed_time_becomes_utc_and_comes_back_as_typed():
    typed = datetime(2030, 3, 21, 9, 30)
    stored = to_utc(typed)
    assert stored == datetime(2030, 3, 21, 1, 30, tzinfo=UTC)
    assert stored.tzinfo is UTC and stored.utcoffset() == timedelta(0)
    assert to_local(stored) == typed
    assert to_utc(None) is None and to_local(None) is None


def test_a_time_without_utc_equivalent_is_none():
    assert to_utc(datetime(1, 1, 1, 0, 0)) is None
    assert to_utc(datetime(9999, 12, 31, 23, 59)) == datetime(9999, 12, 31, 15, 59, tzinfo=UTC)


def test_rfc3339_is_utc_with_seconds():
    moment = datetime(2024, 6, 20, 16, 0, 5, 999, tzinfo=timezone(timedelta(hours=8)))
    assert rfc3339(moment) == "2024-06-20T08:00:05Z"
    assert rfc3339(None) is None
