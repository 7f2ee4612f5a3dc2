"""Checks on voters' links: many reissues, many wrong identity checks on a link or from an
address."""

from sqlalchemy import func, select

from voting.db import db
from voting.meetings.models import Credential, Meeting
from voting.supervision.evidence import (
    Anomaly,
    Evidence,
    grouped,
    make_anomaly,
    short_source,
    voter_label,
    voters_by_id,
)
from voting.supervision.models import IdentityCheckFailure


def reissue_anomalies(meeting: Meeting, limits: dict[str, int]) -> list[Anomaly]:
    """Many reissued links for one voter, or in the whole meeting."""
    per_voter = dict(
        db.session.execute(
            select(Credential.voter_id, func.count())
            .where(Credential.meeting_id == meeting.id)
            .group_by(Credential.voter_id)
            .having(func.count() > 1)
        ).all()
    )
    total = sum(count - 1 for count in per_voter.values())
    flagged = {
        v for v, count in per_voter.items() if count - 1 >= limits["VOTING_ANOMALY_REISSUES"]
    }
    if not flagged and total < limits["VOTING_ANOMALY_MEETING_REISSUES"]:
        return []
    revoked = db.session.scalars(
        select(Credential)
        .where(Credential.meeting_id == meeting.id, Credential.voter_id.in_(per_voter))
        .where(Credential.revoked_at.is_not(None))
        .order_by(Credential.revoked_at)
    ).all()
    voters = voters_by_id(meeting, set(per_voter))
    rows = [
        Evidence(
            c.revoked_at,
            voter_label(voters.get(c.voter_id)),
            {"credential_id": c.id, "reason": c.revoked_reason or ""},
        )
        for c in revoked
    ]
    found = [
        make_anomaly(
            "reissues_voter",
            voter_label(voters[v]) or "",
            {"reissues": per_voter[v] - 1, "threshold": limits["VOTING_ANOMALY_REISSUES"]},
            [r for r, c in zip(rows, revoked, strict=True) if c.voter_id == v],
        )
        for v in sorted(flagged)
    ]
    if total >= limits["VOTING_ANOMALY_MEETING_REISSUES"]:
        counts = {
            "reissues": total,
            "voters": len(per_voter),
            "threshold": limits["VOTING_ANOMALY_MEETING_REISSUES"],
        }
        found.append(make_anomaly("reissues_meeting", meeting.title, counts, rows))
    return found


def failed_check_anomalies(meeting: Meeting, limits: dict[str, int]) -> list[Anomaly]:
    """Many wrong identity checks on one link, or from one address across links."""
    failures = db.session.scalars(
        select(IdentityCheckFailure)
        .where(IdentityCheckFailure.meeting_id == meeting.id)
        .order_by(IdentityCheckFailure.failed_at, IdentityCheckFailure.id)
    ).all()
    per_link = limits["VOTING_ANOMALY_FAILED_CHECKS"]
    links = db.session.scalars(
        select(Credential).where(
            Credential.meeting_id == meeting.id,
            (Credential.failed_checks >= per_link) | Credential.locked_at.is_not(None),
        )
    ).all()
    by_address = grouped(
        (failure for failure in failures if failure.source_hash), lambda f: f.source_hash
    )
    addresses = {
        s: rows
        for s, rows in by_address.items()
        if len(rows) >= limits["VOTING_ANOMALY_ADDRESS_FAILURES"]
    }
    credential_voters = (
        dict(
            db.session.execute(
                select(Credential.id, Credential.voter_id).where(
                    Credential.id.in_(
                        {f.credential_id for rows in addresses.values() for f in rows}
                    )
                )
            ).all()
        )
        if addresses
        else {}
    )
    voters = voters_by_id(meeting, {c.voter_id for c in links} | set(credential_voters.values()))
    found = []
    for link in sorted(links, key=lambda c: c.id):
        label = voter_label(voters.get(link.voter_id)) or ""
        rows = [
            Evidence(
                f.failed_at,
                label,
                {"credential_id": link.id, "source": short_source(f.source_hash)},
            )
            for f in failures
            if f.credential_id == link.id
        ]
        if link.locked_at is not None:
            rows.append(Evidence(link.locked_at, label, {"credential_id": link.id, "locked": True}))
        counts = {
            "failed_checks": link.failed_checks,
            "locked": int(link.locked_at is not None),
            "threshold": per_link,
        }
        found.append(make_anomaly("failed_checks_link", label, counts, rows))
    for source, rows in sorted(addresses.items()):
        evidence = [
            Evidence(
                f.failed_at,
                voter_label(voters.get(credential_voters.get(f.credential_id))),
                {"credential_id": f.credential_id},
            )
            for f in rows
        ]
        counts = {
            "failures": len(rows),
            "links": len({f.credential_id for f in rows}),
            "threshold": limits["VOTING_ANOMALY_ADDRESS_FAILURES"],
        }
        found.append(make_anomaly("failed_checks_address", short_source(source), counts, evidence))
    return found
