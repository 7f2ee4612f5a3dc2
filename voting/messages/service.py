"""The service record (送达记录) of a meeting: per owner, every message and its delivery
state, every letter, paper ballot and proxy form printed for them, and every door-to-door
visit of a building head; as a printable page and an XLSX workbook.

Rows are the voters of the frozen roster once voting opened (before: the roster's owners).
Nothing in it identifies more than the pages do: masked names, phones as ``139********``;
each sent message's recipient is in the audit log as a keyed hash (``message.sent``).
"""

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from voting.audit.models import AuditEvent
from voting.auth.models import User
from voting.db import db
from voting.door.models import OUTCOME_LABELS, DoorVisit
from voting.i18n import N_
from voting.meetings.models import Meeting, Voter
from voting.meetings.tally import snapshot_of
from voting.messages.models import Message
from voting.rosters.identity import mask_name
from voting.rosters.models import Community, Holding, Owner, Unit
from voting.rules.persons import DEVELOPER_KEY
from voting.spreadsheets import XlsxSheet, new_workbook, xlsx_bytes
from voting.web import local_time

#: In zh-CN; shown through _().
KIND_LABELS = {
    "notice": N_("会议公告通知"),
    "link": N_("个人投票链接"),
    "reminder": N_("投票提醒"),
    "ballot_recorded": N_("投票记录告知"),
    "code": N_("验证码"),
}
STATE_LABELS = {
    "queued": N_("待发送"),
    "sent": N_("已发送"),
    "failed": N_("发送失败"),
    "cancelled": N_("已取消"),
}
#: The kinds that serve the meeting on the owner (the others answer what the owner did).
SERVING = ("notice", "link", "reminder")
#: What was printed for an owner: the audit event's type -> its label (in zh-CN, shown
#: through _()).
PRINTED = {
    "meeting.letters_printed": N_("打印表决通知书"),
    "meeting.paper_ballots_printed": N_("打印纸质表决票"),
    "meeting.proxy_form_printed": N_("打印授权委托书"),
}


@dataclass
class Delivery:
    """One message to one phone (or, before the worker took it, to the owner's phones)."""

    #: The message's number: the audit log's ``message.sent`` names it.
    id: int
    kind: str
    to: str
    state: str
    queued_at: datetime
    sent_at: datetime | None
    attempts: int
    #: Why it failed or was cancelled (the provider's refusal; never the text).
    note: str


@dataclass
class ServiceRow:
    """One owner (a voter of the frozen roster) and what reached them."""

    units: str
    name: str
    phones: str
    deliveries: list[Delivery] = field(default_factory=list)
    #: What was printed for them: (the event's type, when), in order.
    printed: list[tuple[str, datetime]] = field(default_factory=list)
    #: Building heads' visits: (outcome, when, the building head's display name), in order.
    visits: list[tuple[str, datetime, str]] = field(default_factory=list)

    @property
    def served(self) -> bool:
        """Whether a notice, link or reminder was sent, or a letter or ballot printed."""
        sent = any(d.state == "sent" and d.kind in SERVING for d in self.deliveries)
        return sent or bool(self.printed)

    def printed_of(self, type: str) -> list[datetime]:
        """When this kind of paper was printed for them."""
        return [at for kind, at in self.printed if kind == type]


@dataclass
class ServiceRecord:
    """The meeting's service record."""

    meeting: Meeting
    community: Community
    rows: list[ServiceRow]
    by_voters: bool

    def totals(self) -> dict[str, int]:
        """Owners, owners with a phone, owners each kind reached, letters, owners not served."""
        out = {"owners": len(self.rows), "with_phone": sum(bool(r.phones) for r in self.rows),
               "letters": sum(bool(r.printed_of("meeting.letters_printed")) for r in self.rows),
               "paper": sum(bool(r.printed_of("meeting.paper_ballots_printed"))
                            for r in self.rows),
               "visited": sum(bool(r.visits) for r in self.rows),
               "not_served": sum(not r.served for r in self.rows)}  # fmt: skip
        for kind in SERVING:
            out[kind] = sum(
                any(d.kind == kind and d.state == "sent" for d in r.deliveries) for r in self.rows
            )
        return out


def _owner_info(community_id: int) -> tuple[dict[str, tuple[str, str]], list[str]]:
    """Owner key -> (masked name, masked phone); and the developer's owner keys."""
    info, developer = {}, []
    for key, name, phone, is_developer in db.session.execute(
        select(Owner.key, Owner.name, Owner.phone_masked, Owner.is_developer).where(
            Owner.community_id == community_id
        )
    ):
        info[key] = (mask_name(name), phone or "")
        if is_developer:
            developer.append(key)
    return info, developer


def _voter_rows(meeting: Meeting, info: dict, developer: list[str]):
    """Rows of the frozen roster's voters; maps of voter id and owner key to their row."""
    rows, by_voter, by_owner = [], {}, {}
    voters = db.session.scalars(
        select(Voter).where(Voter.meeting_id == meeting.id).order_by(Voter.building, Voter.id)
    )
    for voter in voters:
        keys = developer if voter.person_key == DEVELOPER_KEY else voter.person_key.split("+")
        phones = "、".join(dict.fromkeys(info[k][1] for k in keys if k in info and info[k][1]))
        row = ServiceRow("、".join(voter.units), voter.display_name, phones)
        rows.append(row)
        by_voter[voter.id] = row
        for key in keys:
            by_owner[key] = row
    return rows, by_voter, by_owner


def _owner_rows(meeting: Meeting, info: dict):
    """Before voting opens: one row per owner of the roster who holds a unit."""
    units: dict[str, list[str]] = {}
    for key, building, number in db.session.execute(
        select(Owner.key, Unit.building, Unit.number)
        .join(Holding, Holding.owner_id == Owner.id)
        .join(Unit, Unit.id == Holding.unit_id)
        .where(Owner.community_id == meeting.community_id)
        .order_by(Unit.building, Unit.number)
    ):
        units.setdefault(key, []).append(f"{building} {number}")
    by_owner = {
        key: ServiceRow("、".join(labels), info[key][0], info[key][1])
        for key, labels in units.items()
    }
    return list(by_owner.values()), {}, by_owner


def service_record(meeting: Meeting) -> ServiceRecord:
    """Every owner of the meeting with each message and letter that reached them."""
    community = meeting.community
    info, developer = _owner_info(meeting.community_id)
    by_voters = snapshot_of(meeting) is not None
    rows, by_voter, by_owner = (
        _voter_rows(meeting, info, developer) if by_voters else _owner_rows(meeting, info)
    )
    messages = db.session.scalars(
        select(Message).where(Message.meeting_id == meeting.id).order_by(Message.id)
    )
    for message in messages:
        row = by_voter.get(message.voter_id) if message.voter_id else None
        row = row or by_owner.get((message.params or {}).get("owner", ""))
        if row is not None:
            row.deliveries.append(_delivery(message))
    for type, at, voter_ids in _printed(meeting):
        for voter_id in voter_ids:
            if voter_id in by_voter:
                by_voter[voter_id].printed.append((type, at))
    for voter_id, outcome, at, by in visits_of(meeting):
        if voter_id in by_voter:
            by_voter[voter_id].visits.append((outcome, at, by))
    return ServiceRecord(meeting, community, rows, by_voters)


def _delivery(message: Message) -> Delivery:
    note = message.last_error or "" if message.state in ("failed", "cancelled") else ""
    return Delivery(message.id, message.kind, (message.params or {}).get("to", ""), message.state,
                    message.created_at, message.sent_at, message.attempts, note)  # fmt: skip


def _printed(meeting: Meeting) -> list[tuple[str, datetime, list[int]]]:
    """What was printed, when, and for which voters (as the audit log records it)."""
    events = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.community_id == meeting.community_id,
               AuditEvent.type.in_(list(PRINTED)))
        .order_by(AuditEvent.seq)
    )  # fmt: skip
    out = []
    for event in events:
        data = event.data or {}
        if data.get("meeting_id") != meeting.id:
            continue
        voters = data.get("voters") or ([data["voter_id"]] if data.get("voter_id") else [])
        out.append((event.type, _moment(event.at), [int(v) for v in voters]))
    return out


def visits_of(meeting: Meeting) -> list[tuple[int, str, datetime, str]]:
    """Every door-to-door visit: (voter id, outcome, when, the building head's name)."""
    return [
        (voter_id, outcome, at, name)
        for voter_id, outcome, at, name in db.session.execute(
            select(DoorVisit.voter_id, DoorVisit.outcome, DoorVisit.at, User.display_name)
            .join(User, User.id == DoorVisit.user_id)
            .where(DoorVisit.meeting_id == meeting.id)
            .order_by(DoorVisit.id)
        )
    ]


def _moment(at: str) -> datetime:
    """An audit event's time (RFC 3339 text) as an aware datetime."""
    return datetime.fromisoformat(at.replace("Z", "+00:00"))


def delivery_text(delivery: Delivery) -> str:
    """One delivery as a line of the report, in the reader's language."""
    text = _("%(time)s %(kind)s（编号 %(id)s）→ %(to)s：%(state)s", id=delivery.id,
             time=local_time(delivery.queued_at),
             kind=_(KIND_LABELS.get(delivery.kind, delivery.kind)),
             to=delivery.to or _("名册中的手机"),
             state=_(STATE_LABELS.get(delivery.state, delivery.state)))  # fmt: skip
    if delivery.sent_at:
        text += _("（%(time)s 发出）", time=local_time(delivery.sent_at))
    if delivery.note:
        text += _("（%(note)s）", note=delivery.note)
    return text


def service_xlsx(record: ServiceRecord) -> bytes:
    """The service record as a workbook: an overview sheet and one row per message."""
    book = new_workbook()
    overview = XlsxSheet(book, _("概况"))
    meeting, totals = record.meeting, record.totals()
    overview.row(_("小区"), record.community.name)
    overview.row(_("会议"), meeting.title)
    overview.row(_("公告发布时间"), local_time(meeting.announced_at))
    overview.row(_("表决时间"), f"{local_time(meeting.opens_at)} — {local_time(meeting.closes_at)}")
    for label, key in ((N_("业主"), "owners"), (N_("名册中有手机号"), "with_phone"),
                       (N_("收到公告通知"), "notice"), (N_("收到投票链接"), "link"),
                       (N_("收到投票提醒"), "reminder"), (N_("打印过通知书"), "letters"),
                       (N_("打印过纸质表决票"), "paper"), (N_("楼长上门过"), "visited"),
                       (N_("未送达"), "not_served")):  # fmt: skip
        overview.row(_(label), totals[key])
    overview.row(_("说明"), _(NOTE))
    sheet = XlsxSheet(book, _("送达明细"))
    sheet.row(_("序号"), _("房屋"), _("业主"), _("手机号"), _("事项"), _("短信编号"), _("发往"),
              _("状态"), _("生成时间"), _("发出时间"), _("尝试次数"), _("备注"))  # fmt: skip
    for number, row in enumerate(record.rows, start=1):
        head = (number, row.units, row.name, row.phones)
        for d in row.deliveries:
            sheet.row(*head, _(KIND_LABELS.get(d.kind, d.kind)), str(d.id), d.to,
                      _(STATE_LABELS.get(d.state, d.state)), local_time(d.queued_at),
                      local_time(d.sent_at) if d.sent_at else "", d.attempts, d.note)  # fmt: skip
        for type, at in row.printed:
            sheet.row(*head, _(PRINTED[type]), "", "", _("已打印"), local_time(at), "", 1, "")
        for outcome, at, by in row.visits:
            sheet.row(*head, _("楼长上门"), "", by, _(OUTCOME_LABELS[outcome]), local_time(at),
                      "", 1, "")  # fmt: skip
        if not row.deliveries and not row.printed and not row.visits:
            sheet.row(*head, _("无"), "", "", _("未送达"), "", "", 0, "")
    return xlsx_bytes(book)


NOTE = N_(
    "手机号只显示前三位。每条已发出的短信，其接收号码以密钥散列记入审计日志"
    "（message.sent 事件，message_id 即短信编号），可据以核对；短信内容和验证码不保存。"
)
