"""Owners' own checks, no login: what is recorded in my name, and "这不是我投的".

``/public/meetings/<id>/record`` and ``/public/meetings/<id>/not-me`` recognise the owner by
building, unit and the last four digits of the ID number or phone (the ballot alert's link
leads to the second); ``/v/<token>/not-me`` by the owner's own link. Neither ever shows a
choice.
"""

from flask import abort, flash, render_template

from voting.ballots.forms import NotMeForm, UnitCheckForm
from voting.ballots.owners import (
    file_not_me,
    not_me_objection,
    public_meeting,
    recorded_ballot,
    voter_by_unit,
)
from voting.ballots.views import bp
from voting.db import db
from voting.limits import entry_budget, link_budget, note_failure
from voting.meetings.models import Meeting
from voting.results.residents import voter_for_token
from voting.results.services import ResultError


def _page(meeting: Meeting, **context):
    community = meeting.community
    return render_template("ballots/record.html", meeting=meeting, community=community, **context)


def _meeting_or_404(meeting_id: int) -> Meeting:
    meeting = public_meeting(meeting_id)
    if meeting is None:
        abort(404)
    return meeting


def _unit_voter(meeting: Meeting, form: UnitCheckForm):
    """The owner a submitted form names, else None and the status to answer the form with:
    200 not yet submitted, 422 incomplete, 404 no such owner (the refusal put on the form and
    counted as a failure)."""
    if not form.validate_on_submit():
        return None, 422 if form.is_submitted() else 200
    try:
        return voter_by_unit(meeting, form.building.data, form.unit.data, form.last4.data), 200
    except ResultError as error:
        note_failure()
        form.last4.errors = [str(error.message)]
        return None, 404


def _by_unit(meeting_id: int, form_class, mode: str, found):
    """A public page that names an owner by building, unit and last four digits: what
    ``found(meeting, voter, form)`` answers for the owner the submitted form names, else the
    form (in ``mode``) with its status."""
    meeting = _meeting_or_404(meeting_id)
    form = form_class()
    voter, status = _unit_voter(meeting, form)
    if voter is not None:
        return found(meeting, voter, form)
    return _page(meeting, mode=mode, form=form), status


@bp.route("/public/meetings/<int:meeting_id>/record", methods=["GET", "POST"])
@entry_budget
def record(meeting_id: int):
    """Is a ballot recorded in my name? When, by which channel (never the choices)."""
    return _by_unit(meeting_id, UnitCheckForm, "lookup", _shown)


def _shown(meeting: Meeting, voter, form: UnitCheckForm):
    """What is recorded in the owner's name, with the objection form for the same unit."""
    return _page(meeting, mode="shown", voter=voter, recorded=recorded_ballot(voter),
                 objection=not_me_objection(voter),
                 form=NotMeForm(formdata=None, building=form.building.data,
                                unit=form.unit.data, last4=form.last4.data))  # fmt: skip


@bp.route("/public/meetings/<int:meeting_id>/not-me", methods=["GET", "POST"])
@entry_budget
def not_me(meeting_id: int):
    """ "这不是我投的": the page the ballot alert links to."""
    return _by_unit(meeting_id, NotMeForm, "not_me", _file_by_unit)


def _file_by_unit(meeting: Meeting, voter, form: NotMeForm):
    """File the objection of the owner the form names."""
    return _file(meeting, voter, form.text.data, "unit")


@bp.route("/v/<token>/not-me", methods=["GET", "POST"])
@link_budget
def not_me_link(token: str):
    """ "这不是我投的" from the owner's own link: what is recorded, and the objection."""
    voter = voter_for_token(token)
    meeting = _meeting_or_404(voter.meeting_id)
    form = NotMeForm()
    del form.building, form.unit, form.last4  # the link says who the owner is
    if form.validate_on_submit():
        return _file(meeting, voter, form.text.data, "link")
    return _page(meeting, mode="shown", voter=voter, recorded=recorded_ballot(voter),
                 objection=not_me_objection(voter), form=form, token=token)  # fmt: skip


def _file(meeting: Meeting, voter, text: str | None, via: str):
    try:
        objection = file_not_me(voter, text, via)
    except ResultError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return _page(meeting, mode="shown", voter=voter, recorded=recorded_ballot(voter),
                     objection=None, form=None), error.status  # fmt: skip
    return _page(meeting, mode="filed", voter=voter, recorded=recorded_ballot(voter),
                 objection=objection, form=None)  # fmt: skip
