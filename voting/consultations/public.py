"""Owners' pages of a consultation, without an account: the personal link ``/c/<token>`` and
the topic's QR code ``/t/<key>`` (building, unit and last four digits).

A personal link reaches only its own topic, hence only its own community. Where the roster
holds an ID number or phone, the owner confirms the last four characters once per browser
session; five wrong tries lock that person for the topic until the committee unlocks it.
"""

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from voting.consultations.forms import CommentForm, EntryForm, VerifyForm
from voting.consultations.models import Consultation, ConsultationDocument
from voting.consultations.participation import (
    MAX_FAILED_CHECKS,
    add_comment,
    answer_set,
    buildings,
    check_participant,
    comment_tree,
    find_participant,
    participant_for_token,
    submit_answers,
)
from voting.consultations.resident import owner_links
from voting.consultations.results import consultation_results
from voting.consultations.services import STATE_LABELS, ConsultationError
from voting.consultations.tokens import participant_token
from voting.consultations.views import child, send_document
from voting.db import db
from voting.limits import entry_budget, link_budget, note_failure

bp = Blueprint("consult", __name__)
SESSION_KEY = "consult_ok"
REMEMBERED = 20


@bp.after_request
def _no_store(response):
    """Personal pages are never cached, by the browser or on the way."""
    response.headers["Cache-Control"] = "no-store"
    return response


def _load(token: str):
    participant = participant_for_token(token)
    if participant is None:
        note_failure()
        abort(404)
    consultation = db.session.get(Consultation, participant.consultation_id)
    return participant, consultation


def _verified(participant) -> bool:
    return not participant.needs_check or participant.id in session.get(SESSION_KEY, [])


def _load_verified(token: str):
    """The token's participant and topic, once the owner has passed the identity check on
    this browser (else 403)."""
    participant, consultation = _load(token)
    if not _verified(participant):
        abort(403)
    return participant, consultation


def _remember(participant) -> None:
    ids = [i for i in session.get(SESSION_KEY, []) if i != participant.id][-(REMEMBERED - 1) :]
    session[SESSION_KEY] = [*ids, participant.id]


def _verify_page(token, participant, consultation, status: int = 200, message: str = ""):
    if message:
        flash(message, "error")
    return render_template("consultations/owner_verify.html", token=token,
                           participant=participant, consultation=consultation,
                           form=VerifyForm(formdata=None)), status  # fmt: skip


def _topic_page(token, participant, consultation, status: int = 200, comment_form=None):
    mine = answer_set(consultation, participant)
    closed = consultation.state == "closed"
    return render_template(
        "consultations/owner_topic.html", token=token, participant=participant,
        consultation=consultation, state_label=STATE_LABELS[consultation.state],
        answers=mine.answers if mine else {}, answered_at=mine.updated_at if mine else None,
        comments=comment_tree(consultation),
        comment_form=comment_form or CommentForm(formdata=None),
        results=consultation_results(consultation) if closed else None,
    ), status  # fmt: skip


def _refuse(token, participant, consultation, error: Exception, comment_form=None):
    db.session.rollback()
    flash(str(error), "error")
    return _topic_page(token, participant, consultation, 422, comment_form)


def _failed(participant) -> str:
    # The wrong try must count although the answer is an error: commit it before the
    # request's error handling rolls back.
    note_failure()
    db.session.commit()
    if participant.locked_at is not None:
        return _("尝试次数过多，已锁定。请联系业委会核实身份后解锁。")
    left = MAX_FAILED_CHECKS - participant.failed_checks
    return _("后四位不正确，还可以再试 %(n)d 次。", n=left)


@bp.get("/c/<token>")
@link_budget
def topic(token: str):
    """The topic for this owner: text, documents, questions, comments (results once closed)."""
    participant, consultation = _load(token)
    if not _verified(participant):
        if participant.locked_at is not None:
            message = _("尝试次数过多，已锁定。请联系业委会核实身份后解锁。")
            return _verify_page(token, participant, consultation, 403, message)
        return _verify_page(token, participant, consultation)
    return _topic_page(token, participant, consultation)


@bp.post("/c/<token>/verify")
@link_budget
def verify(token: str):
    """Confirm the owner with the last four characters of the ID number or phone."""
    participant, consultation = _load(token)
    form = VerifyForm()
    try:
        if not form.validate_on_submit():
            return _verify_page(token, participant, consultation, 422, _("请输入四位字符。"))
        ok = check_participant(participant, form.last4.data)
    except ConsultationError as error:
        db.session.rollback()
        note_failure()  # a locked person, or one the roster cannot check
        return _verify_page(token, participant, consultation, 403, str(error))
    if not ok:
        return _verify_page(token, participant, consultation, 403, _failed(participant))
    _remember(participant)
    return redirect(url_for("consult.topic", token=token))


@bp.post("/c/<token>/comments")
@link_budget
def comment(token: str):
    """Post a comment, or a reply under another comment."""
    participant, consultation = _load_verified(token)
    form = CommentForm()
    parent = form.parent_id.data
    try:
        if not form.validate_on_submit():
            raise ConsultationError(_("评论不能为空。"))
        add_comment(consultation, form.body.data, participant=participant,
                    parent_id=int(parent) if parent and parent.isdigit() else None)  # fmt: skip
    except ConsultationError as error:
        return _refuse(token, participant, consultation, error, form)
    flash(_("您的意见已发表。"), "success")
    return redirect(url_for("consult.topic", token=token) + "#comments")


@bp.post("/c/<token>/answers")
@link_budget
def answers(token: str):
    """Submit or change this owner's answers (until the deadline)."""
    participant, consultation = _load_verified(token)
    given = {q.code: request.form.getlist(f"q_{q.code}") for q in consultation.questions}
    try:
        submit_answers(consultation, participant, given)
    except ConsultationError as error:
        return _refuse(token, participant, consultation, error)
    flash(_("您的意见已提交，截止前可以修改。"), "success")
    return redirect(url_for("consult.topic", token=token))


@bp.get("/c/<token>/documents/<int:document_id>")
@link_budget
def document(token: str, document_id: int):
    """A document of this owner's topic."""
    participant, consultation = _load_verified(token)
    return send_document(child(consultation, ConsultationDocument, document_id))


@bp.route("/t/<key>", methods=["GET", "POST"])
@entry_budget
def entry(key: str):
    """The topic's QR code: an owner gets in with building, unit and last four digits."""
    consultation = db.session.scalar(select(Consultation).where(Consultation.entry_key == key))
    if consultation is None or consultation.opened_at is None:
        abort(404)
    form = EntryForm()
    form.building.choices = [SelectChoice(b, b) for b in buildings(consultation)]
    if not form.validate_on_submit():
        status = 422 if request.method == "POST" else 200
        return render_template("consultations/owner_entry.html", form=form,
                               consultation=consultation), status  # fmt: skip
    participant = find_participant(consultation, form.building.data, form.unit.data)
    message = _("没有找到该房屋，请核对楼栋和房号。")
    if participant is None:
        note_failure()
    if participant is not None:
        try:
            if check_participant(participant, form.last4.data):
                _remember(participant)
                token = participant_token(consultation.id, participant.person_key)
                return redirect(url_for("consult.topic", token=token))
            message = _failed(participant)
        except ConsultationError as error:
            db.session.rollback()
            note_failure()
            message = str(error)
    flash(message, "error")
    return render_template("consultations/owner_entry.html", form=form,
                           consultation=consultation), 403  # fmt: skip


bp.app_context_processor(owner_links)  # every owner's page under /c/ and /t/, errors too
