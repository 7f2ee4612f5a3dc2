"""Voting persons (计票主体) built from units (DOMAIN 2.1, 2.2)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from voting.rules.procedure import Procedure

DEVELOPER_KEY = "developer"
UNKNOWN_PREFIX = "unit:"


@dataclass(frozen=True, slots=True)
class UnitRecord:
    """One exclusive part (专有部分) of the roster snapshot; areas in 0.01 m²."""

    id: str
    registered_area: int | None
    surveyed_area: int | None
    contract_area: int | None
    owners: frozenset[str]
    is_developer_held: bool = False
    is_parking: bool = False
    is_dwelling: bool = True


@dataclass(frozen=True, slots=True)
class Person:
    """One head of the headcount, with the area it counts for."""

    key: str
    owners: frozenset[str]
    unit_ids: tuple[str, ...]
    area: int
    can_vote: bool


@dataclass(frozen=True)
class RosterTotals:
    """Denominators of a tally: units counted, heads (owners) and area."""

    units: int
    owners: int
    area: int


class AreaUnresolved(ValueError):
    """Counted units have no registered, surveyed or contract area (DOMAIN 2.2 rule 6)."""

    code = "AREA_UNRESOLVED"

    def __init__(self, unit_ids: Iterable[str]) -> None:
        self.unit_ids = sorted(unit_ids)
        super().__init__(f"AREA_UNRESOLVED: {', '.join(self.unit_ids)}")


def unit_area(unit: UnitRecord) -> int | None:
    """Return the first present of registered, surveyed and contract area (SPC art. 8)."""
    for area in (unit.registered_area, unit.surveyed_area, unit.contract_area):
        if area is not None:
            return area
    return None


def counted_area(unit: UnitRecord, area: int, parking_policy: str) -> int:
    """The area a counted unit adds to its person: none for parking under exclude_area_only."""
    return 0 if unit.is_parking and parking_policy == "exclude_area_only" else area


def build_persons(units: Iterable[UnitRecord], procedure: Procedure) -> list[Person]:
    """Merge units into voting persons under the procedure's parking and merge settings."""
    policy = procedure.parking_policy
    counted: list[UnitRecord] = []
    areas: list[int] = []
    unresolved: list[str] = []
    seen: set[str] = set()
    for unit in units:
        if unit.id in seen:
            raise ValueError(f"duplicate unit id {unit.id!r}")
        seen.add(unit.id)
        if unit.is_parking and policy == "exclude_entirely":
            continue
        area = unit_area(unit)
        if area is None:
            # Even a parking area that will count as 0 must be known: the roster is incomplete.
            unresolved.append(unit.id)
            continue
        if area < 0:
            raise ValueError(f"unit {unit.id}: negative area")
        counted.append(unit)
        areas.append(counted_area(unit, area, policy))
    if unresolved:
        raise AreaUnresolved(unresolved)

    sets = {u.owners for u in counted if u.owners and not u.is_developer_held}
    merge_key = _merge_keys(sets, procedure.owner_merge)
    # Few objects per unit: rosters are large and every surviving object costs collector time.
    group_area: dict[str, int] = {}
    group_ids: dict[str, str | list[str]] = {}
    group_owners: dict[str, frozenset[str]] = {}
    for unit, area in zip(counted, areas, strict=True):
        if unit.is_developer_held:
            key = DEVELOPER_KEY
        elif unit.owners:
            key = merge_key[unit.owners]
        else:
            key = UNKNOWN_PREFIX + unit.id
        ids = group_ids.get(key)
        if ids is None:
            group_area[key] = area
            group_ids[key] = unit.id
            group_owners[key] = unit.owners
            continue
        group_area[key] += area
        if isinstance(ids, str):
            group_ids[key] = [ids, unit.id]
        else:
            ids.append(unit.id)
        if unit.owners != group_owners[key]:
            group_owners[key] = group_owners[key] | unit.owners
    return [
        Person(
            key,
            group_owners[key],
            (ids,) if isinstance(ids, str) else tuple(sorted(ids)),
            group_area[key],
            not key.startswith(UNKNOWN_PREFIX),
        )
        for key, ids in sorted(group_ids.items())
    ]


def _merge_keys(sets: set[frozenset[str]], owner_merge: str) -> dict[frozenset[str], str]:
    """Map each owner set of a non-developer unit to its person key."""
    keys = {}
    for owners in sets:
        key = "+".join(sorted(owners)) if len(owners) > 1 else next(iter(owners))
        # Keys are joined with "+" and reserved words mark the developer and unknown owners,
        # so such owner keys could silently merge two different people.
        if (
            key.count("+") != len(owners) - 1
            or "" in owners
            or DEVELOPER_KEY in owners
            or key.startswith(UNKNOWN_PREFIX)
            or "+" + UNKNOWN_PREFIX in key
        ):
            raise ValueError(f"owner keys {sorted(owners)!r}: empty, reserved or containing '+'")
        keys[owners] = key
    if owner_merge == "exact_owner_set":
        return keys
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        root = x
        while parent.get(root, root) != root:
            root = parent[root]
        while x != root:
            parent[x], x = root, parent[x]
        return root

    for owners in sets:
        first, *rest = owners
        for other in rest:
            a, b = find(first), find(other)
            if a != b:
                parent[max(a, b)] = min(a, b)
    members: dict[str, set[str]] = {}
    for owners in sets:
        for owner in owners:
            members.setdefault(find(owner), set()).add(owner)
    return {owners: "+".join(sorted(members[find(next(iter(owners)))])) for owners in sets}


def roster_totals(persons: Iterable[Person]) -> RosterTotals:
    """Return units counted, heads and area over all persons (the denominators)."""
    units = owners = area = 0
    for person in persons:
        units += len(person.unit_ids)
        owners += 1
        area += person.area
    return RosterTotals(units=units, owners=owners, area=area)
