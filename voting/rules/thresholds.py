"""Quorum and approval thresholds of Civil Code art. 278, in integer arithmetic (DOMAIN 2.3)."""

from __future__ import annotations

ORDINARY = "ordinary"
SPECIAL = "special"
CATEGORIES = (ORDINARY, SPECIAL)


def quorum_share_met(part: int, total: int) -> bool:
    """Return whether part/total ≥ 2/3 (「三分之二以上」, inclusive)."""
    return 3 * part >= 2 * total


def approval_share_met(category: str, agree: int, part: int) -> bool:
    """Return whether agree/part meets the category's approval; never when part is 0."""
    if part <= 0:
        return False
    if category == ORDINARY:
        return 2 * agree > part  # 过半数: strictly more than half
    if category == SPECIAL:
        return 4 * agree >= 3 * part  # 四分之三以上: inclusive
    raise ValueError(f"unknown category {category!r}")


def quorum_met(p_area: int, p_head: int, t_area: int, t_head: int) -> bool:
    """Return whether participation reaches 2/3 of both total area and total headcount."""
    # Nobody taking part is never a quorum, even on an empty roster.
    return p_head > 0 and quorum_share_met(p_area, t_area) and quorum_share_met(p_head, t_head)


def approval_met(category: str, a_area: int, a_head: int, p_area: int, p_head: int) -> bool:
    """Return whether support meets the category's approval on both area and headcount."""
    return approval_share_met(category, a_area, p_area) and approval_share_met(
        category, a_head, p_head
    )


def rule_dict(category: str) -> dict[str, str | bool]:
    """Return the "rule" member of a result document matter (FORMATS §4)."""
    if category == ORDINARY:
        return {"quorum": "2/3", "approval": "1/2", "approval_strict": True}
    if category == SPECIAL:
        return {"quorum": "2/3", "approval": "3/4", "approval_strict": False}
    raise ValueError(f"unknown category {category!r}")
