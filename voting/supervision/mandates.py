"""Committee mandates: the street office appoints a preparatory group (筹备组) or sets up a
物业管理委员会 (物管会) where no committee exists, and records an elected committee.

A community has at most one current mandate, and committee powers come from it: once the
office has recorded one, only its members act for the community (``lost_committee_powers``,
a rule of voting.auth that reads the mandates recorded here). Before that, the community's
committee accounts act for it.
"""

from datetime import date, datetime, timedelta

from sqlalchemy import select

from voting.audit.services import record_event
from voting.auth.models import MANDATE_KINDS, CommitteeMandate, User
from voting.auth.services import forget_committee_powers
from voting.db import db, utcnow
from voting.meetings.models import Meeting
from voting.meetings.readiness import households
from voting.rosters.models import Community
from voting.rules.problems import errors
from voting.rules.process import pmc_problems, preparatory_group_problems, validate_seats
from voting.supervision.access import require_office
from voting.supervision.errors import SupervisionError, refuse
from voting.supervision.members import member_accounts
from voting.timeutil import SHANGHAI

#: 业主委员会每届任期不超过五年 (the national guideline; local rules may set less).
MAX_TERM_DAYS = 5 * 366
KIND_LABELS = {
    "preparatory_group": "筹备组",
    "management_committee": "物业管理委员会",
    "owners_committee": "业主委员会",
}


def actor_of(user: User) -> str:
    """``user:<username>`` as the audit log names staff."""
    return f"user:{user.username}"


def current_mandate(community_id: int) -> CommitteeMandate | None:
    """The community's current mandate, if one is recorded."""
    return db.session.scalar(
        select(CommitteeMandate).where(
            CommitteeMandate.community_id == community_id, CommitteeMandate.ended_at.is_(None)
        )
    )


def mandates_of(community_id: int) -> list[CommitteeMandate]:
    """Every mandate of the community, the newest first."""
    return list(
        db.session.scalars(
            select(CommitteeMandate)
            .where(CommitteeMandate.community_id == community_id)
            .order_by(CommitteeMandate.id.desc())
        )
    )


def _members(community: Community, member_ids: object, rep_ids: object) -> list[User]:
    """The named accounts: distinct committee users of this community, reps among them."""
    ids = member_ids if isinstance(member_ids, list) else None
    reps = rep_ids if isinstance(rep_ids, list) else None
    if (
        not ids
        or reps is None
        or not all(isinstance(i, int) and not isinstance(i, bool) for i in [*ids, *reps])
        or len(set(ids)) != len(ids)
        or len(ids) > 99
    ):
        raise refuse(
            "MEMBERS_REQUIRED",
            "请选择成员（每人只能选一次）。",
            "Choose the members (each once).",
        )
    if not set(reps) <= set(ids):
        raise refuse(
            "REPS_NOT_MEMBERS",
            "业主代表必须是所选成员。",
            "Owners' representatives must be among the members.",
        )
    accounts = {u.id: u for u in member_accounts(community.id)}
    unknown = [i for i in ids if i not in accounts or not accounts[i].is_enabled]
    if unknown:
        raise refuse(
            "UNKNOWN_MEMBER",
            "所选成员须是本小区已启用的委员账户。",
            "Members must be enabled committee accounts of this community.",
        )
    return [accounts[i] for i in ids]


def _check_term(kind: str, term_ends_on: date | None, now: datetime) -> None:
    today = now.astimezone(SHANGHAI).date()
    if term_ends_on is None:
        if kind == "owners_committee":
            raise refuse(
                "TERM_REQUIRED",
                "请填写业主委员会任期届满日。",
                "The committee's term end is required.",
            )
        return
    if not isinstance(term_ends_on, date) or not (
        today < term_ends_on <= today + timedelta(days=MAX_TERM_DAYS)
    ):
        raise refuse(
            "TERM_RANGE",
            "任期届满日须在今天之后、五年以内。",
            "The term must end after today and within five years.",
        )


def _election_meeting(community: Community, meeting_id: object) -> Meeting | None:
    """The election meeting a committee comes from: its published result elected members."""
    if meeting_id is None:
        return None
    from voting.results.services import current_result

    meeting = db.session.get(Meeting, meeting_id) if isinstance(meeting_id, int) else None
    result = current_result(meeting) if meeting is not None else None
    elected = result is not None and any(
        m.get("kind") == "election" and m.get("outcome", {}).get("status") == "elected"
        for m in result.document.get("matters", [])
    )
    if (
        meeting is None
        or meeting.community_id != community.id
        or meeting.state not in ("published", "countersigned")
        or result.is_preliminary
        or not elected
    ):
        raise refuse(
            "NO_ELECTION_RESULT",
            "所选会议没有已公布的、选举产生业主委员会的正式结果。",
            "The meeting has no final published result that elected a committee.",
        )
    return meeting


def _election(meeting: Meeting) -> dict:
    """The election matter of the meeting's current result that elected the committee."""
    from voting.results.services import current_result

    elections = [
        m
        for m in current_result(meeting).document.get("matters", [])
        if m.get("kind") == "election" and m.get("outcome", {}).get("status") == "elected"
    ]
    if len(elections) != 1:
        raise refuse(
            "ELECTION_AMBIGUOUS",
            "该会议有多项选举结果，无法确定业主委员会由哪一项选出。",
            "The meeting elected in more than one matter; record the committee by hand.",
        )
    return elections[0]


def elected_members(
    election: dict, accounts: list[User], candidates: object = None
) -> dict[str, User]:
    """Each winner's option id and the account that acts for them.

    ``candidates`` maps option ids to account ids; without it an account is linked to the
    winner whose name (the option's label) is its display name or user name. Every account
    must be a winner's and every winner must have one: the mandate is the published winners.
    """
    winners = list(election["outcome"].get("winners", []))
    labels = {o["id"]: o.get("label", "") for o in election.get("options", [])}
    by_id = {u.id: u for u in accounts}
    if candidates is None:
        links = {}
        for user in accounts:
            names = {user.display_name, user.username} - {""}
            found = [w for w in winners if labels.get(w) in names]
            if len(found) == 1:
                links[found[0]] = user
            else:
                _not_elected(user)
    else:
        if not isinstance(candidates, dict) or not all(
            isinstance(k, str) and isinstance(v, int) and not isinstance(v, bool)
            for k, v in candidates.items()
        ):
            raise refuse(
                "CANDIDATES_INVALID",
                "请为每位当选人选择对应的委员账户。",
                "candidates maps each winner's option id to an account id.",
            )
        links = {}
        for option_id, user_id in candidates.items():
            if option_id not in winners or user_id not in by_id:
                _not_elected(by_id.get(user_id))
            links[option_id] = by_id[user_id]
        unlinked = [u for u in accounts if u not in links.values()]
        if unlinked:
            _not_elected(unlinked[0])
    missing = [labels.get(w, w) for w in winners if w not in links]
    if missing or len({u.id for u in links.values()}) != len(links):
        raise refuse(
            "WINNER_UNLINKED",
            "每位当选人都须对应一个委员账户（未对应：" + "、".join(missing) + "）。",
            "Every winner needs one account of their own (missing: " + ", ".join(missing) + ").",
        )
    return links


def _not_elected(user: User | None) -> None:
    name = (user.display_name or user.username) if user is not None else "?"
    raise refuse(
        "NOT_ELECTED",
        f"{name} 不是该次选举公布的当选人，不能登记为业主委员会委员。",
        f"{name} was not elected in that election and cannot be recorded as a member.",
    )


def _composition(kind: str, community: Community, members: int, reps: int) -> None:
    if kind == "preparatory_group":
        problems = preparatory_group_problems(members, reps)
    elif kind == "management_committee":
        problems = pmc_problems(members, reps)
    else:
        problems = validate_seats(members, 0, households(community.id))
    if errors(problems):
        raise SupervisionError(errors(problems))


def _lock(community: Community) -> None:
    """Hold the community's row so that two offices' appointments cannot both become current
    (PostgreSQL; SQLite's writers already queue on the database lock)."""
    db.session.execute(select(Community.id).where(Community.id == community.id).with_for_update())


def _end(mandate: CommitteeMandate, user: User, reason: str, now: datetime) -> None:
    mandate.ended_at, mandate.ended_by, mandate.end_reason = now, actor_of(user), reason
    record_event(
        "mandate.ended",
        {"mandate_id": mandate.id, "kind": mandate.kind, "reason": reason},
        community_id=mandate.community_id,
        actor=actor_of(user),
    )


def _start(
    community: Community,
    kind: str,
    user: User | None,
    member_ids: object,
    rep_ids: object,
    *,
    term_ends_on: date | None = None,
    meeting_id: object = None,
    candidates: object = None,
    now: datetime | None = None,
) -> CommitteeMandate:
    user = require_office(user, community)
    _lock(community)
    now = now or utcnow()
    if kind not in MANDATE_KINDS:
        raise refuse("KIND", "委员会类别无效。", "Unknown kind of committee.")
    members = _members(community, member_ids, rep_ids)
    meeting = _election_meeting(community, meeting_id) if kind == "owners_committee" else None
    seats, elected = None, None
    if meeting is not None:
        # The committee is its published winners; seats left vacant wait for a by-election.
        election = _election(meeting)
        links = elected_members(election, members, candidates)
        seats = election["seats"]
        labels = {o["id"]: o.get("label", "") for o in election.get("options", [])}
        elected = [
            {"option_id": option_id, "label": labels.get(option_id, ""), "user_id": user.id}
            for option_id, user in links.items()
        ]
    else:
        _composition(kind, community, len(members), len(rep_ids))  # type: ignore[arg-type]
    _check_term(kind, term_ends_on, now)
    previous = current_mandate(community.id)
    if previous is not None and previous.kind == "owners_committee" and kind != previous.kind:
        raise refuse(
            "COMMITTEE_EXISTS",
            "本小区已登记业主委员会，不能另设筹备组或物管会；如需改变，请先结束业主委员会的任期。",
            "An elected committee is recorded: end its term before appointing another body.",
            409,
        )
    if previous is not None:
        reason = (
            f"{KIND_LABELS[kind]}已登记，原{KIND_LABELS[previous.kind]}的职权终止"
            if kind == "owners_committee"
            else f"由新的{KIND_LABELS[kind]}接替"
        )
        _end(previous, user, reason, now)
        db.session.flush()
    mandate = CommitteeMandate(
        community_id=community.id,
        kind=kind,
        members=[m.id for m in members],
        owner_reps=sorted(rep_ids),  # type: ignore[arg-type]
        meeting_id=meeting.id if meeting else None,
        seats=seats,
        elected=elected,
        started_at=now,
        term_ends_on=term_ends_on,
        appointed_by=actor_of(user),
    )
    db.session.add(mandate)
    community.committee_kind = kind
    db.session.flush()
    record_event(
        "mandate.recorded" if kind == "owners_committee" else "mandate.appointed",
        {
            "mandate_id": mandate.id,
            "kind": kind,
            "members": [m.username for m in members],
            "owner_reps": [m.username for m in members if m.id in mandate.owner_reps],
            "term_ends_on": term_ends_on.isoformat() if term_ends_on else None,
            "meeting_id": mandate.meeting_id,
            **({"seats": seats, "vacant": seats - len(members)} if seats is not None else {}),
            "ended_mandate_id": previous.id if previous else None,
        },
        community_id=community.id,
        actor=actor_of(user),
    )
    forget_committee_powers()
    return mandate


def appoint_preparatory_group(
    community: Community, user: User | None, member_ids: object, rep_ids: object, **kwargs
) -> CommitteeMandate:
    """The office appoints a preparatory group (筹备组): odd, owners' reps at least half."""
    return _start(community, "preparatory_group", user, member_ids, rep_ids, **kwargs)


def set_up_management_committee(
    community: Community, user: User | None, member_ids: object, rep_ids: object, **kwargs
) -> CommitteeMandate:
    """The office sets up a 物管会 (art. 54): 7 or more, odd, owners' reps at least half."""
    return _start(community, "management_committee", user, member_ids, rep_ids, **kwargs)


def record_elected_committee(
    community: Community, user: User | None, member_ids: object, **kwargs
) -> CommitteeMandate:
    """Record the elected 业主委员会; the group or 物管会 before it loses its powers."""
    reps = member_ids if isinstance(member_ids, list) else []
    return _start(community, "owners_committee", user, member_ids, reps, **kwargs)


def end_mandate(
    mandate: CommitteeMandate, user: User | None, reason: object, now: datetime | None = None
) -> CommitteeMandate:
    """The office ends a mandate early (dissolves a group, or a committee's term ends)."""
    community = db.session.get(Community, mandate.community_id)
    user = require_office(user, community)
    _lock(community)
    db.session.refresh(mandate)
    if mandate.ended_at is not None:
        raise refuse("ALREADY_ENDED", "该任期已经结束。", "This mandate has already ended.", 409)
    text = reason.strip() if isinstance(reason, str) else ""
    if not text or len(text) > 1000 or "\x00" in text:
        raise refuse(
            "REASON_REQUIRED", "请写明原因（最多 1000 字）。", "A reason of 1 to 1000 characters."
        )
    _end(mandate, user, text, now or utcnow())
    db.session.flush()
    forget_committee_powers()
    return mandate
