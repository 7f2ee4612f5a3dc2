"""The street office's statistics across its communities for a period, as an XLSX workbook
for the monthly report upward: meetings, turnout by heads and by area, outcomes, anomalies,
objections and the service record's counts.

A meeting belongs to the period when its voting window meets it (Beijing dates); plans the
committee never submitted stay out. Nothing in it identifies an owner: counts only.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import func, select

from voting.ballots.models import Ballot
from voting.db import db
from voting.i18n import N_
from voting.meetings.common import STATE_LABELS
from voting.meetings.models import Meeting, RosterSnapshot, Voter
from voting.messages.service import service_record
from voting.results.models import Objection, Result
from voting.rosters.models import Community, Office
from voting.rules.numbers import fmt_area
from voting.rules.thresholds import quorum_share_met
from voting.spreadsheets import XlsxSheet, new_workbook, xlsx_bytes
from voting.supervision.anomalies import anomalies_for_meeting
from voting.supervision.labels import ANOMALY_TITLES
from voting.timeutil import SHANGHAI
from voting.typed import plain
from voting.web import local_time

#: The longest period one export covers.
MAX_DAYS = 366 * 3
#: Outcome statuses of the result document (FORMATS.md §4), in zh-CN, shown through _().
OUTCOME_LABELS = {
    "passed": N_("通过"),
    "rejected": N_("未通过"),
    "no_quorum": N_("参与未达三分之二，未形成决定"),
    "selected": N_("选定"),
    "no_decision": N_("未形成决定"),
    "elected": N_("当选"),
    "tie_unresolved": N_("票数相同未决"),
    "committee_not_formed": N_("委员会未能组成"),
}


@dataclass
class MeetingStats:
    """One meeting's figures."""

    community: Community
    meeting: Meeting
    snapshot: RosterSnapshot | None
    voted: int
    voted_area: int
    result: Result | None
    objections: int
    anomalies: Counter
    service: dict[str, int]


def statistics_period(start: str | None, end: str | None) -> tuple[date, date] | None:
    """The period typed (``YYYY-MM-DD``, full-width digits too), else None when either date is
    missing or wrong, the end is before the start, or the period is longer than MAX_DAYS."""
    try:
        first, last = date.fromisoformat(plain(start) or ""), date.fromisoformat(plain(end) or "")
    except ValueError:
        return None
    if last < first or (last - first).days > MAX_DAYS:
        return None
    return first, last


def period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The period's first and last moment (Beijing days) in UTC."""
    first = datetime.combine(start, time.min, SHANGHAI).astimezone(UTC)
    last = datetime.combine(end + timedelta(days=1), time.min, SHANGHAI).astimezone(UTC)
    return first, last


def meetings_of(office: Office, start: date, end: date) -> list[tuple[Community, Meeting]]:
    """The office's submitted meetings whose voting window meets the period."""
    first, last = period_bounds(start, end)
    rows = db.session.execute(
        select(Community, Meeting)
        .join(Meeting, Meeting.community_id == Community.id)
        .where(Community.office_id == office.id, Meeting.submitted_at.is_not(None),
               Meeting.opens_at < last, Meeting.closes_at >= first)
        .order_by(Community.name, Meeting.opens_at, Meeting.id)
    )  # fmt: skip
    return [(community, meeting) for community, meeting in rows]


def _stats(community: Community, meeting: Meeting) -> MeetingStats:
    snapshot = db.session.scalar(
        select(RosterSnapshot).where(RosterSnapshot.meeting_id == meeting.id)
    )
    voted, area = db.session.execute(
        select(func.count(Ballot.id), func.coalesce(func.sum(Voter.area), 0))
        .join(Voter, Voter.id == Ballot.voter_id)
        .where(Ballot.meeting_id == meeting.id)
    ).one()
    result = db.session.scalar(
        select(Result).where(Result.meeting_id == meeting.id, Result.superseded_at.is_(None))
    )
    objections = db.session.scalar(
        select(func.count(Objection.id)).where(Objection.meeting_id == meeting.id)
    )
    anomalies = Counter()
    for anomaly in anomalies_for_meeting(meeting):
        anomalies[anomaly.code] += 1
    service = service_record(meeting).totals()
    return MeetingStats(community, meeting, snapshot, int(voted), int(area), result,
                        int(objections or 0), anomalies, service)  # fmt: skip


def office_statistics(office: Office, start: date, end: date) -> list[MeetingStats]:
    """Every meeting of the period with its figures."""
    return [_stats(community, meeting) for community, meeting in meetings_of(office, start, end)]


def _percent(part: int, total: int) -> str:
    return f"{100 * part / total:.1f}%" if total else "—"


def _met(part: int, total: int) -> str:
    return _("是") if total and quorum_share_met(part, total) else _("否")


def statistics_xlsx(office: Office, start: date, end: date, rows: list[MeetingStats]) -> bytes:
    """The workbook: overview, one row per meeting, outcomes per matter, anomalies."""
    book = new_workbook()
    overview = XlsxSheet(book, _("概况"))
    overview.row(_("街道办事处"), office.name)
    overview.row(_("统计期间"), f"{start.isoformat()} — {end.isoformat()}")
    overview.row(_("涉及小区"), len({r.community.id for r in rows}))
    overview.row(_("会议"), len(rows))
    for state, count in sorted(Counter(r.meeting.state for r in rows).items()):
        overview.row(_(STATE_LABELS.get(state, state)), count)
    overview.row(_("异议"), sum(r.objections for r in rows))
    overview.row(_("异常"), sum(sum(r.anomalies.values()) for r in rows))
    overview.row(_("说明"), _(NOTE))
    _meetings_sheet(book, rows)
    _outcomes_sheet(book, rows)
    anomalies = XlsxSheet(book, _("异常"))
    anomalies.row(_("小区"), _("会议"), _("异常"), _("次数"))
    for r in rows:
        for code, count in sorted(r.anomalies.items()):
            title = ANOMALY_TITLES.get(code)
            anomalies.row(r.community.name, r.meeting.title, str(title) if title else code, count)
    return xlsx_bytes(book)


def _meetings_sheet(book, rows: list[MeetingStats]) -> None:
    sheet = XlsxSheet(book, _("会议"))
    sheet.row(_("小区"), _("会议"), _("状态"), _("表决开始"), _("表决截止"), _("业主（人数）"),
              _("参与人数"), _("人数比例"), _("人数达三分之二"), _("总面积（㎡）"),
              _("参与面积（㎡）"), _("面积比例"), _("面积达三分之二"), _("表决结果"), _("异议"),
              _("异常"), _("名册中有手机号"), _("收到公告通知"), _("收到投票链接"),
              _("收到投票提醒"), _("打印过通知书"), _("打印过纸质表决票"), _("楼长上门过"),
              _("未送达"))  # fmt: skip
    for r in rows:
        owners = r.snapshot.owners if r.snapshot else 0
        area = r.snapshot.area if r.snapshot else 0
        s = r.service
        heads = (owners, r.voted, _percent(r.voted, owners), _met(r.voted, owners))
        areas = (Decimal(fmt_area(area)), Decimal(fmt_area(r.voted_area)),
                 _percent(r.voted_area, area), _met(r.voted_area, area))  # fmt: skip
        sheet.row(r.community.name, r.meeting.title,
                  _(STATE_LABELS.get(r.meeting.state, r.meeting.state)),
                  local_time(r.meeting.opens_at), local_time(r.meeting.closes_at), *heads, *areas,
                  _result_status(r.result), r.objections, sum(r.anomalies.values()),
                  s["with_phone"], s["notice"], s["link"], s["reminder"], s["letters"],
                  s["paper"], s["visited"], s["not_served"])  # fmt: skip


def _result_status(result: Result | None) -> str:
    labels = {"preliminary": N_("初步结果（异议期）"), "published": N_("已公布"),
              "countersigned": N_("街道已确认"), "returned": N_("街道退回")}  # fmt: skip
    return _(labels[result.status]) if result is not None and result.status in labels else "—"


def _outcomes_sheet(book, rows: list[MeetingStats]) -> None:
    sheet = XlsxSheet(book, _("表决结果"))
    sheet.row(_("小区"), _("会议"), _("事项"), _("参与人数比例"), _("参与面积比例"), _("结果"))
    for r in rows:
        if r.result is None:
            continue
        for matter in r.result.document.get("matters", []):
            joined = matter.get("participation") or {}
            status = (matter.get("outcome") or {}).get("status", "")
            label = _(OUTCOME_LABELS[status]) if status in OUTCOME_LABELS else status
            sheet.row(r.community.name, r.meeting.title, matter.get("title", ""),
                      str(joined.get("owners_ratio", "")), str(joined.get("area_ratio", "")),
                      label)  # fmt: skip


NOTE = N_(
    "期间内表决期与之重叠、已报街道审核的会议。参与人数与面积按冻结名册计；"
    "结果取现行有效版本；送达各项为收到或打印过的业主人数。不含任何业主身份信息。"
)
