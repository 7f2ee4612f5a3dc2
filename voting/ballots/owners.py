"""What an owner can check of what was recorded in their name, and "这不是我投的".

An owner reaches these through their own link, or without it by building, unit and the last
four digits of the ID number or phone (the ballot alert's link leads there). They learn
whether a ballot is recorded in their name, when and by which channel, never its choices,
and can file an objection of kind ``not_me``. The committee and the office see a ``not_me``
objection with the ballot's evidence among the meeting's anomalies; the office answers it,
and the result cannot be countersigned before it does.
"""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from voting.audit.services import record_event
from voting.ballots.models import Ballot, PaperEntry, ProxyAuthorisation
from voting.db import db, utcnow
from voting.meetings.models import Meeting, Voter
from voting.results.models import NOT_ME, Objection
from voting.results.objections import MAX_TEXT, clean_text
from voting.results.services import ResultError, current_result
from voting.rosters.identity import check_last4
from voting.typed import plain, plain_code


@dataclass(frozen=True)
class Recorded:
    """What an owner may know of the ballot in their name: when and by which channel."""

    cast_at: datetime
    channel: str


def public_meeting(meeting_id: int) -> Meeting | None:
    """A meeting whose voting has opened (and was not voided): owners may look it up."""
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or meeting.opened_at is None or meeting.voided_at is not None:
        return None
    return meeting


def voter_by_unit(meeting: Meeting, building: str, unit: str, last4: str) -> Voter:
    """The voter of ``building`` ``unit`` whose ID number or phone ends in ``last4``.

    Raises ResultError (404) with one message for every mismatch, so that a guess learns
    nothing of which part was wrong.
    """
    label = f"{plain(building) or ''} {plain(unit) or ''}"
    typed = plain_code(last4)
    voters = db.session.scalars(
        select(Voter).where(Voter.meeting_id == meeting.id, Voter.can_vote.is_(True))
    )
    for voter in voters:
        if label not in voter.units or not voter.salt:
            continue
        if check_last4(voter.salt, voter.id_last4_hash, typed) or check_last4(
            voter.salt, voter.phone_last4_hash, typed
        ):
            return voter
    raise ResultError(
        _l(
            "楼栋、房号或后四位号码与花名册不符。请核对后再试；花名册没有您的证件号码和"
            "手机号时，请用表决通知书上的个人链接。"
        ),
        404,
    )


def recorded_ballot(voter: Voter) -> Recorded | None:
    """The ballot recorded in the voter's name (time and channel only), or None."""
    row = db.session.execute(
        select(Ballot.cast_at, Ballot.channel).where(
            Ballot.meeting_id == voter.meeting_id, Ballot.voter_id == voter.id
        )
    ).first()
    return None if row is None else Recorded(row.cast_at, row.channel)


def not_me_objection(voter: Voter) -> Objection | None:
    """The owner's latest ``not_me`` objection for this meeting, if any."""
    return db.session.scalar(
        select(Objection)
        .where(Objection.voter_id == voter.id, Objection.kind == NOT_ME)
        .order_by(Objection.id.desc())
        .limit(1)
    )


def file_not_me(voter: Voter, text: str | None, via: str) -> Objection:
    """File "这不是我投的" for the ballot recorded in the voter's name (once until answered).

    ``via`` is ``link`` or ``unit`` (how the owner was recognised), kept in the log.
    """
    meeting = db.session.get(Meeting, voter.meeting_id)
    if recorded_ballot(voter) is None:
        raise ResultError(_l("目前没有以您名义记录的选票，无需提出异议。"), 409)
    open_one = not_me_objection(voter)
    if open_one is not None and open_one.answered_at is None:
        return open_one  # already filed: the office has not answered yet
    text = clean_text(text, MAX_TEXT)
    result = current_result(meeting)
    objection = Objection(
        meeting_id=meeting.id, community_id=meeting.community_id,
        result_id=result.id if result is not None else None, voter_id=voter.id, kind=NOT_ME,
        text=text, filed_at=utcnow(),
    )  # fmt: skip
    db.session.add(objection)
    db.session.flush()
    record_event(
        "objection.filed",
        {"meeting_id": meeting.id, "objection_id": objection.id, "kind": NOT_ME, "via": via},
        community_id=meeting.community_id,
        actor="resident",
    )
    return objection


def not_me_objections(meeting_id: int) -> list[Objection]:
    """Every ``not_me`` objection of the meeting, oldest first."""
    return list(
        db.session.scalars(
            select(Objection)
            .where(Objection.meeting_id == meeting_id, Objection.kind == NOT_ME)
            .order_by(Objection.id)
        )
    )


def ballot_evidence(meeting_id: int, voter_id: int) -> dict:
    """The contested ballot's evidence, never its choices: channel, time, the two clerks of a
    paper entry, the proxy document, the hashed source address."""
    ballot = db.session.scalar(
        select(Ballot).where(Ballot.meeting_id == meeting_id, Ballot.voter_id == voter_id)
    )
    if ballot is None:
        return {}
    evidence: dict = {"channel": ballot.channel, "cast_at": ballot.cast_at}
    if ballot.source_hash:
        evidence["source"] = ballot.source_hash[:8]
    if ballot.desk_id is not None:
        evidence["desk_id"] = ballot.desk_id
    if ballot.channel in ("paper", "proxy"):
        evidence["clerks"] = list(
            db.session.scalars(
                select(PaperEntry.entered_by)
                .where(PaperEntry.ballot_id == ballot.id, PaperEntry.status == "matched")
                .order_by(PaperEntry.entered_at)
            )
        ) or [ballot.entered_by]
    if ballot.proxy_id is not None:
        proxy = db.session.get(ProxyAuthorisation, ballot.proxy_id)
        evidence["proxy"] = {"id": proxy.id, "agent": proxy.agent_name,
                             "file_name": proxy.file_name, "sha256": proxy.sha256}  # fmt: skip
    return evidence
