"""Staff pages of the street office: the dashboard, approving or returning plans, and a
meeting's anomalies and timeline. Committee mandates are in ``views_mandates``."""

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from voting.audit.services import current_actor, record_event
from voting.auth.access import acting_user
from voting.auth.permissions import meeting_for
from voting.db import db, utcnow
from voting.meetings import services as meetings
from voting.meetings.common import STATE_LABELS
from voting.meetings.errors import MeetingError
from voting.meetings.key_cards import key_cards_page
from voting.meetings.models import Meeting
from voting.rosters.models import Office
from voting.supervision import labels
from voting.supervision.access import get_office_or_404
from voting.supervision.anomalies import anomalies_for_meeting, thresholds
from voting.supervision.dashboard import office_dashboard
from voting.supervision.forms import ActionForm, ReasonForm
from voting.supervision.records import meeting_timeline
from voting.supervision.statistics import office_statistics, statistics_period, statistics_xlsx
from voting.web import add_community_nav, current_lang

bp = Blueprint("supervision", __name__)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.record_once
def _setup(state) -> None:
    from voting.ballots.services import identity_check_failed
    from voting.supervision.records import note_failed_check

    add_community_nav(state.app, _l("街道监督"), "supervision.community")
    identity_check_failed.connect(note_failed_check, weak=False)


@bp.context_processor
def _labels() -> dict:
    return {"labels": STATE_LABELS, "kind_labels": labels.KIND_LABELS, "sv": labels}


@bp.get("/supervision")
def index():
    """Office staff go to their dashboard, committees to their community, admins choose."""
    user = acting_user()
    if user.role == "office":
        return redirect(url_for("supervision.dashboard", office_id=user.office_id))
    if user.role == "committee":
        return redirect(url_for("supervision.community", community_id=user.community_id))
    offices = list(db.session.scalars(select(Office).order_by(Office.id)))
    return render_template("supervision/index.html", offices=offices)


def _urls(endpoint: str, key: str, ids) -> dict[int, str]:
    """The URL of each id, building the route once (a page of 200 rows would build it 200
    times): the largest id a route takes marks where each id goes."""
    marker = str(2**31 - 1)
    pattern = url_for(endpoint, **{key: marker})
    return {i: pattern.replace(marker, str(i)) for i in ids}


def _dashboard_page(office: Office, status: int = 200, error: str | None = None, **forms):
    board = office_dashboard(office)
    meetings = [item.meeting for item in (*board.plans, *board.open_meetings, *board.results)]
    ids, communities = [m.id for m in meetings], [row.id for row in board.communities]
    urls = {
        "community": _urls("supervision.community", "community_id", communities),
        "results": _urls("results.manage", "community_id", communities),
        "show": _urls("meetings.show", "meeting_id", ids),
        "turnout": _urls("meetings.turnout", "meeting_id", ids),
        "watch": _urls("supervision.meeting", "meeting_id", ids),
        "approve": _urls("supervision.approve", "meeting_id", ids),
        "return": _urls("supervision.return_plan", "meeting_id", ids),
    }
    return render_template(
        "supervision/dashboard.html",
        board=board,
        urls=urls,
        # Patterns translated once and filled in for each line of the page.
        patterns={
            "percent": _("（%(n)s%%）"),
            "met": _("已达三分之二（%(n)s %(u)s）"),
            "missing": _("还差 %(n)s %(u)s"),
        },  # fmt: skip
        state_names={state: _(label) for state, label in STATE_LABELS.items()},
        kind_names={kind: str(label) for kind, label in labels.KIND_LABELS.items()},
        action_form=ActionForm(formdata=None),
        reason_form=forms.get("reason_form") or ReasonForm(formdata=None),
        failed_id=forms.get("failed_id"),
        error=error,
        can_act=acting_user().role == "office",
    ), status


@bp.get("/supervision/offices/<int:office_id>")
def dashboard(office_id: int):
    """Every community of the office, live turnout, plans to approve, results to sign."""
    return _dashboard_page(get_office_or_404(office_id))


@bp.get("/supervision/offices/<int:office_id>/statistics.xlsx")
def statistics(office_id: int):
    """The office's statistics for a period as a workbook; its own staff only, logged."""
    office = get_office_or_404(office_id)
    user = acting_user()
    if user.role != "office":
        abort(403)
    period = statistics_period(request.args.get("from"), request.args.get("to"))
    if period is None:
        flash(_("请填写统计期间：开始和结束日期（如 2030-03-01），结束不早于开始，最长三年。"),
              "error")  # fmt: skip
        return redirect(url_for("supervision.dashboard", office_id=office.id))
    start, end = period
    rows = office_statistics(office, start, end)
    body = statistics_xlsx(office, start, end, rows)
    record_event("office.statistics_exported", {"from": start.isoformat(), "to": end.isoformat(),
                                                "meetings": len(rows)},
                 office_id=office.id, actor=current_actor())  # fmt: skip
    name = f"office-{office.id}-statistics-{start.isoformat()}-{end.isoformat()}.xlsx"
    return Response(
        body,
        mimetype=XLSX,
        headers={
            "Content-Disposition": f"attachment; filename={name}",
            "Cache-Control": "no-store",
        },
    )


def _office_meeting(meeting_id: int) -> tuple[Meeting, Office]:
    """A meeting in the acting office's scope (404 outside it); only office staff act (403)."""
    meeting = meeting_for(meeting_id)
    if acting_user().role != "office":
        abort(403)
    community = meeting.community
    return meeting, db.session.get(Office, community.office_id)


@bp.post("/supervision/meetings/<int:meeting_id>/approve")
def approve(meeting_id: int):
    """Approve a submitted plan, then back to the dashboard."""
    meeting, office = _office_meeting(meeting_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    cards: list = []
    try:
        meetings.approve_meeting(meeting, cards=cards)
    except MeetingError as error:
        db.session.rollback()
        return _dashboard_page(office, 409, error.text(current_lang()))
    if cards:  # a secret plan: its key cards, shown to this user once
        return key_cards_page(meeting, cards)
    flash(_("已批准「%(title)s」的会议方案。", title=meeting.title), "success")
    return redirect(url_for("supervision.dashboard", office_id=office.id, _anchor="plans"))


@bp.post("/supervision/meetings/<int:meeting_id>/return")
def return_plan(meeting_id: int):
    """Return a plan to the committee with the office's reason."""
    meeting, office = _office_meeting(meeting_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        error = _("请写明退回的原因（最多 1000 字）。")
        return _dashboard_page(office, 422, error, reason_form=form, failed_id=meeting.id)
    try:
        meetings.return_meeting(meeting, form.reason.data)
    except MeetingError as error:
        db.session.rollback()
        return _dashboard_page(office, 409, error.text(current_lang()))
    flash(
        _("已退回「%(title)s」的会议方案，委员会将看到退回原因。", title=meeting.title), "success"
    )
    return redirect(url_for("supervision.dashboard", office_id=office.id, _anchor="plans"))


@bp.get("/supervision/meetings/<int:meeting_id>")
def meeting(meeting_id: int):
    """A meeting's anomalies with their evidence, and its timeline from the audit log."""
    meeting = meeting_for(meeting_id)
    community = meeting.community
    events, bulk = meeting_timeline(meeting)
    return render_template(
        "supervision/meeting.html",
        meeting=meeting,
        community=community,
        anomalies=anomalies_for_meeting(meeting),
        limits=thresholds(),
        events=events,
        bulk=bulk,
        now=utcnow(),
    )


from voting.supervision import views_mandates  # noqa: E402,F401  (routes on this blueprint)
