"""Pages of revocations: the street office revokes a decision; anyone downloads the
signed revocation and the ruling or decision it rests on."""

import io

from flask import abort, send_file
from flask_babel import gettext as _
from flask_login import current_user

from voting.crypto import canonical
from voting.crypto.revocation import revocation_file_name
from voting.db import db
from voting.results import revocation as revocations
from voting.results.forms import RevocationForm
from voting.results.staff import _act_on, _meeting_in_scope, staff_only
from voting.results.views import _download, bp, published_or_404


@bp.post("/results/meetings/<int:meeting_id>/revoke")
@staff_only
def revoke(meeting_id: int):
    """The community's own street office revokes the published decision."""
    meeting, community = _meeting_in_scope(meeting_id)
    form = RevocationForm()

    def revoke_now() -> None:
        upload = form.file.data
        revocations.revoke_result(
            meeting, current_user, authority=form.authority.data, reason=form.reason.data,
            decided_on=form.decided_on.data, reference=form.reference.data or "",
            file_name=upload.filename,
            data=upload.read(revocations.MAX_REVOCATION_BYTES + 1),
        )  # fmt: skip
        db.session.commit()

    return _act_on(
        community.id,
        form,
        _("请选择撤销依据，填写日期和理由（最多 1000 字），并上传 PDF 文件。"),
        revoke_now,
        _("已撤销该决定，撤销文件已签名公示；原结果仍可核验，并标明已撤销。"),
    )


def _revocation_or_404(meeting_id: int):
    meeting, _community, _result = published_or_404(meeting_id)
    revocation = revocations.revocation_of(meeting)
    if revocation is None:
        abort(404)
    return meeting, revocation


@bp.get("/public/meetings/<int:meeting_id>/revocation.json")
def revocation_json(meeting_id: int):
    """Download the signed revocation (FORMATS.md §4.2), named as ``voting verify`` finds it."""
    meeting, revocation = _revocation_or_404(meeting_id)
    return _download(canonical(revocation.signed()), revocation_file_name(str(meeting.id)))


@bp.get("/public/meetings/<int:meeting_id>/revocation.pdf")
def revocation_pdf(meeting_id: int):
    """Download the ruling or decision the revocation rests on."""
    _meeting, revocation = _revocation_or_404(meeting_id)
    return send_file(
        io.BytesIO(revocation.data), mimetype=revocation.content_type,
        download_name=revocation.file_name, as_attachment=True,
    )  # fmt: skip
