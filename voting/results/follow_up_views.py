"""Pages of by-elections and runoffs drafted from a published election."""

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from voting.auth.access import require_role
from voting.auth.permissions import meeting_for, part_of
from voting.db import db
from voting.meetings.errors import MeetingError
from voting.meetings.forms import parse_options
from voting.meetings.models import Matter
from voting.meetings.views import to_meeting
from voting.results import follow_up
from voting.results.forms import CandidatesForm
from voting.results.staff import _back, _posted, staff_only
from voting.results.views import bp
from voting.web import current_lang


@bp.post("/results/meetings/<int:meeting_id>/follow-up")
@staff_only
def draft_follow_up(meeting_id: int):
    """The committee drafts the by-election or runoff of a published election in one step."""
    meeting, community = _posted(meeting_id)
    try:
        draft = follow_up.draft_follow_up(meeting, current_user)
    except MeetingError as error:
        db.session.rollback()
        flash(error.text(current_lang()), "error")
        return _back(community.id)
    db.session.commit()
    return to_meeting(draft.id, _("已起草新的会议，请填写候选人、核对日期后报街道办事处审核。"))


@bp.post("/meetings/<int:meeting_id>/matters/<int:matter_id>/candidates")
@require_role("committee")
def candidates(meeting_id: int, matter_id: int):
    """Name the candidates of a drafted by-election or runoff."""
    meeting = meeting_for(meeting_id)
    matter = part_of(meeting, Matter, matter_id)
    form = CandidatesForm()
    if not form.validate_on_submit():
        flash(_("请填写候选人，每行一个。"), "error")
    else:
        try:
            follow_up.set_candidates(meeting, matter, parse_options(form.candidates.data))
        except MeetingError as error:
            db.session.rollback()
            flash(error.text(current_lang()), "error")
        else:
            db.session.commit()
            flash(_("已保存候选人。"), "success")
    return redirect(url_for("meetings.show", meeting_id=meeting.id))
