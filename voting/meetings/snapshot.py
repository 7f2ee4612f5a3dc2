"""Freezing the roster when voting opens: the snapshot, its hash and the voters."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select

from voting.crypto.canonical import canonical, sha256_hex
from voting.db import db
from voting.meetings.errors import MeetingError, problem
from voting.meetings.models import Meeting, RosterSnapshot, Voter
from voting.rosters.identity import mask_name
from voting.rosters.models import Holding, Owner, Unit
from voting.rosters.phones import open_phones, seal_phones
from voting.rosters.services import unit_records
from voting.rules.numbers import fmt_area
from voting.rules.persons import (
    DEVELOPER_KEY,
    AreaUnresolved,
    Person,
    UnitRecord,
    build_persons,
    counted_area,
    unit_area,
)
from voting.rules.procedure import Procedure

SNAPSHOT_FORMAT = "gongyi-snapshot/1"


@dataclass(frozen=True)
class _Holder:
    key: str
    name: str
    is_representative: bool
    salt: str
    id_last4_hash: str | None
    phone_last4_hash: str | None
    phone_sealed: str | None


def freeze_roster(meeting: Meeting, now: datetime) -> tuple[RosterSnapshot, int]:
    """Freeze the roster under the meeting's procedure; returns the snapshot and credentials."""
    from voting.meetings.credentials import issue_credentials

    procedure = Procedure.from_dict(meeting.procedure)
    records = unit_records(meeting.community_id)
    try:
        persons = build_persons(records, procedure)
    except (AreaUnresolved, ValueError) as error:
        raise MeetingError(
            problem(
                "ROSTER_INVALID",
                "花名册无法计票，请先修正花名册",
                f"The roster cannot be counted: {error}",
            ),
            409,
        ) from None
    units, holders = _units_and_holders(meeting.community_id)
    snapshot = RosterSnapshot(
        meeting_id=meeting.id,
        community_id=meeting.community_id,
        taken_at=now,
        units=sum(len(p.unit_ids) for p in persons),
        owners=len(persons),
        area=sum(p.area for p in persons),
        households=sum(r.is_dwelling for r in records),
        snapshot_hash=snapshot_hash(meeting, procedure, records, persons, units),
    )
    db.session.add(snapshot)
    areas = _counted_areas(records, procedure)
    rows = [_voter_row(meeting, person, units, holders, areas) for person in persons]
    ids = (
        list(
            db.session.scalars(
                insert(Voter).returning(Voter.id, sort_by_parameter_order=True), rows
            )
        )
        if rows
        else []
    )
    voting_ids = [vid for vid, row in zip(ids, rows, strict=True) if row["can_vote"]]
    issue_credentials(meeting, voting_ids, now)
    db.session.flush()
    return snapshot, len(voting_ids)


def _units_and_holders(community_id: int) -> tuple[dict[str, Unit], dict[str, list[_Holder]]]:
    units = {
        str(u.id): u
        for u in db.session.scalars(select(Unit).where(Unit.community_id == community_id))
    }
    holders: dict[str, list[_Holder]] = {}
    rows = db.session.execute(
        select(
            Holding.unit_id,
            Holding.is_representative,
            Owner.key,
            Owner.name,
            Owner.salt,
            Owner.id_last4_hash,
            Owner.phone_last4_hash,
            Owner.phone_sealed,
        )
        .join(Owner, Owner.id == Holding.owner_id)
        .where(Holding.community_id == community_id)
        .order_by(Holding.id)
    )
    for unit_id, is_rep, key, name, salt, id4, phone4, phone in rows:
        holders.setdefault(str(unit_id), []).append(
            _Holder(key, name, is_rep, salt, id4, phone4, phone)
        )
    return units, holders


def _counted_areas(records: list[UnitRecord], procedure: Procedure) -> dict[str, int]:
    """Each counted unit's area as its person counts it (parking may count none)."""
    out = {}
    for record in records:
        area = unit_area(record)
        if area is not None:
            out[record.id] = counted_area(record, area, procedure.parking_policy)
    return out


def _building_areas(person: Person, units: dict, areas: dict[str, int]) -> dict[str, int]:
    """Building -> the area the person holds there (a person is counted in each building)."""
    out: dict[str, int] = {}
    for uid in person.unit_ids:
        building = units[uid].building
        out[building] = out.get(building, 0) + areas[uid]
    return out


def _voter_row(
    meeting: Meeting, person: Person, units: dict, holders: dict, areas: dict[str, int]
) -> dict:
    mine = sorted((units[uid] for uid in person.unit_ids), key=lambda u: (u.building, u.number))
    people = {h.key: h for uid in person.unit_ids for h in holders.get(uid, ())}
    representative = next(
        (h for uid in person.unit_ids for h in holders.get(uid, ()) if h.is_representative), None
    )
    voter = people[next(iter(person.owners))] if len(person.owners) == 1 else representative
    if len(person.key) > 300:
        raise MeetingError(
            problem(
                "OWNER_KEY_TOO_LONG",
                "共有人过多，无法生成计票主体",
                f"Person key too long: {person.key[:40]}…",
            ),
            409,
        )
    return {
        "meeting_id": meeting.id,
        "community_id": meeting.community_id,
        "person_key": person.key,
        "area": person.area,
        "can_vote": person.can_vote,
        "units": [u.label for u in mine],
        "building": mine[0].building if mine else "",
        "building_areas": _building_areas(person, units, areas),
        "display_name": _display_name(person, people, representative)[:300],
        "salt": voter.salt if voter else None,
        "id_last4_hash": voter.id_last4_hash if voter else None,
        "phone_last4_hash": voter.phone_last4_hash if voter else None,
        "phones_sealed": _phones(voter, people.values()),
    }


def _phones(voter: _Holder | None, people) -> str | None:
    """The person's phones sealed as one value, the checked one (the voter's) first."""
    holders = [voter, *people] if voter else list(people)
    sealed = [h.phone_sealed for h in holders if h.phone_sealed]
    if not sealed:
        return None
    return seal_phones([phone for value in sealed for phone in open_phones(value)])


def _display_name(person: Person, people: dict[str, _Holder], rep: _Holder | None) -> str:
    """Masked names for the letter, e.g. ``王*、李*（代表 李*）``."""
    if not person.can_vote:
        return "业主不明"
    names = "、".join(sorted(mask_name(h.name) for h in people.values()))
    if person.key == DEVELOPER_KEY:
        return f"建设单位（{names}）"
    if len(people) > 1 and rep is not None:
        return f"{names}（代表 {mask_name(rep.name)}）"
    return names


def snapshot_hash(
    meeting: Meeting,
    procedure: Procedure,
    records: list[UnitRecord],
    persons: list[Person],
    units: dict[str, Unit],
) -> str:
    """SHA-256 of the canonical JSON of the frozen units and persons (no names)."""

    def area(value: int | None) -> str | None:
        return None if value is None else fmt_area(value)

    document = {
        "format": SNAPSHOT_FORMAT,
        "meeting_id": str(meeting.id),
        "parking_policy": procedure.parking_policy,
        "owner_merge": procedure.owner_merge,
        "units": [
            {
                "id": r.id,
                "building": units[r.id].building,
                "number": units[r.id].number,
                "type": units[r.id].unit_type,
                "registered_area": area(r.registered_area),
                "surveyed_area": area(r.surveyed_area),
                "contract_area": area(r.contract_area),
                "developer_held": r.is_developer_held,
                "owners": sorted(r.owners),
            }
            for r in records
        ],
        "persons": [
            {
                "key": p.key,
                "area": fmt_area(p.area),
                "units": list(p.unit_ids),
                "can_vote": p.can_vote,
            }
            for p in persons
        ],
    }
    return sha256_hex(canonical(document))
