"""Paper and proxy ballots: two members key each ballot; only matching entries count.

Entry is open while the meeting is open, also after ``closes_at`` until the committee
closes it: ballot boxes are opened and keyed after online voting ends, and closing the
meeting tallies it, so entries still pending then do not count.
"""

from datetime import UTC, datetime

from sqlalchemy import delete, select

from voting.audit.services import record_event
from voting.auth.models import User
from voting.auth.services import on_committee_of
from voting.ballots.answers import INVALID, ballot_form, check_answers
from voting.ballots.errors import BallotError
from voting.ballots.lists import entries_of
from voting.ballots.models import Ballot, BallotConflict, PaperEntry, ProxyAuthorisation
from voting.ballots.services import insert_ballot, new_ballot, voter_keys
from voting.db import db, utcnow
from voting.i18n import N_
from voting.meetings.models import Meeting, Voter
from voting.meetings.secrecy import board_frozen
from voting.timeutil import to_local

PAPER_CHANNELS = ("paper", "proxy")
#: In zh-CN; pages show them through _() (N_ puts them in the catalog).
CHANNEL_LABELS = {"online": N_("网络投票"), "paper": N_("纸质票"), "proxy": N_("委托投票")}

#: The refusals of paper and proxy entry that say the same each time: status, zh-CN, English.
_REFUSALS = {
    "board_frozen": (
        409,
        "监票人已开始解密计票，表决记录已冻结，不能再录入纸质票或委托投票。",
        "The trustees have started decrypting the count: the board is frozen and no more "
        "paper or proxy ballots can be entered.",
    ),
    "not_open": (
        409,
        "会议尚未开始表决，不能录入选票。",
        "The meeting is not open: no ballots can be entered.",
    ),
    "closed": (
        409,
        "会议已结束表决或已作废，不能再录入选票。",
        "The meeting is closed or voided: no more ballots can be entered.",
    ),
    "not_on_roster": (
        404,
        "本次会议冻结的花名册中没有这位业主。",
        "This owner is not in the meeting's frozen roster.",
    ),
    "cannot_vote": (
        422,
        "此专有部分业主不明，不能投票。",
        "The owner of this unit is unknown: it cannot vote.",
    ),
    "channel": (422, "渠道只能是纸质票或委托投票。", "channel must be paper or proxy."),
    "second_member": (
        409,
        "您已录入过这张选票，第二次录入须由另一位委员完成。",
        "You have entered this ballot: another member must enter it again.",
    ),
    "received_at_required": (
        422,
        "表决已截止：请填写票箱或收票人收到这张选票的时间（北京时间）。",
        "Voting has closed: give the time the ballot box or collector received it.",
    ),
    "received_in_future": (
        422,
        "收到时间不能晚于现在，请核对。",
        "The time of receipt cannot be later than now.",
    ),
    "proxy_on_paper": (
        422,
        "纸质票不需要委托书；委托投票请选择「委托投票」。",
        "A paper ballot takes no authorisation; use channel proxy.",
    ),
    "proxy_required": (
        422,
        "委托投票须先登记这位业主的书面委托书。",
        "A proxy ballot needs this owner's recorded written authorisation.",
    ),
    "proxy_expired": (422, "委托书的有效期已过。", "The authorisation has expired."),
    "proxy_scope": (
        422,
        "委托书没有授权受托人对其中某些事项表决。",
        "The authorisation does not cover some of the answered matters.",
    ),
    "agent_required": (
        422,
        "请填写受托人姓名（最多 100 字）。",
        "The agent's name is required (at most 100 characters).",
    ),
    "proxy_matters": (
        422,
        "委托的事项不属于本次会议。",
        "The authorised matters are not matters of this meeting.",
    ),
    "proxy_instructions": (
        422,
        "委托人的指示最多 2000 字。",
        "Instructions are at most 2000 characters.",
    ),
    "upload_type": (
        422,
        "委托书只能上传 PDF 文件或 PNG、JPEG 图片。",
        "Only PDF, PNG and JPEG scans are accepted.",
    ),
}


def refused(code: str, **kwargs) -> BallotError:
    """The refusal of a paper or proxy entry with its standard text and status."""
    return BallotError.of(_REFUSALS, code, **kwargs)


def actor_of(user: User) -> str:
    """How a member is named in entries and the audit log."""
    return f"user:{user.username}"


def require_member(user: User | None, meeting: Meeting) -> User:
    """The user, if a committee member of the meeting's community; else refuse."""
    return require_committee(
        user,
        meeting.community_id,
        "只有本小区业委会委员可以录入纸质票和委托。",
        "Only members of this community's committee enter paper ballots.",
    )


def require_committee(user: User | None, community_id: int, zh: str, en: str) -> User:
    """The user, if a committee member of the community; else refuse (403) with this text."""
    if not on_committee_of(user, community_id):
        raise BallotError("forbidden", zh, en, status=403)
    return user


def require_entry_open(meeting: Meeting) -> None:
    """Refuse unless the meeting is open (entry continues past closes_at until closing).

    A secret meeting is not counted at its close, so keying goes on after it until the
    trustees start decrypting: their first accepted decryption freezes the board.
    """
    if meeting.secret and meeting.state in ("open", "closed") and board_frozen(meeting):
        raise refused("board_frozen")
    if meeting.state == "open" or (meeting.secret and meeting.state == "closed"):
        return
    if meeting.opened_at is None and meeting.voided_at is None:
        raise refused("not_open")
    raise refused("closed")


def voter_by_key(meeting: Meeting, person_key: str) -> Voter:
    """The meeting's voter with this owner key (Voter.person_key); else not on the roster."""
    voter = None
    if isinstance(person_key, str) and person_key:
        voter = db.session.scalar(
            select(Voter).where(Voter.meeting_id == meeting.id, Voter.person_key == person_key)
        )
    if voter is None:
        raise refused("not_on_roster")
    return voter


def require_voter(meeting: Meeting, voter: Voter) -> None:
    if voter.meeting_id != meeting.id:
        raise refused("not_on_roster")
    if not voter.can_vote:
        raise refused("cannot_vote")


def enter_paper_ballot(
    meeting: Meeting,
    voter: Voter,
    user: User,
    *,
    answers: dict,
    invalid_reasons: dict | None = None,
    channel: str = "paper",
    proxy_id: int | None = None,
    received_at: datetime | None = None,
    now: datetime | None = None,
) -> PaperEntry:
    """Key one member's reading of a paper or proxy ballot; the second matching one counts.

    ``received_at`` is when the ballot box or the collector received it: required once voting
    has closed (during the window it defaults to the time of keying); a ballot received after
    the close is refused. Returns the entry: ``pending`` (first keying), ``matched`` (a ballot
    now exists, see ``ballot_id``) or ``mismatch`` (kept and listed for correction). A voter
    who already has a ballot is refused and the attempt listed as a conflict.
    """
    require_member(user, meeting)
    require_entry_open(meeting)
    require_voter(meeting, voter)
    now = now or utcnow()
    received_at = check_received(meeting, received_at, now)
    if channel not in PAPER_CHANNELS:
        raise refused("channel")
    form = ballot_form(meeting.id)
    clean = check_answers(form, answers, invalid_reasons=invalid_reasons or {}, allow_invalid=True)
    reasons = {k: v for k, v in (invalid_reasons or {}).items() if clean.get(k) == INVALID}
    _check_proxy(meeting, voter, channel, proxy_id, clean, now)
    existing = db.session.scalar(
        select(Ballot).where(Ballot.meeting_id == meeting.id, Ballot.voter_id == voter.id)
    )
    if existing is not None:
        _list_conflict(meeting, voter, user, channel, existing, now)
    entries = entries_of(meeting, voter)
    if any(e.entered_by == actor_of(user) for e in entries):
        raise refused("second_member")
    entry = PaperEntry(
        **voter_keys(meeting, voter),
        channel=channel,
        answers=clean,
        invalid_reasons=reasons,
        proxy_id=proxy_id,
        entered_by=actor_of(user),
        entered_at=now,
        received_at=received_at,
        status="pending",
    )
    db.session.add(entry)
    db.session.flush()
    match = next((e for e in entries if _same(e, entry)), None)
    if match is not None:
        ballot = new_ballot(
            meeting,
            voter,
            form,
            clean,
            channel=channel,
            invalid_reasons=reasons,
            cast_at=now,
            entered_by=actor_of(user),
            proxy_id=proxy_id,
            # The later of the two readings: a ballot is never counted as received earlier
            # than either member keyed it.
            received_at=max(received_at, match.received_at or received_at),
        )
        insert_ballot(ballot, voter, meeting.community_id, actor_of(user))
        for other in [*entries, entry]:
            other.ballot_id = ballot.id
            if meeting.secret:  # the clerks' keying is discarded once it is encrypted
                other.answers = {}
        entry.status = match.status = "matched"
    elif entries:
        for other in [*entries, entry]:
            other.status = "mismatch"
    db.session.flush()
    record_event(
        "paper.entered",
        {
            "meeting_id": meeting.id,
            "entry_id": entry.id,
            "channel": channel,
            "status": entry.status,
        },
        community_id=meeting.community_id,
        actor=actor_of(user),
    )
    return entry


def check_received(meeting: Meeting, received_at: datetime | None, now: datetime) -> datetime:
    """The time the ballot was received, checked: not in the future, not after the close."""
    if received_at is None:
        if now < meeting.closes_at:
            return now  # keyed while voting is open: received by now at the latest
        raise refused("received_at_required")
    if received_at.tzinfo is None:
        received_at = received_at.replace(tzinfo=UTC)
    if received_at > now:
        raise refused("received_in_future")
    if received_at >= meeting.closes_at:
        closes = to_local(meeting.closes_at).strftime("%Y-%m-%d %H:%M")
        got = to_local(received_at).strftime("%Y-%m-%d %H:%M")
        raise BallotError(
            "received_after_close",
            f"这张选票于 {got} 收到，晚于表决截止时间 {closes}（北京时间），不能计入。",
            f"This ballot was received at {got}, after voting closed at {closes} (Beijing "
            "time): it cannot count.",
            status=409,
        )
    return received_at


def _same(a: PaperEntry, b: PaperEntry) -> bool:
    return (a.channel, a.answers, a.invalid_reasons or {}, a.proxy_id) == (
        b.channel,
        b.answers,
        b.invalid_reasons or {},
        b.proxy_id,
    )


def _check_proxy(meeting, voter, channel, proxy_id, answers: dict, now: datetime) -> None:
    if channel == "paper":
        if proxy_id is not None:
            raise refused("proxy_on_paper")
        return
    proxy = db.session.get(ProxyAuthorisation, proxy_id) if isinstance(proxy_id, int) else None
    if proxy is None or proxy.meeting_id != meeting.id or proxy.voter_id != voter.id:
        raise refused("proxy_required")
    if proxy.valid_until is not None and proxy.valid_until <= now:
        raise refused("proxy_expired")
    outside = [m for m in answers if proxy.matters and m not in proxy.matters]
    if outside:
        raise refused("proxy_scope", details=[{"matter": m} for m in outside])


def _list_conflict(meeting, voter, user, channel, existing: Ballot, now: datetime) -> None:
    """List the refused second ballot for the committee, then refuse (the list is kept)."""
    label = CHANNEL_LABELS.get(existing.channel, existing.channel)
    db.session.add(
        BallotConflict(
            **voter_keys(meeting, voter),
            channel=channel,
            attempted_by=actor_of(user),
            attempted_at=now,
            reason=f"该业主已有{label}选票，本次{CHANNEL_LABELS[channel]}未计入",
        )
    )
    db.session.flush()
    record_event(
        "ballot.conflict",
        {"meeting_id": meeting.id, "channel": channel},
        community_id=meeting.community_id,
        actor=actor_of(user),
    )
    raise BallotError(
        "already_voted",
        f"该业主已经有{label}选票，这张选票不计入，已列入冲突清单。",
        f"This owner already has a ballot ({existing.channel}); this one is refused and listed.",
        status=409,
        keep=True,
    )


def discard_entries(meeting: Meeting, voter: Voter, user: User) -> int:
    """Discard a voter's unconfirmed entries (after a mismatch) so two members key it again."""
    require_member(user, meeting)
    require_entry_open(meeting)
    count = db.session.execute(
        delete(PaperEntry).where(
            PaperEntry.meeting_id == meeting.id,
            PaperEntry.voter_id == voter.id,
            PaperEntry.ballot_id.is_(None),
        )
    ).rowcount
    if count:
        record_event(
            "paper.discarded",
            {"meeting_id": meeting.id, "entries": count},
            community_id=meeting.community_id,
            actor=actor_of(user),
        )
    return count
