"""API v1 endpoints of the ballots feature (FORMATS.md §7)."""

from voting.api import bp  # noqa: F401
