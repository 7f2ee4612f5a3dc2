"""Written authorisations (委托书) for proxy ballots: agent, scope, term, and the scan."""

import hashlib
from datetime import datetime

from flask import current_app
from sqlalchemy import func, select

from voting.audit.services import record_event
from voting.auth.models import User
from voting.ballots.answers import ballot_form
from voting.ballots.errors import BallotError
from voting.ballots.models import ProxyAuthorisation
from voting.ballots.paper import (
    actor_of,
    refused,
    require_entry_open,
    require_member,
    require_voter,
)
from voting.ballots.services import voter_keys
from voting.db import db, utcnow
from voting.meetings.models import Meeting, Voter
from voting.uploads import safe_file_name, sniff_type


def record_proxy(
    meeting: Meeting,
    voter: Voter,
    user: User,
    *,
    agent_name: str,
    file_name: str,
    data: bytes,
    matters: list[str] | None = None,
    instructions: str = "",
    valid_until: datetime | None = None,
    now: datetime | None = None,
) -> ProxyAuthorisation:
    """Record a written authorisation (委托书): agent, scope, term, and its scan."""
    require_member(user, meeting)
    require_entry_open(meeting)
    require_voter(meeting, voter)
    now = now or utcnow()
    agent = (agent_name or "").strip()
    if not 1 <= len(agent) <= 100:
        raise refused("agent_required")
    form = ballot_form(meeting.id)
    scope = list(matters or [])
    if not all(isinstance(m, str) and m in form for m in scope) or len(set(scope)) != len(scope):
        raise refused("proxy_matters")
    if not isinstance(instructions, str) or len(instructions) > 2000:
        raise refused("proxy_instructions")
    if valid_until is not None and valid_until <= now:
        raise refused("proxy_expired")
    content_type = _upload_type(data)
    limit = (meeting.procedure or {}).get("max_principals_per_agent")
    if limit:
        principals = db.session.scalar(
            select(func.count(func.distinct(ProxyAuthorisation.voter_id))).where(
                ProxyAuthorisation.meeting_id == meeting.id,
                func.lower(ProxyAuthorisation.agent_name) == agent.lower(),
                ProxyAuthorisation.voter_id != voter.id,
            )
        )
        if principals >= limit:
            raise BallotError(
                "too_many_principals",
                f"议事规则规定每位受托人最多接受 {limit} 位业主的委托，{agent} 已达上限。",
                f"The rules allow at most {limit} principals per agent; {agent} has reached it.",
            )
    proxy = ProxyAuthorisation(
        **voter_keys(meeting, voter),
        agent_name=agent,
        matters=sorted(scope, key=list(form).index),
        instructions=instructions.strip(),
        valid_until=valid_until,
        file_name=safe_file_name(file_name, "authorisation"),
        content_type=content_type,
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
        recorded_by=actor_of(user),
        recorded_at=now,
    )
    db.session.add(proxy)
    db.session.flush()
    record_event(
        "proxy.recorded",
        {"meeting_id": meeting.id, "proxy_id": proxy.id, "sha256": proxy.sha256},
        community_id=meeting.community_id,
        actor=actor_of(user),
    )
    return proxy


def _upload_type(data: bytes) -> str:
    limit = current_app.config.get("MAX_PROXY_BYTES", 5 * 1024 * 1024)
    if not data or len(data) > limit:
        raise BallotError(
            "upload_size",
            f"委托书扫描件不能为空，且不能超过 {limit // 1048576} MB。",
            f"The scan must be 1 byte to {limit // 1048576} MB.",
        )
    kind = sniff_type(data)
    if kind is None:
        raise refused("upload_type")
    return kind
