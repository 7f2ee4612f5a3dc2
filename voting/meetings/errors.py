"""The domain error of the meetings feature (and of supervision, whose refusals have the same
shape): every refusal carries zh-CN and English text."""

from voting.errors import DomainError, problem

__all__ = ["MeetingError", "problem"]


class MeetingError(DomainError, ValueError):
    """A meeting or supervision action refused; ``problems`` lists every reason, each in zh-CN
    and English; ``status`` is the HTTP status to answer with when the action sets none."""
