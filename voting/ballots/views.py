"""The resident's pages at /v/<token>: public, no account, no JavaScript, phone first.

Steps: welcome (what the roster counts, the notice) -> identity check where the roster
holds an ID number or phone -> the ballot (every matter on one page) -> confirmation ->
receipt. A link that cannot vote gets a page saying why and whom to contact, with a 4xx.
"""

import io

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import defer

from voting.ballots.answers import ABSTAIN, answers_from_form, ballot_form, check_answers
from voting.ballots.codes import code_required, send_code
from voting.ballots.desk import current_desk, desk_for_meeting
from voting.ballots.errors import BallotError
from voting.ballots.forms import CodeForm, ReportForm, SendCodeForm, VerifyForm
from voting.ballots.reports import report_roster_error
from voting.ballots.services import (
    Link,
    cast_ballot,
    check_identity,
    durable_ballot,
    entry_fingerprint,
    format_receipt,
    list_online_conflict,
    needs_identity,
    open_link,
)
from voting.db import db, utcnow
from voting.limits import client_address, link_budget, note_failure
from voting.meetings.models import MeetingDocument
from voting.web import current_lang

bp = Blueprint("ballots", __name__)
# A help desk is not throttled as one address (voting.limits).
bp.record_once(
    lambda state: state.app.extensions.setdefault(
        "voting_help_desk", lambda: current_desk() is not None
    )
)

#: What a request that failed on a link costs (voting.limits): guessing, not voting.
READABLE = ("ready", "voted", "locked", "not_open", "closed", "voided", "cannot_vote")
VERIFIED_KEY = "verified_credentials"
CAST_KEY = "cast_credential"  # the link this browser has just cast with: its receipt is shown


def _render(template: str, link: Link, **context) -> str:
    """A resident's page, with the link's token and the community to contact."""
    community = None
    if link.meeting is not None:
        community = link.meeting.community
    token = request.view_args.get("token", "")
    documents = []
    if link.meeting is not None:
        # Names and sizes only: the files themselves are sent one by one, on request.
        documents = db.session.scalars(
            select(MeetingDocument)
            .options(defer(MeetingDocument.data))
            .where(MeetingDocument.meeting_id == link.meeting.id)
            .order_by(MeetingDocument.id)
        ).all()
    return render_template(template, link=link, link_token=token, community=community,
                           documents=documents, **context)  # fmt: skip


def _refused(link: Link, error: BallotError):
    """The page for a link that cannot do what was asked: what happened, whom to contact."""
    if error.failure:
        note_failure()
    if error.keep:
        db.session.commit()
    else:
        db.session.rollback()
    page = _render("ballots/refused.html", link, error=error, message=error.text(current_lang()))
    return page, error.status


def _is_verified(link: Link) -> bool:
    return not needs_identity(link.voter) or link.credential.id in session.get(VERIFIED_KEY, [])


def _mark_verified(link: Link) -> None:
    # Keyed by credential id: a shared phone may open several owners' links.
    ids = [i for i in session.get(VERIFIED_KEY, []) if i != link.credential.id][-9:]
    session[VERIFIED_KEY] = [*ids, link.credential.id]


def _ready_link(token: str) -> tuple[Link, object | None]:
    """The link if it may vote now, else the refusal page (or the voted page) to answer."""
    link = open_link(token)
    if link.state == "voted":
        return link, redirect(url_for("ballots.welcome", token=token))
    if link.error is not None:
        return link, _refused(link, link.error)
    return link, None


@bp.get("/v/<token>")
@link_budget
def welcome(token: str):
    """The link's first page: the meeting, what the roster counts, the way to vote."""
    link = open_link(token)
    if link.state == "voted":
        receipt = _receipt_shown(link)
        return _render("ballots/voted.html", link, receipt=receipt, just_cast=False,
                       fingerprint=_fingerprint(link, receipt))  # fmt: skip
    if link.error is not None:
        return _refused(link, link.error)
    return _render(
        "ballots/welcome.html",
        link,
        needs_identity=needs_identity(link.voter),
        by_code=code_required(link.meeting, link.voter),
        verified=_is_verified(link),
        report_form=ReportForm(),
    )


@bp.get("/v/<token>/notice")
@link_budget
def notice(token: str):
    """The meeting's notice: every matter, its options and statements, the documents."""
    link = open_link(token)
    if link.state not in READABLE:
        return _refused(link, link.error)
    return _render("ballots/notice.html", link)


@bp.get("/v/<token>/documents/<int:document_id>")
@link_budget
def document(token: str, document_id: int):
    """A document of the meeting (PDF or image), shown to those who hold a link to it."""
    link = open_link(token)
    if link.state not in READABLE:
        return _refused(link, link.error)
    doc = db.session.get(MeetingDocument, document_id)
    if doc is None or doc.meeting_id != link.meeting.id:
        abort(404)
    return send_file(
        io.BytesIO(doc.data),
        mimetype=doc.content_type,
        download_name=doc.file_name,
        as_attachment=False,
        max_age=0,
    )


@bp.post("/v/<token>/report")
@link_budget
def report(token: str):
    """Send the committee a note that the roster counts this owner wrongly."""
    link = open_link(token)
    form = ReportForm()
    if not form.validate_on_submit():
        flash(_("请写下哪里有误（最多 1000 字）。"), "error")
        return redirect(url_for("ballots.welcome", token=token))
    try:
        report_roster_error(link, form.message.data)
    except BallotError as error:
        return _refused(link, error)
    flash(_("已转告业委会，他们会核实并与您联系。"), "success")
    return redirect(url_for("ballots.welcome", token=token))


@bp.route("/v/<token>/verify", methods=["GET", "POST"])
@link_budget
def verify(token: str):
    """Confirm who is voting: the code sent to the owner's phone, or (for an owner without a
    phone on the roster) the last four characters of the ID number or phone."""
    link, refused = _ready_link(token)
    if refused is not None:
        return refused
    if _is_verified(link):
        return redirect(url_for("ballots.ballot", token=token))
    by_code = code_required(link.meeting, link.voter)
    form = CodeForm() if by_code else VerifyForm()
    field = form.code if by_code else form.last4
    status = 200
    if form.validate_on_submit():
        try:
            check_identity(link.credential, link.voter, field.data.strip(), utcnow(), link.meeting)
        except BallotError as error:
            if error.code == "locked":
                return _refused(link, error)
            if error.keep:
                note_failure()
                db.session.commit()  # the wrong try is counted even though the answer is a 403
            field.errors = [error.text(current_lang())]
            status = 403
        else:
            _mark_verified(link)
            return redirect(url_for("ballots.ballot", token=token))
    elif form.is_submitted():
        status = 422
    if by_code:
        page = _render("ballots/verify_code.html", link, form=form, send_form=SendCodeForm(),
                       code_sent=link.credential.code_sent_at is not None)  # fmt: skip
    else:
        page = _render("ballots/verify.html", link, form=form)
    return page, status


@bp.post("/v/<token>/code")
@link_budget
def code(token: str):
    """Send a one-time code to the phone on the owner's roster entry."""
    link, refused = _ready_link(token)
    if refused is not None:
        return refused
    if not SendCodeForm().validate_on_submit():
        return redirect(url_for("ballots.verify", token=token))
    try:
        send_code(link.credential, link.voter, link.meeting, utcnow(), current_lang())
    except BallotError as error:
        flash(error.text(current_lang()), "error")
        return redirect(url_for("ballots.verify", token=token))
    flash(_("验证码已发送到您在花名册登记的手机，10 分钟内有效。"), "success")
    return redirect(url_for("ballots.verify", token=token))


def _ballot_page(link: Link, chosen: dict, problems: list[dict] | None = None, status=200):
    page = _render(
        "ballots/ballot.html", link, chosen=chosen, problems=problems or [], ABSTAIN=ABSTAIN
    )
    return page, status


def _chosen(form: dict, data) -> dict[str, list[str]]:
    """The raw choices posted, per matter, to show them again."""
    return {key: [v for v in data.getlist(f"m{key}") if v] for key in form}


@bp.route("/v/<token>/ballot", methods=["GET", "POST"])
@link_budget
def ballot(token: str):
    """Every matter on one page; a POST checks the choices and shows the confirmation."""
    link, refused = _ready_link(token)
    if refused is not None:
        return refused
    if not _is_verified(link):
        return redirect(url_for("ballots.verify", token=token))
    if request.method == "GET":
        return _ballot_page(link, {})
    form = ballot_form(link.meeting.id)
    chosen = _chosen(form, request.form)
    try:
        answers = check_answers(form, answers_from_form(form, request.form))
    except BallotError as error:
        return _ballot_page(link, chosen, error.details, 422)
    return _render("ballots/confirm.html", link, answers=answers, ABSTAIN=ABSTAIN)


@bp.post("/v/<token>/confirm")
@link_budget
def confirm(token: str):
    """Cast the confirmed ballot, or go back to change it."""
    link, refused = _ready_link(token)
    if link.state == "voted" and link.ballot.channel != "online":
        try:  # someone holds this link although a paper or proxy ballot counts: list it
            list_online_conflict(link.meeting.id, link.meeting.community_id, link.voter.id,
                                 utcnow())  # fmt: skip
        except BallotError as error:
            return _refused(link, error)
    if refused is not None:
        return refused
    if not _is_verified(link):
        return redirect(url_for("ballots.verify", token=token))
    form = ballot_form(link.meeting.id)
    chosen = _chosen(form, request.form)
    if request.form.get("action") != "cast":
        return _ballot_page(link, chosen)
    answers = answers_from_form(form, request.form)
    desk = desk_for_meeting(link.meeting.id)
    try:
        with durable_ballot():  # committed and on disk before the receipt is shown
            cast_ballot(token, answers, source=client_address(), verified=True,
                        desk_id=desk.id if desk else None)  # fmt: skip
    except BallotError as error:
        if error.code == "invalid_answers":
            return _ballot_page(link, chosen, error.details, 422)
        return _refused(link, error)
    if desk is not None:
        session.pop(VERIFIED_KEY, None)  # the next owner at the desk confirms their own identity
    session[CAST_KEY] = link.credential.id  # the receipt is for this browser, right after casting
    return redirect(url_for("ballots.receipt", token=token))


@bp.get("/v/<token>/receipt")
@link_budget
def receipt(token: str):
    """The receipt just after casting: large, in groups of four, with how to keep it."""
    link = open_link(token)
    if link.state != "voted" or session.get(CAST_KEY) != link.credential.id:
        return redirect(url_for("ballots.welcome", token=token))
    receipt = _receipt_shown(link)
    return _render("ballots/voted.html", link, receipt=receipt, just_cast=True,
                   fingerprint=_fingerprint(link, receipt))  # fmt: skip


def _fingerprint(link: Link, receipt: list[str] | None) -> list[str] | None:
    """A secret ballot's fingerprint, with its receipt: the SHA-256 of its board entry (the
    encrypted one, read from storage), in groups of four. None for an open meeting."""
    if receipt is None or not link.meeting.secret:
        return None
    return format_receipt(entry_fingerprint(link.ballot, link.voter))


def _receipt_shown(link: Link) -> list[str] | None:
    """The receipt of an online ballot only to the browser that has just cast it: whoever else
    holds the link (the committee printed every letter) could look it up on the board and read
    the choices. A paper or proxy ballot's receipt stays on the link: its keyers saw the paper."""
    if link.ballot.channel == "online" and session.get(CAST_KEY) != link.credential.id:
        return None
    return format_receipt(link.ballot.receipt)


from voting.ballots import owner_views  # noqa: E402,F401  (routes on this blueprint)
from voting.ballots.desk_views import bp as desk_bp  # noqa: E402
from voting.ballots.resident import resident_links  # noqa: E402
from voting.ballots.staff import bp as staff_bp  # noqa: E402

bp.register_blueprint(staff_bp)  # staff only: paper and proxy entry, login required
bp.register_blueprint(desk_bp)  # staff only: opening and closing help desks
bp.app_context_processor(resident_links)  # every page under /v/<token>, errors included
