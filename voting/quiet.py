"""Quiet hours: no notice, link or reminder reaches a phone at night (Beijing time).

``VOTING_QUIET_HOURS`` is ``HH:MM-HH:MM`` in Beijing time (default ``21:00-08:00``); an
empty value turns quiet hours off. Codes and ballot alerts are not held back: the owner
asked for the one, and the other must arrive while a stolen ballot can still be reported.
"""

from datetime import UTC, datetime, time, timedelta

from voting.timeutil import SHANGHAI

DEFAULT = "21:00-08:00"


def parse(setting: str | None) -> tuple[time, time] | None:
    """The quiet window's start and end, or None when the setting is empty."""
    if not setting or not setting.strip():
        return None
    try:
        start, end = (time.fromisoformat(part.strip()) for part in setting.split("-"))
    except ValueError:
        raise ValueError(f"VOTING_QUIET_HOURS must be HH:MM-HH:MM, not {setting!r}") from None
    return (start, end) if start != end else None


def is_quiet(now: datetime, setting: str | None) -> bool:
    """True when ``now`` falls in the quiet window (which may run past midnight)."""
    window = parse(setting)
    if window is None:
        return False
    start, end = window
    local = now.astimezone(SHANGHAI).time().replace(tzinfo=None)
    if start < end:
        return start <= local < end
    return local >= start or local < end


def quiet_ends(now: datetime, setting: str | None) -> datetime:
    """When the quiet window around ``now`` ends (``now`` itself outside it), in UTC."""
    if not is_quiet(now, setting):
        return now
    _, end = parse(setting)  # type: ignore[misc]
    local = now.astimezone(SHANGHAI)
    ends = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    if ends <= local:
        ends += timedelta(days=1)
    return ends.astimezone(UTC)


def window_text(setting: str | None) -> str:
    """The window as people read it, e.g. ``21:00–08:00``."""
    window = parse(setting)
    if window is None:
        return ""
    return f"{window[0].strftime('%H:%M')}–{window[1].strftime('%H:%M')}"
