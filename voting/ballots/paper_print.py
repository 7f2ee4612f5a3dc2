"""Printed paper: each owner's personal paper ballot (the matters as on the screen, a
signature line, a short code and its QR code) and a proxy authorisation form (授权委托书);
and the clerks' way in from that code to the owner's entry form.

Routes of the staff ``paper`` blueprint (endpoints ``ballots.paper.*``, staff login needed).
"""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from voting.auth.access import require_role
from voting.auth.permissions import meeting_for
from voting.ballots import lists
from voting.ballots.forms import CodeLookupForm
from voting.ballots.paper_codes import paper_code, voter_by_code
from voting.ballots.staff import _voter_or_404, bp
from voting.links import qr_svg
from voting.meetings.common import log_meeting, log_printed
from voting.meetings.models import Meeting, Voter
from voting.web import page_of

BALLOTS_PER_PAGE = 40


def _voters(meeting: Meeting, voter_id: int | None, building: str) -> list[Voter]:
    """The voters whose ballots to print: one, one building's, or all who can vote."""
    voters = lists.voters_who_can_vote(meeting)
    if voter_id is not None:
        return [v for v in voters if v.id == voter_id]
    if building:
        return [v for v in voters if building in (v.building_areas or {v.building: 0})]
    return voters


@bp.get("/meetings/<int:meeting_id>/paper/ballots")
@require_role("committee")
def ballots(meeting_id: int):
    """Printable personal paper ballots, one a sheet, each with the owner's code; one owner's
    by ``voter`` or by the code on a building head's list (``code``)."""
    meeting = meeting_for(meeting_id)
    voter_id = request.args.get("voter", type=int)
    if "code" in request.args:  # printed again on the spot from a building head's list
        voter = voter_by_code(meeting, request.args.get("code", "")[:20])
        if voter is None:
            flash(_("没有这个票面编码，请核对后重新输入（8 位，例如 K7M3-Q9PX）。"), "error")
            return redirect(url_for("ballots.paper.meeting", meeting_id=meeting.id))
        voter_id = voter.id
    building = request.args.get("building", "")[:64]
    shown, page, pages = page_of(_voters(meeting, voter_id, building), BALLOTS_PER_PAGE)
    sheets = []
    for voter in shown:
        code = paper_code(voter)
        sheets.append({"voter": voter, "units": "、".join(voter.units), "code": code,
                       "qr": qr_svg(code, code)})  # fmt: skip
    printed = [sheet["voter"].id for sheet in sheets]
    log_printed(meeting, "paper_ballots_printed", "ballots", printed, building, voter_id, page)
    return render_template(
        "ballots/paper_ballots.html",
        meeting=meeting,
        community=meeting.community,
        sheets=sheets,
        building=building,
        page=page,
        pages=pages,
    )


@bp.get("/meetings/<int:meeting_id>/paper/code")
def by_code(meeting_id: int):
    """A clerk types (or scans) the code on a paper ballot: that owner's entry form."""
    meeting = meeting_for(meeting_id)
    form = CodeLookupForm(request.args)
    voter = voter_by_code(meeting, form.code.data) if form.validate() else None
    if voter is None:
        flash(_("没有这个票面编码，请核对后重新输入（8 位，例如 K7M3-Q9PX）。"), "error")
        return redirect(url_for("ballots.paper.meeting", meeting_id=meeting.id))
    return redirect(url_for("ballots.paper.enter", meeting_id=meeting.id, voter_id=voter.id))


@bp.get("/meetings/<int:meeting_id>/paper/voters/<int:voter_id>/proxy-form")
@require_role("committee")
def proxy_form(meeting_id: int, voter_id: int):
    """A printable proxy authorisation (授权委托书): principal, agent, matters, term, signature."""
    meeting = meeting_for(meeting_id)
    voter = _voter_or_404(meeting, voter_id)
    log_meeting(meeting, "proxy_form_printed", {"voter_id": voter.id})
    return render_template(
        "ballots/proxy_form.html",
        meeting=meeting,
        community=meeting.community,
        voter=voter,
        code=paper_code(voter),
    )
