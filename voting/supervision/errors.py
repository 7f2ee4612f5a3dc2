"""The domain error of supervision: each refusal carries zh-CN and English text and a status."""

from voting.rules.problems import Problem


class SupervisionError(ValueError):
    """A supervision action refused; ``status`` is the HTTP status to answer with."""

    def __init__(self, problems: list[Problem] | Problem, status: int = 422) -> None:
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        self.status = status
        super().__init__("; ".join(p.zh for p in self.problems))

    @property
    def code(self) -> str:
        """The code of the first problem."""
        return self.problems[0].code

    def text(self, lang: str = "zh") -> str:
        """All reasons in one language, as one message."""
        return ("; " if lang == "en" else "；").join(p.text(lang) for p in self.problems)


def refuse(code: str, zh: str, en: str, status: int = 422) -> SupervisionError:
    """A refusal with one reason."""
    return SupervisionError(Problem(code, zh, en), status)
