"""API v1 endpoints of the meetings feature (FORMATS.md §7)."""

from voting.api import bp  # noqa: F401
