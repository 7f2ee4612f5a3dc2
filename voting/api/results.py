"""API v1 endpoints of the results feature (FORMATS.md §7): results, boards, keys."""

from flask import Response, jsonify, request

from voting.api import ApiError, bp, json_body, require_user
from voting.auth.models import User
from voting.auth.services import can_see_community
from voting.crypto import canonical
from voting.db import db
from voting.meetings.models import Meeting
from voting.results import services
from voting.results.keys import public_keys
from voting.results.models import Result
from voting.rosters.models import Community


def _meeting(meeting_id: int) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        raise ApiError(404, "not_found", "no such meeting")
    return meeting


def _published(meeting_id: int) -> Result:
    """The asked-for version (``?version=``), else the one in force; 404 before publication."""
    meeting = _meeting(meeting_id)
    version = request.args.get("version", type=int)
    if version is None:
        result = services.current_result(meeting)
    else:
        result = next((r for r in services.result_versions(meeting) if r.version == version), None)
    if result is None:
        raise ApiError(404, "not_published", "this meeting has no published result")
    return result


def _staff_meeting(meeting_id: int, role: str) -> tuple[User, Meeting]:
    """The token's user and the meeting, if the user may see its community (else 404)."""
    user = require_user(role)
    meeting = _meeting(meeting_id)
    if not can_see_community(user, db.session.get(Community, meeting.community_id)):
        raise ApiError(404, "not_found", "no such meeting")
    return user, meeting


def _result_json(result: Result, status: int = 200):
    body = canonical(result.signed())
    return Response(body, status=status, mimetype="application/json")


def _refused(error: services.ResultError):
    return ApiError(error.status, "refused", str(error.message))


@bp.get("/meetings/<int:meeting_id>/result")
def get_result(meeting_id: int):
    """The signed result document (FORMATS.md §4); anyone, once published."""
    return _result_json(_published(meeting_id))


@bp.get("/meetings/<int:meeting_id>/board")
def get_board(meeting_id: int):
    """The bulletin board frozen with the result (FORMATS.md §3); anyone, once published."""
    result = _published(meeting_id)
    return Response(result.board_json, mimetype="application/json")


@bp.post("/meetings/<int:meeting_id>/publish")
def publish(meeting_id: int):
    """Sign and publish the result (committee); ``{"correction": "reason"}`` supersedes it."""
    user, meeting = _staff_meeting(meeting_id, "committee")
    data = json_body() if request.get_data() else {}
    correction = data.get("correction")
    if correction is not None and not isinstance(correction, str):
        raise ApiError(422, "invalid", "correction must be a string", [{"field": "correction"}])
    try:
        if correction is None:
            result = services.publish_result(meeting, user)
        else:
            result = services.correct_result(meeting, user, correction)
    except services.ResultError as error:
        raise _refused(error) from None
    return _result_json(result, 201)


@bp.post("/meetings/<int:meeting_id>/countersign")
def countersign(meeting_id: int):
    """Countersign the result (office); ``{"return": "reason"}`` returns it for correction."""
    user, meeting = _staff_meeting(meeting_id, "office")
    data = json_body() if request.get_data() else {}
    reason = data.get("return")
    if reason is not None and not isinstance(reason, str):
        raise ApiError(422, "invalid", "return must be a string", [{"field": "return"}])
    try:
        if reason is None:
            result = services.countersign_result(meeting, user)
        else:
            result = services.return_result(meeting, user, reason)
            return jsonify({"returned": True, "version": result.version,
                            "reason": result.returned_reason})  # fmt: skip
    except services.ResultError as error:
        raise _refused(error) from None
    return _result_json(result)


@bp.get("/keys")
def list_keys():
    """The public keys of committees and offices, current and retired."""
    return jsonify({"keys": public_keys()})
