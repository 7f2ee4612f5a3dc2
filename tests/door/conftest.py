"""Fixtures of the door-to-door tests: a community of two buildings with an open meeting."""

import pytest

from tests.ballots.support import Unit, motion


def two_buildings() -> list[Unit]:
    """Four owners in 1号楼 and 2号楼; o4 holds a unit in each."""
    return [
        Unit("101", "90.00", "o1", phone="13900000001", id_number="110101199001011234"),
        Unit("102", "80.00", "o2"),
        Unit("201", "70.00", "o3", building="2号楼"),
        Unit("103", "60.00", "o4"),
        Unit("202", "50.00", "o4", building="2号楼"),
    ]


@pytest.fixture
def door(app, kit, make):
    """(opened meeting, committee user, building head of 1号楼)."""
    from voting.auth.services import add_user
    from voting.db import db

    community_id = kit.community(two_buildings(), one_time_code=False)
    opened = kit.open(community_id, [motion("修订《管理规约》")])
    committee = kit.committee(make, community_id, "weiyuan")
    with app.app_context():
        head = add_user("louzhang", make.password, "building_head", community_id=community_id,
                        display_name="张楼长", buildings=["1号楼"])  # fmt: skip
        db.session.commit()
    return opened, committee, head
