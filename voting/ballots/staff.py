"""Staff pages: committee members key paper and proxy ballots, twice, by two members.

A blueprint nested in ``ballots`` (endpoints ``ballots.paper.*``) whose every request
needs a staff login; entering needs membership of the meeting's community's committee.
"""

import io
from datetime import UTC, datetime, time

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from voting.auth.access import get_community_or_404, require_staff
from voting.auth.permissions import meeting_for, part_of
from voting.ballots import lists
from voting.ballots.answers import ABSTAIN, INVALID, answers_from_form, ballot_form
from voting.ballots.errors import BallotError
from voting.ballots.forms import EntryForm, ProxyForm, SearchForm, invalid_reason_choices
from voting.ballots.models import Ballot, ProxyAuthorisation, RosterErrorReport
from voting.ballots.paper import (
    CHANNEL_LABELS,
    discard_entries,
    enter_paper_ballot,
    require_member,
)
from voting.ballots.proxies import record_proxy
from voting.ballots.reports import resolve_roster_report
from voting.ballots.services import format_receipt
from voting.db import db
from voting.meetings.models import Meeting, Voter
from voting.timeutil import SHANGHAI, to_utc
from voting.web import add_community_nav, current_lang

bp = Blueprint("paper", __name__)
bp.before_request(require_staff)
bp.record_once(lambda state: add_community_nav(state.app, _l("纸质票"), "ballots.paper.index"))


def _voter_or_404(meeting: Meeting, voter_id: int) -> Voter:
    return part_of(meeting, Voter, voter_id)


def _member_or_403(meeting: Meeting) -> None:
    try:
        require_member(current_user, meeting)
    except BallotError:
        abort(403)


def _flash_error(error: BallotError) -> None:
    if error.keep:
        db.session.commit()
    else:
        db.session.rollback()
    flash(error.text(current_lang()), "error")


@bp.get("/communities/<int:community_id>/paper")
def index(community_id: int):
    """The community's meetings that have opened, to enter their paper ballots."""
    community = get_community_or_404(community_id)
    meetings = db.session.scalars(
        select(Meeting)
        .where(Meeting.community_id == community.id, Meeting.opened_at.is_not(None))
        .order_by(Meeting.opened_at.desc())
    ).all()
    return render_template("ballots/paper_index.html", community=community, meetings=meetings)


@bp.get("/meetings/<int:meeting_id>/paper")
def meeting(meeting_id: int):
    """Search a voter by building and unit; entries waiting, mismatches, conflicts, reports."""
    meeting = meeting_for(meeting_id)
    form = SearchForm(request.args)
    found = lists.search_voters(meeting, form.q.data or "") if form.validate() else []
    return render_template(
        "ballots/paper_meeting.html",
        meeting=meeting,
        form=form,
        found=found,
        states=lists.voter_states(meeting, [v.id for v in found]),
        pending=lists.unconfirmed_entries(meeting, "pending"),
        mismatches=lists.unconfirmed_entries(meeting, "mismatch"),
        conflicts=lists.conflicts(meeting),
        reports=lists.roster_reports(meeting),
        counts=lists.ballots_by_channel(meeting),
        channels=CHANNEL_LABELS,
    )


def _entry_answers(form: dict, data) -> tuple[dict, dict]:
    """Answers and invalid reasons from the entry form (a whole ballot or single matters)."""
    whole = data.get("whole_invalid")
    if whole:
        return {key: INVALID for key in form}, {key: whole for key in form}
    answers: dict = dict(answers_from_form(form, data))
    reasons = {}
    for key in form:
        if reason := data.get(f"invalid{key}"):
            answers[key], reasons[key] = INVALID, reason
    return answers, reasons


@bp.route("/meetings/<int:meeting_id>/paper/voters/<int:voter_id>", methods=["GET", "POST"])
def enter(meeting_id: int, voter_id: int):
    """Key one paper or proxy ballot of a voter, as one of the two members."""
    meeting = meeting_for(meeting_id)
    _member_or_403(meeting)
    voter = _voter_or_404(meeting, voter_id)
    proxies = lists.proxies_of(meeting, voter)
    form = EntryForm()
    form.proxy_id.choices = [SelectChoice("", "—")] + [
        SelectChoice(str(p.id), p.agent_name) for p in proxies
    ]
    form.whole_invalid.choices = invalid_reason_choices()
    if request.method == "GET" and request.args.get("proxy"):
        form.channel.data, form.proxy_id.data = "proxy", request.args["proxy"]
    chosen, problems, status = {}, [], 200
    if form.validate_on_submit():
        matters = ballot_form(meeting.id)
        answers, reasons = _entry_answers(matters, request.form)
        proxy_id = int(form.proxy_id.data) if (form.proxy_id.data or "").isdigit() else None
        try:
            entry = enter_paper_ballot(
                meeting,
                voter,
                current_user,
                answers=answers,
                invalid_reasons=reasons,
                channel=form.channel.data,
                proxy_id=proxy_id,
                received_at=to_utc(form.received_at.data),
            )
        except BallotError as error:
            if error.code != "invalid_answers":
                _flash_error(error)
                return redirect(
                    url_for("ballots.paper.enter", meeting_id=meeting.id, voter_id=voter.id)
                )
            db.session.rollback()
            problems, status = error.details, 422
            chosen = {key: request.form.getlist(f"m{key}") for key in matters}
        else:
            _flash_outcome(entry)
            return redirect(url_for("ballots.paper.meeting", meeting_id=meeting.id))
    return render_template(
        "ballots/paper_entry.html",
        meeting=meeting,
        voter=voter,
        form=form,
        proxies=proxies,
        entries=lists.entries_of(meeting, voter),
        chosen=chosen,
        problems=problems,
        reasons=invalid_reason_choices(),
        ABSTAIN=ABSTAIN,
        ballot=db.session.scalar(
            select(Ballot).where(Ballot.meeting_id == meeting.id, Ballot.voter_id == voter.id)
        ),
    ), status


def _flash_outcome(entry) -> None:
    if entry.status == "matched":
        receipt = " ".join(format_receipt(db.session.get(Ballot, entry.ballot_id).receipt))
        flash(_("两次录入一致，选票已计入。回执：%(receipt)s", receipt=receipt), "success")
    elif entry.status == "mismatch":
        flash(_("与另一位委员的录入不一致，已列入「待核对」清单。请核对原始选票后处理。"), "error")
    else:
        flash(_("第一次录入已保存。请另一位委员再录入一次，两次一致才计入。"), "success")


@bp.route("/meetings/<int:meeting_id>/paper/voters/<int:voter_id>/proxy", methods=["GET", "POST"])
def proxy(meeting_id: int, voter_id: int):
    """Record a voter's written authorisation: agent, matters, instructions, term, scan."""
    meeting = meeting_for(meeting_id)
    _member_or_403(meeting)
    voter = _voter_or_404(meeting, voter_id)
    form = ProxyForm()
    form.matters.choices = [
        SelectChoice(m.public_id, f"{m.position}. {m.title}") for m in meeting.matters
    ]
    status = 200
    if form.validate_on_submit():
        until = None
        if form.valid_until.data:
            end = datetime.combine(form.valid_until.data, time(23, 59, 59), tzinfo=SHANGHAI)
            until = end.astimezone(UTC)
        scan = form.scan.data
        try:
            proxy = record_proxy(
                meeting,
                voter,
                current_user,
                agent_name=form.agent_name.data,
                file_name=scan.filename,
                data=scan.read(),
                matters=form.matters.data or [],
                instructions=form.instructions.data or "",
                valid_until=until,
            )
        except BallotError as error:
            db.session.rollback()
            form.scan.errors = [error.text(current_lang())]
            status = 422
        else:
            flash(_("委托书已登记。现在可以录入受托人代投的选票。"), "success")
            return redirect(
                url_for(
                    "ballots.paper.enter", meeting_id=meeting.id, voter_id=voter.id, proxy=proxy.id
                )
            )
    elif form.is_submitted():
        status = 422
    page = render_template("ballots/paper_proxy.html", meeting=meeting, voter=voter, form=form)
    return page, status


@bp.post("/meetings/<int:meeting_id>/paper/voters/<int:voter_id>/discard")
def discard(meeting_id: int, voter_id: int):
    """Discard a voter's mismatched entries so that the ballot can be keyed again."""
    meeting = meeting_for(meeting_id)
    _member_or_403(meeting)
    voter = _voter_or_404(meeting, voter_id)
    try:
        count = discard_entries(meeting, voter, current_user)
    except BallotError as error:
        _flash_error(error)
    else:
        flash(_("已作废 %(count)s 条录入，请两位委员重新录入。", count=count), "success")
    return redirect(url_for("ballots.paper.meeting", meeting_id=meeting.id))


@bp.get("/meetings/<int:meeting_id>/paper/proxies/<int:proxy_id>")
def proxy_scan(meeting_id: int, proxy_id: int):
    """The scan of a written authorisation."""
    meeting = meeting_for(meeting_id)
    proxy = part_of(meeting, ProxyAuthorisation, proxy_id)
    return send_file(
        io.BytesIO(proxy.data),
        mimetype=proxy.content_type,
        download_name=proxy.file_name,
        max_age=0,
    )


@bp.post("/meetings/<int:meeting_id>/paper/reports/<int:report_id>/resolve")
def resolve_report(meeting_id: int, report_id: int):
    """Mark an owner's roster note as dealt with."""
    meeting = meeting_for(meeting_id)
    report = part_of(meeting, RosterErrorReport, report_id)
    try:
        resolve_roster_report(report, current_user)
    except BallotError as error:
        _flash_error(error)
    else:
        flash(_("已标记为已处理。"), "success")
    return redirect(url_for("ballots.paper.meeting", meeting_id=meeting.id))


from voting.ballots import paper_print  # noqa: E402, F401  (its routes join this blueprint)
