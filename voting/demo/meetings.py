"""The demo's two meetings, run through the same services as the pages with honest past
times, both by secret ballot (FORMATS §9): one closed two days ago, decrypted by two of its
three trustees, its result published and countersigned now; one open since
yesterday, with a link to vote.

Each step is given the time it happened (noticed 18 days ago, opened yesterday...), so the
notice period and every other rule apply as they would to any meeting; the audit log still
records when the demo wrote each event.
"""

import csv
import io
import random
import secrets
from datetime import datetime, timedelta
from importlib import resources

from sqlalchemy import select

from voting.auth.models import User
from voting.ballots.codes import code_hash, code_required
from voting.ballots.models import Ballot
from voting.ballots.services import cast_ballot
from voting.db import db
from voting.meetings import services as meetings
from voting.meetings.ceremony import KeyCard
from voting.meetings.credentials import credential_token, live_credentials
from voting.meetings.models import Credential, Meeting, Voter
from voting.results.services import countersign_result, current_result, publish_result
from voting.rosters.identity import check_last4
from voting.rosters.models import Community
from voting.trustees.services import submit_share

CLOSED_TITLE = "观澜苑业主大会会议（续聘物业、电梯更新）"
OPEN_TITLE = "观澜苑业主大会会议（电动自行车充电设施）"
CLOSED_MATTERS = [
    {"title": "续聘北京安居物业服务有限公司为本小区物业服务企业", "category": "ordinary",
     "kind": "motion"},
    {"title": "使用专项维修资金更换3号楼、5号楼电梯", "category": "ordinary", "kind": "motion"},
    {"title": "小区南门改造方案", "category": "ordinary", "kind": "selection",
     "options": [{"label": "方案一：加装人行闸机", "statement": "人车分流，门岗保留"},
                 {"label": "方案二：只修缮现有大门", "statement": "费用较低，不改变通行方式"}]},
]  # fmt: skip
OPEN_MATTERS = [
    {"title": "增设电动自行车集中充电设施", "category": "ordinary", "kind": "motion"},
    {"title": "充电设施的位置", "category": "ordinary", "kind": "selection",
     "options": [{"label": "3号楼北侧空地", "statement": "约 40 个车位，距住宅 15 米"},
                 {"label": "地下车库入口东侧", "statement": "约 30 个车位，有顶棚"}]},
]  # fmt: skip
#: The scrutineers (监票人) the owners chose for both meetings; with the street office, any two
#: of the three trustees decrypt the totals.
SCRUTINEERS, THRESHOLD = ["陈淑芬（3号楼业主）", "刘建国（7号楼业主）"], 2
#: Share of the owners who voted in the closed meeting, and so far in the open one.
CLOSED_TURNOUT, OPEN_TURNOUT = 0.85, 0.4


def _steps(opens_at: datetime) -> dict[str, datetime]:
    """When each step of a meeting opening at ``opens_at`` happened: the plan went to the
    office 24 days before, was approved 22 days before and noticed 17 days before (the
    notice period of 15 clear days, DOMAIN.md 2.7, with a day to spare)."""
    return {
        "submitted": opens_at - timedelta(days=24),
        "approved": opens_at - timedelta(days=22),
        "announced": opens_at - timedelta(days=17),
    }


def _plan_and_open(community: Community, title: str, matters: list[dict], opens_at: datetime,
                   closes_at: datetime, cards: list[KeyCard]) -> Meeting:  # fmt: skip
    """Plan a secret-ballot meeting and take it through approval (its key ceremony, whose
    cards are added to ``cards``), notice and opening at past times."""
    steps = _steps(opens_at)
    meeting = meetings.create_meeting(
        community, title, opens_at, closes_at, matters, place="观澜苑会所一层活动室",
        secret=True, scrutineers=SCRUTINEERS, trustee_threshold=THRESHOLD,
    )  # fmt: skip
    meetings.submit_meeting(meeting, now=steps["submitted"])
    meetings.approve_meeting(meeting, now=steps["approved"], cards=cards)
    meetings.announce_meeting(meeting, now=steps["announced"])
    meetings.open_meeting(meeting, now=opens_at)
    return meeting


def identity_digits() -> dict[str, list[str]]:
    """The last four characters of each demo unit's ID number and phone, by unit label."""
    data = resources.files("voting.demo").joinpath("roster.csv").read_text("utf-8-sig")
    digits: dict[str, list[str]] = {}
    for row in csv.DictReader(io.StringIO(data)):
        label = f"{row['楼栋']} {row['房号']}"
        digits[label] = [v[-4:] for v in (row["证件号码"], row["手机号"]) if len(v) >= 4]
    return digits


def _last4(voter: Voter, digits: dict[str, list[str]]) -> str | None:
    """What the owner types to prove who they are, or None when the roster holds nothing."""
    if not (voter.salt and (voter.id_last4_hash or voter.phone_last4_hash)):
        return None
    for label in voter.units:
        for typed in digits.get(label, []):
            if check_last4(voter.salt, voter.id_last4_hash, typed) or check_last4(
                voter.salt, voter.phone_last4_hash, typed
            ):
                return typed
    return ""


def _code(meeting: Meeting, voter: Voter, credential: Credential, at: datetime) -> str | None:
    """The one-time code an owner with a phone received just before voting at ``at`` (the
    history is seeded, so no message is sent for it), or None for an owner without one."""
    if not code_required(meeting, voter):
        return None
    code = f"{secrets.randbelow(10**6):06d}"
    credential.code_hash, credential.code_sent_at = code_hash(credential.id, code), at
    db.session.flush()
    return code


def _unchecked(voter: Voter, digits: dict[str, list[str]]) -> bool:
    """An owner of one home whose roster row holds no ID number or phone to check."""
    return len(voter.units) == 1 and _last4(voter, digits) is None


def _answers(meeting: Meeting, chance: random.Random) -> dict[str, list[str]]:
    """A plausible ballot: most agree, some disagree or abstain; a choice in a selection."""
    answers = {}
    for matter in meeting.matters:
        codes = [option.code for option in matter.options]
        if matter.kind == "motion":
            roll = chance.random()
            answers[matter.public_id] = [codes[0]] if roll < 0.82 else [codes[1]] if roll < 0.94 \
                else []  # fmt: skip
        else:
            answers[matter.public_id] = [codes[0] if chance.random() < 0.62 else codes[1]]
    return answers


def _cast(meeting: Meeting, share: float, start: datetime, end: datetime, seed: int,
          spare: int = 0) -> int:  # fmt: skip
    """Owners vote through their own links between ``start`` and ``end``, typing their last
    four digits where the roster holds them; ``spare`` owners without any identity data on
    file are kept from voting (their links are the demo's). Returns the ballots cast."""
    chance = random.Random(seed)
    digits = identity_digits()
    pairs = live_credentials(meeting)
    spared = [v.id for v, _ in pairs if _unchecked(v, digits)][:spare]
    voting = [(v, c) for v, c in pairs if v.id not in spared and chance.random() < share]
    step = (end - start) / (len(voting) + 1)
    cast = 0
    for n, (voter, credential) in enumerate(voting, start=1):
        at = start + step * n
        typed = _code(meeting, voter, credential, at) or _last4(voter, digits)
        if typed == "":
            continue  # identity data the demo file does not hold: this owner stays home
        cast_ballot(credential_token(credential), _answers(meeting, chance), typed, now=at)
        cast += 1
    return cast


def seed_closed_meeting(community: Community, committee: User, office: User,
                        now: datetime) -> Meeting:  # fmt: skip
    """The meeting that voted for a week and closed two days ago; its result published now
    (within the 3 days that Beijing art. 37 allows) and countersigned."""
    meeting = _find(community, CLOSED_TITLE)
    if meeting is None:
        closes_at = _hour(now - timedelta(days=2))
        opens_at = closes_at - timedelta(days=7)
        cards: list[KeyCard] = []
        meeting = _plan_and_open(
            community, CLOSED_TITLE, CLOSED_MATTERS, opens_at, closes_at, cards
        )
        _cast(meeting, CLOSED_TURNOUT, opens_at, closes_at, seed=278)
        meetings.close_meeting(meeting, now=closes_at)
        # Two of the three trustees (the office and the first scrutineer) decrypt the totals
        # with their key cards, as they would on the decryption page; the third stays home.
        for card in cards[:THRESHOLD]:
            submit_share(meeting, office, card.key_share, card.passphrase)
    if meeting.state == "tallied":
        publish_result(meeting, committee)
    result = current_result(meeting)
    if result is not None and result.countersigned_at is None and not result.is_preliminary:
        countersign_result(meeting, office)
    return meeting


def seed_open_meeting(community: Community, now: datetime) -> Meeting:
    """The meeting open for voting now (opened yesterday, for 14 days); a meeting of an
    earlier run whose window has passed is closed and counted, and a new one opened."""
    meeting = _find(community, OPEN_TITLE, newest_first=True)
    if meeting is not None and meeting.state == "open" and now < meeting.closes_at:
        return meeting
    if meeting is not None and meeting.state == "open":
        meetings.close_meeting(meeting, now=now)
    opens_at = _hour(now - timedelta(days=1))
    # Its key cards were handed to the trustees: the demo does not need them again.
    meeting = _plan_and_open(community, OPEN_TITLE, OPEN_MATTERS, opens_at,
                             opens_at + timedelta(days=14), [])  # fmt: skip
    _cast(meeting, OPEN_TURNOUT, opens_at, now - timedelta(minutes=1), seed=279, spare=5)
    return meeting


def resident_token(meeting: Meeting) -> tuple[str, Voter]:
    """A link of the open meeting that shows a ballot at once: an owner who has not voted
    and whose roster row holds no ID number or phone to check (none voted, so one is left
    unless visitors used them all; then the first, which shows its receipt)."""
    voted = set(db.session.scalars(select(Ballot.voter_id).where(Ballot.meeting_id == meeting.id)))
    digits = identity_digits()
    candidates = [(v, c) for v, c in live_credentials(meeting) if _unchecked(v, digits)]
    fresh = [(v, c) for v, c in candidates if v.id not in voted]
    voter, credential = (fresh or candidates)[0]
    return credential_token(credential), voter


def _find(community: Community, title: str, newest_first: bool = False) -> Meeting | None:
    order = Meeting.id.desc() if newest_first else Meeting.id
    return db.session.scalar(
        select(Meeting)
        .where(Meeting.community_id == community.id, Meeting.title == title,
               Meeting.voided_at.is_(None))
        .order_by(order)
        .limit(1)
    )  # fmt: skip


def _hour(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)
