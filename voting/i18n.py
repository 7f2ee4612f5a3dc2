"""Marking texts for translation where they cannot be translated at once.

``N_("草稿")`` returns its argument unchanged; ``pybabel extract`` collects it (``N_`` is one
of Babel's default keywords), so that a label kept in a module-level dict is in the catalog
and the page that shows it can call ``_()`` on it in the reader's language. Pure: no Flask.
"""


def N_(text: str) -> str:
    """Mark ``text`` for extraction; translate it later, where it is shown."""
    return text


__all__ = ["N_"]
