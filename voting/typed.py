"""What residents and staff type: full-width digits, letters and spaces made plain.

Chinese input methods type "２３８８" and the ideographic space "　". NFKC turns them into
"2388" and " ", so every field where a number or a code is typed compares what was meant.
Applied only to such fields: NFKC would also turn the full-width comma of Chinese prose into
an ASCII one.
"""

import re
import unicodedata

_TYPED_AREA = re.compile(r"(\d+)(?:\.(\d{1,2}))?")


def plain(value: str | None) -> str | None:
    """The value in NFKC form, trimmed; None stays None (a WTForms filter and an API helper)."""
    if value is None:
        return None
    return unicodedata.normalize("NFKC", value).strip()


def plain_code(value: str | None) -> str:
    """A typed code or number with every space removed ("２３ ８８" → "2388")."""
    return "".join((plain(value) or "").split())


def area_text(value: str | None) -> str:
    """A typed area ("１,234.5 ") written as the documents write areas ("1234.50", what
    ``voting.rules.parse_area`` reads); ValueError when it is not a number with at most two
    decimals (nothing typed included)."""
    text = plain_code(value).replace(",", "")
    match = _TYPED_AREA.fullmatch(text)
    if match is None:
        raise ValueError(f"not an area: {value!r}")
    whole, cents = match.groups()
    return f"{int(whole)}.{int((cents or '0').ljust(2, '0')):02d}"
