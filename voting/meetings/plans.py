"""Editing a meeting plan while it is a draft: fields, matters and documents."""

from datetime import datetime
from typing import Any

from voting.audit.services import current_actor
from voting.db import db
from voting.meetings.common import log_meeting, require_state
from voting.meetings.errors import MeetingError, problem
from voting.meetings.matters import add_matters, check_matters, check_meeting_fields, raise_if
from voting.meetings.models import Matter, Meeting, MeetingDocument
from voting.meetings.readiness import households, window_issues, window_settings
from voting.meetings.secrecy import check_secrecy, scrutineer_names, set_trustees
from voting.rosters.models import Community
from voting.rules.problems import Problem
from voting.uploads import MAX_DOCUMENT_BYTES, document_refusal

EDITABLE = ("title", "description", "place", "opens_at", "closes_at", "is_first_meeting", "matters",
            "secret", "scrutineers", "trustee_threshold")  # fmt: skip


def _check_times(opens_at: Any, closes_at: Any, community: Community) -> None:
    if not all(
        isinstance(t, datetime) and t.tzinfo is not None and 2000 <= t.year <= 2999
        for t in (opens_at, closes_at)
    ):
        raise MeetingError(
            problem(
                "WINDOW_TIMES",
                "请填写表决开始和截止时间",
                "opens_at and closes_at must be times with a zone",
            )
        )
    raise_if(window_issues(opens_at, closes_at, window_settings(community)))


def _confirmed(matters: list[Matter]) -> dict:
    """The audit record of category warnings the committee confirmed, if any."""
    confirmed = {str(m.id): m.category_warnings for m in matters if m.category_warnings}
    return {"category_confirmed": confirmed} if confirmed else {}


def _secrecy(meeting: Meeting) -> dict:
    """The audit record of a secret plan's scrutineers and k (nothing for an open plan)."""
    if not meeting.secret:
        return {}
    return {"secret": True, "scrutineers": scrutineer_names(meeting),
            "trustee_threshold": meeting.trustee_threshold}  # fmt: skip


def create_meeting(
    community: Community,
    title: str,
    opens_at: datetime,
    closes_at: datetime,
    matters: list[dict],
    description: str = "",
    place: str = "",
    is_first_meeting: bool = False,
    secret: bool = False,
    scrutineers: list[str] | None = None,
    trustee_threshold: int | None = None,
) -> Meeting:
    """Plan a meeting with its matters, in draft; raises MeetingError on bad input. A secret
    meeting names its scrutineers and the number of trustees needed to decrypt."""
    raise_if(check_meeting_fields(title, description, place))
    _check_times(opens_at, closes_at, community)
    raise_if(check_matters(matters, households(community.id)))
    raise_if(check_secrecy(secret, scrutineers or [], trustee_threshold))
    meeting = Meeting(
        community_id=community.id,
        title=title.strip(),
        description=description,
        place=place.strip(),
        is_first_meeting=bool(is_first_meeting),
        opens_at=opens_at,
        closes_at=closes_at,
        created_by=current_actor(),
    )
    db.session.add(meeting)
    db.session.flush()
    add_matters(meeting, matters)
    set_trustees(meeting, secret, scrutineers or [], trustee_threshold)
    log_meeting(
        meeting,
        "created",
        {"title": meeting.title, "matters": len(meeting.matters), **_secrecy(meeting),
         **_confirmed(meeting.matters)},
    )  # fmt: skip
    return meeting


def update_meeting(meeting: Meeting, **changes: Any) -> Meeting:
    """Change a draft plan (title, description, place, window, first meeting, matters)."""
    require_state(meeting, "修改", "edited", "draft", status=422)
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise MeetingError(
            problem("UNKNOWN_FIELD", "有无法修改的字段", f"Unknown fields: {sorted(unknown)}")
        )
    community = meeting.community
    title = changes.get("title", meeting.title)
    description = changes.get("description", meeting.description)
    place = changes.get("place", meeting.place)
    raise_if(check_meeting_fields(title, description, place))
    opens_at = changes.get("opens_at", meeting.opens_at)
    closes_at = changes.get("closes_at", meeting.closes_at)
    _check_times(opens_at, closes_at, community)
    matters = changes.get("matters")
    if matters is not None:
        raise_if(check_matters(matters, households(community.id)))
    secrecy = {"secret", "scrutineers", "trustee_threshold"} & set(changes)
    if secrecy:
        secret = changes.get("secret", meeting.secret)
        scrutineers = changes.get("scrutineers", scrutineer_names(meeting))
        threshold = changes.get("trustee_threshold", meeting.trustee_threshold)
        if secret is False:
            scrutineers, threshold = [], None
        raise_if(check_secrecy(secret, scrutineers, threshold))
    meeting.title, meeting.description, meeting.place = title.strip(), description, place.strip()
    meeting.opens_at, meeting.closes_at = opens_at, closes_at
    meeting.is_first_meeting = bool(changes.get("is_first_meeting", meeting.is_first_meeting))
    if matters is not None:
        meeting.matters.clear()
        db.session.flush()
        add_matters(meeting, matters)
    if secrecy:
        set_trustees(meeting, secret, scrutineers, threshold)
    log_meeting(
        meeting,
        "updated",
        {"fields": sorted(changes), **(_secrecy(meeting) if secrecy else {}),
         **(_confirmed(meeting.matters) if matters is not None else {})},
    )  # fmt: skip
    return meeting


def add_matter(meeting: Meeting, matter: dict) -> Matter:
    """Append one matter to a draft plan."""
    require_state(meeting, "修改", "edited", "draft", status=422)
    problems = check_matters([matter], households(meeting.community_id))
    raise_if(problems)
    add_matters(meeting, [matter], start=len(meeting.matters) + 1)
    added = meeting.matters[-1]
    log_meeting(
        meeting,
        "matter_added",
        {"matter_id": added.id, "title": added.title, **_confirmed([added])},
    )
    return added


def _take_out(
    meeting: Meeting, items: list, item: Matter | MeetingDocument, action: tuple[str, str],
    missing: Problem,
) -> None:  # fmt: skip
    """Take a matter or a document out of a draft plan's ``items``: refused (422) once the plan
    has left the draft (``action`` in zh-CN and English names the step), and refused with
    ``missing`` when the item belongs to another meeting."""
    require_state(meeting, *action, "draft", status=422)
    if item.meeting_id != meeting.id:
        raise MeetingError(missing)
    items.remove(item)


def remove_matter(meeting: Meeting, matter: Matter) -> None:
    """Take one matter out of a draft plan."""
    missing = problem("NO_SUCH_MATTER", "没有这项表决事项", "No such matter")
    _take_out(meeting, meeting.matters, matter, ("修改", "edited"), missing)
    for position, rest in enumerate(meeting.matters, start=1):
        rest.position = position
    db.session.flush()
    log_meeting(meeting, "matter_removed", {"matter_id": matter.id, "title": matter.title})


def add_document(meeting: Meeting, file_name: str, data: bytes) -> MeetingDocument:
    """Attach a PDF, PNG or JPEG (by its bytes, not its name) of at most 10 MB to a draft."""
    require_state(meeting, "添加文件", "given documents", "draft", status=422)
    refusal = document_refusal(data, MAX_DOCUMENT_BYTES)
    if refusal == "size":
        raise MeetingError(
            problem(
                "DOCUMENT_SIZE", "文件不能为空，且不能超过 10 MB", "A document must be 1 B-10 MB"
            )
        )
    if refusal == "type":
        raise MeetingError(
            problem(
                "DOCUMENT_TYPE",
                "只能上传 PDF 文件或 PNG、JPEG 图片",
                "Only PDF, PNG and JPEG files are accepted",
            )
        )
    document = MeetingDocument(
        meeting_id=meeting.id,
        community_id=meeting.community_id,
        **MeetingDocument.fields(file_name, data),
    )
    meeting.documents.append(document)
    db.session.flush()
    log_meeting(meeting, "document_added", document.audit_data())
    return document


def remove_document(meeting: Meeting, document: MeetingDocument) -> None:
    """Detach a document from a draft plan."""
    missing = problem("NO_SUCH_DOCUMENT", "没有这份文件", "No such document")
    _take_out(meeting, meeting.documents, document, ("删除文件", "changed"), missing)
    db.session.flush()
    data = {"document_id": document.id, "sha256": document.sha256}
    log_meeting(meeting, "document_removed", data)
