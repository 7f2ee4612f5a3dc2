"""Staff pages of help desks (endpoints ``ballots.desk.*``): a committee member opens one on
the device in front of them, and closes it (from any device) when the session ends."""

from flask import Blueprint, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from voting.auth.access import require_staff
from voting.auth.permissions import meeting_for, part_of
from voting.ballots.desk import (
    COOKIE,
    DESK_HOURS,
    close_desk,
    current_desk,
    desk_cookie,
    open_desk,
)
from voting.ballots.errors import BallotError
from voting.ballots.forms import DeskForm
from voting.ballots.models import Ballot, HelpDesk
from voting.ballots.paper import require_member
from voting.db import db
from voting.meetings.models import Meeting
from voting.web import current_lang

bp = Blueprint("desk", __name__)
bp.before_request(require_staff)


def _page(meeting: Meeting, form: DeskForm, status: int = 200):
    desks = db.session.scalars(
        select(HelpDesk).where(HelpDesk.meeting_id == meeting.id).order_by(HelpDesk.id)
    ).all()
    assisted = dict(
        db.session.execute(
            select(Ballot.desk_id, func.count())
            .where(Ballot.meeting_id == meeting.id, Ballot.desk_id.is_not(None))
            .group_by(Ballot.desk_id)
        ).all()
    )
    return render_template(
        "ballots/desk.html", meeting=meeting, form=form, desks=desks, assisted=assisted,
        here=current_desk(), hours=DESK_HOURS,
    ), status  # fmt: skip


@bp.route("/meetings/<int:meeting_id>/desk", methods=["GET", "POST"])
def index(meeting_id: int):
    """The meeting's help desks; a POST opens one on this device (committee members)."""
    meeting = meeting_for(meeting_id)
    form = DeskForm()
    if not form.is_submitted():
        return _page(meeting, form)
    try:
        user = require_member(current_user, meeting)
    except BallotError as error:
        return _refused(meeting, form, error)
    if not form.validate():
        return _page(meeting, form, 422)
    try:
        desk = open_desk(meeting, user, form.label.data)
    except BallotError as error:
        return _refused(meeting, form, error)
    flash(_("本设备已开设为协助投票点，%(hours)s 小时内有效。", hours=DESK_HOURS), "success")
    response = make_response(redirect(url_for("ballots.desk.index", meeting_id=meeting.id)))
    response.set_cookie(
        COOKIE, desk_cookie(desk), max_age=DESK_HOURS * 3600, httponly=True, samesite="Lax",
        secure=_secure(),
    )  # fmt: skip
    return response


def _secure() -> bool:
    from flask import current_app

    return bool(current_app.config.get("SESSION_COOKIE_SECURE"))


def _refused(meeting: Meeting, form: DeskForm, error: BallotError):
    db.session.rollback()
    flash(error.text(current_lang()), "error")
    return _page(meeting, form, error.status)


@bp.post("/meetings/<int:meeting_id>/desk/<int:desk_id>/close")
def close(meeting_id: int, desk_id: int):
    """Close a help desk of the meeting (committee members)."""
    meeting = meeting_for(meeting_id)
    desk = part_of(meeting, HelpDesk, desk_id)
    try:
        user = require_member(current_user, meeting)
    except BallotError as error:
        return _refused(meeting, DeskForm(formdata=None), error)
    close_desk(desk, user)
    flash(_("协助投票点已关闭。"), "success")
    response = make_response(redirect(url_for("ballots.desk.index", meeting_id=meeting.id)))
    here = current_desk()
    if here is not None and here.id == desk.id:
        response.delete_cookie(COOKIE)
    return response
