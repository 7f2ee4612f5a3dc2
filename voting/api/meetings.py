"""API v1 endpoints of the meetings feature (FORMATS.md §7): plans, the state machine,
credentials CSV and turnout. Thin: the same services as the pages."""

from typing import Any

from flask import Response, jsonify
from sqlalchemy import select

from voting.api import ApiError, bp, json_body, public_id, require_user
from voting.api.validation import parse_time
from voting.auth.access import get_community_or_404
from voting.auth.permissions import in_scope, load_meeting, meeting_for
from voting.db import db
from voting.meetings import services
from voting.meetings.common import log_meeting
from voting.meetings.letters import credentials_csv
from voting.meetings.models import Meeting
from voting.meetings.readiness import next_issues
from voting.meetings.secrecy import secrecy_json
from voting.meetings.turnout import turnout
from voting.timeutil import rfc3339
from voting.web import current_lang


def _staff_meeting(meeting_id: int, action: str = "see") -> Meeting:
    """The meeting in the token user's scope (404 outside it), then the action (403)."""
    require_user()
    return meeting_for(meeting_id, action)


def meeting_json(meeting: Meeting, staff: bool) -> dict[str, Any]:
    """The meeting, its state, matters and options (ids of matters and options as strings)."""
    body: dict[str, Any] = {
        "id": public_id(meeting.id),
        "community_id": public_id(meeting.community_id),
        "title": meeting.title,
        "description": meeting.description,
        "place": meeting.place,
        "is_first_meeting": meeting.is_first_meeting,
        "state": meeting.state,
        "opens_at": rfc3339(meeting.opens_at),
        "closes_at": rfc3339(meeting.closes_at),
        "announced_at": rfc3339(meeting.announced_at),
        "opened_at": rfc3339(meeting.opened_at),
        "closed_at": rfc3339(meeting.closed_at),
        "voided_at": rfc3339(meeting.voided_at),
        "revoked_at": rfc3339(meeting.revoked_at),
        "void_reason": meeting.void_reason,
        "procedure": meeting.procedure,
        "matters": [
            {"id": m.public_id, "title": m.title, "description": m.description,
             "category": m.category, "kind": m.kind, "seats": m.seats,
             "alternates": m.alternates,
             "options": [{"id": o.code, "label": o.label, "statement": o.statement}
                         for o in m.options]}
            for m in meeting.matters
        ],
        **secrecy_json(meeting),
        "documents": [
            {"id": public_id(d.id), "file_name": d.file_name, "content_type": d.content_type,
             "size": d.size, "sha256": d.sha256}
            for d in meeting.documents
        ],
    }  # fmt: skip
    if staff:
        lang = current_lang()
        body.update(
            created_by=meeting.created_by,
            created_at=rfc3339(meeting.created_at),
            submitted_at=rfc3339(meeting.submitted_at),
            approved_at=rfc3339(meeting.approved_at),
            approved_by=meeting.approved_by,
            returned_reason=meeting.returned_reason,
            tallied_at=rfc3339(meeting.tallied_at),
            issues=[
                {"code": p.code, "message": p.text(lang), "severity": p.severity}
                for p in next_issues(meeting)
            ],
            tally=meeting.tally if meeting.tallied_at else None,
            category_warnings={
                m.public_id: m.category_warnings for m in meeting.matters if m.category_warnings
            },
            follows={m.public_id: m.follows for m in meeting.matters if m.follows},
        )
    return body


@bp.get("/communities/<int:community_id>/meetings")
def list_meetings(community_id: int):
    """A community's meetings (staff in scope), newest first."""
    require_user()
    community = get_community_or_404(community_id)
    meetings = db.session.scalars(
        select(Meeting).where(Meeting.community_id == community.id).order_by(Meeting.id.desc())
    )
    return jsonify({"meetings": [meeting_json(m, staff=True) for m in meetings]})


@bp.post("/communities/<int:community_id>/meetings")
def create_meeting(community_id: int):
    """Plan a meeting with its matters (committee); answers with matter and option ids."""
    require_user()
    community = get_community_or_404(community_id)
    require_user("committee")
    data = json_body()
    opens_at, closes_at = parse_time(data["opens_at"]), parse_time(data["closes_at"])
    extra = {
        k: data[k]
        for k in ("description", "place", "is_first_meeting", "secret", "scrutineers",
                  "trustee_threshold")
        if k in data
    }  # fmt: skip
    meeting = services.create_meeting(
        community, data["title"], opens_at, closes_at, data["matters"], **extra
    )
    return jsonify(meeting_json(meeting, staff=True)), 201


@bp.get("/meetings/<int:meeting_id>")
def get_meeting(meeting_id: int):
    """The meeting: staff in scope see all of it; anyone may read it once announced."""
    meeting = load_meeting(meeting_id)
    if in_scope(meeting):
        return jsonify(meeting_json(meeting, staff=True))
    if meeting is None or meeting.announced_at is None:
        raise ApiError(404, "not_found", "no such meeting")
    return jsonify(meeting_json(meeting, staff=False))


def _step(meeting: Meeting, step, *args):
    step(meeting, *args)
    return jsonify(meeting_json(meeting, staff=True))


@bp.post("/meetings/<int:meeting_id>/submit")
def submit_meeting(meeting_id: int):
    """Send the plan to the street office (committee)."""
    return _step(_staff_meeting(meeting_id, "run"), services.submit_meeting)


@bp.post("/meetings/<int:meeting_id>/approve")
def approve_meeting(meeting_id: int):
    """Approve the plan (office), or return it to draft with ``{"return": reason}``."""
    meeting = _staff_meeting(meeting_id, "supervise")
    body = json_body(optional=True)
    if "return" in body:
        return _step(meeting, services.return_meeting, body["return"])
    cards: list = []
    services.approve_meeting(meeting, cards=cards)
    answer = meeting_json(meeting, staff=True)
    if cards:  # a secret plan's key cards, in this answer only: never stored, never again
        answer["key_cards"] = [
            {"number": c.number, "kind": c.kind, "name": c.name, "passphrase": c.passphrase,
             "key_share": c.key_share}
            for c in cards
        ]  # fmt: skip
    response = jsonify(answer)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/meetings/<int:meeting_id>/announce")
def announce_meeting(meeting_id: int):
    """Publish the notice (committee); refused when it comes too late."""
    return _step(_staff_meeting(meeting_id, "run"), services.announce_meeting)


@bp.post("/meetings/<int:meeting_id>/open")
def open_meeting(meeting_id: int):
    """Freeze the roster and issue credentials (committee), at or after opens_at."""
    return _step(_staff_meeting(meeting_id, "run"), services.open_meeting)


@bp.post("/meetings/<int:meeting_id>/close")
def close_meeting(meeting_id: int):
    """Close and tally (committee): after closes_at, or once every voter has voted."""
    return _step(_staff_meeting(meeting_id, "run"), services.close_meeting)


@bp.post("/meetings/<int:meeting_id>/void")
def void_meeting(meeting_id: int):
    """Void the meeting with ``{"reason"}`` (committee, or the supervising office)."""
    meeting = _staff_meeting(meeting_id, "void")
    return _step(meeting, services.void_meeting, json_body().get("reason"))


@bp.get("/meetings/<int:meeting_id>/credentials.csv")
def get_credentials_csv(meeting_id: int):
    """One row per voter who can vote: owner_key, building, units, name, link (committee)."""
    meeting = _staff_meeting(meeting_id, "run")
    if meeting.opened_at is None:
        raise ApiError(409, "not_open", "credentials exist once voting has opened")
    body = credentials_csv(meeting)
    log_meeting(meeting, "credentials_exported", {"rows": body.count("\r\n") - 1})
    return Response(body, mimetype="text/csv; charset=utf-8")


@bp.get("/meetings/<int:meeting_id>/turnout")
def get_turnout(meeting_id: int):
    """Per matter: owners and area that have voted, against the roster and the quorum."""
    meeting = _staff_meeting(meeting_id)
    figures = turnout(meeting)
    if not figures["opened"]:
        not_opened = {"meeting_id": public_id(meeting.id), "state": meeting.state, "opened": False}
        return jsonify(not_opened)

    def line(data: dict) -> dict:
        return {
            "voted": data["shown"],
            "total": data["total_shown"],
            "needed": data["needed_shown"],
            "ratio": data["ratio"],
            "quorum_met": data["met"],
        }

    return jsonify(
        {
            "meeting_id": public_id(meeting.id),
            "state": meeting.state,
            "opened": True,
            "ballots": figures["ballots"],
            "roster": figures["roster"],
            "matters": [
                {
                    "id": m["id"],
                    "title": m["title"],
                    "owners": line(m["owners"]),
                    "area": line(m["area"]),
                }
                for m in figures["matters"]
            ],  # fmt: skip
            "buildings": [
                {k: b[k] for k in ("building", "owners", "voted", "area", "voted_area")}
                for b in figures["buildings"]
            ],
        }
    )


@bp.post("/meetings/<int:meeting_id>/follow-up")
def draft_follow_up(meeting_id: int):
    """Draft the by-election or runoff of the meeting's published election (committee)."""
    from voting.results import follow_up

    meeting = _staff_meeting(meeting_id, "run")
    draft = follow_up.draft_follow_up(meeting, require_user())
    return jsonify(meeting_json(draft, staff=True)), 201


@bp.put("/meetings/<int:meeting_id>/matters/<int:matter_id>/candidates")
def put_candidates(meeting_id: int, matter_id: int):
    """Name the candidates of a drafted by-election or runoff (committee)."""
    from voting.meetings.models import Matter
    from voting.results import follow_up

    meeting = _staff_meeting(meeting_id, "run")
    matter = db.session.get(Matter, matter_id)
    if matter is None or matter.meeting_id != meeting.id or not matter.follows:
        raise ApiError(404, "not_found", "no such by-election or runoff matter")
    candidates = json_body()["candidates"]
    follow_up.set_candidates(meeting, matter, candidates)
    return jsonify(meeting_json(meeting, staff=True))


@bp.post("/meetings/<int:meeting_id>/decryptions")
def submit_decryption(meeting_id: int):
    """A trustee's TRUSTEE_DECRYPTION of a closed secret meeting's totals (committee or
    office): checked against the board's aggregates, stored, and counted once k are in."""
    from voting.trustees.services import submit_decryption as submit

    meeting = _staff_meeting(meeting_id, "decrypt")
    if not meeting.secret:
        raise ApiError(404, "not_found", "no such secret meeting")
    submit(meeting, require_user(), json_body())
    return jsonify(meeting_json(meeting, staff=True))
