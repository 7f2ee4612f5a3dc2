"""What the words of a matter suggest: answers that make a question a motion.

The category of a matter is always chosen explicitly (DOMAIN.md 2.3: never inferred from
free text); words only ever prompt a question to the person choosing.
"""

import re
from collections.abc import Iterable

#: Labels of an agree / disagree / abstain question (compared without spaces or punctuation).
MOTION_ANSWERS = {
    "agree": ("同意", "赞成", "支持", "agree", "yes", "approve"),
    "disagree": ("不同意", "反对", "不赞成", "不支持", "disagree", "no", "oppose", "reject"),
    "abstain": ("弃权", "abstain", "abstention"),
}
_NOISE = re.compile(r"[\s\W_]+")


def _bare(text: str) -> str:
    return _NOISE.sub("", text).casefold()


def motion_answer(label: str) -> str | None:
    """``agree``, ``disagree`` or ``abstain`` for a label that says only that, else None."""
    bare = _bare(label)
    for answer, words in MOTION_ANSWERS.items():
        if bare in words:
            return answer
    return None


def is_motion_question(labels: Iterable[str]) -> bool:
    """True when the options are exactly agree and disagree, with or without abstain."""
    answers = [motion_answer(label) for label in labels]
    return sorted(a or "" for a in answers) in (
        ["agree", "disagree"],
        ["abstain", "agree", "disagree"],
    )
