"""Anomalies of a meeting, each with its evidence: what happened, when, which link or voter
(masked), how many. ``anomalies_for_meeting`` returns data; pages and the API render it.

Thresholds are app settings (``VOTING_ANOMALY_*``, defaults in voting.config). A clean
meeting raises none. Evidence never shows how anyone voted: no answers, only times,
channels, masked names and unit labels, which staff in scope see on the roster anyway.
"""

from flask import current_app

from voting.meetings.models import Meeting
from voting.supervision.ballot_checks import (
    burst_anomalies,
    changed_ballot_anomalies,
    conflict_anomalies,
    late_anomalies,
    proxy_anomalies,
)
from voting.supervision.evidence import Anomaly, Evidence
from voting.supervision.link_checks import failed_check_anomalies, reissue_anomalies

__all__ = ["Anomaly", "Evidence", "anomalies_for_meeting", "thresholds"]


def thresholds() -> dict[str, int]:
    """The configured thresholds, by setting name."""
    from voting.config import ANOMALY_DEFAULTS

    return {key: int(current_app.config.get(key, value)) for key, value in ANOMALY_DEFAULTS.items()}


def anomalies_for_meeting(meeting: Meeting) -> list[Anomaly]:
    """Every anomaly of the meeting under the configured thresholds (none before it opens)."""
    if meeting.opened_at is None:
        return []
    limits = thresholds()
    return [
        *reissue_anomalies(meeting, limits),
        *failed_check_anomalies(meeting, limits),
        *burst_anomalies(meeting, limits),
        *proxy_anomalies(meeting, limits),
        *conflict_anomalies(meeting),
        *late_anomalies(meeting),
        *changed_ballot_anomalies(meeting),
    ]
