"""The domain error of the ballots feature: a stable code, zh-CN and English text, a status."""


class BallotError(ValueError):
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
        super().__init__(zh)
        self.code, self.zh, self.en = code, zh, en
        self.status, self.details, self.keep = status, details or [], keep

    def text(self, lang: str = "zh") -> str:
        """The message in ``lang`` ("zh" or "en")."""
        return self.en if lang == "en" else self.zh
