"""Problems found by a check: a stable code plus zh-CN and English text."""

from __future__ import annotations

from dataclasses import dataclass

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    """One finding of a check, stable ``code`` plus the same text in zh-CN and English."""

    code: str
    zh: str
    en: str
    severity: str = ERROR

    def text(self, lang: str = "zh") -> str:
        """Return the text in ``lang`` ("zh" or "en")."""
        return self.en if lang == "en" else self.zh


def errors(problems: list[Problem]) -> list[Problem]:
    """Return only the problems that block (severity "error")."""
    return [p for p in problems if p.severity == ERROR]
