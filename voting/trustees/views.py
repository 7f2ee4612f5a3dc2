"""The decryption page of a secret meeting (committee and street office in scope), the sealed
share files' downloads, and the board for decrypting offline."""

import functools
import json

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from voting.auth.access import acting_user
from voting.auth.permissions import meeting_for
from voting.db import db
from voting.i18n import N_
from voting.meetings.common import STATE_LABELS
from voting.meetings.key_cards import share_file_name
from voting.meetings.models import Meeting
from voting.trustees import services
from voting.trustees.forms import MAX_DECRYPTION_BYTES, MAX_SHARE_TEXT, DecryptionForm, ShareForm
from voting.web import current_lang

bp = Blueprint("trustees", __name__)


def _secret_meeting(meeting_id: int) -> Meeting:
    """A secret meeting in scope (404 otherwise) that the user's role may decrypt (403)."""
    meeting = meeting_for(meeting_id, "decrypt")
    if not meeting.secret:
        abort(404)
    return meeting


def _page(meeting: Meeting, status: int = 200, error: str | None = None, **forms):
    digest, entries = None, 0
    if meeting.closed_at and not meeting.tallied_at and meeting.voided_at is None:
        try:
            board, aggregates = services.frozen_board(meeting)
            digest, entries = aggregates.digest(), len(board.entries)
        except ValueError:
            digest = None
    counted = [t for t in meeting.trustees if t.partials and t.partials_for == digest]
    body = render_template(
        "trustees/decryption.html",
        meeting=meeting,
        community=meeting.community,
        labels=STATE_LABELS,
        error=error,
        digest=digest,
        entries=entries,
        counted={t.number for t in counted},
        share_form=forms.get("share_form") or ShareForm(formdata=None),
        decryption_form=forms.get("decryption_form") or DecryptionForm(formdata=None),
        max_wrong=services.MAX_WRONG_PASSPHRASES,
    )
    response = Response(body, status)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/meetings/<int:meeting_id>/decryption")
def decryption(meeting_id: int):
    """Who the trustees are, which have submitted, and the two ways to submit."""
    return _page(_secret_meeting(meeting_id))


def _read_json(upload, text: str | None, limit: int) -> object:
    """The JSON of an uploaded file, else of the pasted text; None when neither parses."""
    data = upload.read(limit + 1) if upload and getattr(upload, "filename", "") else b""
    raw = data.decode("utf-8", "replace") if data else (text or "")
    if not raw.strip() or len(raw) > limit:
        return None
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):
        return None


def _done(meeting: Meeting, trustee) -> Response:
    if meeting.tallied_at:
        flash(_("已有足够的监票人提交解密，计票已完成。"), "success")
        return redirect(url_for("meetings.close", meeting_id=meeting.id))
    flash(_("已收到第 %(n)s 号监票人（%(name)s）的解密。", n=trustee.number, name=trustee.name),
          "success")  # fmt: skip
    return redirect(url_for("trustees.decryption", meeting_id=meeting.id))


def _submission(form_class, name: str, missing: str):
    """A trustee's submission through one of the page's forms (``name``): the form checked
    (else the page says ``missing``), then the view ``(meeting, user, form) -> trustee``; a
    refusal is answered with the page, the form and the reason once the refused transaction
    is rolled back (a wrong passphrase is then logged)."""

    def decorate(submit):
        @functools.wraps(submit)
        def view(meeting_id: int) -> Response:
            meeting = _secret_meeting(meeting_id)
            form = form_class()
            if not form.validate():
                return _page(meeting, 422, _(missing), **{name: form})
            user = acting_user()
            try:
                trustee = submit(meeting, user, form)
            except services.DecryptionRefused as error:
                db.session.rollback()
                if isinstance(error, services.WrongPassphrase):
                    services.note_wrong_passphrase(meeting, user, error.trustee)
                    db.session.commit()
                return _page(meeting, error.status, error.text(current_lang()), **{name: form})
            return _done(meeting, trustee)

        return view

    return decorate


@bp.post("/meetings/<int:meeting_id>/decryption/share")
@_submission(ShareForm, "share_form", N_("请上传密钥文件或粘贴其文字，并输入口令。"))
def submit_share(meeting: Meeting, user, form: ShareForm):
    """A trustee's sealed share and passphrase: decrypted in memory, never kept."""
    share = _read_json(form.share_file.data, form.share_text.data, MAX_SHARE_TEXT)
    passphrase = form.passphrase.data or ""
    form.passphrase.data = ""
    try:
        return services.submit_share(meeting, user, share, passphrase)
    finally:
        del passphrase


@bp.post("/meetings/<int:meeting_id>/decryption/upload")
@_submission(DecryptionForm, "decryption_form", N_("请上传解密文件或粘贴其文字。"))
def submit_decryption(meeting: Meeting, user, form: DecryptionForm):
    """A decryption made offline with ``voting trustee decrypt``."""
    doc = _read_json(form.decryption_file.data, form.decryption_text.data, MAX_DECRYPTION_BYTES)
    return services.submit_decryption(meeting, user, doc)


@bp.get("/meetings/<int:meeting_id>/decryption/board.json")
def offline_board(meeting_id: int):
    """The board v2 with the matters and joint key, for ``voting trustee decrypt``."""
    meeting = _secret_meeting(meeting_id)
    if meeting.closed_at is None:
        abort(404)
    body = json.dumps(services.offline_kit(meeting), ensure_ascii=False, separators=(",", ":"))
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": f"attachment; filename=board-{meeting.id}.json"},
    )


@bp.get("/meetings/<int:meeting_id>/trustees/<int:number>/key-share.json")
def key_share(meeting_id: int, number: int):
    """A trustee's sealed share file (useless without the passphrase on its key card)."""
    meeting = _secret_meeting(meeting_id)
    trustee = next((t for t in meeting.trustees if t.number == number), None)
    if trustee is None or trustee.key_share is None:
        abort(404)
    return Response(
        json.dumps(trustee.key_share, separators=(",", ":")),
        mimetype="application/json",
        headers={"Content-Disposition": f"attachment; filename={share_file_name(meeting, number)}"},
    )
