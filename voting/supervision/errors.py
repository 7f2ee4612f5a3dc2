"""Supervision refuses with the meetings' error: the same reasons in zh-CN and English, and a
status."""

from voting.meetings.errors import MeetingError
from voting.rules.problems import Problem

#: The one refusal class of meetings and supervision, under the name supervision code uses.
SupervisionError = MeetingError


def refuse(code: str, zh: str, en: str, status: int = 422) -> MeetingError:
    """A refusal with one reason."""
    return MeetingError(Problem(code, zh, en), status)
