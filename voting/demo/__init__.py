"""The demo: one office, one community of 328 units, and a staff account for each role."""

from importlib import resources

from sqlalchemy import select

from voting.auth.models import User
from voting.auth.services import add_user
from voting.db import db
from voting.rosters.models import Community
from voting.rosters.services import (
    create_community,
    create_office,
    import_roster,
    update_procedure,
)

DEMO_COMMUNITY = "观澜苑"
#: Demo accounts; printed by ``voting demo``. Never use these on a real deployment.
DEMO_USERS = [
    ("admin", "demo-admin-2025", "administrator"),
    ("jiedao", "demo-office-2025", "street office staff (望京街道)"),
    ("yeweihui", "demo-committee-2025", "committee member (观澜苑)"),
]


def seed_demo() -> bool:
    """Create the demo office, community, roster and users unless they exist; True if created."""
    if db.session.scalar(select(Community).where(Community.name == DEMO_COMMUNITY)):
        return False
    office = create_office("望京街道办事处")
    community = create_community(DEMO_COMMUNITY, office.id, "owners_committee")
    update_procedure(community, {"parking_policy": "include"})
    data = resources.files("voting.demo").joinpath("roster.csv").read_bytes()
    import_roster(community, data, "roster.csv")
    (admin, office_user, committee) = DEMO_USERS
    if db.session.scalar(select(User).where(User.username == admin[0])) is None:
        add_user(admin[0], admin[1], "admin", display_name="系统管理员")
    add_user(
        office_user[0], office_user[1], "office", office_id=office.id, display_name="街道工作人员"
    )
    add_user(committee[0], committee[1], "committee", community_id=community.id,
             display_name="业委会委员")  # fmt: skip
    return True
