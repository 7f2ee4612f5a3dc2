"""The domain error of the meetings feature (and of supervision, whose refusals have the same
shape): every refusal carries zh-CN and English text."""

from voting.errors import DomainError, problem
from voting.rules.problems import Problem

__all__ = ["MeetingError", "of_matter", "problem"]


class MeetingError(DomainError, ValueError):
    """A meeting or supervision action refused; ``problems`` lists every reason, each in zh-CN
    and English; ``status`` is the HTTP status to answer with when the action sets none."""


def of_matter(n: int, found: Problem) -> Problem:
    """``found`` said of the plan's matter ``n``: "第 n 项：…", "Matter n: …"."""
    return Problem(found.code, f"第 {n} 项：{found.zh}", f"Matter {n}: {found.en}", found.severity)
