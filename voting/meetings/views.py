"""Staff pages of a meeting plan: list, new, the meeting page with its checklist, matters,
documents and the buttons of the state machine. Printing and monitoring are in
``printing`` and ``monitor`` (same blueprint)."""

import io
from collections.abc import Callable

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from voting.auth.access import acting_user, get_community_or_404, require_role
from voting.auth.permissions import allowed_actions, meeting_for, part_of
from voting.db import db
from voting.meetings import readiness, services
from voting.meetings.ceremony import short_fingerprint
from voting.meetings.errors import MeetingError
from voting.meetings.forms import (
    ActionForm,
    DocumentForm,
    MatterForm,
    MeetingForm,
    ReasonForm,
    matter_from_form,
    plan_from_form,
)
from voting.meetings.key_cards import key_cards_page
from voting.meetings.matters import CATEGORY_LABELS, KIND_LABELS
from voting.meetings.models import Matter, Meeting, MeetingDocument
from voting.meetings.secrecy import scrutineer_names
from voting.rules.wording import HINTS
from voting.timeutil import to_local
from voting.web import add_community_nav, current_lang

bp = Blueprint("meetings", __name__)


@bp.record_once
def _add_tab(state) -> None:
    add_community_nav(state.app, _l("业主大会会议"), "meetings.index")


@bp.context_processor
def _state_labels() -> dict:
    return {"labels": services.STATE_LABELS}


@bp.app_template_filter("key_fingerprint")
def _key_fingerprint(joint_key: dict) -> str:
    """A joint key's fingerprint as notices and key cards print it."""
    return short_fingerprint(joint_key)


def _error_text(error: MeetingError) -> str:
    return error.text(current_lang())


def _show(meeting: Meeting, status: int = 200, error: str | None = None, **forms):
    user = acting_user()
    context = {
        "meeting": meeting,
        "community": meeting.community,
        "issues": readiness.next_issues(meeting),
        "actions": allowed_actions(meeting, user.role if user else None),
        "labels": services.STATE_LABELS,
        "category_labels": CATEGORY_LABELS,
        "kind_labels": KIND_LABELS,
        "category_hints": {
            code: text[1 if current_lang() == "en" else 0] for code, text in HINTS.items()
        },  # fmt: skip
        "error": error,
        "action_form": ActionForm(),
        "reason_form": forms.get("reason_form") or ReasonForm(formdata=None),
        "matter_form": forms.get("matter_form") or MatterForm(formdata=None, prefix="matter"),
        "document_form": forms.get("document_form") or DocumentForm(formdata=None),
    }
    return render_template("meetings/meeting.html", **context), status


@bp.get("/communities/<int:community_id>/meetings")
def index(community_id: int):
    """A community's meetings, newest first."""
    community = get_community_or_404(community_id)
    meetings = db.session.scalars(
        select(Meeting).where(Meeting.community_id == community.id).order_by(Meeting.id.desc())
    )
    return render_template(
        "meetings/index.html",
        community=community,
        meetings=list(meetings),
        labels=services.STATE_LABELS,
        can_plan=(acting_user().role == "committee"),
    )


@bp.route("/communities/<int:community_id>/meetings/new", methods=["GET", "POST"])
@require_role("committee")
def new(community_id: int):
    """Plan a meeting with its first matter; more matters are added on the meeting page."""
    community = get_community_or_404(community_id)
    form, matter_form = MeetingForm(), MatterForm(prefix="matter")
    return _plan_form(
        request.method == "POST" and form.validate() & matter_form.validate(),
        lambda: services.create_meeting(
            community, matters=[matter_from_form(matter_form)], **plan_from_form(form)
        ),
        _("会议方案已保存为草稿。可以继续添加表决事项和文件。"),
        "meetings/new.html",
        community=community,
        form=form,
        matter_form=matter_form,
    )


def _plan_form(valid: bool, save: Callable[[], Meeting], done: str, template: str, **context):
    """A plan's form page: once the posted form is ``valid``, ``save`` it and go to the meeting
    page saying ``done``; else (or when the service refuses) show the form again, with the
    reason (422 after a post)."""
    error = None
    if valid:
        try:
            meeting = save()
        except MeetingError as caught:
            db.session.rollback()
            error = _error_text(caught)
        else:
            return to_meeting(meeting.id, done)
    status = 422 if request.method == "POST" else 200
    return render_template(template, error=error, **context), status


def to_meeting(meeting_id: int, done: str):
    """Say ``done`` and go to the meeting page (redirect after POST)."""
    flash(done, "success")
    return redirect(url_for("meetings.show", meeting_id=meeting_id))


@bp.get("/meetings/<int:meeting_id>")
def show(meeting_id: int):
    """The meeting: state, matters, documents, what is missing, and the next steps."""
    return _show(meeting_for(meeting_id))


@bp.route("/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
@require_role("committee")
def edit(meeting_id: int):
    """Change a draft plan's own fields."""
    meeting = meeting_for(meeting_id)
    if request.method == "GET":
        form = MeetingForm(obj=meeting)
        form.opens_at.data, form.closes_at.data = (
            to_local(meeting.opens_at),
            to_local(meeting.closes_at),
        )
        form.scrutineers.data = "\n".join(scrutineer_names(meeting))
        form.trustee_threshold.data = meeting.trustee_threshold
    else:
        form = MeetingForm()
    return _plan_form(
        form.validate_on_submit(),
        lambda: services.update_meeting(meeting, **plan_from_form(form)),
        _("已保存。"),
        "meetings/edit.html",
        meeting=meeting,
        community=meeting.community,
        form=form,
    )


@bp.post("/meetings/<int:meeting_id>/matters")
@require_role("committee")
def add_matter(meeting_id: int):
    """Add one matter to a draft plan."""
    meeting = meeting_for(meeting_id)
    form = MatterForm(prefix="matter")
    if not form.validate():
        return _show(meeting, 422, _("请检查表决事项的填写。"), matter_form=form)
    try:
        services.add_matter(meeting, matter_from_form(form))
    except MeetingError as caught:
        db.session.rollback()
        return _show(meeting_for(meeting_id), 422, _error_text(caught), matter_form=form)
    return to_meeting(meeting.id, _("已添加表决事项。"))


@bp.post("/meetings/<int:meeting_id>/matters/<int:matter_id>/delete")
@require_role("committee")
def remove_matter(meeting_id: int, matter_id: int):
    """Take a matter out of a draft plan."""
    meeting = meeting_for(meeting_id)
    matter = part_of(meeting, Matter, matter_id)
    return _take_off(meeting, services.remove_matter, matter, _("已删除表决事项。"))


def _take_off(meeting: Meeting, remove, item, done: str):
    """Take a matter or a document off a draft plan; once the plan has left the draft, the
    meeting page says why (409)."""
    if not ActionForm().validate():
        abort(400)
    meeting_id = meeting.id
    try:
        remove(meeting, item)
    except MeetingError as caught:
        db.session.rollback()
        return _show(meeting_for(meeting_id), 409, _error_text(caught))
    return to_meeting(meeting_id, done)


@bp.post("/meetings/<int:meeting_id>/documents")
@require_role("committee")
def add_document(meeting_id: int):
    """Attach a document to a draft plan."""
    meeting = meeting_for(meeting_id)
    form = DocumentForm()
    if not form.validate():
        return _show(meeting, 422, _("请选择要上传的文件。"), document_form=form)
    upload = form.file.data
    try:
        services.add_document(meeting, upload.filename or "", upload.read())
    except MeetingError as caught:
        db.session.rollback()
        return _show(meeting_for(meeting_id), 422, _error_text(caught))
    return to_meeting(meeting.id, _("文件已上传。"))


def _document_or_404(meeting: Meeting, document_id: int) -> MeetingDocument:
    return part_of(meeting, MeetingDocument, document_id)


@bp.get("/meetings/<int:meeting_id>/documents/<int:document_id>")
def document(meeting_id: int, document_id: int):
    """Download an attached document."""
    document = _document_or_404(meeting_for(meeting_id), document_id)
    return send_file(
        io.BytesIO(document.data),
        mimetype=document.content_type,
        download_name=document.file_name,
        as_attachment=document.content_type == "application/pdf",
    )


@bp.post("/meetings/<int:meeting_id>/documents/<int:document_id>/delete")
@require_role("committee")
def remove_document(meeting_id: int, document_id: int):
    """Detach a document from a draft plan."""
    meeting = meeting_for(meeting_id)
    document = _document_or_404(meeting, document_id)
    return _take_off(meeting, services.remove_document, document, _("文件已删除。"))


TRANSITIONS = {
    "submit": (services.submit_meeting, _l("已报街道审核。")),
    "approve": (services.approve_meeting, _l("已批准会议方案。")),
    "return": (services.return_meeting, _l("已退回会议方案。")),
    "announce": (services.announce_meeting, _l("公告已发布。请打印公告并在小区显著位置张贴。")),
    "open": (services.open_meeting, _l("表决已开始，业主链接已生成。请打印二维码通知书。")),
    "close": (services.close_meeting, _l("表决已结束并完成计票。")),
    "void": (services.void_meeting, _l("会议已作废。")),
}


@bp.post("/meetings/<int:meeting_id>/<any(submit,approve,return,announce,open,close,void):action>")
def transition(meeting_id: int, action: str):
    """Take one step of the state machine, if the user's role may."""
    meeting = meeting_for(meeting_id)
    user = acting_user()
    if not _role_may(user.role, action):
        abort(403)
    needs_reason = action in ("return", "void")
    form = ReasonForm() if needs_reason else ActionForm()
    if not form.validate():
        message = _("请写明原因。") if needs_reason else _("请求无效。")
        return _show(meeting, 422, message, reason_form=form if needs_reason else None)
    step, done = TRANSITIONS[action]
    cards: list = []
    try:
        if needs_reason:
            step(meeting, form.reason.data)
        elif action == "approve":
            step(meeting, cards=cards)
        else:
            step(meeting)
    except MeetingError as caught:
        db.session.rollback()
        return _show(meeting_for(meeting_id), 409, _error_text(caught))
    if cards:  # a secret plan: its key cards, shown to this user once
        return key_cards_page(meeting, cards)
    if action == "close" and meeting.secret:
        flash(_("表决已结束。无记名表决须由监票人解密总数后计票。"), "success")
        return redirect(url_for("trustees.decryption", meeting_id=meeting.id))
    flash(str(done), "success")
    if action == "close":
        return redirect(url_for("meetings.close", meeting_id=meeting.id))
    return redirect(url_for("meetings.show", meeting_id=meeting.id))


def _role_may(role: str, action: str) -> bool:
    """Whether the role may ever take the action (the state is checked by the service)."""
    office = action in ("approve", "return")
    return role == ("office" if office else "committee") or (action == "void" and role == "office")


from voting.meetings import monitor, printing  # noqa: E402,F401  (routes on this blueprint)
