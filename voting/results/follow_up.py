"""Drafting, in one step, the by-election or runoff a published election needs (DOMAIN 2.5).

The draft is an ordinary meeting plan in draft: the committee fills in the candidates of a
by-election, checks the dates, and sends it to the street office as any other plan. Each of
its matters remembers the election it follows (``Matter.follows``), so that its seats are
checked against the seats that election left to fill, not against the size of a committee.
"""

from datetime import datetime, time, timedelta
from typing import Any

from flask import current_app

from voting.auth.models import User
from voting.auth.services import can_see_community
from voting.db import db, utcnow
from voting.meetings.common import log_meeting, require_state
from voting.meetings.errors import MeetingError, problem
from voting.meetings.matters import MAX_OPTIONS, add_matters, check_candidates, raise_if
from voting.meetings.models import Matter, Meeting, Option
from voting.meetings.readiness import window_issues, window_settings
from voting.results.services import current_result
from voting.rosters.models import Community
from voting.rules.follow_up import BY_ELECTION, FollowUp, follow_up
from voting.rules.procedure import Procedure
from voting.timeutil import SHANGHAI

TITLES = {
    BY_ELECTION: ("补选业主委员会委员", "By-election of committee members"),
    "runoff": ("业主委员会委员决选", "Runoff for committee seats"),
}


def _refuse(code: str, zh: str, en: str, status: int) -> MeetingError:
    return MeetingError(problem(code, zh, en), status)


def _require_committee(user: User, community: Community) -> None:
    """Only the community's committee, with powers from its current mandate, drafts."""
    if user.role != "committee" or not can_see_community(user, community):
        raise _refuse(
            "COMMITTEE_ONLY",
            "只有本小区现任业主委员会的成员可以起草补选或决选。",
            "Only members of this community's current committee can draft a by-election.",
            403,
        )


def pending_follow_ups(meeting: Meeting) -> list[tuple[dict, FollowUp]]:
    """The elections of the meeting's final published result that leave seats to fill."""
    result = current_result(meeting)
    if (
        result is None
        or result.is_preliminary
        or result.status not in ("published", "countersigned")
        or meeting.revoked_at is not None
    ):
        return []
    ranking = Procedure.from_dict(result.document["procedure"]).ranking_rule
    pending = []
    for matter in result.document["matters"]:
        needed = follow_up(matter, ranking)
        if needed is not None:
            pending.append((matter, needed))
    return pending


def _window(community: Community, now: datetime) -> tuple[datetime, datetime]:
    """Proposed dates: voting opens at 09:00 after the notice period and runs the shortest
    window of the rules of procedure (at least 7 days); the committee may change them."""
    settings = window_settings(community)
    day = now.astimezone(SHANGHAI).date() + timedelta(
        days=current_app.config["VOTING_MIN_NOTICE_DAYS"] + 2
    )
    opens_at = datetime.combine(day, time(9, 0), tzinfo=SHANGHAI)
    days = min(max(settings.window_days_min, 7), settings.window_days_max)
    return opens_at, opens_at + timedelta(days=days)


def _matter(source: Meeting, published: dict, needed: FollowUp) -> dict[str, Any]:
    """The prefilled matter: the seats left, and the tied candidates of a runoff."""
    labels = {o["id"]: o["label"] for o in published["options"]}
    origin = f"「{source.title}」中的「{published['title']}」"
    if needed.kind == BY_ELECTION:
        elected = len(published["outcome"]["winners"])
        text = (
            f"{origin}应选 {published['seats']} 名，当选 {elected} 名，"
            f"本次补选空缺的 {needed.seats} 席。"
        )
    else:
        text = (
            f"{origin}有 {len(needed.candidates)} 名候选人排名相同，"
            f"本次在他们之中决选 {needed.seats} 席。"
        )
    return {
        "title": TITLES[needed.kind][0],
        "description": text,
        "category": "ordinary",
        "kind": "election",
        "seats": needed.seats,
        "alternates": 0,
        "options": [{"label": labels[c]} for c in needed.candidates],
    }


def draft_follow_up(meeting: Meeting, user: User) -> Meeting:
    """Draft, from the meeting's published election, a meeting that fills its vacant seats
    (a by-election, candidates to fill in) or breaks its tie (a runoff among the tied)."""
    community = meeting.community
    _require_committee(user, community)
    pending = pending_follow_ups(meeting)
    if not pending:
        raise _refuse(
            "NO_FOLLOW_UP",
            "该会议没有已公布的正式选举结果留下空缺席位或待决选的平票。",
            "The meeting has no final published election that left vacant seats or a tie.",
            409,
        )
    kinds = {needed.kind for _, needed in pending}
    title = TITLES["runoff" if kinds == {"runoff"} else BY_ELECTION][0]
    opens_at, closes_at = _window(community, utcnow())
    raise_if(window_issues(opens_at, closes_at, window_settings(community)), 409)
    draft = Meeting(
        community_id=community.id, title=f"{title}（{meeting.title}）"[:200],
        description=f"根据「{meeting.title}」已公布的选举结果起草。", opens_at=opens_at,
        closes_at=closes_at, created_by=f"user:{user.username}",
    )  # fmt: skip
    db.session.add(draft)
    db.session.flush()
    add_matters(draft, [_matter(meeting, published, needed) for published, needed in pending])
    for matter, (_, needed) in zip(draft.matters, pending, strict=True):
        matter.follows = {"kind": needed.kind, "meeting_id": str(meeting.id),
                          "matter_id": needed.matter_id, "seats": needed.seats}  # fmt: skip
    db.session.flush()
    log_meeting(
        draft,
        "created",
        {"title": draft.title, "matters": len(draft.matters),
         "follows": [m.follows for m in draft.matters]},
    )  # fmt: skip
    return draft


def set_candidates(meeting: Meeting, matter: Matter, options: Any) -> Matter:
    """Name the candidates of a drafted by-election or runoff (its seats stay as drafted)."""
    require_state(meeting, "修改", "edited", "draft")
    if matter.meeting_id != meeting.id or not matter.follows:
        raise _refuse("NO_SUCH_MATTER", "没有这项补选或决选事项", "No such by-election matter", 422)
    n = matter.position
    problems = check_candidates(n, options)
    if isinstance(options, list) and len(options) > MAX_OPTIONS:
        problems = problems or [problem("MATTER_OPTIONS", f"第 {n} 项候选人过多", "Too many")]
    raise_if(problems)
    matter.options = [
        Option(position=i, code="", label=o["label"].strip(), statement=o.get("statement", ""),
               attestations=o.get("attestations", {}))
        for i, o in enumerate(options, start=1)
    ]  # fmt: skip
    db.session.flush()
    for option in matter.options:
        option.code = str(option.id)
    db.session.flush()
    log_meeting(meeting, "candidates_set", {"matter_id": matter.id, "candidates": len(options)})
    return matter
