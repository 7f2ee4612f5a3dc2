"""Staff pages of messages: the committee's reminders (from the turnout page) and, per
meeting, the service record (送达记录) of what reached each owner."""

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from voting.auth.access import require_role
from voting.auth.permissions import meeting_for
from voting.db import db, utcnow
from voting.door.models import OUTCOME_LABELS
from voting.meetings.common import STATE_LABELS as MEETING_STATES
from voting.meetings.common import log_meeting
from voting.meetings.errors import MeetingError
from voting.meetings.forms import ActionForm
from voting.messages.reminders import send_reminders
from voting.messages.service import (
    NOTE,
    PRINTED,
    delivery_text,
    service_record,
    service_xlsx,
)
from voting.web import current_lang

bp = Blueprint("messages", __name__)

#: At most this many owners in one chosen list (a page's worth).
MAX_CHOSEN = 5000


def _chosen() -> list[int] | None:
    values = request.form.getlist("voter")
    if not values:
        return None
    return [int(v) for v in values[:MAX_CHOSEN] if v.isdigit() and len(v) < 19]


@bp.post("/meetings/<int:meeting_id>/reminders")
@require_role("committee")
def remind(meeting_id: int):
    """Remind the owners who have not voted: all, one building, or the ones listed."""
    meeting = meeting_for(meeting_id)
    back = redirect(url_for("meetings.turnout", meeting_id=meeting.id))
    if not ActionForm().validate():
        flash(_("请求无效。"), "error")
        return back
    building = request.form.get("building", "").strip()[:64] or None
    try:
        queued = send_reminders(meeting, building=building, voter_ids=_chosen())
    except MeetingError as error:
        db.session.rollback()
        flash(error.text(current_lang()), "error")
        return back
    if queued:
        flash(_("已为 %(n)s 位未投票的业主安排提醒短信。", n=queued), "success")
    else:
        flash(_("没有可提醒的业主：他们已经投票、没有手机号，或今天已经提醒过。"), "success")
    return back


def _record(meeting_id: int):
    meeting = meeting_for(meeting_id)
    if meeting.announced_at is None:
        abort(404)  # nothing is served before the notice
    return meeting, service_record(meeting)


@bp.get("/meetings/<int:meeting_id>/service")
@require_role("committee", "office")
def service(meeting_id: int):
    """The printable service record (送达记录): what reached each owner, and when."""
    meeting, record = _record(meeting_id)
    log_meeting(meeting, "service_record_shown", {"format": "html", "rows": len(record.rows)})
    return render_template(
        "messages/service.html", meeting=meeting, community=record.community, record=record,
        totals=record.totals(), labels=MEETING_STATES, delivery_text=delivery_text, note=NOTE,
        now=utcnow(), printed_labels=PRINTED, outcome_labels=OUTCOME_LABELS,
    )  # fmt: skip


@bp.get("/meetings/<int:meeting_id>/service.xlsx")
@require_role("committee", "office")
def service_xlsx_download(meeting_id: int):
    """The service record as an XLSX workbook (no formula in any cell, phones masked)."""
    meeting, record = _record(meeting_id)
    body = service_xlsx(record)
    log_meeting(meeting, "service_record_exported", {"format": "xlsx", "rows": len(record.rows)})
    return Response(
        body,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={
            "Content-Disposition": f"attachment; filename=meeting-{meeting.id}-service.xlsx",
            "Cache-Control": "no-store",
        },
    )
