"""Readiness rules: what is missing before each step. They drive the checklist and the guards."""

from datetime import datetime

from flask import current_app

from voting.db import utcnow
from voting.meetings.errors import of_matter, problem
from voting.meetings.models import Matter, Meeting
from voting.meetings.turnout import pending_paper_entries, voters_left
from voting.rosters.models import Community
from voting.rosters.services import households, unit_records
from voting.rules.persons import AreaUnresolved, build_persons
from voting.rules.problems import WARNING, Problem
from voting.rules.procedure import Procedure, ProcedureError
from voting.rules.process import notice_ok, validate_seats, window_problems
from voting.timeutil import SHANGHAI


def local_date(moment: datetime):
    """The calendar date of a moment in Asia/Shanghai (where notices are posted)."""
    return moment.astimezone(SHANGHAI).date()


def window_settings(community: Community) -> Procedure:
    """The community's settings for window checks, parking assumed until it is chosen."""
    settings = dict(community.procedure or {})
    settings.setdefault("parking_policy", "include")
    try:
        return Procedure.from_dict(settings)
    except ProcedureError:
        return Procedure(parking_policy="include")


def window_issues(opens_at: datetime, closes_at: datetime, procedure: Procedure) -> list[Problem]:
    """Problems of the voting window: order, then length under the procedure."""
    if closes_at <= opens_at:
        return [
            problem(
                "WINDOW_ORDER",
                "表决截止时间必须晚于开始时间",
                "The voting window must close after it opens",
            )
        ]
    return window_problems(opens_at, closes_at, procedure)


def procedure_issues(community: Community) -> list[Problem]:
    """Problems of the community's rules of procedure (parking policy chosen, values valid)."""
    try:
        Procedure.from_dict(community.procedure or {})
    except ProcedureError as error:
        return error.problems
    return []


def roster_issues(community: Community) -> list[Problem]:
    """An empty roster, or units whose area cannot be resolved (DOMAIN.md 2.2 rule 6)."""
    records = unit_records(community.id)
    if not records:
        return [
            problem(
                "ROSTER_EMPTY", "花名册为空，请先导入花名册", "The roster is empty: import it first"
            )
        ]
    try:
        build_persons(records, window_settings(community))
    except AreaUnresolved as error:
        return [
            problem(
                "AREA_UNRESOLVED",
                f"有 {len(error.unit_ids)} 个专有部分没有任何面积，请在花名册中补齐",
                f"{len(error.unit_ids)} units have no area at all: complete the roster",
            )
        ]
    except ValueError as error:
        return [
            problem(
                "ROSTER_INVALID",
                "花名册无法计票，请检查业主标识",
                f"The roster cannot be counted: {error}",
            )
        ]
    return []


def seats_issues(meeting: Meeting) -> list[Problem]:
    """Committee seats of each election against the current number of households."""
    count = households(meeting.community_id)
    out = []
    for n, matter in enumerate(meeting.matters, start=1):
        if matter.kind == "election" and matter.follows:
            out += _follow_up_issues(n, matter)
        elif matter.kind == "election":
            out += [of_matter(n, p) for p in validate_seats(matter.seats, matter.alternates, count)]
    return out


def _follow_up_issues(n: int, matter: Matter) -> list[Problem]:
    """A by-election or runoff fills at most the seats its election left, and needs
    candidates; the committee-size rules apply to the committee, not to these seats."""
    out = []
    if not 1 <= matter.seats <= matter.follows["seats"] or matter.alternates:
        out.append(
            problem(
                "FOLLOW_UP_SEATS",
                f"补选或决选只能选 1 至 {matter.follows['seats']} 名，不设候补",
                f"a by-election or runoff fills 1 to {matter.follows['seats']} seats, "
                "without alternates",
            )
        )
    if not matter.options:
        out.append(
            problem(
                "FOLLOW_UP_CANDIDATES",
                "请先填写补选的候选人",
                "name the candidates of the by-election first",
            )
        )
    return [of_matter(n, found) for found in out]


def plan_issues(meeting: Meeting) -> list[Problem]:
    """What a plan needs before it goes to the street office."""
    community = meeting.community
    out = []
    if not meeting.matters:
        out.append(
            problem("NO_MATTERS", "会议至少要有一项表决事项", "A meeting needs at least one matter")
        )
    out += window_issues(meeting.opens_at, meeting.closes_at, window_settings(community))
    out += roster_issues(community)
    out += seats_issues(meeting)
    return out


def issues_before_submitting(meeting: Meeting) -> list[Problem]:
    """Problems that keep the committee from sending the plan to the street office."""
    return plan_issues(meeting)


def issues_before_announcing(meeting: Meeting, now: datetime | None = None) -> list[Problem]:
    """Problems that keep the committee from publishing the notice (公告) now."""
    now = now or utcnow()
    community = meeting.community
    out = procedure_issues(community)
    out += plan_issues(meeting)
    if meeting.secret and meeting.approved_at and not meeting.joint_key:
        out.append(
            problem(
                "NO_JOINT_KEY",
                "无记名表决的会议还没有联合公钥（街道办事处批准方案时生成），不能发布公告",
                "A secret meeting has no joint key yet (made when the office approves the "
                "plan): its notice cannot be published",
            )
        )
    if out:
        return out
    procedure = Procedure.from_dict(community.procedure)
    min_days = current_app.config["VOTING_MIN_NOTICE_DAYS"]
    if not notice_ok(
        local_date(now), local_date(meeting.opens_at), procedure.notice_rule, min_days
    ):
        need = min_days + 1 if procedure.notice_rule == "CLEAR_15" else min_days
        out.append(
            problem(
                "NOTICE_TOO_LATE",
                f"公告须在表决开始日前至少 {need} 日发布（{procedure.notice_rule}）；"
                "请推迟表决开始时间，退回草稿修改后重新报批",
                f"The notice must come at least {need} days before voting opens "
                f"({procedure.notice_rule}); move the opening and resubmit the plan",
            )
        )
    return out


def issues_before_opening(meeting: Meeting, now: datetime | None = None) -> list[Problem]:
    """Problems that keep voting from opening now."""
    now = now or utcnow()
    out = []
    if now < meeting.opens_at:
        out.append(
            problem(
                "NOT_YET_OPEN",
                "尚未到公告的表决开始时间",
                "The announced opening time has not come yet",
            )
        )
    if now >= meeting.closes_at:
        out.append(
            problem(
                "WINDOW_OVER",
                "表决截止时间已过，不能再开始表决；请作废后重新召集",
                "The voting window is over: void the meeting and call a new one",
            )
        )
    return out


def issues_before_closing(meeting: Meeting, now: datetime | None = None) -> list[Problem]:
    """Problems that keep voting from closing now; unconfirmed paper ballots only warn."""
    now = now or utcnow()
    out = []
    left = voters_left(meeting)
    if now < meeting.closes_at and left:
        out.append(
            problem(
                "VOTERS_REMAIN",
                f"尚未到截止时间，且还有 {left} 位业主未投票，不能提前结束",
                f"Voting has not reached its closing time and {left} voters have not voted",
            )
        )
    pending = pending_paper_entries(meeting)
    if pending:
        out.append(
            Problem(
                "PAPER_PENDING",
                f"还有 {pending} 份纸质票只录入了一次或两次录入不一致，结束后将不计入",
                f"{pending} paper ballots are entered once or mismatched: they will not count",
                WARNING,
            )
        )
    return out


def next_issues(meeting: Meeting, now: datetime | None = None) -> list[Problem]:
    """The checklist of the meeting's next step from its state (the page and the API): a plan
    waiting for the office is already checked against announcing it."""
    now = now or utcnow()
    checks = {
        "draft": lambda: issues_before_submitting(meeting),
        "submitted": lambda: issues_before_announcing(meeting, now),
        "approved": lambda: issues_before_announcing(meeting, now),
        "announced": lambda: issues_before_opening(meeting, now),
        "open": lambda: issues_before_closing(meeting, now),
    }
    check = checks.get(meeting.state)
    return check() if check else []
