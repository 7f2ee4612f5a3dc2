"""Staff pages of results: publish, correct, countersign or return, answer objections, keys."""

from collections.abc import Callable
from functools import wraps

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from voting.auth.access import get_community_or_404, require_staff
from voting.auth.permissions import meeting_for
from voting.db import db, utcnow
from voting.meetings.models import Meeting
from voting.results import objections as objection_services
from voting.results import services
from voting.results.deadline import publication_due
from voting.results.follow_up import pending_follow_ups
from voting.results.forms import ActionForm, AnswerForm, ReasonForm, RevocationForm
from voting.results.keys import SigningKeyError, create_signing_key, current_key
from voting.results.models import Objection
from voting.results.revocation import revocation_of
from voting.results.views import bp
from voting.rosters.models import Community, Office

#: Meeting states in which the results page has something to show or do.
RESULT_STATES = ("tallied", "published", "countersigned", "revoked")


def staff_only(view: Callable) -> Callable:
    """Send anonymous visitors to the login page (this blueprint is public otherwise)."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        return require_staff() or view(*args, **kwargs)

    return wrapped


def _meeting_in_scope(meeting_id: int) -> tuple[Meeting, Community]:
    meeting = meeting_for(meeting_id)
    return meeting, meeting.community


def _back(community_id: int):
    return redirect(url_for("results.manage", community_id=community_id))


def _refused(error: Exception, community_id: int):
    """Roll back, say why, and go back to the results page."""
    db.session.rollback()
    flash(str(getattr(error, "message", error)), "error")
    return _back(community_id)


def _act(community_id: int, action: Callable, done: Callable | str):
    """Run a service action; flash ``done`` (or ``done(outcome)``) or the refusal, go back."""
    try:
        outcome = action()
    except services.ResultError as error:
        return _refused(error, community_id)
    flash(done(outcome) if callable(done) else done, "success")
    return _back(community_id)


def _act_on(community_id: int, form, missing: str, action: Callable, done: Callable | str):
    """:func:`_act` once the posted ``form`` is valid; else say what is ``missing`` and go
    back."""
    if not form.validate_on_submit():
        flash(missing, "error")
        return _back(community_id)
    return _act(community_id, action, done)


def _with_reason(meeting_id: int, step: Callable, missing: str, done: str):
    """Take a step on the meeting's result that needs a reason (``step(meeting, user,
    reason)``): refused without one, else as :func:`_act`."""
    meeting, community = _meeting_in_scope(meeting_id)
    form = ReasonForm()
    return _act_on(
        community.id, form, missing, lambda: step(meeting, current_user, form.reason.data), done
    )


def _posted(meeting_id: int) -> tuple[Meeting, Community]:
    """:func:`_meeting_in_scope` for a button's post: refused (400) unless its form is valid."""
    meeting, community = _meeting_in_scope(meeting_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    return meeting, community


@bp.get("/communities/<int:community_id>/results")
@staff_only
def manage(community_id: int):
    """The community's meetings ready to publish or published, objections, and the key."""
    community = get_community_or_404(community_id)
    meetings = list(
        db.session.scalars(
            select(Meeting).where(Meeting.community_id == community.id).order_by(Meeting.id.desc())
        )
    )
    rows = []
    for meeting in meetings:
        versions = services.result_versions(meeting)
        if meeting.state not in RESULT_STATES and not versions:
            continue
        rows.append(
            {"meeting": meeting, "versions": versions,
             "current": next((r for r in versions if r.is_current), None),
             "objections": objection_services.meeting_objections(meeting),
             "due": publication_due(meeting), "revocation": revocation_of(meeting),
             "follow_ups": pending_follow_ups(meeting)}
        )  # fmt: skip
    return render_template(
        "results/manage.html", community=community, rows=rows, key=current_key(community),
        office_key=current_key(community.office), action=ActionForm(), reason=ReasonForm(),
        answer=AnswerForm(), revoke=RevocationForm(), now=utcnow(),
    )  # fmt: skip


def _published(result) -> str:
    return _("初步结果已签名公示，异议期开始。") if result.is_preliminary else _("结果已签名公示。")


@bp.post("/results/meetings/<int:meeting_id>/publish")
@staff_only
def publish(meeting_id: int):
    """Sign and publish (or publish the final result after the objection period)."""
    meeting, community = _posted(meeting_id)
    return _act(community.id, lambda: services.publish_result(meeting, current_user), _published)


@bp.post("/results/meetings/<int:meeting_id>/correct")
@staff_only
def correct(meeting_id: int):
    """Publish a correction: a new version that supersedes the one in force."""
    return _with_reason(
        meeting_id,
        services.correct_result,
        _("请说明更正的理由（最多 1000 字）。"),
        _("更正版本已签名公示，原版本仍可查看。"),
    )


@bp.post("/results/meetings/<int:meeting_id>/countersign")
@staff_only
def countersign(meeting_id: int):
    """The street office countersigns the result in force."""
    meeting, community = _posted(meeting_id)
    return _act(
        community.id, lambda: services.countersign_result(meeting, current_user), _("已会签。")
    )


@bp.post("/results/meetings/<int:meeting_id>/return")
@staff_only
def return_(meeting_id: int):
    """The street office returns the result to the committee, with its reason."""
    return _with_reason(
        meeting_id,
        services.return_result,
        _("请说明退回的理由（最多 1000 字）。"),
        _("已退回业主委员会更正。"),
    )


@bp.post("/results/objections/<int:objection_id>/answer")
@staff_only
def answer(objection_id: int):
    """The committee answers one objection; the street office a ``not_me`` one."""
    objection = db.session.get(Objection, objection_id)
    if objection is None:
        abort(404)
    meeting, community = _meeting_in_scope(objection.meeting_id)
    form = AnswerForm()
    return _act_on(
        community.id,
        form,
        _("请填写答复（最多 1000 字）。"),
        lambda: objection_services.answer_objection(objection, current_user, form.answer.data),
        _("已答复。"),
    )


@bp.post("/results/keys")
@staff_only
def new_key():
    """Make (or rotate) the signing key of the user's own committee or office."""
    if not ActionForm().validate_on_submit():
        abort(400)
    if current_user.role == "committee":
        owner = db.session.get(Community, current_user.community_id)
    elif current_user.role == "office":
        owner = db.session.get(Office, current_user.office_id)
    else:
        abort(403)
    try:
        key = create_signing_key(owner, f"user:{current_user.username}")
    except SigningKeyError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return redirect(url_for("results.keys"))
    flash(_("已生成新的签名密钥，密钥编号 %(key_id)s。旧密钥已停用，但仍公开以便核验旧结果。",
            key_id=key.key_id), "success")  # fmt: skip
    return redirect(url_for("results.keys"))
