"""Use cases of the roster: offices, communities, imports, edits, totals."""

import hashlib
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext
from sqlalchemy import delete, func, or_, select, text

from voting.audit.services import current_actor, record_event
from voting.db import db, utcnow
from voting.errors import DomainError, Refused
from voting.rosters.identity import (
    derive_owner_key,
    last4_hash,
    mask_id,
    mask_phone,
    new_salt,
    salted_hash,
)
from voting.rosters.importer import ParsedRoster, RosterRow, parse_roster
from voting.rosters.limits import RosterLimits
from voting.rosters.models import (
    COMMITTEE_KINDS,
    Community,
    Holding,
    Office,
    Owner,
    RosterImport,
    Unit,
)
from voting.rosters.phones import seal_phones
from voting.rules.persons import RosterTotals, UnitRecord, build_persons, roster_totals
from voting.rules.problems import Problem
from voting.rules.procedure import Procedure

PARKING_TYPES = ("parking", "stall")
PARKING_POLICIES = ("include", "exclude_area_only", "exclude_entirely")


class CommunityError(Refused):
    """A community or office could not be created; the message says why."""


class RosterFrozen(DomainError, ValueError):
    """The roster is frozen by a meeting's notice (DOMAIN.md 2.2 rule 10); names the meeting."""

    status = 409
    api_code = "roster_frozen"

    def __init__(self, meeting_id: int, title: str) -> None:
        self.meeting_id, self.title = meeting_id, title
        super().__init__(Problem("ROSTER_FROZEN", self.text("zh"), self.text("en")))

    def error_details(self, lang: str = "zh") -> list[dict]:
        """None: the message names the meeting."""
        return []

    def text(self, lang: str = "zh") -> str:
        if lang == "en":
            return (f'The roster is frozen since the notice of meeting #{self.meeting_id} '
                    f'"{self.title}": it cannot be replaced or edited until that meeting '
                    "closes. Owners correct it through an objection.")  # fmt: skip
        return (f"会议“{self.title}”（#{self.meeting_id}）已发布公告，花名册自公告起冻结，"
                "该会议结束表决前不能替换或修改；业主可通过异议途径更正。")  # fmt: skip


#: Meetings whose notice froze the roster: announced, not voided, not yet closed.
_FREEZING = text(
    "SELECT id, title FROM meetings WHERE community_id = :community_id "
    "AND announced_at IS NOT NULL AND voided_at IS NULL AND closed_at IS NULL "
    "ORDER BY id LIMIT 1"
)


def require_roster_editable(community_id: int) -> None:
    """Raise RosterFrozen while a meeting's notice freezes the community's roster."""
    row = db.session.execute(_FREEZING, {"community_id": community_id}).first()
    if row is not None:
        raise RosterFrozen(row.id, row.title)


def create_office(name: str) -> Office:
    """Register a street office."""
    name = name.strip()
    if not name or len(name) > 200:
        raise CommunityError("name must be 1 to 200 characters")
    office = Office(name=name)
    db.session.add(office)
    db.session.flush()
    record_event("office.created", {"office_id": office.id, "name": name}, office_id=office.id)
    return office


def create_community(name: str, office_id: int, committee_kind: str) -> Community:
    """Register a community under an office."""
    name = name.strip()
    if not name or len(name) > 200:
        raise CommunityError("name must be 1 to 200 characters")
    if committee_kind not in COMMITTEE_KINDS:
        raise CommunityError(f"committee_kind must be one of {', '.join(COMMITTEE_KINDS)}")
    if db.session.get(Office, office_id) is None:
        raise CommunityError(f"no office {office_id}")
    community = Community(
        name=name, office_id=office_id, committee_kind=committee_kind, procedure={}
    )
    db.session.add(community)
    db.session.flush()
    record_event(
        "community.created",
        {"community_id": community.id, "name": name, "office_id": office_id,
         "committee_kind": committee_kind},
        community_id=community.id,
    )  # fmt: skip
    return community


# --- import ------------------------------------------------------------------------------


@dataclass
class _OwnerDraft:
    key: str
    name: str
    basis: str
    is_developer: bool = False
    id_number: str | None = None
    phone: str | None = None


def import_roster(community: Community, data: bytes, file_name: str) -> dict:
    """Replace the community's roster with a whole file, or raise RosterRejected (no change);
    RosterFrozen while a meeting's notice freezes it."""
    require_roster_editable(community.id)
    parsed = parse_roster(data, file_name, roster_limits())
    owners, unit_owners = _resolve_owners(parsed)
    unit_ids = _replace_roster(community, parsed.rows, owners, unit_owners)
    records = [
        _record(unit_id, row, frozenset(key for key, _ in pairs))
        for unit_id, row, pairs in zip(unit_ids, parsed.rows, unit_owners, strict=True)
    ]
    policy = _policy_or_include(community)
    settings = Procedure.from_dict({**(community.procedure or {}), "parking_policy": policy})
    totals = roster_totals(build_persons(records, settings))
    report = {
        "units": len(parsed.rows),
        "owners": totals.owners,
        "area": totals.area,
        "parking_policy": policy,
        "merges": _merges(owners, unit_owners, parsed.rows),
        "warnings": [w.as_dict() for w in parsed.warnings],
    }
    digest = hashlib.sha256(data).hexdigest()
    db.session.add(
        RosterImport(
            community_id=community.id, file_name=file_name[:255], file_sha256=digest,
            units=report["units"], owners=report["owners"], report=report,
            imported_by=current_actor(), imported_at=utcnow(),
        )
    )  # fmt: skip
    record_event(
        "roster.imported",
        {"file_sha256": digest, "units": report["units"], "owners": report["owners"],
         "area": report["area"], "merges": len(report["merges"])},
        community_id=community.id,
    )  # fmt: skip
    return report


def roster_limits() -> RosterLimits:
    """The bounds on a roster file, from the settings (README's configuration table)."""
    config = current_app.config
    return RosterLimits(
        max_bytes=config["MAX_ROSTER_BYTES"], max_rows=config["VOTING_ROSTER_MAX_ROWS"],
        max_columns=config["VOTING_ROSTER_MAX_COLUMNS"],
        max_cells=config["VOTING_ROSTER_MAX_CELLS"],
        max_unzipped_bytes=config["VOTING_ROSTER_MAX_UNZIPPED_MB"] * 2**20,
        max_ratio=config["VOTING_ROSTER_MAX_RATIO"], max_line=config["VOTING_ROSTER_MAX_LINE"],
        max_problems=config["VOTING_ROSTER_MAX_PROBLEMS"],
    )  # fmt: skip


def _record(unit_id: int, row: RosterRow, owners: frozenset[str]) -> UnitRecord:
    return UnitRecord(
        id=str(unit_id), registered_area=row.registered_area, surveyed_area=row.surveyed_area,
        contract_area=row.contract_area, owners=owners, is_developer_held=row.is_developer_held,
        is_parking=row.unit_type in PARKING_TYPES, is_dwelling=row.unit_type == "dwelling",
    )  # fmt: skip


def _resolve_owners(parsed: ParsedRoster) -> tuple[dict[str, _OwnerDraft], list[list[tuple]]]:
    """Owners by key, and for each row its (owner key, is_representative) pairs."""
    secret = current_app.config["SECRET_KEY"]
    owners: dict[str, _OwnerDraft] = {}
    unit_owners: list[list[tuple]] = []
    for row in parsed.rows:
        names = row.owners or (["建设单位"] if row.is_developer_held else [])
        holder = row.representative or (names[0] if names else None)
        pairs = []
        for name in names:
            if row.owner_key:
                key = row.owner_key if len(names) == 1 else f"{row.owner_key}/{name}"
                basis = "owner_key"
            elif name == holder and row.id_number:
                key, basis = derive_owner_key(secret, "id:" + row.id_number), "id_number"
            elif not row.owners:
                key, basis = "DEVELOPER", "developer"
            else:
                key, basis = derive_owner_key(secret, "name:" + name), "name"
            draft = owners.setdefault(key, _OwnerDraft(key=key, name=name, basis=basis))
            draft.is_developer |= row.is_developer_held
            if name == holder:
                draft.id_number = draft.id_number or row.id_number
                draft.phone = draft.phone or row.phone
            pairs.append((key, row.representative == name))
        unit_owners.append(pairs)
    return owners, unit_owners


def _replace_roster(community, rows: list[RosterRow], owners: dict, unit_owners: list) -> list:
    """Delete the old roster and write the new one with bulk inserts; returns the unit ids."""
    cid = community.id
    session = db.session
    session.execute(delete(Holding).where(Holding.community_id == cid))
    session.execute(delete(Unit).where(Unit.community_id == cid))
    session.execute(delete(Owner).where(Owner.community_id == cid))
    _bulk_insert(
        Unit.__table__,
        ("community_id", "building", "number", "unit_type", "registered_area", "surveyed_area",
         "contract_area", "is_developer_held"),
        [(cid, r.building, r.unit, r.unit_type, r.registered_area, r.surveyed_area,
          r.contract_area, r.is_developer_held) for r in rows],
    )  # fmt: skip
    ids = dict(
        ((building, number), unit_id)
        for unit_id, building, number in session.execute(
            select(Unit.id, Unit.building, Unit.number).where(Unit.community_id == cid)
        )
    )
    unit_ids = [ids[(r.building, r.unit)] for r in rows]
    owner_ids = {}
    if owners:
        owner_rows = [_owner_row(cid, d) for d in owners.values()]
        _bulk_insert(Owner.__table__, tuple(owner_rows[0]), [tuple(r.values()) for r in owner_rows])
        owner_ids = dict(
            session.execute(select(Owner.key, Owner.id).where(Owner.community_id == cid)).all()
        )
    holdings = [
        (cid, unit_id, owner_ids[key], is_rep)
        for unit_id, pairs in zip(unit_ids, unit_owners, strict=True)
        for key, is_rep in pairs
    ]
    if holdings:
        columns = ("community_id", "unit_id", "owner_id", "is_representative")
        _bulk_insert(Holding.__table__, columns, holdings)
    session.expire_all()
    return unit_ids


def _bulk_insert(table, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """INSERT many plain rows through the driver's executemany: a 50,000-unit roster is
    written in a fraction of the time the per-row parameter processing would take."""
    connection = db.session.connection()
    mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    sql = (
        f"INSERT INTO {table.name} ({', '.join(columns)}) "
        f"VALUES ({', '.join(mark for _ in columns)})"
    )
    connection.exec_driver_sql(sql, rows)


def _owner_row(community_id: int, draft: _OwnerDraft) -> dict:
    salt = new_salt()
    row = {"community_id": community_id, "key": draft.key, "name": draft.name,
           "is_developer": draft.is_developer, "salt": salt}  # fmt: skip
    row["id_hash"] = salted_hash(salt, draft.id_number) if draft.id_number else None
    row["id_last4_hash"] = last4_hash(salt, draft.id_number) if draft.id_number else None
    row["id_masked"] = mask_id(draft.id_number) if draft.id_number else None
    row["phone_hash"] = salted_hash(salt, draft.phone) if draft.phone else None
    row["phone_last4_hash"] = last4_hash(salt, draft.phone) if draft.phone else None
    row["phone_masked"] = mask_phone(draft.phone) if draft.phone else None
    row["phone_sealed"] = seal_phones([draft.phone]) if draft.phone else None
    return row


def _merges(owners: dict, unit_owners: list, rows: list[RosterRow]) -> list[dict]:
    """Owners the file did not key explicitly but who hold several units: to confirm."""
    inferred = {key for key, owner in owners.items() if owner.basis in ("id_number", "name")}
    held: dict[str, list[str]] = {}
    for row, pairs in zip(rows, unit_owners, strict=True):
        for key, _ in pairs:
            if key in inferred:
                held.setdefault(key, []).append(f"{row.building} {row.unit}")
    return [
        {"owner": owners[key].name, "basis": owners[key].basis, "units": units}
        for key, units in held.items()
        if len(units) > 1 and owners[key].basis in ("id_number", "name")
    ]


# --- totals ------------------------------------------------------------------------------


def households(community_id: int) -> int:
    """Dwelling units (户数) of the current roster (DOMAIN.md 2.5)."""
    return db.session.scalar(
        select(func.count()).where(Unit.community_id == community_id, Unit.unit_type == "dwelling")
    )


def unit_records(community_id: int) -> list[UnitRecord]:
    """The roster as the rules engine reads it."""
    owners_of: dict[int, set[str]] = {}
    for unit_id, key in db.session.execute(
        select(Holding.unit_id, Owner.key)
        .join(Owner, Owner.id == Holding.owner_id)
        .where(Holding.community_id == community_id)
    ):
        owners_of.setdefault(unit_id, set()).add(key)
    records = []
    for unit_id, unit_type, reg, sur, con, dev in db.session.execute(
        select(Unit.id, Unit.unit_type, Unit.registered_area, Unit.surveyed_area,
               Unit.contract_area, Unit.is_developer_held)
        .where(Unit.community_id == community_id)
        .order_by(Unit.id)
    ):  # fmt: skip
        records.append(
            UnitRecord(
                id=str(unit_id), registered_area=reg, surveyed_area=sur, contract_area=con,
                owners=frozenset(owners_of.get(unit_id, ())), is_developer_held=dev,
                is_parking=unit_type in PARKING_TYPES, is_dwelling=unit_type == "dwelling",
            )
        )  # fmt: skip
    return records


def roster_totals_by_policy(community: Community) -> dict[str, RosterTotals]:
    """Units, heads and area under each parking policy (DOMAIN.md 2.2 rule 8)."""
    records = unit_records(community.id)
    procedure = community.procedure or {}
    totals = {}
    for policy in PARKING_POLICIES:
        settings = Procedure.from_dict({**procedure, "parking_policy": policy})
        totals[policy] = roster_totals(build_persons(records, settings))
    return totals


def community_totals(community: Community) -> RosterTotals:
    """Totals under the community's chosen parking policy (``include`` until chosen)."""
    policy = _policy_or_include(community)
    settings = Procedure.from_dict({**(community.procedure or {}), "parking_policy": policy})
    return roster_totals(build_persons(unit_records(community.id), settings))


def _policy_or_include(community: Community) -> str:
    return (community.procedure or {}).get("parking_policy") or "include"


def unit_count(community_id: int) -> int:
    """How many units the roster holds."""
    return db.session.scalar(select(func.count()).where(Unit.community_id == community_id))


# --- settings and edits ------------------------------------------------------------------


def update_procedure(community: Community, settings: dict) -> Procedure:
    """Validate and keep the community's rules-of-procedure settings; raises ProcedureError."""
    procedure = Procedure.from_dict(settings)
    before = dict(community.procedure or {})
    community.procedure = procedure.to_dict()
    record_event(
        "procedure.updated",
        {"before": before, "after": community.procedure},
        community_id=community.id,
    )
    return procedure


CONTACT_FIELDS = ("committee_phone", "committee_place", "committee_hours",
                  "office_phone", "office_place", "office_hours")  # fmt: skip


def update_contact(community: Community, values: dict[str, str]) -> None:
    """Keep where owners reach the committee and the office; the change is logged."""
    before = {name: getattr(community, name) for name in CONTACT_FIELDS}
    after = {name: (values.get(name) or "").strip() for name in CONTACT_FIELDS}
    for name, value in after.items():
        setattr(community, name, value)
    record_event("community.contact_updated", {"before": before, "after": after},
                 community_id=community.id)  # fmt: skip


def search_units(community_id: int, query: str = "", page: int = 1, per_page: int = 50):
    """Units matching building, number or owner name, with their holdings, paged."""
    stmt = select(Unit).where(Unit.community_id == community_id)
    query = query.strip()
    if query:
        like = f"%{query}%"
        owner_units = (
            select(Holding.unit_id)
            .join(Owner, Owner.id == Holding.owner_id)
            .where(Holding.community_id == community_id, Owner.name.like(like))
        )
        stmt = stmt.where(
            or_(Unit.building.like(like), Unit.number.like(like),
                (Unit.building + " " + Unit.number).like(like), Unit.id.in_(owner_units))
        )  # fmt: skip
    stmt = stmt.order_by(Unit.building, Unit.number)
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


def edit_unit(unit: Unit, changes: dict) -> list[str]:
    """Change a unit's type, areas or developer flag; logs before and after; returns fields.

    Raises RosterFrozen while a meeting's notice freezes the roster."""
    require_roster_editable(unit.community_id)
    fields = ("unit_type", "registered_area", "surveyed_area", "contract_area", "is_developer_held")
    changed = [name for name in fields if name in changes and getattr(unit, name) != changes[name]]
    if not changed:
        return []
    before = {name: getattr(unit, name) for name in changed}
    for name in changed:
        setattr(unit, name, changes[name])
    if unit.area is None:
        raise ValueError("a unit needs at least one area")
    record_event(
        "roster.unit_edited",
        {"unit": unit.label, "before": before, "after": {n: getattr(unit, n) for n in changed}},
        community_id=unit.community_id,
    )
    return changed


def owner_names(unit: Unit) -> str:
    """The owners of a unit, the representative marked, in the reader's language."""
    names = [
        gettext("%(name)s（代表）", name=h.owner.name) if h.is_representative else h.owner.name
        for h in unit.holdings
    ]
    return gettext("、").join(names)
