"""Staff pages of a community's committee mandates: the current body and its term, the
history, member accounts, and the office's forms to appoint, record or end a mandate."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from voting.auth.access import acting_user, get_community_or_404
from voting.db import db
from voting.meetings.models import Meeting
from voting.rosters.models import Community
from voting.supervision import mandates
from voting.supervision.anomalies import anomalies_for_meeting
from voting.supervision.errors import SupervisionError
from voting.supervision.forms import MandateForm, MemberForm, ReasonForm
from voting.supervision.members import add_member_account, member_accounts
from voting.supervision.models import CommitteeMandate
from voting.supervision.views import bp
from voting.web import current_lang

#: States in which a meeting's anomalies are checked on the community page.
WATCHED = ("open", "closed", "tallied", "published")
SERVICES = {
    "preparatory_group": mandates.appoint_preparatory_group,
    "management_committee": mandates.set_up_management_committee,
}
DONE = {
    "preparatory_group": _l("已组建筹备组，成员即日起可以代行委员会职责。"),
    "management_committee": _l("已组建物业管理委员会。"),
    "owners_committee": _l("已登记业主委员会；此前筹备组或物管会成员的职权已终止。"),
}


def _is_office_of(community: Community) -> bool:
    user = acting_user()
    return user.role == "office" and user.office_id == community.office_id


def _office_community(community_id: int) -> Community:
    """The community in scope (404 outside it), for the office that supervises it (403)."""
    community = get_community_or_404(community_id)
    if not _is_office_of(community):
        abort(403)
    return community


def _community_page(community: Community, status: int = 200, error: str | None = None, **forms):
    meetings = list(
        db.session.scalars(
            select(Meeting).where(Meeting.community_id == community.id).order_by(Meeting.id.desc())
        )
    )
    return render_template(
        "supervision/community.html",
        community=community,
        warnings={m.id: len(anomalies_for_meeting(m)) for m in meetings if m.state in WATCHED},
        mandates=mandates.mandates_of(community.id),
        accounts={u.id: u for u in member_accounts(community.id)},
        meetings=meetings,
        can_act=_is_office_of(community),
        member_form=forms.get("member_form") or MemberForm(formdata=None),
        reason_form=forms.get("reason_form") or ReasonForm(formdata=None),
        error=error,
    ), status


@bp.get("/communities/<int:community_id>/supervision")
def community(community_id: int):
    """The community's committee, its term and members, past mandates, and its meetings."""
    return _community_page(get_community_or_404(community_id))


def _election_meetings(community: Community) -> list[SelectChoice]:
    rows = db.session.scalars(
        select(Meeting)
        .where(Meeting.community_id == community.id, Meeting.published_at.is_not(None))
        .order_by(Meeting.id.desc())
    )
    return [SelectChoice("", _("（不关联会议，由街道录入）"))] + [
        SelectChoice(m.id, m.title) for m in rows
    ]


@bp.route("/communities/<int:community_id>/supervision/mandates/new", methods=["GET", "POST"])
def new_mandate(community_id: int):
    """Appoint a preparatory group or a 物管会, or record the elected committee."""
    community = _office_community(community_id)
    form = MandateForm()
    accounts = member_accounts(community.id)
    choices = [SelectChoice(u.id, u.display_name or u.username) for u in accounts if u.is_enabled]
    form.members.choices = form.owner_reps.choices = choices
    form.meeting_id.choices = _election_meetings(community)
    if request.method == "GET":
        form.kind.data = request.args.get("kind", "preparatory_group")
    status, error = 200, None
    if form.validate_on_submit():
        kind = form.kind.data
        options = {"term_ends_on": form.term_ends_on.data}
        try:
            if kind == "owners_committee":
                options["meeting_id"] = form.meeting_id.data
                mandates.record_elected_committee(
                    community, acting_user(), form.members.data, **options
                )
            else:
                SERVICES[kind](
                    community, acting_user(), form.members.data, form.owner_reps.data, **options
                )
        except SupervisionError as caught:
            db.session.rollback()
            status, error = caught.status, caught.text(current_lang())
        else:
            flash(str(DONE[kind]), "success")
            return redirect(url_for("supervision.community", community_id=community.id))
    elif form.is_submitted():
        status, error = 422, _("请检查填写的内容。")
    return render_template(
        "supervision/mandate_form.html",
        community=community,
        form=form,
        accounts=accounts,
        member_form=MemberForm(formdata=None),
        error=error,
    ), status


@bp.post("/communities/<int:community_id>/supervision/members")
def add_member(community_id: int):
    """Open a committee account for a member the office is about to name."""
    community = _office_community(community_id)
    form = MemberForm()
    if not form.validate_on_submit():
        error = _("请填写用户名、姓名和至少 10 位的初始密码。")
        return _community_page(community, 422, error, member_form=form)
    try:
        user = add_member_account(
            community, acting_user(), form.username.data, form.display_name.data,
            form.password.data,
        )  # fmt: skip
    except SupervisionError as caught:
        db.session.rollback()
        return _community_page(community, caught.status, caught.text(current_lang()),
                               member_form=form)  # fmt: skip
    flash(_("已为 %(name)s 开设委员账户 %(username)s，请将初始密码当面交给本人。",
            name=user.display_name, username=user.username), "success")  # fmt: skip
    if request.args.get("next") == "mandate":
        kind = request.args.get("kind")
        kind = kind if kind in mandates.KIND_LABELS else None
        return redirect(url_for("supervision.new_mandate", community_id=community.id, kind=kind))
    return redirect(url_for("supervision.community", community_id=community.id))


@bp.post("/supervision/mandates/<int:mandate_id>/end")
def end_mandate(mandate_id: int):
    """End a mandate early, with the office's reason."""
    mandate = db.session.get(CommitteeMandate, mandate_id)
    if mandate is None:
        abort(404)
    community = _office_community(mandate.community_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        error = _("请写明结束任期的原因（最多 1000 字）。")
        return _community_page(community, 422, error, reason_form=form)
    try:
        mandates.end_mandate(mandate, acting_user(), form.reason.data)
    except SupervisionError as caught:
        db.session.rollback()
        return _community_page(community, caught.status, caught.text(current_lang()))
    flash(_("任期已结束，其成员不再具有本小区委员会的职权。"), "success")
    return redirect(url_for("supervision.community", community_id=community.id))
