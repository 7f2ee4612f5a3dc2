"""Owners' objection page, reached from their personal link: /v/<token>/objection."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from voting.db import db
from voting.limits import link_budget, note_failure, objection_budget
from voting.meetings.credentials import credential_for_token
from voting.meetings.models import Meeting, Voter
from voting.results.forms import ObjectionForm
from voting.results.objections import file_objection, open_for_objections, voter_objections
from voting.results.services import ResultError, current_result
from voting.results.views import bp


def voter_for_token(token: str) -> Voter:
    """The voter of a live personal link, or 404 (a wrong link reveals nothing)."""
    credential = credential_for_token(token)
    if credential is None or credential.revoked_at is not None:
        note_failure()
        abort(404)
    return db.session.get(Voter, credential.voter_id)


@bp.route("/v/<token>/objection", methods=["GET", "POST"])
@link_budget
@objection_budget
def objection(token: str):
    """File an objection to the preliminary result, and read the committee's answers."""
    voter = voter_for_token(token)
    meeting = db.session.get(Meeting, voter.meeting_id)
    result = current_result(meeting)
    window = open_for_objections(meeting)
    form = ObjectionForm()
    status = 200
    if window is not None and form.validate_on_submit():
        try:
            file_objection(voter, form.kind.data, form.text.data, form.receipt.data)
        except ResultError as error:
            db.session.rollback()
            flash(str(error.message), "error")
            status = error.status if error.status != 409 else 422
        else:
            flash(_("您的异议已提交，业主委员会将逐一答复。"), "success")
            return redirect(url_for("results.objection", token=token))
    elif form.is_submitted():
        status = 409 if window is None else 422
    return render_template(
        "results/objection.html", meeting=meeting, result=result, window=window, form=form,
        objections=voter_objections(voter), token=token,
    ), status  # fmt: skip
