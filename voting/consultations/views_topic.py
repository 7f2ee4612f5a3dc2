"""Staff pages of a running or closed topic: participants and letters, comments and their
moderation, the summary (printable and XLSX), and a meeting draft made from a question."""

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from voting.consultations import services
from voting.consultations.export import author_label, export_xlsx
from voting.consultations.forms import CommentForm, MeetingDraftForm, ReasonForm
from voting.consultations.letters import entry_link, personal_link
from voting.consultations.matters import create_meeting_from_question, matter_from_consultation
from voting.consultations.models import (
    ConsultationAnswerSet,
    ConsultationComment,
    ConsultationParticipant,
    ConsultationQuestion,
)
from voting.consultations.participation import (
    add_comment,
    comment_tree,
    hide_comment,
    unlock_participant,
)
from voting.consultations.results import consultation_results
from voting.consultations.views import back, bp, child, load, refuse
from voting.db import db
from voting.links import qr_svg
from voting.timeutil import to_utc
from voting.web import current_lang

LETTERS_PER_PAGE = 100
TOPIC = "/consultations/<int:consultation_id>"


def _participants(consultation, page: int = 1, per_page: int | None = None, able: bool = False):
    query = (
        select(ConsultationParticipant)
        .where(ConsultationParticipant.consultation_id == consultation.id)
        .order_by(ConsultationParticipant.building, ConsultationParticipant.id)
    )
    if able:
        query = query.where(ConsultationParticipant.can_take_part)
    if per_page:
        query = query.limit(per_page).offset((page - 1) * per_page)
    return list(db.session.scalars(query))


@bp.get(TOPIC + "/participants")
def participants(community_id: int, consultation_id: int):
    """Who is on the list, who answered or commented, and who is locked out."""
    community, consultation = load(community_id, consultation_id)
    answered = set(
        db.session.scalars(
            select(ConsultationAnswerSet.participant_id).where(
                ConsultationAnswerSet.consultation_id == consultation.id
            )
        )
    )
    commented = set(
        db.session.scalars(
            select(ConsultationComment.participant_id).where(
                ConsultationComment.consultation_id == consultation.id
            )
        )
    )
    return render_template("consultations/participants.html", community=community,
                           consultation=consultation, participants=_participants(consultation),
                           answered=answered, commented=commented)  # fmt: skip


@bp.post(TOPIC + "/participants/<int:participant_id>/unlock")
def unlock(community_id: int, consultation_id: int, participant_id: int):
    """Lift a lock once the committee has confirmed the owner in person."""
    community, consultation = load(community_id, consultation_id, "run")
    participant = child(consultation, ConsultationParticipant, participant_id)
    try:
        unlock_participant(participant)
    except services.ConsultationError as error:
        return refuse(community, consultation, error, 409)
    return back(community, consultation, _("已解锁。"))


@bp.get(TOPIC + "/letters")
def letters(community_id: int, consultation_id: int):
    """Printable letters, one per owner, each with a personal QR code (100 per page)."""
    community, consultation = load(community_id, consultation_id, "run")
    if consultation.opened_at is None:
        abort(404)
    page = max(request.args.get("page", 1, type=int), 1)
    able = ConsultationParticipant.can_take_part
    rows = [p for p in _participants(consultation, page, LETTERS_PER_PAGE) if p.can_take_part]
    total = db.session.scalar(
        select(func.count()).where(ConsultationParticipant.consultation_id == consultation.id, able)
    )
    items = []
    for participant in rows:
        link = personal_link(consultation, participant)
        items.append(
            {"participant": participant, "link": link, "qr": qr_svg(link) if link else None}
        )
    services.log(consultation, "letters_printed", {"page": page, "letters": len(items)})
    pages = max((total + LETTERS_PER_PAGE - 1) // LETTERS_PER_PAGE, 1)
    return render_template(
        "consultations/letters.html",
        community=community,
        consultation=consultation,
        items=items,
        page=page,
        pages=pages,
    )


@bp.get(TOPIC + "/poster")
def poster(community_id: int, consultation_id: int):
    """The topic's poster: one QR code for everyone, entry by unit and last four digits."""
    community, consultation = load(community_id, consultation_id)
    link = entry_link(consultation)
    return render_template("consultations/poster.html", community=community,
                           consultation=consultation, link=link, qr=qr_svg(link))  # fmt: skip


@bp.post(TOPIC + "/comments")
def reply(community_id: int, consultation_id: int):
    """A reply (or a note) from the committee or the street office."""
    community, consultation = load(community_id, consultation_id, "run")
    form = CommentForm()
    parent = form.parent_id.data
    try:
        if not form.validate_on_submit():
            raise services.ConsultationError(_("评论不能为空。"))
        add_comment(consultation, form.body.data, staff_author=f"user:{current_user.username}",
                    parent_id=int(parent) if parent and parent.isdigit() else None)  # fmt: skip
    except services.ConsultationError as error:
        return refuse(community, consultation, error, comment_form=form)
    return back(community, consultation, _("回复已发布。"))


@bp.post(TOPIC + "/comments/<int:comment_id>/hide")
def hide(community_id: int, consultation_id: int, comment_id: int):
    """Hide a comment with a reason; the original stays in the audit log."""
    community, consultation = load(community_id, consultation_id, "run")
    comment = child(consultation, ConsultationComment, comment_id)
    form = ReasonForm()
    try:
        if not form.validate_on_submit():
            raise services.ConsultationError(_("请填写隐藏理由（最多 300 字）。"))
        hide_comment(comment, form.reason.data)
    except services.ConsultationError as error:
        return refuse(community, consultation, error)
    return back(community, consultation, _("评论已隐藏，原文保存在审计日志中。"))


@bp.get(TOPIC + "/summary")
def summary(community_id: int, consultation_id: int):
    """The printable summary: results by head and area, comments, participation."""
    community, consultation = load(community_id, consultation_id)
    return render_template("consultations/summary.html", community=community,
                           consultation=consultation, results=consultation_results(consultation),
                           comments=comment_tree(consultation), author_label=author_label,
                           state_label=services.STATE_LABELS[consultation.state])  # fmt: skip


@bp.get(TOPIC + "/export.xlsx")
def export(community_id: int, consultation_id: int):
    """The summary as an XLSX workbook; the export is logged."""
    _community, consultation = load(community_id, consultation_id)
    body = export_xlsx(consultation)
    services.log(consultation, "exported", {"format": "xlsx"})
    return Response(
        body,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={
            "Content-Disposition": f"attachment; filename=consultation-{consultation.id}.xlsx"
        },
    )


@bp.route(TOPIC + "/questions/<int:question_id>/meeting", methods=["GET", "POST"])
def meeting_draft(community_id: int, consultation_id: int, question_id: int):
    """Turn an opinion question into the matter of a draft meeting, options carried over."""
    from voting.meetings.errors import MeetingError

    community, consultation = load(community_id, consultation_id, "run")
    question = child(consultation, ConsultationQuestion, question_id)
    form = MeetingDraftForm(data=None if request.method == "POST" else
                            {"title": consultation.title})  # fmt: skip
    status = 200
    if form.validate_on_submit():
        try:
            meeting = create_meeting_from_question(
                consultation, question, category=form.category.data, title=form.title.data,
                opens_at=to_utc(form.opens_at.data), closes_at=to_utc(form.closes_at.data),
                confirm_category=bool(form.confirm_category.data),
            )  # fmt: skip
        except MeetingError as error:
            db.session.rollback()
            flash(error.text(current_lang()), "error")
            status = 422
        except services.ConsultationError as error:
            db.session.rollback()
            flash(str(error), "error")
            status = 422
        else:
            flash(_("已根据意见问题生成会议草稿，请完善后报街道审核。"), "success")
            return redirect(url_for("meetings.show", meeting_id=meeting.id))
    elif request.method == "POST":
        status = 422
    try:
        preview = matter_from_consultation(consultation, question, category="ordinary")
    except services.ConsultationError as error:
        preview, status = None, status if request.method == "POST" else 200
        flash(str(error), "error")
    return render_template("consultations/meeting.html", community=community,
                           consultation=consultation, question=question, form=form,
                           preview=preview), status  # fmt: skip
