"""Times: stored in UTC, typed and shown in Asia/Shanghai, published as RFC 3339 UTC text.

Pure standard library, so that pages, the API, services and result documents share one
reading of a time.
"""

from datetime import UTC, datetime
from typing import overload
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def to_utc(local: datetime | None) -> datetime | None:
    """A wall-clock time typed in Beijing time, as an aware UTC datetime.

    None if nothing was typed or the time has no UTC equivalent (year 1 at midnight, say).
    """
    if local is None:
        return None
    try:
        return local.replace(tzinfo=SHANGHAI).astimezone(UTC)
    except (OverflowError, ValueError):
        return None


def to_local(moment: datetime | None) -> datetime | None:
    """An aware datetime as naive Beijing wall-clock time, for a datetime-local input."""
    return None if moment is None else moment.astimezone(SHANGHAI).replace(tzinfo=None)


@overload
def rfc3339(moment: datetime) -> str: ...
@overload
def rfc3339(moment: None) -> None: ...
@overload
def rfc3339(moment: datetime | None) -> str | None: ...
def rfc3339(moment: datetime | None) -> str | None:
    """An aware datetime as RFC 3339 UTC with seconds, e.g. ``2024-06-20T08:00:00Z``."""
    return None if moment is None else moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
