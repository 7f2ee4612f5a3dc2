"""Turnout by building: a person counts in every building where they hold units, with the
area they hold there; checked against a computation straight from the roster rows."""

from decimal import Decimal

import pytest

from .support import Unit, motion

#: Owners across buildings: o1 in three buildings and the garage, the developer-like d1 with
#: flats in every building, o5 in one, a unit with no known owner, parking-only owners.
ROSTER = [
    Unit("101", "100.00", "o1", building="1号楼"),
    Unit("201", "90.50", "o1", building="2号楼"),
    Unit("301", "75.25", "o1", building="3号楼"),
    Unit("B-01", "12.00", "o1", building="地下车库", unit_type="parking"),
    Unit("102", "88.00", "d1", building="1号楼"),
    Unit("202", "88.00", "d1", building="2号楼"),
    Unit("302", "88.00", "d1", building="3号楼"),
    Unit("B-02", "13.50", "d1", building="地下车库", unit_type="parking"),
    Unit("B-03", "13.50", "d1", building="地下车库", unit_type="parking"),
    Unit("103", "120.00", "o5", building="1号楼"),
    Unit("203", "66.60", None, building="2号楼"),
    Unit("B-04", "12.00", "p1", building="地下车库", unit_type="parking"),
    Unit("B-05", "12.00", "p2", building="地下车库", unit_type="parking"),
]
VOTERS = {"o1", "p1"}


def by_hand(roster: list[Unit], voted: set[str], parking_policy: str) -> dict[str, tuple]:
    """Per building: (heads, area, heads voted, area voted), from the rows alone."""
    heads: dict[str, set[str]] = {}
    area: dict[str, Decimal] = {}
    voted_heads: dict[str, set[str]] = {}
    voted_area: dict[str, Decimal] = {}
    for unit in roster:
        parking = unit.unit_type == "parking"
        if parking and parking_policy == "exclude_entirely":
            continue
        counted = (
            Decimal(0) if parking and parking_policy == "exclude_area_only" else Decimal(unit.area)
        )
        person = unit.key or f"unit {unit.building} {unit.number}"
        heads.setdefault(unit.building, set()).add(person)
        area[unit.building] = area.get(unit.building, Decimal(0)) + counted
        voted_heads.setdefault(unit.building, set())
        voted_area.setdefault(unit.building, Decimal(0))
        if unit.key in voted:
            voted_heads[unit.building].add(person)
            voted_area[unit.building] += counted
    return {
        b: (len(heads[b]), f"{area[b]:.2f}", len(voted_heads[b]), f"{voted_area[b]:.2f}")
        for b in heads
    }


@pytest.mark.parametrize("parking_policy", ["include", "exclude_area_only", "exclude_entirely"])
def test_each_building_counts_everyone_holding_units_there(client, kit, make, parking_policy):
    community_id = kit.community(ROSTER, parking_policy=parking_policy)
    opened = kit.open(community_id, [motion("修改业主大会议事规则")])
    voted = VOTERS & set(opened.tokens)  # parking-only owners are no one when excluded
    assert voted == ({"o1"} if parking_policy == "exclude_entirely" else VOTERS)
    for key in voted:
        body = {"token": opened.tokens[key], "answers": opened.answers({0: ["同意"]})}
        cast = client.post("/api/v1/ballots", json=body)
        assert cast.status_code == 201
    bearer = make.token(kit.committee(make, community_id, "wang"))
    figures = client.get(f"/api/v1/meetings/{opened.meeting_id}/turnout",
                         headers={"Authorization": f"Bearer {bearer}"}).get_json()  # fmt: skip
    got = {
        b["building"]: (b["owners"], b["area"], b["voted"], b["voted_area"])
        for b in figures["buildings"]
    }
    expected = by_hand(ROSTER, voted, parking_policy)
    assert got == expected
    # o1 and d1 count in each of their buildings; the roster still counts each of them once.
    assert got["1号楼"][0] == 3 and got["3号楼"][0] == 2
    assert sum(row[0] for row in got.values()) > figures["roster"]["owners"]
    owners = {"include": 6, "exclude_area_only": 6, "exclude_entirely": 4}[parking_policy]
    assert figures["roster"]["owners"] == owners


def test_the_page_states_the_rule(client, auth, kit, make):
    community_id = kit.community(ROSTER)
    opened = kit.open(community_id, [motion("修改业主大会议事规则")])
    auth.login(kit.committee(make, community_id, "wang"))
    page = client.get(f"/meetings/{opened.meeting_id}/turnout").get_data(as_text=True)
    assert "在每栋楼各计一人" in page and "面积只计其在该楼的房屋" in page
    assert page.count('data-testid="building"') == 4
