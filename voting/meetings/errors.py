"""The domain error of the meetings feature: every refusal carries zh-CN and English text."""

from voting.rules.problems import Problem


class MeetingError(ValueError):
    """A meeting action refused; ``problems`` lists every reason, each in zh-CN and English."""

    def __init__(self, problems: list[Problem] | Problem) -> None:
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__("; ".join(p.zh for p in self.problems))

    @property
    def code(self) -> str:
        """The code of the first problem."""
        return self.problems[0].code

    def text(self, lang: str = "zh") -> str:
        """All reasons in one language, as one message."""
        return ("; " if lang == "en" else "；").join(p.text(lang) for p in self.problems)


def problem(code: str, zh: str, en: str) -> Problem:
    """A blocking problem (shorthand)."""
    return Problem(code, zh, en)
