"""Printed and exported pages: the notice (公告), the QR letters, the links CSV, and the page
where a link is revoked or reissued."""

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from voting.auth.access import require_role
from voting.auth.permissions import meeting_for, part_of
from voting.ballots.models import Ballot
from voting.db import db
from voting.meetings import letters as letter_service
from voting.meetings.common import log_meeting, log_printed
from voting.meetings.credentials import reissue_credential, revoke_credential
from voting.meetings.errors import MeetingError
from voting.meetings.forms import ReasonForm
from voting.meetings.matters import CATEGORY_LABELS, KIND_LABELS
from voting.meetings.models import Credential, Meeting, Voter
from voting.meetings.services import STATE_LABELS
from voting.meetings.views import bp
from voting.rules.procedure import Procedure
from voting.typed import plain
from voting.web import current_lang, page_of

LETTERS_PER_PAGE = 40


def _opened(meeting_id: int) -> Meeting:
    """The meeting in scope, once voting has opened (its links exist); else 404."""
    meeting = meeting_for(meeting_id)
    if meeting.opened_at is None:
        abort(404)
    return meeting


@bp.get("/meetings/<int:meeting_id>/notice")
def notice(meeting_id: int):
    """The printable notice (公告): every matter, the window, the place, the rules applied."""
    meeting = meeting_for(meeting_id)
    community = meeting.community
    settings = meeting.procedure or {**(community.procedure or {})}
    try:
        procedure = Procedure.from_dict(settings)
    except ValueError:
        procedure = None
    return render_template(
        "meetings/notice.html",
        meeting=meeting,
        community=community,
        procedure=procedure,
        category_labels=CATEGORY_LABELS,
        kind_labels=KIND_LABELS,
        is_draft=meeting.announced_at is None,
        labels=STATE_LABELS,
    )


@bp.get("/meetings/<int:meeting_id>/letters")
@require_role("committee")
def letters(meeting_id: int):
    """Printable A4 letters, two per sheet: unit, masked name, instructions, QR code."""
    meeting = _opened(meeting_id)
    voter_id = request.args.get("voter", type=int)
    building = request.args.get("building", "")[:64]
    everything = letter_service.letters(meeting, voter_id, building)
    shown, page, pages = page_of(everything, LETTERS_PER_PAGE)
    shown = letter_service.with_qr(shown)
    printed = [item["voter"].id for item in shown]
    log_printed(meeting, "letters_printed", "letters", printed, building, voter_id, page)
    return render_template(
        "meetings/letters.html",
        meeting=meeting,
        community=meeting.community,
        letters=shown,
        choice_steps=letter_service.choice_steps(meeting),
        buildings=letter_service.buildings(meeting),
        building=building,
        page=page,
        pages=pages,
    )


@bp.get("/meetings/<int:meeting_id>/credentials.csv")
@require_role("committee")
def credentials_csv(meeting_id: int):
    """The links of every voter who can vote, for an SMS or WeChat mail merge."""
    meeting = _opened(meeting_id)
    body = letter_service.credentials_csv(meeting)
    log_meeting(meeting, "credentials_exported", {"rows": body.count("\r\n") - 1})
    return Response(
        body,
        mimetype="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f"attachment; filename=meeting-{meeting.id}-links.csv",
            "Cache-Control": "no-store",
        },
    )


@bp.get("/meetings/<int:meeting_id>/credentials")
@require_role("committee")
def credentials(meeting_id: int):
    """Find a voter's link to revoke or reissue it (lost letter, wrong person)."""
    meeting = _opened(meeting_id)
    query = (plain(request.args.get("q", "")) or "")[:64]
    rows = []
    if query:
        voters = db.session.scalars(
            select(Voter)
            .where(Voter.meeting_id == meeting.id, Voter.can_vote.is_(True))
            .order_by(Voter.building, Voter.id)
        )
        rows = [_voter_row(meeting, v) for v in voters if query in " ".join(v.units)][:50]
    return render_template(
        "meetings/credentials.html",
        meeting=meeting,
        community=meeting.community,
        query=query,
        rows=rows,
        form=ReasonForm(formdata=None),
    )


def _voter_row(meeting: Meeting, voter: Voter) -> dict:
    links = list(
        db.session.scalars(
            select(Credential).where(Credential.voter_id == voter.id).order_by(Credential.id)
        )
    )
    voted = db.session.scalar(
        select(Ballot.channel).where(Ballot.meeting_id == meeting.id, Ballot.voter_id == voter.id)
    )
    live = next((c for c in links if c.revoked_at is None), None)
    return {"voter": voter, "live": live, "revoked": [c for c in links if c.revoked_at],
            "voted": voted}  # fmt: skip


@bp.post("/meetings/<int:meeting_id>/credentials/<int:credential_id>/<any(revoke,reissue):action>")
@require_role("committee")
def change_credential(meeting_id: int, credential_id: int, action: str):
    """Revoke a link, or revoke it and issue a new one; the reason is logged."""
    meeting = meeting_for(meeting_id)
    credential = part_of(meeting, Credential, credential_id)
    form = ReasonForm()
    back = url_for("meetings.credentials", meeting_id=meeting.id, q=request.form.get("q", ""))
    if not form.validate():
        flash(_("请写明原因。"), "error")
        return redirect(back)
    try:
        if action == "revoke":
            revoke_credential(credential, form.reason.data)
        else:
            new = reissue_credential(credential, form.reason.data)
    except MeetingError as error:
        db.session.rollback()
        return render_template("error.html", status=409, message=error.text(current_lang())), 409
    if action == "revoke":
        flash(_("链接已作废。"), "success")
        return redirect(back)
    flash(_("已作废旧链接并生成新链接，请打印新的通知书交给业主。"), "success")
    return redirect(url_for("meetings.letters", meeting_id=meeting.id, voter=new.voter_id))
