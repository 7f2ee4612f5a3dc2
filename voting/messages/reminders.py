"""Reminders to owners who have not voted.

The committee reminds all non-voters, one building's, or a chosen list. Each voter gets at
most one reminder a day (Beijing time) and none during quiet hours; each sending is logged
with what was asked and how many were queued, never to whom.
"""

from datetime import UTC, datetime

from flask import current_app
from sqlalchemy import insert, select

from voting.audit.services import current_actor, record_event
from voting.db import db, utcnow
from voting.meetings.errors import MeetingError, problem
from voting.meetings.models import Credential, Meeting, Voter
from voting.meetings.reach import non_voters
from voting.messages.models import Message
from voting.messages.outbox import public_base
from voting.quiet import is_quiet, quiet_ends, window_text
from voting.timeutil import SHANGHAI, rfc3339

#: Refusals about what the request asked for (422); the others concern the meeting's state
#: or the clock (409).
_INPUT_CODES = {"UNKNOWN_BUILDING"}


def _refuse(code: str, zh: str, en: str) -> MeetingError:
    return MeetingError(problem(code, zh, en), 422 if code in _INPUT_CODES else 409)


def _start_of_day(now: datetime) -> datetime:
    """Midnight of ``now``'s day in Beijing, in UTC: a reminder a day is by that calendar."""
    local = now.astimezone(SHANGHAI)
    return local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(UTC)


def _check_can_remind(meeting: Meeting, now: datetime) -> None:
    if meeting.state != "open" or now >= meeting.closes_at or now < meeting.opens_at:
        raise _refuse("WRONG_STATE", "只有在表决期间才能发送提醒",
                      "Reminders can be sent only while voting is open")  # fmt: skip
    setting = current_app.config.get("VOTING_QUIET_HOURS")
    if is_quiet(now, setting):
        ends = quiet_ends(now, setting).astimezone(SHANGHAI).strftime("%H:%M")
        raise _refuse(
            "QUIET_HOURS",
            f"{window_text(setting)}（北京时间）不发送提醒，请在 {ends} 以后再发送",
            f"No reminders during quiet hours ({window_text(setting)} Beijing time): "
            f"send them after {ends}",
        )


def _targets(meeting: Meeting, building: str | None, voter_ids: set[int] | None) -> list[int]:
    """The non-voters asked for who have a phone and a live link."""
    live = set(
        db.session.scalars(
            select(Credential.voter_id).where(
                Credential.meeting_id == meeting.id, Credential.revoked_at.is_(None)
            )
        )
    )
    out = []
    for voter in non_voters(meeting):
        if building is not None and building not in voter.held:
            continue
        if voter_ids is not None and voter.id not in voter_ids:
            continue
        if voter.has_phone and voter.id in live:
            out.append(voter.id)
    return out


def buildings_of(meeting: Meeting) -> list[str]:
    """The buildings of the meeting's frozen roster, sorted."""
    names: set[str] = set()
    for building, held in db.session.execute(
        select(Voter.building, Voter.building_areas).where(Voter.meeting_id == meeting.id)
    ):
        names.update(held or {building: 0})
    return sorted(names)


def send_reminders(
    meeting: Meeting,
    *,
    building: str | None = None,
    voter_ids: list[int] | None = None,
    now: datetime | None = None,
) -> int:
    """Queue a reminder to each non-voter asked for (all, one building, or a list) who has a
    phone and was not reminded today; returns how many were queued."""
    now = now or utcnow()
    if db.session.get_bind().dialect.name == "postgresql":
        # Two members sending at once queue one reminder each owner, not two.
        db.session.execute(select(Meeting.id).where(Meeting.id == meeting.id).with_for_update())
    _check_can_remind(meeting, now)
    if building is not None and building not in buildings_of(meeting):
        raise _refuse("UNKNOWN_BUILDING", f"本次表决的名册中没有“{building[:64]}”",
                      "No such building in the meeting's roster")  # fmt: skip
    chosen = None if voter_ids is None else set(voter_ids)
    targets = _targets(meeting, building, chosen)
    reminded = set(
        db.session.scalars(
            select(Message.voter_id).where(
                Message.meeting_id == meeting.id, Message.kind == "reminder",
                Message.created_at >= _start_of_day(now), Message.voter_id.in_(targets or [0]),
            )
        )
    )  # fmt: skip
    to_send = [vid for vid in targets if vid not in reminded]
    phones = select(Voter.id, Voter.phones_sealed).where(Voter.id.in_(to_send or [0]))
    sealed = dict(db.session.execute(phones).tuples().all())
    params = {"closes": rfc3339(meeting.closes_at), "base": public_base(), "lang": "zh"}
    if to_send:
        db.session.execute(
            insert(Message.__table__),
            [{"community_id": meeting.community_id, "meeting_id": meeting.id, "voter_id": vid,
              "kind": "reminder", "recipients": sealed[vid], "recipient_hash": None,
              "params": params, "secret": None, "state": "queued", "attempts": 0,
              "next_attempt_at": now, "created_at": now, "sent_at": None, "last_error": None}
             for vid in to_send],
        )  # fmt: skip
    record_event(
        "messages.reminders",
        {"meeting_id": meeting.id, "building": building,
         "chosen": None if chosen is None else len(chosen), "queued": len(to_send),
         "already_today": len(reminded)},
        community_id=meeting.community_id,
        actor=current_actor(),
    )  # fmt: skip
    return len(to_send)
