"""API v1 endpoints of the results feature (FORMATS.md §7)."""

from voting.api import bp  # noqa: F401
