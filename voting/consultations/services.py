"""Use cases of a consultation's plan: create, edit, questions, documents, open, close.

Services flush and never commit (the request commits once); a refusal raises
ConsultationError with a whole sentence for the user; every change is written to the audit log.
"""

import secrets
import unicodedata
from datetime import UTC, datetime
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from voting.audit.services import current_actor, record_event
from voting.consultations.models import (
    QUESTION_KINDS,
    Consultation,
    ConsultationDocument,
    ConsultationOption,
    ConsultationParticipant,
    ConsultationQuestion,
    ConsultationStateError,
)
from voting.consultations.roster import participant_rows
from voting.db import db, utcnow
from voting.errors import Refused
from voting.i18n import N_
from voting.rosters.models import Community
from voting.rules.persons import AreaUnresolved
from voting.rules.procedure import Procedure, ProcedureError
from voting.uploads import MAX_DOCUMENT_BYTES, document_refusal

MAX_TITLE = 200
MAX_BODY = 20000
MAX_QUESTION_TITLE = 300
MAX_OPTION_LABEL = 200
MAX_OPTIONS = 30
MAX_QUESTIONS = 50
MAX_DOCUMENTS = 20
#: The points of a scale question: 1 (worst) to 5 (best).
#: Stored in zh-CN whatever the staff reads; pages show them through _().
SCALE = (
    ("1", N_("很不满意")), ("2", N_("不满意")), ("3", N_("一般")), ("4", N_("满意")),
    ("5", N_("很满意")),
)  # fmt: skip
STATE_LABELS = {"draft": _l("草稿"), "open": _l("征求意见中"), "closed": _l("已截止")}


class ConsultationError(Refused):
    """A consultation action refused; the message is a whole sentence for the user."""


def known_id(value: int) -> bool:
    """True for an id a table can hold (URLs accept integers of any size)."""
    return 0 < value < 2**63


def log(consultation: Consultation, type: str, data: dict | None = None, who: str = "") -> None:
    """Append a ``consultation.<type>`` event to the community's audit chain."""
    record_event(
        f"consultation.{type}",
        {"consultation_id": consultation.id, **(data or {})},
        community_id=consultation.community_id,
        actor=who or current_actor(),
    )


def require(consultation: Consultation, *states: str) -> None:
    """Raise ConsultationError unless the consultation is in one of ``states``."""
    try:
        consultation.require(*states)
    except ConsultationStateError:
        label = str(STATE_LABELS[consultation.state])
        message = _("该议题当前状态为「%(state)s」，不能进行此操作。", state=label)
        raise ConsultationError(message) from None


#: Format characters that reorder or hide text (bidirectional overrides and isolates).
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")


def plain_text(value: str, newlines: bool = True) -> str:
    """Text as given, minus control characters (newlines kept if asked) and hidden reordering."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(
        ch
        for ch in value
        if (ch == "\n" and newlines)
        or (unicodedata.category(ch) not in ("Cc", "Cs") and ch not in _BIDI)
    ).strip()


def _text(value: Any, limit: int, message: str, required: bool = True) -> str:
    if not isinstance(value, str):
        raise ConsultationError(message)
    value = plain_text(value, newlines=limit > MAX_QUESTION_TITLE)
    if len(value) > limit or (required and not value):
        raise ConsultationError(message)
    return value


def _deadline(deadline: Any, now: datetime) -> datetime:
    if not isinstance(deadline, datetime) or deadline.tzinfo is None:
        raise ConsultationError(_("请填写截止时间。"))
    try:
        deadline = deadline.astimezone(UTC)
    except (OverflowError, ValueError):
        raise ConsultationError(_("截止时间无效。")) from None
    if deadline <= now:
        raise ConsultationError(_("截止时间必须晚于现在。"))
    return deadline


def create_consultation(
    community: Community,
    title: str,
    deadline: datetime,
    body: str = "",
    kind: str = "general",
    survey_year: int | None = None,
) -> Consultation:
    """Draft a consultation of the community; raises ConsultationError on bad input."""
    consultation = Consultation(
        community_id=community.id,
        title=_text(title, MAX_TITLE, _("标题不能为空，最多 200 字。")),
        body=_text(body, MAX_BODY, _("正文最多 20000 字。"), required=False),
        deadline=_deadline(deadline, utcnow()),
        kind=kind,
        survey_year=survey_year,
        entry_key=secrets.token_urlsafe(16),
        created_by=current_actor(),
    )
    db.session.add(consultation)
    db.session.flush()
    log(consultation, "created", {"title": consultation.title, "kind": kind,
                                  "survey_year": survey_year})  # fmt: skip
    return consultation


def update_consultation(consultation: Consultation, title: str, body: str, deadline: datetime):
    """Change the title, text and deadline of a draft."""
    require(consultation, "draft")
    consultation.title = _text(title, MAX_TITLE, _("标题不能为空，最多 200 字。"))
    consultation.body = _text(body, MAX_BODY, _("正文最多 20000 字。"), required=False)
    consultation.deadline = _deadline(deadline, utcnow())
    db.session.flush()
    log(consultation, "updated", {"title": consultation.title})
    return consultation


def _next_code(consultation: Consultation) -> str:
    taken = {q.code for q in consultation.questions}
    number = len(taken) + 1
    while f"q{number}" in taken:
        number += 1
    return f"q{number}"


def add_question(
    consultation: Consultation,
    title: str,
    kind: str,
    options: list[str] | None = None,
    max_choices: int | None = None,
    code: str | None = None,
) -> ConsultationQuestion:
    """Add an opinion question to a draft: single or multiple choice, or a 1-5 scale."""
    require(consultation, "draft")
    if len(consultation.questions) >= MAX_QUESTIONS:
        raise ConsultationError(_("一个议题最多 50 个问题。"))
    title = _text(title, MAX_QUESTION_TITLE, _("问题不能为空，最多 300 字。"))
    if kind not in QUESTION_KINDS:
        raise ConsultationError(_("请选择问题类型：单选、多选或评分。"))
    if kind == "scale":
        labels, codes, max_choices = (
            [str(label) for _c, label in SCALE],
            [c for c, _x in SCALE],
            None,
        )
    else:
        labels = [plain_text(o, newlines=False) for o in (options or []) if isinstance(o, str)]
        labels = [label for label in labels if label]
        if not 2 <= len(labels) <= MAX_OPTIONS or any(len(o) > MAX_OPTION_LABEL for o in labels):
            raise ConsultationError(_("选择题需要 2 至 30 个选项，每个选项最多 200 字。"))
        if len(set(labels)) != len(labels):
            raise ConsultationError(_("选项不能重复。"))
        codes = [str(n) for n in range(1, len(labels) + 1)]
        if kind == "single":
            max_choices = None
        elif max_choices is not None and not 1 <= max_choices <= len(labels):
            raise ConsultationError(_("最多可选数必须在 1 和选项个数之间。"))
    question = ConsultationQuestion(
        community_id=consultation.community_id,
        position=max((q.position for q in consultation.questions), default=0) + 1,
        code=code or _next_code(consultation),
        title=title,
        kind=kind,
        max_choices=max_choices,
        options=[
            ConsultationOption(position=n, code=c, label=label)
            for n, (c, label) in enumerate(zip(codes, labels, strict=True), start=1)
        ],
    )
    consultation.questions.append(question)
    db.session.flush()
    log(consultation, "question_added", {"question": question.code, "kind": kind,
                                         "title": title, "options": labels})  # fmt: skip
    return question


def remove_question(consultation: Consultation, question: ConsultationQuestion) -> None:
    """Remove a question from a draft."""
    require(consultation, "draft")
    consultation.questions.remove(question)
    db.session.flush()
    log(consultation, "question_removed", {"question": question.code})


def add_document(consultation: Consultation, file_name: str, data: bytes) -> ConsultationDocument:
    """Attach a PDF, PNG or JPEG (by its bytes, not its name) of at most 10 MB."""
    require(consultation, "draft", "open")
    if len(consultation.documents) >= MAX_DOCUMENTS:
        raise ConsultationError(_("一个议题最多 20 个文件。"))
    refusal = document_refusal(data, MAX_DOCUMENT_BYTES)
    if refusal == "size":
        raise ConsultationError(_("文件不能为空，且不能超过 10 MB。"))
    if refusal == "type":
        raise ConsultationError(_("只能上传 PDF 文件或 PNG、JPEG 图片。"))
    document = ConsultationDocument(
        community_id=consultation.community_id, **ConsultationDocument.fields(file_name, data)
    )
    consultation.documents.append(document)
    db.session.flush()
    log(consultation, "document_added", document.audit_data())
    return document


def remove_document(consultation: Consultation, document: ConsultationDocument) -> None:
    """Detach a document from a draft (once open, owners may have read it: it stays)."""
    require(consultation, "draft")
    consultation.documents.remove(document)
    db.session.flush()
    log(consultation, "document_removed", {"document_id": document.id, "sha256": document.sha256})


def consultation_procedure(community: Community) -> Procedure:
    """The community's settings; parking counts (``include``) until a policy is chosen.

    A consultation decides nothing, so an owner of only a parking space is asked too unless
    the rules of procedure say otherwise.
    """
    return Procedure.from_dict({"parking_policy": "include", **(community.procedure or {})})


def open_consultation(consultation: Consultation, now: datetime | None = None) -> int:
    """Open a draft: build the participant list from the current roster; returns its size."""
    require(consultation, "draft")
    now = now or utcnow()
    if consultation.deadline <= now:
        raise ConsultationError(_("截止时间已过，请先修改截止时间。"))
    community = consultation.community
    try:
        procedure = consultation_procedure(community)
        rows = participant_rows(consultation, procedure)
    except (ProcedureError, AreaUnresolved) as error:
        message = _("花名册或议事规则有误，无法生成参与名单：%(e)s", e=str(error))
        raise ConsultationError(message) from None
    if not rows:
        raise ConsultationError(_("花名册为空，请先导入花名册。"))
    db.session.execute(ConsultationParticipant.__table__.insert(), rows)
    consultation.procedure = procedure.to_dict()
    consultation.opened_at = now
    db.session.flush()
    heads = sum(1 for r in rows if r["can_take_part"])
    log(consultation, "opened", {"participants": len(rows), "can_take_part": heads,
                                 "area": sum(r["area"] for r in rows),
                                 "parking_policy": procedure.parking_policy})  # fmt: skip
    return len(rows)


def close_consultation(consultation: Consultation, now: datetime | None = None) -> None:
    """Close an open consultation before its deadline."""
    require(consultation, "open")
    consultation.closed_at = now or utcnow()
    db.session.flush()
    log(consultation, "closed", {"before_deadline": True})


def participant_count(consultation: Consultation) -> int:
    """How many persons the participant list holds."""
    return db.session.scalar(
        select(func.count()).where(ConsultationParticipant.consultation_id == consultation.id)
    )
