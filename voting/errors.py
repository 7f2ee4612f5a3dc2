"""One shape for every refusal of the domain, and the one answer the app gives to it.

A service raises a subclass of ``DomainError``; a page or an API endpoint that has nothing
of its own to do about it lets it through, and ``voting.web`` answers it as FORMATS.md's
error object on the API, as the error page elsewhere. A view catches it only to react
differently (show the form again with the reason, count a failed try).
"""

from typing import Any

from voting.rules.problems import Problem


class DomainError(Exception):
    """An action refused, with every reason in zh-CN and English.

    ``code`` is the first reason's stable code; ``status`` the HTTP status to answer with;
    ``keep`` says that what the service flushed before refusing (a counted wrong try, a
    listed conflict) is committed, not rolled back. ``api_code`` names the refusal in the
    API's error object when it is not ``code`` in lower case. ``failure`` says that the
    refusal counts against the failure budgets of the client's address and link (a wrong
    token, a failed identity check).
    """

    status: int = 422
    keep: bool = False
    failure: bool = False
    api_code: str | None = None

    def __init__(
        self,
        problems: list[Problem] | Problem | str,
        status: int | None = None,
        *,
        keep: bool | None = None,
    ) -> None:
        if isinstance(problems, str):
            problems = Problem("refused", problems, problems)
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        self.code = self.problems[0].code if self.problems else "refused"
        if status is not None:
            self.status = status
        if keep is not None:
            self.keep = keep
        super().__init__("; ".join(p.zh for p in self.problems))

    def text(self, lang: str = "zh") -> str:
        """All reasons in one language, as one message."""
        return ("; " if lang == "en" else "；").join(p.text(lang) for p in self.problems)

    def error_code(self) -> str:
        """The ``code`` of the API's error object."""
        return self.api_code or self.code.lower()

    def error_details(self, lang: str = "zh") -> list[dict]:
        """The ``details`` of the API's error object: each reason with its code."""
        return [{"code": p.code, "message": p.text(lang)} for p in self.problems]


class Refused(DomainError, ValueError):
    """A refusal whose message is one sentence, the same in every language (the API answers
    it as ``invalid``, or ``api_code``)."""

    api_code = "invalid"

    def __init__(self, message: str = "", status: int | None = None) -> None:
        super().__init__(Problem("refused", str(message), str(message)), status)
        self.message = str(message)

    def error_details(self, lang: str = "zh") -> list[dict]:
        """None: the message says it all."""
        return []


class Said(Refused):
    """A refusal whose message may be a lazy translation, said in the language of the answer
    (the API answers it as ``refused``); ``status`` is 409 unless given."""

    api_code = "refused"

    def __init__(self, message: Any, status: int = 409) -> None:
        super().__init__(str(message), status)
        self.message = message

    def text(self, lang: str = "zh") -> str:
        """The message, translated when the answer is made."""
        return str(self.message)


def problem(code: str, zh: str, en: str) -> Problem:
    """A blocking problem (shorthand)."""
    return Problem(code, zh, en)
