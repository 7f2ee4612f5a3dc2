"""The domain error of the ballots feature: a stable code, zh-CN and English text, a status."""

from voting.errors import DomainError
from voting.rules.problems import Problem

#: Refusals that count against the failure budgets of the address and the link.
FAILURES = ("unknown_token", "verification_failed", "locked")


class BallotError(DomainError, ValueError):
    """A ballot or an entry refused.

    ``status`` is the HTTP status the refusal is answered with; ``details`` lists the
    problems of each matter; ``keep`` says that what the service flushed before refusing
    (a failed identity check, a listed conflict, a mismatched entry) must be committed.
    """

    def __init__(
        self,
        code: str,
        zh: str,
        en: str,
        *,
        status: int = 422,
        details: list[dict] | None = None,
        keep: bool = False,
    ) -> None:
        super().__init__(Problem(code, zh, en), status, keep=keep)
        self.zh, self.en, self.details = zh, en, details or []
        self.failure = code in FAILURES

    @classmethod
    def of(cls, texts: dict[str, tuple[int, str, str]], code: str, **kwargs) -> "BallotError":
        """The refusal ``code`` with its status and texts from a table of refusals."""
        status, zh, en = texts[code]
        return cls(code, zh, en, status=status, **kwargs)

    def error_code(self) -> str:
        """The code as the service gave it."""
        return self.code

    def error_details(self, lang: str = "zh") -> list[dict]:
        """Each matter's problem, in ``lang``."""
        return [
            {
                "matter": d.get("matter"),
                "code": d.get("code"),
                "message": d.get("en") if lang == "en" else d.get("zh"),
            }
            for d in self.details
        ]
