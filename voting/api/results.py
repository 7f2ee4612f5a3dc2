"""API v1 endpoints of the results feature (FORMATS.md §7): results, boards, keys."""

from flask import Response, g, jsonify, request

from voting.api import ApiError, bp, json_body, require_user
from voting.auth.models import User
from voting.auth.permissions import PERMISSIONS, in_scope, may, meeting_for
from voting.crypto import canonical
from voting.db import db
from voting.limits import receipt_budget
from voting.meetings.models import Meeting
from voting.results import revocation as revocations
from voting.results import services
from voting.results.board import read_board
from voting.results.keys import public_keys
from voting.results.models import Result
from voting.results.objections import RECEIPT_RE
from voting.results.public import check_receipt


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


def _staff_meeting(meeting_id: int, action: str) -> tuple[User, Meeting]:
    """The token's user (401, 403 when the role may not ``action`` a result) and the meeting
    in the user's scope (else 404)."""
    user = require_user(*PERMISSIONS[("result", action)])
    return user, meeting_for(meeting_id, action, "result")


def _result_json(result: Result, status: int = 200):
    body = canonical(result.signed())
    return Response(body, status=status, mimetype="application/json")


@bp.get("/meetings/<int:meeting_id>/result")
def get_result(meeting_id: int):
    """The signed result document (FORMATS.md §4); anyone, once published."""
    return _result_json(_published(meeting_id))


@bp.get("/meetings/<int:meeting_id>/board")
def get_board(meeting_id: int):
    """The bulletin board frozen with the result (FORMATS.md §3); anyone, once published.

    A secret meeting's board holds no choice in clear: the community's staff read it live
    once voting has closed (before decryption and publication), to check it.
    """
    try:
        result = _published(meeting_id)
    except ApiError:
        board = _closed_secret_board(meeting_id)
        if board is None:
            raise
        return Response(board, mimetype="application/json")
    return Response(result.board_json, mimetype="application/json")


def _closed_secret_board(meeting_id: int) -> str | None:
    """The live board of a closed secret meeting, for staff in the community's scope."""
    user = g.get("api_user")
    meeting = db.session.get(Meeting, meeting_id)
    if (
        user is None
        or meeting is None
        or request.args.get("version") is not None
        or not meeting.secret
        or meeting.closed_at is None
        or meeting.voided_at is not None
        or not may(user, "see")
        or not in_scope(meeting, user)
    ):
        return None
    return read_board(meeting).text


def _result_step(meeting_id: int, action: str, reason_key: str, step, with_reason):
    """``step`` on the meeting's result, or ``with_reason`` when the body gives a reason under
    ``reason_key``; the result and whether a reason was given."""
    user, meeting = _staff_meeting(meeting_id, action)
    reason = json_body(optional=True).get(reason_key)
    if reason is None:
        return step(meeting, user), False
    return with_reason(meeting, user, reason), True


@bp.get("/meetings/<int:meeting_id>/receipts/<receipt>")
@receipt_budget
def get_receipt(meeting_id: int, receipt: str):
    """A receipt's entry on the published board with its Merkle inclusion proof (FORMATS §3):
    anyone, once published. A secret meeting's entry holds only ciphertexts."""
    result = _published(meeting_id)
    found = None
    if RECEIPT_RE.fullmatch(receipt):
        found = check_receipt(result, receipt, with_proof=True)
    if found is None:
        raise ApiError(404, "not_on_board", "no entry of the published board has this receipt")
    return jsonify(
        {
            "receipt": receipt,
            "entry": found.entry,
            "index": found.index,
            "size": found.size,
            "leaf": found.leaf,
            "proof": found.proof,
            "merkle_root": found.root,
        }
    )


@bp.post("/meetings/<int:meeting_id>/publish")
def publish(meeting_id: int):
    """Sign and publish the result (committee); ``{"correction": "reason"}`` supersedes it."""
    steps = services.publish_result, services.correct_result
    result, _corrected = _result_step(meeting_id, "publish", "correction", *steps)
    return _result_json(result, 201)


@bp.post("/meetings/<int:meeting_id>/countersign")
def countersign(meeting_id: int):
    """Countersign the result (office); ``{"return": "reason"}`` returns it for correction."""
    steps = services.countersign_result, services.return_result
    result, returned = _result_step(meeting_id, "countersign", "return", *steps)
    if returned:
        return jsonify({"returned": True, "version": result.version,
                        "reason": result.returned_reason})  # fmt: skip
    return _result_json(result)


@bp.post("/meetings/<int:meeting_id>/revoke")
def revoke(meeting_id: int):
    """Revoke the published decision (the community's own office): multipart fields
    ``authority``, ``reason``, ``decided_on``, ``reference``? and the PDF ``file``."""
    user, meeting = _staff_meeting(meeting_id, "revoke")
    upload = request.files.get("file")
    if upload is None:
        raise ApiError(422, "invalid", "a multipart field 'file' is required", [{"field": "file"}])
    form = request.form
    revocation = revocations.revoke_result(
        meeting, user, authority=form.get("authority"), reason=form.get("reason"),
        decided_on=form.get("decided_on"), reference=form.get("reference", ""),
        file_name=upload.filename,
        data=upload.read(revocations.MAX_REVOCATION_BYTES + 1),
    )  # fmt: skip
    return Response(canonical(revocation.signed()), status=201, mimetype="application/json")


@bp.get("/meetings/<int:meeting_id>/revocation")
def get_revocation(meeting_id: int):
    """The signed revocation (FORMATS.md §4.2); anyone, once the decision is revoked."""
    revocation = revocations.revocation_of(_meeting(meeting_id))
    if revocation is None:
        raise ApiError(404, "not_revoked", "this meeting's decision has not been revoked")
    return Response(canonical(revocation.signed()), mimetype="application/json")


@bp.get("/keys")
def list_keys():
    """The public keys of committees and offices, current and retired."""
    return jsonify({"keys": public_keys()})
