"""The participant list of a consultation, built from the current roster like a meeting's voters."""

from sqlalchemy import select

from voting.consultations.models import Consultation
from voting.consultations.tokens import participant_token
from voting.crypto.tokens import token_hash
from voting.db import db
from voting.rosters.identity import mask_name
from voting.rosters.models import Holding, Owner, Unit
from voting.rosters.services import unit_records
from voting.rules.persons import Person, build_persons
from voting.rules.procedure import Procedure


def participant_rows(consultation: Consultation, procedure: Procedure) -> list[dict]:
    """One row per voting person (one head, its area), ready to insert; tokens only hashed."""
    community_id = consultation.community_id
    persons = build_persons(unit_records(community_id), procedure)
    units = {
        str(unit_id): (building, number)
        for unit_id, building, number in db.session.execute(
            select(Unit.id, Unit.building, Unit.number).where(Unit.community_id == community_id)
        )
    }
    owners = {
        owner.key: owner
        for owner in db.session.scalars(select(Owner).where(Owner.community_id == community_id))
    }
    representatives = set(
        db.session.scalars(
            select(Owner.key)
            .join(Holding, Holding.owner_id == Owner.id)
            .where(Holding.community_id == community_id, Holding.is_representative)
        )
    )
    return [_row(consultation, person, units, owners, representatives) for person in persons]


def _row(consultation, person: Person, units: dict, owners: dict, representatives: set) -> dict:
    labels = sorted(units[unit_id] for unit_id in person.unit_ids)
    keys = sorted(person.owners)
    voice = _voice(keys, representatives)
    holder = owners.get(voice) if voice else None
    row = {
        "consultation_id": consultation.id,
        "community_id": consultation.community_id,
        "person_key": person.key,
        "area": person.area,
        "can_take_part": person.can_vote,
        "units": [list(label) for label in labels],
        "building": labels[0][0] if labels else "",
        "display_name": _display_name(keys, voice, owners),
        "salt": holder.salt if holder else None,
        "id_last4_hash": holder.id_last4_hash if holder else None,
        "phone_last4_hash": holder.phone_last4_hash if holder else None,
        "token_hash": None,
        "failed_checks": 0,
    }
    if person.can_vote:
        row["token_hash"] = token_hash(participant_token(consultation.id, person.key))
    return row


def _voice(keys: list[str], representatives: set) -> str | None:
    """The owner who speaks for the person: the sole owner, else the one representative."""
    if len(keys) == 1:
        return keys[0]
    chosen = [key for key in keys if key in representatives]
    return chosen[0] if len(chosen) == 1 else None


def _display_name(keys: list[str], voice: str | None, owners: dict) -> str:
    """Masked names, the representative marked, e.g. ``王*、李*（代表 李*）``."""
    if not keys:
        return "（业主不明）"
    names = "、".join(sorted(mask_name(owners[key].name) if key in owners else "?" for key in keys))
    if len(keys) > 1 and voice in owners:
        names += f"（代表 {mask_name(owners[voice].name)}）"
    return names
