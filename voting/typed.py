"""What residents and staff type: full-width digits, letters and spaces made plain.

Chinese input methods type "２３８８" and the ideographic space "　". NFKC turns them into
"2388" and " ", so every field where a number or a code is typed compares what was meant.
Applied only to such fields: NFKC would also turn the full-width comma of Chinese prose into
an ASCII one.
"""

import unicodedata


def plain(value: str | None) -> str | None:
    """The value in NFKC form, trimmed; None stays None (a WTForms filter and an API helper)."""
    if value is None:
        return None
    return unicodedata.normalize("NFKC", value).strip()


def plain_code(value: str | None) -> str:
    """A typed code or number with every space removed ("２３ ８８" → "2388")."""
    return "".join((plain(value) or "").split())
