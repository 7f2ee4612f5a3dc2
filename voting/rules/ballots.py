"""One answer per person and matter from several ballots (DOMAIN 2.2 rule 4, 2.4)."""

from __future__ import annotations

from collections.abc import Sequence

from voting.rules.tally import INVALID, Answer


def _same(answer: Answer) -> object:
    return answer if answer is None or isinstance(answer, str) else tuple(sorted(answer))


def co_owner_answer(answers: Sequence[Answer]) -> Answer:
    """Combine co-owners' answers without a representative: conflicting ones are invalid.

    CO_OWNER_CONFLICT is resolved as one invalid ballot (DOMAIN 2.2 rule 4, the default).
    """
    if not answers:
        return None
    if len({_same(answer) for answer in answers}) == 1:
        return answers[0]
    return INVALID


def resolve_duplicates(answers: Sequence[Answer], policy: str) -> Answer:
    """Pick the answer that counts from one person's ballots, in the order they arrived.

    ``first_valid`` keeps the first answer that is not invalid; ``reject_all`` turns
    two or more ballots into one invalid ballot: the person did take part.
    """
    if not answers:
        return None
    if policy == "first_valid":
        return next((a for a in answers if a != INVALID), INVALID)
    if policy == "reject_all":
        return answers[0] if len(answers) == 1 else INVALID
    raise ValueError(f"unknown duplicate policy {policy!r}")
