"""Meetings of the owners' assembly: plans, matters, notice, roster snapshot, credentials."""
