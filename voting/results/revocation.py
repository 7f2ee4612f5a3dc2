"""Revoking a published decision (DOMAIN.md 2.7 REVOKED; Beijing arts. 8, 51; Civil Code 280).

Only the street office that supervises the community revokes, for its own annulment or to
record a court's ruling, with the reason and the ruling or decision as a PDF. The office signs
a revocation document (FORMATS.md §4.2) that names the result in force by its hash: the result
itself is not changed, keeps its signatures and still verifies, and is shown as revoked.
"""

from datetime import date, datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from voting.audit.services import record_event
from voting.auth.models import User
from voting.crypto.revocation import REVOCATION_FORMAT
from voting.crypto.statement import SCHEME
from voting.db import db, lock_row, utcnow
from voting.meetings.models import Meeting
from voting.results.document import document_hash
from voting.results.keys import SigningKeyError, current_key, sign_as
from voting.results.models import REVOCATION_AUTHORITIES, Result, Revocation
from voting.results.services import MAX_REASON, ResultError, current_result
from voting.rosters.models import Community
from voting.timeutil import SHANGHAI, rfc3339
from voting.uploads import MAX_DOCUMENT_BYTES, StoredDocument, document_refusal, sniff_type

#: A court ruling or an annulment decision, scanned: a PDF of at most 10 MB.
MAX_REVOCATION_BYTES = MAX_DOCUMENT_BYTES
MAX_REFERENCE = 200
#: Results that state a decision: the final result, countersigned or not.
REVOCABLE = ("published", "countersigned")


def revocation_of(meeting: Meeting) -> Revocation | None:
    """The meeting's revocation, if its decision was revoked."""
    return db.session.scalar(select(Revocation).where(Revocation.meeting_id == meeting.id))


def require_own_office(user: User, community: Community) -> None:
    """Only staff of the office that supervises this community revoke its decisions."""
    if user.role != "office" or user.office_id != community.office_id:
        raise ResultError(_l("只有本小区所属街道办事处的工作人员可以撤销业主大会的决定。"), 403)


def _reason(value: Any) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        raise ResultError(_l("请说明撤销的理由。"), 422)
    if len(text) > MAX_REASON or "\x00" in text:
        raise ResultError(_l("理由最多 1000 字。"), 422)
    return text


def _authority(value: Any) -> str:
    if value not in REVOCATION_AUTHORITIES:
        raise ResultError(_l("请选择撤销依据：街道办事处的决定或人民法院的判决。"), 422)
    return value


def _reference(value: Any) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if value is not None and not isinstance(value, str):
        raise ResultError(_l("文号或案号须为文字。"), 422)
    if len(text) > MAX_REFERENCE or "\x00" in text:
        raise ResultError(_l("文号或案号最多 200 字。"), 422)
    return text


def _decided_on(value: Any, result: Result, now: datetime) -> date:
    """The day of the ruling or annulment: not before the result was published, not later
    than today (Asia/Shanghai)."""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            value = None
    if not isinstance(value, date) or isinstance(value, datetime):
        raise ResultError(_l("请填写作出撤销决定或判决的日期（如 2024-06-04）。"), 422)
    if value > now.astimezone(SHANGHAI).date():
        raise ResultError(_l("撤销决定或判决的日期不能晚于今天。"), 422)
    if value < result.published_at.astimezone(SHANGHAI).date():
        raise ResultError(_l("撤销决定或判决的日期不能早于结果发布的日期。"), 422)
    return value


def _attachment(file_name: str | None, data: bytes | None) -> dict[str, Any]:
    """The ruling or decision: a PDF by its bytes (not its name), 1 byte to 10 MB."""
    data = data or b""
    if document_refusal(data, MAX_REVOCATION_BYTES) == "size":
        raise ResultError(_l("请上传判决书或撤销决定的 PDF 文件（不能为空，最大 10 MB）。"), 422)
    if sniff_type(data) != "application/pdf":
        raise ResultError(_l("判决书或撤销决定只能上传 PDF 文件。"), 422)
    return StoredDocument.fields(file_name, data)


def _revocable(meeting: Meeting) -> Result:
    """The result in force, if it states a decision that can still be revoked."""
    if meeting.revoked_at is not None:
        raise ResultError(_l("该会议的决定已被撤销。"))
    if meeting.voided_at is not None:
        raise ResultError(_l("会议已被宣布无效，没有可撤销的决定。"))
    result = current_result(meeting)
    if result is None or result.status not in REVOCABLE:
        raise ResultError(_l("只能撤销已发布的正式结果（初步结果可退回业主委员会更正）。"))
    return result


def _revocation_document(
    meeting: Meeting, community: Community, result: Result, fields: dict[str, Any],
    attachment: dict[str, Any], now: datetime,
) -> dict[str, Any]:  # fmt: skip
    """RDOC of FORMATS.md §4.2: what is revoked, by whom, on what ground, with which file."""
    office = community.office
    return {
        "format": REVOCATION_FORMAT,
        "signature_scheme": SCHEME,
        "community": {"id": str(community.id), "name": community.name},
        "office": {"id": str(office.id), "name": office.name},
        "meeting": {"id": str(meeting.id), "title": meeting.title},
        "revokes": {"version": result.version, "document_hash": result.document_hash},
        "authority": fields["authority"],
        "reference": fields["reference"],
        "decided_on": fields["decided_on"].isoformat(),
        "reason": fields["reason"],
        "attachment": {name: attachment[name]
                       for name in ("file_name", "content_type", "size", "sha256")},
        "issued_at": rfc3339(now),
    }  # fmt: skip


def revoke_result(
    meeting: Meeting,
    user: User,
    *,
    authority: Any,
    reason: Any,
    decided_on: Any,
    file_name: str | None,
    data: bytes | None,
    reference: Any = "",
) -> Revocation:
    """Revoke the meeting's published decision: sign the revocation as the office, store it
    with its PDF, mark the meeting revoked and log it; refused input changes nothing."""
    lock_row(meeting)
    community = meeting.community
    require_own_office(user, community)
    result = _revocable(meeting)
    now = utcnow()
    fields = {
        "authority": _authority(authority),
        "reference": _reference(reference),
        "decided_on": _decided_on(decided_on, result, now),
        "reason": _reason(reason),
    }
    attachment = _attachment(file_name, data)
    key = current_key(community.office)
    if key is None:
        raise ResultError(_l("本街道还没有签名密钥，请先在「签名密钥」页生成。"))
    rdoc = _revocation_document(meeting, community, result, fields, attachment, now)
    try:
        signature = sign_as(key, community, "office", rdoc)
    except SigningKeyError as error:
        raise ResultError(error.message, error.status) from None
    actor = f"user:{user.username}"
    revocation = Revocation(
        meeting_id=meeting.id, community_id=community.id, result_id=result.id, **fields,
        document=rdoc, document_hash=document_hash(rdoc), signatures=[signature],
        revoked_at=now, revoked_by=actor, revoked_seq=0, **attachment,
    )  # fmt: skip
    db.session.add(revocation)
    db.session.flush()
    event = record_event(
        "result.revoked",
        {"meeting_id": meeting.id, "version": result.version,
         "document_hash": result.document_hash, "revocation_hash": revocation.document_hash,
         "key_id": key.key_id, "authority": fields["authority"],
         "reference": fields["reference"], "decided_on": rdoc["decided_on"],
         "reason": fields["reason"], "attachment": rdoc["attachment"]},
        community_id=community.id, actor=actor,
    )  # fmt: skip
    revocation.revoked_seq = event.seq
    meeting.revoked_at = now
    db.session.flush()
    return revocation
