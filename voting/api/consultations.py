"""Consultations over the API: staff list, create, read and results; owners take part by token."""

from flask import jsonify
from sqlalchemy import select

from voting.api import ApiError, as_id, bp, json_body, public_id, require_user
from voting.api.validation import parse_time
from voting.auth.permissions import community_for, consultation_for
from voting.consultations import services
from voting.consultations.models import Consultation
from voting.consultations.participation import (
    add_comment,
    check_participant,
    comment_tree,
    participant_for_token,
    submit_answers,
)
from voting.consultations.results import consultation_results
from voting.db import db
from voting.limits import link_budget, note_failure
from voting.timeutil import rfc3339
from voting.typed import plain_code
from voting.web import format_area


def _consultation_json(consultation: Consultation, full: bool = True) -> dict:
    body = {
        "id": public_id(consultation.id),
        "community_id": public_id(consultation.community_id),
        "title": consultation.title,
        "kind": consultation.kind,
        "survey_year": consultation.survey_year,
        "state": consultation.state,
        "deadline": rfc3339(consultation.deadline),
        "opened_at": rfc3339(consultation.opened_at),
        "closed_at": rfc3339(consultation.closed_at),
    }
    if full:
        body["body"] = consultation.body
        body["documents"] = [
            {"id": public_id(d.id), "file_name": d.file_name, "content_type": d.content_type,
             "size": d.size, "sha256": d.sha256}
            for d in consultation.documents
        ]  # fmt: skip
        body["questions"] = [
            {"code": q.code, "title": q.title, "kind": q.kind, "max_choices": q.max_choices,
             "options": [{"code": o.code, "label": o.label} for o in q.options]}
            for q in consultation.questions
        ]  # fmt: skip
    return body


def _staff_consultation(consultation_id: int) -> Consultation:
    """The consultation in the token user's scope (404 outside it)."""
    require_user()
    return consultation_for(consultation_id)


@bp.get("/communities/<int:community_id>/consultations")
def list_consultations(community_id: int):
    """The community's consultations, newest first."""
    require_user()
    community = community_for(community_id, "see", "consultation")
    rows = db.session.scalars(
        select(Consultation)
        .where(Consultation.community_id == community.id)
        .order_by(Consultation.id.desc())
    )
    return jsonify({"consultations": [_consultation_json(c, full=False) for c in rows]})


@bp.post("/communities/<int:community_id>/consultations")
def create_consultation(community_id: int):
    """Draft a consultation with its questions (committee, office)."""
    require_user()
    community = community_for(community_id, "run", "consultation")
    data = json_body()
    consultation = services.create_consultation(
        community, data["title"], parse_time(data["deadline"]), data.get("body", "")
    )
    for q in data.get("questions", []):
        services.add_question(consultation, q["title"], q["kind"], q.get("options") or [],
                              q.get("max_choices"))  # fmt: skip
    return jsonify(_consultation_json(consultation)), 201


@bp.get("/consultations/<int:consultation_id>")
def get_consultation(consultation_id: int):
    """A consultation with its documents and questions (staff in scope)."""
    return jsonify(_consultation_json(_staff_consultation(consultation_id)))


@bp.get("/consultations/<int:consultation_id>/results")
def get_results(consultation_id: int):
    """Participation and results by headcount and by area (areas in m² as strings)."""
    consultation = _staff_consultation(consultation_id)
    return jsonify({"consultation_id": public_id(consultation.id), "state": consultation.state,
                    **_results_json(consultation)})  # fmt: skip


def _results_json(consultation: Consultation) -> dict:
    """Areas as two-decimal strings (FORMATS.md §2), everything else as counted."""

    def areas(value):
        if isinstance(value, dict):
            return {k: format_area(v) if k == "area" else areas(v) for k, v in value.items()}
        if isinstance(value, list):
            return [areas(v) for v in value]
        return value

    return areas(consultation_results(consultation).as_dict())


# --- owners, by personal token -------------------------------------------------------------


def _owner(token: str, data: dict | None = None):
    """The token's participant and topic; on POST, the identity check when the roster has one."""
    participant = participant_for_token(token)
    if participant is None:
        note_failure()
        raise ApiError(404, "not_found", "no such link")
    consultation = db.session.get(Consultation, participant.consultation_id)
    if data is not None and participant.needs_check:
        typed = data.get("verification")
        if participant.locked_at is not None:
            note_failure()
            raise ApiError(403, "locked", "too many wrong tries; ask the committee to unlock")
        if not isinstance(typed, str):
            message = "verification: the last four characters of the ID number or phone"
            raise ApiError(403, "verification_required", message)
        try:
            right = check_participant(participant, plain_code(typed))
        except services.ConsultationError:  # locked by a parallel try meanwhile
            db.session.rollback()
            message = "too many wrong tries; ask the committee to unlock"
            raise ApiError(403, "locked", message) from None
        if not right:
            # The wrong try must count although the answer is an error.
            note_failure()
            db.session.commit()
            raise ApiError(403, "verification_failed", "the last four characters do not match")
    return participant, consultation


def _depth(comment) -> int:
    depth, parent_id = 0, comment.parent_id
    while parent_id is not None:
        depth, parent_id = depth + 1, db.session.get(type(comment), parent_id).parent_id
    return depth


def _comment_json(comment, depth: int) -> dict:
    hidden = comment.hidden_at is not None
    author = "staff" if comment.staff_author else "owner"
    return {
        "id": public_id(comment.id), "parent_id": public_id(comment.parent_id),
        "depth": depth, "author": author,
        "building": comment.participant.building if comment.participant else None,
        "created_at": rfc3339(comment.created_at), "hidden": hidden,
        "hidden_reason": comment.hidden_reason, "body": None if hidden else comment.body,
    }  # fmt: skip


@bp.get("/participation/<token>")
@link_budget
def owner_topic(token: str):
    """The topic as its owner sees it: text, questions, comments; results once closed."""
    participant, consultation = _owner(token)
    body = {
        "consultation": _consultation_json(consultation),
        "units": [f"{b} {n}" for b, n in participant.units],
        "verification_required": participant.needs_check,
        "comments": [_comment_json(c, d) for c, d in comment_tree(consultation)],
    }
    if consultation.state == "closed":
        body["results"] = _results_json(consultation)
    return jsonify(body)


@bp.post("/participation/<token>/comments")
@link_budget
def owner_comment(token: str):
    """Post a comment or a reply (``parent_id``); plain text, at most 2,000 characters."""
    data = json_body()
    participant, consultation = _owner(token, data)
    parent_id = as_id(data.get("parent_id"))
    comment = add_comment(consultation, data["body"], participant=participant,
                          parent_id=parent_id)  # fmt: skip
    return jsonify(_comment_json(comment, _depth(comment))), 201


@bp.post("/participation/<token>/answers")
@link_budget
def owner_answers(token: str):
    """Submit or replace the owner's answers: ``{"answers": {"<code>": ["<option>"]}}``."""
    data = json_body()
    participant, consultation = _owner(token, data)
    answer_set = submit_answers(consultation, participant, data["answers"])
    return jsonify({"answers": answer_set.answers, "updated_at": rfc3339(answer_set.updated_at)})
