"""API v1 endpoints of supervision: the office dashboard, a meeting's anomalies and timeline,
committee mandates. Thin: the same services as the pages."""

from typing import Any

from flask import jsonify

from voting.api import (
    ApiError,
    as_id,
    as_ids,
    bp,
    json_body,
    public_id,
    public_ids,
    require_user,
)
from voting.api.validation import parse_date
from voting.auth.access import get_community_or_404
from voting.auth.permissions import meeting_for
from voting.db import db
from voting.meetings.models import Meeting
from voting.rosters.models import Office
from voting.supervision import mandates
from voting.supervision.anomalies import anomalies_for_meeting, thresholds
from voting.supervision.dashboard import office_dashboard
from voting.supervision.labels import anomaly_sentence
from voting.supervision.models import CommitteeMandate
from voting.supervision.records import meeting_timeline
from voting.timeutil import rfc3339


def _meeting_in_scope(meeting_id: int) -> Meeting:
    require_user()
    return meeting_for(meeting_id)


def _ids_as_text(detail: dict) -> dict:
    """Members named ``*_id`` as strings, like every id the API shows."""
    return {
        k: public_id(v) if k.endswith("_id") and isinstance(v, int) else v
        for k, v in detail.items()
    }


@bp.get("/offices/<int:office_id>/dashboard")
def get_dashboard(office_id: int):
    """The office's communities, meetings by state, live turnout, plans and results."""
    user = require_user("admin", "office")
    office = db.session.get(Office, office_id)
    if office is None or (user.role == "office" and user.office_id != office.id):
        raise ApiError(404, "not_found", "no such office")
    board = office_dashboard(office)

    def meeting(item) -> dict[str, Any]:
        m = item.meeting
        out = {
            "id": public_id(m.id),
            "community_id": public_id(m.community_id),
            "community": item.community_name,
            "title": m.title,
            "state": item.state,
            "opens_at": rfc3339(m.opens_at),
            "closes_at": rfc3339(m.closes_at),
        }
        if item.owners is not None:
            out["turnout"] = {
                "owners": item.owners.as_dict(),
                "area": item.area.as_dict(),
                "seconds_left": int(item.time_left(board.now).total_seconds()),
            }
        if item.state == "published":
            r = item.result
            out["result"] = (
                None
                if r is None
                else {
                    "version": r.version,
                    "status": r.status,
                    "published_at": rfc3339(r.published_at),
                    "objections_close_at": rfc3339(r.objections_close_at),
                }
            )
        return out

    return jsonify(
        {
            "office": {"id": public_id(office.id), "name": office.name},
            "generated_at": rfc3339(board.now),
            "meetings_by_state": board.state_totals,
            "communities": [
                {
                    "id": public_id(row.id),
                    "name": row.name,
                    "committee_kind": row.committee_kind,
                    "term_started_at": rfc3339(row.mandate_started_at),
                    "term_ends_on": row.term_ends_on.isoformat() if row.term_ends_on else None,
                    "meetings_by_state": row.states,
                }
                for row in board.communities
            ],
            "plans_awaiting_approval": [meeting(i) for i in board.plans],
            "open_meetings": [meeting(i) for i in board.open_meetings],
            "results_awaiting_countersignature": [meeting(i) for i in board.results],
        }
    )


@bp.get("/meetings/<int:meeting_id>/anomalies")
def get_anomalies(meeting_id: int):
    """The meeting's anomalies with their evidence (staff in scope)."""
    meeting = _meeting_in_scope(meeting_id)
    return jsonify(
        {
            "meeting_id": public_id(meeting.id),
            "thresholds": thresholds(),
            "anomalies": [
                {
                    "code": a.code,
                    "subject": a.subject,
                    "message": anomaly_sentence(a),
                    "counts": a.counts,
                    "first_at": rfc3339(a.first_at),
                    "last_at": rfc3339(a.last_at),
                    "evidence": [
                        {"at": rfc3339(e.at), "voter": e.voter, **_ids_as_text(e.detail)}
                        for e in a.evidence
                    ],
                }
                for a in anomalies_for_meeting(meeting)
            ],
        }
    )


@bp.get("/meetings/<int:meeting_id>/timeline")
def get_timeline(meeting_id: int):
    """The meeting's events from the audit log, and counts of the per-ballot ones."""
    meeting = _meeting_in_scope(meeting_id)
    events, bulk = meeting_timeline(meeting)
    return jsonify(
        {
            "meeting_id": public_id(meeting.id),
            "events": [
                {
                    "seq": e.seq,
                    "at": rfc3339(e.at),
                    "type": e.type,
                    "actor": e.actor,
                    "data": e.data,
                }
                for e in events
            ],
            "counts": bulk,
        }
    )


def mandate_json(mandate: CommitteeMandate) -> dict[str, Any]:
    """A mandate as the API shows it."""
    return {
        "id": public_id(mandate.id),
        "community_id": public_id(mandate.community_id),
        "kind": mandate.kind,
        "members": public_ids(mandate.members),
        "owner_reps": public_ids(mandate.owner_reps),
        "meeting_id": public_id(mandate.meeting_id),
        "seats": mandate.seats,
        "vacant": mandate.vacant,
        "elected": None
        if mandate.elected is None
        else [_ids_as_text(seat) for seat in mandate.elected],
        "started_at": rfc3339(mandate.started_at),
        "term_ends_on": mandate.term_ends_on.isoformat() if mandate.term_ends_on else None,
        "appointed_by": mandate.appointed_by,
        "current": mandate.is_current,
        "ended_at": rfc3339(mandate.ended_at),
        "end_reason": mandate.end_reason,
    }


@bp.get("/communities/<int:community_id>/mandates")
def list_mandates(community_id: int):
    """The community's mandates, the newest first (staff in scope)."""
    require_user()
    community = get_community_or_404(community_id)
    return jsonify({"mandates": [mandate_json(m) for m in mandates.mandates_of(community.id)]})


def _candidates(links: object) -> object:
    """``{option id: account id}`` with the account ids as integers."""
    return {k: as_id(v) for k, v in links.items()} if isinstance(links, dict) else links


@bp.post("/communities/<int:community_id>/mandates")
def create_mandate(community_id: int):
    """Appoint a preparatory group or 物管会, or record the elected committee (office)."""
    user = require_user()
    community = get_community_or_404(community_id)
    mandates.require_office(user, community)  # who may, before what was sent
    data = json_body()
    kind, term_ends_on = data["kind"], parse_date(data.get("term_ends_on"))
    if kind == "owners_committee":
        mandate = mandates.record_elected_committee(
            community,
            user,
            as_ids(data.get("members")),
            term_ends_on=term_ends_on,
            meeting_id=as_id(data.get("meeting_id")),
            candidates=_candidates(data.get("candidates")),
        )
    else:
        start = (
            mandates.appoint_preparatory_group
            if kind == "preparatory_group"
            else mandates.set_up_management_committee
        )
        mandate = start(
            community,
            user,
            as_ids(data.get("members")),
            as_ids(data.get("owner_reps", [])),
            term_ends_on=term_ends_on,
        )
    return jsonify(mandate_json(mandate)), 201


@bp.post("/mandates/<int:mandate_id>/end")
def end_mandate(mandate_id: int):
    """End a mandate with a reason (office); its members lose their committee powers."""
    user = require_user()
    mandate = db.session.get(CommitteeMandate, mandate_id)
    if mandate is None:
        raise ApiError(404, "not_found", "no such mandate")
    community = get_community_or_404(mandate.community_id)
    mandates.require_office(user, community)  # who may, before what was sent
    mandates.end_mandate(mandate, user, json_body()["reason"])
    return jsonify(mandate_json(mandate))
