"""Trustees' passphrases: six groups of four characters from an alphabet without look-alikes.

Twenty-four characters from 31 give 118 bits: with scrypt in front (FORMATS §9.9) nobody can
guess one. A trustee types it as printed on the key card; spaces, dashes and lower case are
forgiven (the normal form is upper case in dash-separated groups of four).
"""

import re
import secrets

#: No 0/O, 1/I/L: what is printed is read back without doubt.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
GROUPS, GROUP_SIZE = 6, 4
_SEPARATORS = re.compile(r"[\s\-‐-―－_]+")


def new_passphrase() -> str:
    """A fresh random passphrase, e.g. ``7KQM-3XHD-…`` (never stored, never logged)."""
    chars = "".join(secrets.choice(ALPHABET) for _ in range(GROUPS * GROUP_SIZE))
    return "-".join(chars[i : i + GROUP_SIZE] for i in range(0, len(chars), GROUP_SIZE))


def normal_passphrase(typed: str) -> str:
    """The passphrase as sealed, from what a trustee typed: a printed passphrase typed with
    spaces, other dashes or lower case gives the printed form; anything else is kept as is."""
    compact = _SEPARATORS.sub("", typed or "").upper()
    if len(compact) == GROUPS * GROUP_SIZE and all(c in ALPHABET for c in compact):
        return "-".join(compact[i : i + GROUP_SIZE] for i in range(0, len(compact), GROUP_SIZE))
    return (typed or "").strip()
