"""Door-to-door pages: the committee opens building heads' accounts; a building head prints
the non-voters of a building and records each visit from a phone.

A building head reaches nothing else: every staff guard refuses the role (voting.auth.access),
no community is in its scope, and it gets no API token.
"""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from voting.auth.access import get_community_or_404, require_role
from voting.auth.models import User
from voting.auth.permissions import load, load_meeting
from voting.auth.services import AccountError
from voting.db import db
from voting.door import services
from voting.door.forms import BuildingHeadForm, VisitForm
from voting.door.models import OUTCOME_LABELS
from voting.extensions import login_manager
from voting.i18n import N_
from voting.meetings.common import log_meeting
from voting.meetings.forms import ActionForm
from voting.meetings.models import Meeting
from voting.rosters.models import Community
from voting.web import add_community_nav

bp = Blueprint("door", __name__)
bp.record_once(lambda state: add_community_nav(state.app, _l("楼长"), "door.heads"))

ACCOUNT_ERRORS = {
    "taken": N_("这个用户名已被使用。"),
    "password": N_("密码至少 10 位。"),
    "buildings": N_("请选择名册中的楼栋。"),
}


def require_login():
    """Guard of every page here: anonymous visitors sign in first."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    return None


# --- the committee -------------------------------------------------------------------------


@bp.route("/communities/<int:community_id>/building-heads", methods=["GET", "POST"])
@require_role("committee")
def heads(community_id: int):
    """The community's building heads, and a form to open one more."""
    community = get_community_or_404(community_id)
    form = BuildingHeadForm()
    buildings = services.community_buildings(community.id)
    form.buildings.choices = [SelectChoice(b, b) for b in buildings]
    if form.validate_on_submit():
        try:
            services.add_building_head(community, form.username.data.strip(), form.password.data,
                                       (form.display_name.data or "").strip(),
                                       form.buildings.data)  # fmt: skip
        except AccountError as error:
            db.session.rollback()
            message = ACCOUNT_ERRORS.get(error.reason, N_("无法开通这个账号，请检查各项。"))
            flash(_(message), "error")
        else:
            flash(_("已开通楼长账号。"), "success")
            return redirect(url_for("door.heads", community_id=community.id))
    return render_template("door/heads.html", community=community, form=form,
                           heads=services.building_heads(community),
                           action=ActionForm(formdata=None))  # fmt: skip


@bp.post("/communities/<int:community_id>/building-heads/<int:user_id>/disable")
@require_role("committee")
def disable(community_id: int, user_id: int):
    """Close a building head's account (the door list and visits are no longer theirs)."""
    community = get_community_or_404(community_id)
    head = load(User, user_id)
    if head is None or head.community_id != community.id or not head.is_building_head:
        abort(404)
    if ActionForm().validate_on_submit() and head.is_enabled:
        services.disable_building_head(head)
        flash(_("已停用该楼长账号。"), "success")
    return redirect(url_for("door.heads", community_id=community.id))


# --- the building head ---------------------------------------------------------------------


def _head() -> User:
    """The signed-in building head, else 403."""
    if not current_user.is_building_head:
        abort(403)
    return current_user


def _meeting_and_building(meeting_id: int, building: str) -> tuple[User, Meeting]:
    """The building head's meeting (their community's, else 404) and building (theirs)."""
    head = _head()
    meeting = load_meeting(meeting_id)
    if meeting is None or meeting.community_id != head.community_id:
        abort(404)
    if building not in (head.buildings or []):
        abort(404)
    return head, meeting


@bp.get("/door")
def home():
    """The building head's open meetings and buildings."""
    head = _head()
    community = db.session.get(Community, head.community_id)
    return render_template("door/home.html", community=community,
                           meetings=services.open_meetings(head),
                           buildings=head.buildings or [])  # fmt: skip


@bp.get("/door/meetings/<int:meeting_id>/buildings/<building>/list")
def printable(meeting_id: int, building: str):
    """The printable list of the building's non-voters: unit, masked name, ballot code."""
    _, meeting = _meeting_and_building(meeting_id, building)
    rows = services.non_voters(meeting, building)
    log_meeting(meeting, "door_list_printed", {"building": building, "owners": len(rows)})
    return render_template("door/list.html", meeting=meeting, building=building, rows=rows,
                           community=meeting.community,
                           labels=OUTCOME_LABELS)  # fmt: skip


@bp.get("/door/meetings/<int:meeting_id>/buildings/<building>")
def visits(meeting_id: int, building: str):
    """The phone page: each non-voter of the building with the outcomes to record."""
    _, meeting = _meeting_and_building(meeting_id, building)
    return render_template("door/visits.html", meeting=meeting, building=building,
                           rows=services.non_voters(meeting, building),
                           labels=OUTCOME_LABELS,
                           form=VisitForm(formdata=None))  # fmt: skip


@bp.post("/door/meetings/<int:meeting_id>/buildings/<building>/voters/<int:voter_id>/visit")
def visit(meeting_id: int, building: str, voter_id: int):
    """Record what came of a visit; back to the phone page."""
    head, meeting = _meeting_and_building(meeting_id, building)
    form = VisitForm()
    back = redirect(url_for("door.visits", meeting_id=meeting.id, building=building))
    if not form.validate_on_submit():
        flash(_("请选择上门结果。"), "error")
        return back
    try:
        services.record_visit(meeting, voter_id, building, head, form.outcome.data)
    except services.DoorError as error:
        db.session.rollback()
        if error.reason == "voter":
            abort(404)
        flash(_("表决已结束，不能再记录上门情况。"), "error")
        return back
    flash(_("已记录：%(outcome)s", outcome=_(OUTCOME_LABELS[form.outcome.data])),
          "success")  # fmt: skip
    return back
