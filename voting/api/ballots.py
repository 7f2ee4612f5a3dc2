"""API v1 endpoints of the ballots feature (FORMATS.md §7): casting, paper and proxy entry."""

import base64

from flask import jsonify

from voting.api import ApiError, as_id, bp, json_body, public_id, require_user
from voting.api.validation import parse_time
from voting.auth.permissions import meeting_for
from voting.ballots.codes import CODE_LIFETIME, send_code
from voting.ballots.models import Ballot
from voting.ballots.paper import enter_paper_ballot, voter_by_key
from voting.ballots.proxies import record_proxy
from voting.ballots.services import (
    cast_ballot,
    durable_ballot,
    entry_fingerprint,
    open_link,
    refusal,
)
from voting.db import db, utcnow
from voting.limits import client_address, link_budget
from voting.typed import plain_code
from voting.web import current_lang


@bp.post("/ballots")
@link_budget
def cast():
    """Cast an online ballot with a resident's token (public; rate limited per address)."""
    data = json_body()
    typed = data.get("verification")
    verification = None if typed is None else plain_code(typed)
    with durable_ballot():  # committed and on disk before the receipt is sent
        ballot = cast_ballot(data["token"], data.get("answers"), verification, client_address())
    body = {"receipt": ballot.receipt}
    if ballot.fingerprint:  # a secret meeting: what the voter checks on the board
        body["fingerprint"] = ballot.fingerprint
    return jsonify(body), 201


@bp.post("/ballots/code")
@link_budget
def code():
    """Send a one-time code to the phone on the token's roster entry (public; the code goes to
    the phone only, never into the answer)."""
    link = open_link(json_body()["token"])
    if link.error is not None or link.state == "voted":
        raise link.error or refusal("already_voted")  # a failure spends the link budgets
    send_code(link.credential, link.voter, link.meeting, utcnow(), current_lang())
    return jsonify({"status": "queued", "expires_in": int(CODE_LIFETIME.total_seconds())}), 202


def _proxy_id(meeting, voter, user, proxy) -> int | None:
    """An existing authorisation's id, or a new one recorded from the body's document (the
    body's schema has checked the shapes: an id, or a scan in base64 with its details)."""
    if proxy is None:
        return None
    if "id" in proxy:
        return as_id(proxy["id"])
    until = proxy.get("valid_until")
    record = record_proxy(
        meeting,
        voter,
        user,
        agent_name=proxy["agent_name"],
        file_name=proxy["file_name"],
        data=base64.b64decode(proxy["content_base64"], validate=True),
        matters=proxy.get("matters", []),
        instructions=proxy.get("instructions", ""),
        valid_until=parse_time(until) if until else None,
    )
    return record.id


@bp.post("/meetings/<int:meeting_id>/paper-ballots")
def paper_ballot(meeting_id: int):
    """Key a paper or proxy ballot; a matching second entry by another member counts it."""
    user = require_user("committee")
    meeting = meeting_for(meeting_id, "run")
    data = json_body()
    channel = data.get("channel", "paper")
    reasons = data.get("invalid_reasons")
    received_at = parse_time(data["received_at"]) if "received_at" in data else None
    voter = voter_by_key(meeting, data.get("owner_key"))
    proxy_id = None
    if channel == "proxy":
        proxy_id = _proxy_id(meeting, voter, user, data.get("proxy"))
    elif data.get("proxy") is not None:
        raise ApiError(
            422, "proxy_on_paper", "only a proxy ballot takes a proxy", [{"field": "proxy"}]
        )
    entry = enter_paper_ballot(
        meeting,
        voter,
        user,
        answers=data.get("answers"),
        invalid_reasons=reasons,
        channel=channel,
        proxy_id=proxy_id,
        received_at=received_at,
    )
    if entry.status == "matched":
        ballot = db.session.get(Ballot, entry.ballot_id)
        body = {"status": "counted", "entry_id": public_id(entry.id), "receipt": ballot.receipt}
        if meeting.secret:  # what the owner checks on the board: the entry's SHA-256
            body["fingerprint"] = entry_fingerprint(ballot, voter)
        return jsonify(body), 201
    if entry.status == "mismatch":
        db.session.commit()  # the disagreeing entries stay listed for correction
        raise ApiError(
            409,
            "entry_mismatch",
            "此次录入与另一位委员的录入不一致，已列入待核对清单"
            if current_lang() != "en"
            else "This entry disagrees with another member's; both are listed",
            [{"entry_id": public_id(entry.id)}],
        )
    body = {"status": "pending", "entry_id": public_id(entry.id)}
    if proxy_id is not None:
        body["proxy_id"] = public_id(proxy_id)
    return jsonify(body), 202
