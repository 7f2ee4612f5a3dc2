"""Public pages of results: announcements (公告), verification, downloads, receipts, keys.

No login: anyone may read a published result. Staff pages live in ``voting.results.staff``
and residents' objection pages in ``voting.results.residents``, on the same blueprint.
"""

from flask import Blueprint, Response, abort, render_template, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from voting.auth.permissions import load_meeting
from voting.crypto import canonical
from voting.db import db
from voting.limits import receipt_budget
from voting.links import public_url, qr_svg
from voting.meetings.models import Meeting
from voting.results import public
from voting.results.forms import ActionForm
from voting.results.keys import key_rows
from voting.results.models import Result
from voting.results.objections import RECEIPT_RE, normalise_receipt
from voting.results.revocation import revocation_of
from voting.results.services import current_result, result_versions
from voting.rosters.models import Community
from voting.rules import Procedure
from voting.web import add_community_nav, current_lang

bp = Blueprint("results", __name__)


@bp.record_once
def _add_tab(state) -> None:
    add_community_nav(state.app, _l("结果公示"), "results.manage")


def published_or_404(meeting_id: int) -> tuple[Meeting, Community, Result]:
    """The meeting, its community and the result version in force; 404 if never published."""
    meeting = db.session.get(Meeting, meeting_id)
    result = current_result(meeting) if meeting else None
    if result is None:
        abort(404)
    return meeting, meeting.community, result


def version_or_404(meeting: Meeting, version: int | None) -> Result:
    """A given version of the meeting's result (the one in force when none is asked for)."""
    if version is None:
        result = current_result(meeting)
    else:
        result = db.session.scalar(
            select(Result).where(Result.meeting_id == meeting.id, Result.version == version)
        )
    if result is None:
        abort(404)
    return result


@bp.get("/keys")
def keys():
    """Every committee and office public key, current and retired, with its key id."""
    return render_template("results/keys.html", rows=key_rows(), form=ActionForm())


@bp.get("/public/communities/<int:community_id>")
def community_results(community_id: int):
    """The published results of one community, newest first."""
    community = db.session.get(Community, community_id)
    if community is None:
        abort(404)
    rows = db.session.execute(
        select(Meeting, Result)
        .join(Result, Result.meeting_id == Meeting.id)
        .where(Meeting.community_id == community_id, Result.superseded_at.is_(None))
        .order_by(Result.published_at.desc())
    ).all()
    return render_template("results/community.html", community=community, rows=rows)


@bp.get("/public/meetings/<int:meeting_id>")
def announcement(meeting_id: int):
    """The announcement (公告): printable on A4, with a QR code to its verification page."""
    meeting, community, result = published_or_404(meeting_id)
    result = version_or_404(meeting, request.args.get("version", type=int))
    verify_url = public_url("results.verify_page", meeting_id=meeting.id)
    procedure = Procedure.from_dict(meeting.procedure)
    return render_template(
        "results/announcement.html", meeting=meeting, community=community, result=result,
        doc=result.document, matters=public.matter_views(result.document, current_lang()),
        verify_url=verify_url, qr=qr_svg(verify_url), procedure=procedure,
        category_zh=public.CATEGORY_ZH, revocation=revocation_of(meeting),
    )  # fmt: skip


@bp.get("/public/meetings/<int:meeting_id>/notice")
def notice(meeting_id: int):
    """The published notice (公告), for anyone: where the notice message sends owners."""
    from voting.meetings.matters import CATEGORY_LABELS, KIND_LABELS

    meeting = load_meeting(meeting_id)
    if meeting is None or meeting.announced_at is None:
        abort(404)
    try:
        procedure = Procedure.from_dict(meeting.procedure)
    except ValueError:
        procedure = None
    return render_template(
        "meetings/notice.html", meeting=meeting, community=db.session.get(Community,
        meeting.community_id), procedure=procedure, category_labels=CATEGORY_LABELS,
        kind_labels=KIND_LABELS, is_draft=False, public=True,
    )  # fmt: skip


@bp.get("/public/meetings/<int:meeting_id>/verify")
def verify_page(meeting_id: int):
    """How to check the result: downloads, key ids, hashes, versions and the receipt lookup."""
    meeting, community, result = published_or_404(meeting_id)
    return render_template(
        "results/verify.html", meeting=meeting, community=community, result=result,
        versions=result_versions(meeting), revocation=revocation_of(meeting),
    )  # fmt: skip


@bp.get("/public/meetings/<int:meeting_id>/participants")
def participants(meeting_id: int):
    """Units that took part, without names; areas only if the rules of procedure say so."""
    meeting, community, result = published_or_404(meeting_id)
    procedure = Procedure.from_dict(meeting.procedure)
    return render_template(
        "results/participants.html", meeting=meeting, community=community, result=result,
        rows=public.participants(meeting.id), show_areas=procedure.publish_unit_areas,
    )  # fmt: skip


@bp.get("/public/meetings/<int:meeting_id>/receipt")
@receipt_budget
def receipt(meeting_id: int):
    """Receipt lookup: is my ballot on the board, with the choices I made? For a secret
    meeting: the entry's fingerprint and its Merkle inclusion proof, never the choices."""
    meeting, community, result = published_or_404(meeting_id)
    typed = normalise_receipt(request.args.get("receipt"))
    found, status = None, 200
    if typed and not RECEIPT_RE.fullmatch(typed):
        status = 422
    elif typed:
        # A secret meeting's entry shows no choices: its inclusion proof is what it proves.
        with_proof = meeting.secret or request.args.get("proof") == "1"
        found = public.check_receipt(result, typed, with_proof=with_proof)
        status = 200 if found else 404
    return render_template(
        "results/receipt.html", meeting=meeting, community=community, result=result,
        typed=typed, found=found, labels=_labels(result.document), status=status,
    ), status  # fmt: skip


def _labels(doc: dict) -> dict:
    return {
        matter["id"]: (matter["title"], {o["id"]: o["label"] for o in matter["options"]})
        for matter in doc["matters"]
    }


def _download(body: str | bytes, filename: str) -> Response:
    return Response(
        body, mimetype="application/json",
        headers={"Content-Disposition": f"attachment; filename={filename}"},
    )  # fmt: skip


@bp.get("/public/meetings/<int:meeting_id>/result.json")
def result_json(meeting_id: int):
    """Download the signed result (FORMATS.md §4) of a version."""
    meeting, _, _ = published_or_404(meeting_id)
    result = version_or_404(meeting, request.args.get("version", type=int))
    return _download(canonical(result.signed()), f"result-{meeting.id}-v{result.version}.json")


@bp.get("/public/meetings/<int:meeting_id>/board.json")
def board_json(meeting_id: int):
    """Download the frozen bulletin board (FORMATS.md §3) of a version."""
    meeting, _, _ = published_or_404(meeting_id)
    result = version_or_404(meeting, request.args.get("version", type=int))
    return _download(result.board_json, f"board-{meeting.id}-v{result.version}.json")


@bp.get("/public/meetings/<int:meeting_id>/audit.json")
def audit_json(meeting_id: int):
    """Download the community's audit chain, as far as published results make it public."""
    meeting, community, _ = published_or_404(meeting_id)
    events = public.audit_events(community.id, public.public_seq(community.id))
    body = canonical({"format": "gongyi-audit/1", "events": events})
    return _download(body, f"audit-{community.id}.json")


from voting.results import follow_up_views, residents, revoke_views, staff  # noqa: E402,F401
