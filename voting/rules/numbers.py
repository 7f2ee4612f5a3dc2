"""Exact number formats of the public documents (FORMATS §2): areas and ratios as strings."""

from __future__ import annotations

import re
from math import gcd

_AREA_RE = re.compile(r"[0-9]+\.[0-9]{2}")


def fmt_area(area: int) -> str:
    """Format an area in 0.01 m² as a decimal string with two decimals ("1234.50")."""
    if isinstance(area, bool) or not isinstance(area, int) or area < 0:
        raise ValueError(f"area must be a non-negative integer of 0.01 m²: {area!r}")
    return f"{area // 100}.{area % 100:02d}"


def parse_area(text: str) -> int:
    """Parse a two-decimal area string into 0.01 m², strictly (^\\d+\\.\\d{2}$)."""
    # ASCII digits only: int() would also accept other scripts' digits.
    if not isinstance(text, str) or _AREA_RE.fullmatch(text) is None:
        raise ValueError(f"not an area with exactly two decimals: {text!r}")
    return int(text[:-3]) * 100 + int(text[-2:])


def fmt_ratio(num: int, den: int) -> str:
    """Format num/den as a reduced fraction string; "0/1" when den is 0."""
    if den == 0:
        return "0/1"
    if num < 0 or den < 0:
        raise ValueError(f"ratio of negative numbers: {num}/{den}")
    g = gcd(num, den)
    return f"{num // g}/{den // g}"
