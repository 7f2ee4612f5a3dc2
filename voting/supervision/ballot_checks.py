"""Checks on ballots: bursts from one address, busy proxy holders, refused second ballots,
ballots outside the window or logged after the close, ballots that differ from the log."""

from datetime import timedelta

from sqlalchemy import select

from voting.ballots.models import Ballot, BallotConflict, HelpDesk, ProxyAuthorisation
from voting.db import db
from voting.meetings.models import Meeting, Voter
from voting.rosters.identity import mask_name
from voting.supervision.evidence import (
    Anomaly,
    Evidence,
    grouped,
    make_anomaly,
    row_evidence,
    short_source,
    voter_label,
    voters_by_id,
)
from voting.supervision.records import (
    closed_seq,
    event_time,
    logged_ballot_entries,
    meeting_events,
)
from voting.timeutil import rfc3339

#: Audit events that a ballot, an entry or a proxy leaves; none should follow the close.
BALLOT_EVENTS = (
    "ballot.cast",
    "paper.entered",
    "paper.discarded",
    "ballot.conflict",
    "proxy.recorded",
)


def burst_anomalies(meeting: Meeting, limits: dict[str, int]) -> list[Anomaly]:
    """N or more ballots within M minutes from one address."""
    size, window = limits["VOTING_ANOMALY_BURST_BALLOTS"], limits["VOTING_ANOMALY_BURST_MINUTES"]
    rows = db.session.execute(
        select(Ballot.source_hash, Ballot.cast_at, Ballot.channel, Ballot.voter_id)
        .where(
            Ballot.meeting_id == meeting.id,
            Ballot.source_hash.is_not(None),
            Ballot.desk_id.is_(None),  # a help desk's ballots are listed apart (assisted)
        )
        .order_by(Ballot.source_hash, Ballot.cast_at)
    ).all()
    found = []
    for source, ballots in sorted(grouped(rows, lambda row: row.source_hash).items()):
        best: tuple[int, int] = (0, 0)
        start = 0
        for end in range(len(ballots)):
            while ballots[end].cast_at - ballots[start].cast_at > timedelta(minutes=window):
                start += 1
            if end - start + 1 > best[1] - best[0]:
                best = (start, end + 1)
        burst = ballots[best[0] : best[1]]
        if len(burst) < size:
            continue
        evidence = row_evidence(meeting, burst, "cast_at", lambda b: {"channel": b.channel})
        counts = {
            "ballots": len(burst),
            "minutes": window,
            "from_address": len(ballots),
            "threshold": size,
        }
        found.append(make_anomaly("ballot_burst", short_source(source), counts, evidence))
    return found


def assisted_anomalies(meeting: Meeting) -> list[Anomaly]:
    """Ballots cast at a committee's help desk, one entry per desk (always shown)."""
    rows = db.session.execute(
        select(Ballot.desk_id, Ballot.cast_at, Ballot.voter_id)
        .where(Ballot.meeting_id == meeting.id, Ballot.desk_id.is_not(None))
        .order_by(Ballot.desk_id, Ballot.cast_at)
    ).all()
    found = []
    for desk_id, ballots in sorted(grouped(rows, lambda row: row.desk_id).items()):
        desk = db.session.get(HelpDesk, desk_id)
        by = desk.opened_by
        evidence = row_evidence(meeting, ballots, "cast_at", lambda _b, by=by: {"actor": by})
        counts = {"ballots": len(ballots)}
        found.append(make_anomaly("assisted_ballots", desk.label, counts, evidence))
    return found


def proxy_anomalies(meeting: Meeting, limits: dict[str, int]) -> list[Anomaly]:
    """One proxy holder carrying more principals than the setting allows."""
    limit = limits["VOTING_ANOMALY_PROXIES"]
    proxies = db.session.scalars(
        select(ProxyAuthorisation)
        .where(ProxyAuthorisation.meeting_id == meeting.id)
        .order_by(ProxyAuthorisation.recorded_at)
    ).all()
    by_agent = grouped(proxies, lambda proxy: "".join(proxy.agent_name.split()).casefold())
    found = []
    for rows in by_agent.values():
        principals = {p.voter_id for p in rows}
        if len(principals) <= limit:
            continue
        evidence = row_evidence(
            meeting, rows, "recorded_at", lambda p: {"proxy_id": p.id, "recorded_by": p.recorded_by}
        )
        counts = {"principals": len(principals), "threshold": limit}
        found.append(
            make_anomaly("proxy_holder", mask_name(rows[0].agent_name.strip()), counts, evidence)
        )
    return found


def conflict_anomalies(meeting: Meeting) -> list[Anomaly]:
    """Refused second ballots: paper against online, or any channel twice."""
    conflicts = db.session.scalars(
        select(BallotConflict)
        .where(BallotConflict.meeting_id == meeting.id)
        .order_by(BallotConflict.attempted_at)
    ).all()
    if not conflicts:
        return []
    voters = voters_by_id(meeting, {c.voter_id for c in conflicts})
    evidence = [
        Evidence(
            c.attempted_at,
            voter_label(voters.get(c.voter_id)),
            {"channel": c.channel, "attempted_by": c.attempted_by, "reason": c.reason},
        )
        for c in conflicts
    ]
    counts = {"conflicts": len(conflicts), "voters": len(voters)}
    return [make_anomaly("ballot_conflicts", meeting.title, counts, evidence)]


def late_anomalies(meeting: Meeting) -> list[Anomaly]:
    """Ballots outside the window or after the close, and ballot events logged after it."""
    found = []
    late = select(Ballot).where(Ballot.meeting_id == meeting.id)
    outside = (Ballot.channel == "online") & (
        (Ballot.cast_at >= meeting.closes_at) | (Ballot.cast_at < meeting.opens_at)
    )
    if meeting.closed_at is not None:
        outside = outside | (Ballot.cast_at >= meeting.closed_at)
    ballots = db.session.scalars(late.where(outside).order_by(Ballot.cast_at)).all()
    if ballots:
        evidence = row_evidence(
            meeting,
            ballots,
            "cast_at",
            lambda b: {"channel": b.channel, "entered_by": b.entered_by},
        )
        found.append(
            make_anomaly(
                "ballots_outside_window", meeting.title, {"ballots": len(ballots)}, evidence
            )
        )
    seq = closed_seq(meeting)
    if seq is not None:
        events = [e for e in meeting_events(meeting, BALLOT_EVENTS) if e.seq > seq]
        if events:
            evidence = [
                Evidence(event_time(e.at), None, {"seq": e.seq, "type": e.type, "actor": e.actor})
                for e in events
            ]
            found.append(
                make_anomaly(
                    "logged_after_close",
                    meeting.title,
                    {"events": len(events), "closed_seq": seq},
                    evidence,
                )
            )
    return found


def changed_ballot_anomalies(meeting: Meeting) -> list[Anomaly]:
    """Ballots that differ from what the audit log recorded when they were cast."""
    from voting.ballots.services import board_entry, entry_seal

    logged = logged_ballot_entries(meeting)
    rows = db.session.execute(
        select(Ballot, Voter)
        .join(Voter, Voter.id == Ballot.voter_id)
        .where(Ballot.meeting_id == meeting.id)
        .order_by(Ballot.cast_at)
    ).all()
    unmatched = []
    for ballot, voter in rows:
        entry = entry_seal(board_entry(ballot, voter))
        if logged.get(entry, 0) > 0:
            logged[entry] -= 1
        else:
            unmatched.append((ballot, voter))
    orphans = sum(logged.values())
    if not unmatched and not orphans:
        return []
    evidence = [
        Evidence(b.cast_at, voter_label(v), {"channel": b.channel, "entered_by": b.entered_by})
        for b, v in unmatched
    ]
    counts = {"ballots": len(unmatched), "logged_without_ballot": orphans, "total": len(rows)}
    return [make_anomaly("ballots_changed", meeting.title, counts, evidence)]


def not_me_anomalies(meeting: Meeting) -> list[Anomaly]:
    """Owners who say the ballot recorded in their name is not theirs ("这不是我投的"), each
    with the ballot's evidence: channel, time, the clerks of a paper entry, the proxy
    document, the hashed source address; until the office answers, no countersignature."""
    from voting.ballots.owners import ballot_evidence, not_me_objections

    objections = not_me_objections(meeting.id)
    if not objections:
        return []
    voters = voters_by_id(meeting, {o.voter_id for o in objections})
    evidence = []
    for objection in objections:
        ballot = ballot_evidence(meeting.id, objection.voter_id)
        detail = {k: v for k, v in ballot.items() if k != "cast_at"}
        detail.update(objection_id=objection.id, filed_at=rfc3339(objection.filed_at),
                      answered=objection.answered_at is not None)  # fmt: skip
        if objection.text:
            detail["reason"] = objection.text
        at = ballot.get("cast_at") or objection.filed_at
        evidence.append(Evidence(at, voter_label(voters.get(objection.voter_id)), detail))
    unanswered = sum(1 for o in objections if o.answered_at is None)
    counts = {"objections": len(objections), "unanswered": unanswered}
    return [make_anomaly("not_me", meeting.title, counts, evidence)]


def keyed_after_close_anomalies(meeting: Meeting) -> list[Anomaly]:
    """Paper and proxy ballots keyed after the close although received before it: they count,
    and the office sees both times (a ballot received after the close is refused at entry)."""
    ballots = db.session.scalars(
        select(Ballot)
        .where(
            Ballot.meeting_id == meeting.id,
            Ballot.channel.in_(("paper", "proxy")),
            Ballot.cast_at >= meeting.closes_at,
            Ballot.received_at.is_not(None),
        )
        .order_by(Ballot.cast_at)
    ).all()
    if not ballots:
        return []
    evidence = row_evidence(meeting, ballots, "cast_at",
                            lambda b: {"channel": b.channel, "received_at": rfc3339(b.received_at),
                                       "keyed_at": rfc3339(b.cast_at),
                                       "entered_by": b.entered_by})  # fmt: skip
    counts = {"ballots": len(ballots)}
    return [make_anomaly("paper_keyed_after_close", meeting.title, counts, evidence)]
