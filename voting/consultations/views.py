"""Staff pages of consultations: the list, a topic's plan, its questions and documents, open
and close, and the yearly satisfaction survey. Running topics: see ``views_topic``.

Staff in scope read every page; the committee and the street office act (administrators set
the system up and only read).
"""

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from voting.auth.permissions import community_for, consultation_for, part_of
from voting.consultations import services
from voting.consultations.forms import (
    CommentForm,
    ConsultationForm,
    DocumentForm,
    QuestionForm,
    ReasonForm,
    SatisfactionForm,
)
from voting.consultations.models import Consultation, ConsultationDocument, ConsultationQuestion
from voting.consultations.participation import comment_tree
from voting.consultations.results import consultation_results
from voting.consultations.satisfaction import (
    comparison_rows,
    create_satisfaction_survey,
    satisfaction_comparison,
)
from voting.db import db, utcnow
from voting.rosters.models import Community
from voting.timeutil import SHANGHAI, to_local, to_utc
from voting.web import add_community_nav

bp = Blueprint("consultations", __name__, url_prefix="/communities/<int:community_id>")
bp.record_once(lambda state: add_community_nav(state.app, _l("协商议事"), "consultations.index"))


def load(community_id: int, consultation_id: int, action: str = "see"):
    """The community named in the path and its consultation, in the user's scope (else 404),
    if the role may take ``action`` on it (else 403): voting.auth.permissions' table."""
    consultation = consultation_for(consultation_id, action, community_id)
    return db.session.get(Community, community_id), consultation


def child(consultation: Consultation, model, child_id: int):
    """A question, document, participant or comment of the consultation, else 404."""
    return part_of(consultation, model, child_id, "consultation_id")


def detail_page(community, consultation, status: int = 200, **forms):
    """The topic's staff page, with whatever forms the caller already filled."""
    opened = consultation.opened_at is not None
    page = render_template(
        "consultations/detail.html",
        community=community,
        consultation=consultation,
        state_label=services.STATE_LABELS[consultation.state],
        results=consultation_results(consultation) if opened else None,
        comments=comment_tree(consultation) if opened else [],
        participants=services.participant_count(consultation) if opened else 0,
        question_form=forms.get("question_form") or QuestionForm(formdata=None),
        document_form=forms.get("document_form") or DocumentForm(formdata=None),
        reason_form=ReasonForm(formdata=None),
        comment_form=forms.get("comment_form") or CommentForm(formdata=None),
    )
    return page, status


def refuse(community, consultation, error: Exception, status: int = 422, **forms):
    """Undo the request's changes and show the topic page with the reason."""
    db.session.rollback()
    flash(str(error), "error")
    return detail_page(community, consultation, status, **forms)


def back(community, consultation, message: str):
    """Flash a success and go back to the topic page (redirect after POST)."""
    flash(message, "success")
    return redirect(url_for("consultations.detail", community_id=community.id,
                            consultation_id=consultation.id))  # fmt: skip


@bp.get("/consultations")
def index(community_id: int):
    """The community's consultations, newest first."""
    community = community_for(community_id)
    return index_page(community, SatisfactionForm(formdata=None, year=_this_year()))


def _this_year() -> int:
    return utcnow().astimezone(SHANGHAI).year


def index_page(community, survey_form: SatisfactionForm, status: int = 200):
    """The list page, with the satisfaction survey form as the caller left it."""
    consultations = db.session.scalars(
        select(Consultation)
        .where(Consultation.community_id == community.id)
        .order_by(Consultation.id.desc())
    )
    return render_template("consultations/index.html", community=community,
                           consultations=list(consultations), survey_form=survey_form,
                           labels=services.STATE_LABELS), status  # fmt: skip


@bp.route("/consultations/new", methods=["GET", "POST"])
def new(community_id: int):
    """Draft a new topic."""
    community = community_for(community_id, "run", "consultation")
    form = ConsultationForm()
    if form.validate_on_submit():
        try:
            consultation = services.create_consultation(
                community, form.title.data, to_utc(form.deadline.data), form.body.data or ""
            )
        except services.ConsultationError as error:
            db.session.rollback()
            flash(str(error), "error")
            return render_template("consultations/form.html", community=community, form=form), 422
        return back(community, consultation, _("议题草稿已创建，请添加问题和文件后开始征求意见。"))
    status = 422 if form.errors else 200
    return render_template("consultations/form.html", community=community, form=form), status


@bp.route("/consultations/<int:consultation_id>/edit", methods=["GET", "POST"])
def edit(community_id: int, consultation_id: int):
    """Change a draft's title, text and deadline."""
    community, consultation = load(community_id, consultation_id, "run")
    data = {"title": consultation.title, "body": consultation.body,
            "deadline": to_local(consultation.deadline)}  # fmt: skip
    form = ConsultationForm(data=None if request.method == "POST" else data)
    if form.validate_on_submit():
        try:
            services.update_consultation(
                consultation, form.title.data, form.body.data or "", to_utc(form.deadline.data)
            )
        except services.ConsultationError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            return back(community, consultation, _("已保存。"))
    status = 422 if request.method == "POST" else 200
    return render_template("consultations/form.html", community=community, form=form,
                           consultation=consultation), status  # fmt: skip


@bp.get("/consultations/<int:consultation_id>")
def detail(community_id: int, consultation_id: int):
    """A topic: its plan, participation, results so far and the comments to moderate."""
    return detail_page(*load(community_id, consultation_id))


@bp.post("/consultations/<int:consultation_id>/questions")
def add_question(community_id: int, consultation_id: int):
    """Add an opinion question to a draft."""

    def add(consultation: Consultation, form: QuestionForm) -> None:
        options = (form.options.data or "").splitlines()
        services.add_question(
            consultation, form.title.data, form.kind.data, options, form.max_choices.data
        )

    return _add(community_id, consultation_id, QuestionForm(), "question_form",
                _("请填写问题。"), add, _("问题已添加。"))  # fmt: skip


def _add(community_id: int, consultation_id: int, form, form_name: str, missing: str, add,
         done: str):  # fmt: skip
    """Add a question or a document to a draft with ``add(consultation, form)``; refused (422,
    the form shown again as ``form_name``) when the form says ``missing`` or the service says
    no."""
    community, consultation = load(community_id, consultation_id, "run")
    if not form.validate_on_submit():
        return refuse(community, consultation, ValueError(missing), **{form_name: form})
    try:
        add(consultation, form)
    except services.ConsultationError as error:
        return refuse(community, consultation, error, **{form_name: form})
    return back(community, consultation, done)


@bp.post("/consultations/<int:consultation_id>/questions/<int:question_id>/delete")
def remove_question(community_id: int, consultation_id: int, question_id: int):
    """Remove a question from a draft."""
    return _remove(community_id, consultation_id, ConsultationQuestion, question_id,
                   services.remove_question, _("问题已删除。"))  # fmt: skip


def _remove(community_id: int, consultation_id: int, model, item_id: int, remove, done: str):
    """Take a question or a document off a draft; refused (409, with the reason) once the
    topic has opened."""
    community, consultation = load(community_id, consultation_id, "run")
    item = child(consultation, model, item_id)
    try:
        remove(consultation, item)
    except services.ConsultationError as error:
        return refuse(community, consultation, error, 409)
    return back(community, consultation, done)


@bp.post("/consultations/<int:consultation_id>/documents")
def add_document(community_id: int, consultation_id: int):
    """Attach a PDF or an image."""

    def add(consultation: Consultation, form: DocumentForm) -> None:
        upload = form.file.data
        services.add_document(consultation, upload.filename or "", upload.read())

    return _add(community_id, consultation_id, DocumentForm(), "document_form",
                _("请选择文件。"), add, _("文件已上传。"))  # fmt: skip


@bp.get("/consultations/<int:consultation_id>/documents/<int:document_id>")
def document(community_id: int, consultation_id: int, document_id: int):
    """Download a document of the topic."""
    _community, consultation = load(community_id, consultation_id)
    return send_document(child(consultation, ConsultationDocument, document_id))


def send_document(item: ConsultationDocument) -> Response:
    """A stored document as a download (its type was checked from its bytes)."""
    return Response(
        item.data,
        mimetype=item.content_type,
        headers={"Content-Disposition": f"attachment; filename=document-{item.id}"
                 + {"application/pdf": ".pdf", "image/png": ".png"}.get(item.content_type, ".jpg")},
    )  # fmt: skip


@bp.post("/consultations/<int:consultation_id>/documents/<int:document_id>/delete")
def remove_document(community_id: int, consultation_id: int, document_id: int):
    """Detach a document from a draft."""
    return _remove(community_id, consultation_id, ConsultationDocument, document_id,
                   services.remove_document, _("文件已删除。"))  # fmt: skip


@bp.post("/consultations/<int:consultation_id>/open")
def open_(community_id: int, consultation_id: int):
    """Open the topic: the participant list is built from the current roster."""
    community, consultation = load(community_id, consultation_id, "run")
    try:
        count = services.open_consultation(consultation)
    except services.ConsultationError as error:
        return refuse(community, consultation, error, 409)
    message = _("已开始征求意见，参与名单共 %(n)d 人；请打印告知书和二维码。", n=count)
    return back(community, consultation, message)


@bp.post("/consultations/<int:consultation_id>/close")
def close(community_id: int, consultation_id: int):
    """Close the topic before its deadline."""
    community, consultation = load(community_id, consultation_id, "run")
    try:
        services.close_consultation(consultation)
    except services.ConsultationError as error:
        return refuse(community, consultation, error, 409)
    return back(community, consultation, _("征求意见已结束。"))


@bp.post("/consultations/satisfaction")
def new_survey(community_id: int):
    """One click: the yearly satisfaction survey of the property firm's service."""
    community = community_for(community_id, "run", "consultation")
    form = SatisfactionForm()
    try:
        if not form.validate_on_submit():
            raise services.ConsultationError(_("请填写调查年度和截止时间。"))
        consultation = create_satisfaction_survey(
            community, form.year.data, to_utc(form.deadline.data)
        )
    except services.ConsultationError as error:
        db.session.rollback()
        flash(str(error), "error")
        return index_page(community, form, 422)
    return back(community, consultation, _("满意度调查草稿已创建，确认后即可开始。"))


@bp.get("/consultations/satisfaction")
def satisfaction(community_id: int):
    """The satisfaction surveys side by side, year by year, by head and by area."""
    community = community_for(community_id)
    columns = satisfaction_comparison(community)
    return render_template("consultations/satisfaction.html", community=community,
                           columns=columns, rows=comparison_rows(columns))  # fmt: skip


from voting.consultations import views_topic  # noqa: E402,F401
