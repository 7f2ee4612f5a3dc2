"""Anomalies of a meeting, each with its evidence: what happened, when, which link or voter
(masked), how many. ``anomalies_for_meeting`` returns data; pages and the API render it.

Thresholds are app settings (``VOTING_ANOMALY_*``, defaults in voting.config). A clean
meeting raises none. Evidence never shows how anyone voted: no answers, only times,
channels, masked names and unit labels, which staff in scope see on the roster anyway.
"""

from flask import current_app

from voting.meetings.models import Meeting
from voting.results.deadline import publication_due
from voting.supervision.ballot_checks import (
    assisted_anomalies,
    burst_anomalies,
    changed_ballot_anomalies,
    conflict_anomalies,
    keyed_after_close_anomalies,
    late_anomalies,
    not_me_anomalies,
    proxy_anomalies,
)
from voting.supervision.evidence import Anomaly, Evidence, make_anomaly
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
        *assisted_anomalies(meeting),
        *proxy_anomalies(meeting, limits),
        *not_me_anomalies(meeting),
        *conflict_anomalies(meeting),
        *late_anomalies(meeting),
        *keyed_after_close_anomalies(meeting),
        *changed_ballot_anomalies(meeting),
        *publication_anomalies(meeting),
    ]


def publication_anomalies(meeting: Meeting) -> list[Anomaly]:
    """The result was not published within the 3 days of Beijing art. 37, or not at all."""
    due = publication_due(meeting)
    if due is None or not (due.overdue or due.late):
        return []
    evidence = [Evidence(due.due_at, None, {"due_on": due.due_on.isoformat()})]
    if due.published_at is not None:
        evidence.append(Evidence(due.published_at, None, {"event": "published"}))
    late_days = ((due.published_at or due.now) - due.due_at).days + 1
    return [
        make_anomaly(
            "publication_late" if due.late else "publication_overdue",
            meeting.title,
            {"days": late_days},
            evidence,
        )
    ]
