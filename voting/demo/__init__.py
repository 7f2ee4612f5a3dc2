"""The demo: one office, one community of 328 units, a staff account for each role, signing
keys, a meeting open for voting now and a closed one whose result is published and
countersigned. ``seed_demo`` can run any number of times: it adds only what is missing."""

import shlex
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from sqlalchemy import select

from voting.auth.models import User
from voting.auth.services import add_user
from voting.crypto.canonical import canonical
from voting.db import db, utcnow
from voting.demo.meetings import resident_token, seed_closed_meeting, seed_open_meeting
from voting.results import public
from voting.results.keys import create_signing_key, current_key
from voting.results.services import current_result
from voting.rosters.models import Community, Office
from voting.rosters.services import (
    create_community,
    create_office,
    import_roster,
    update_procedure,
)

DEMO_OFFICE = "望京街道办事处"
DEMO_COMMUNITY = "观澜苑"
#: Demo accounts; printed by ``voting demo``. Never use these on a real deployment.
DEMO_USERS = [
    ("admin", "demo-admin-2025", "administrator"),
    ("jiedao", "demo-office-2025", "street office staff (望京街道)"),
    ("yeweihui", "demo-committee-2025", "committee member (观澜苑)"),
]


@dataclass
class DemoReport:
    """What ``seed_demo`` found or made, for the console."""

    created: list[str] = field(default_factory=list)
    community_id: int = 0
    open_meeting_id: int = 0
    #: The resident's link (as on their QR letter) and its ballot page, as paths.
    link_path: str = ""
    ballot_path: str = ""
    #: The owner the link belongs to, as the pages show them (units, masked name).
    resident: str = ""
    closed_meeting_id: int = 0
    #: The published result's files, written for ``voting verify``.
    files: dict[str, Path] = field(default_factory=dict)

    def verify_command(self) -> str:
        """The ``voting verify`` command line that checks the published result files."""
        result, board, audit = (
            shlex.quote(str(self.files[n])) for n in ("result", "board", "audit")
        )
        return f"voting verify {result} --board {board} --audit {audit}"


def seed_demo(folder: Path) -> DemoReport:
    """Add whatever of the demo is missing, and write the published result into ``folder``."""
    report = DemoReport()
    now = utcnow()
    community = _community(report)
    office = db.session.get(Office, community.office_id)
    users = _users(report, office, community)
    for owner in (community, office):
        if current_key(owner) is None:
            create_signing_key(owner)
            report.created.append(f"signing key of {owner.name}")
    closed = seed_closed_meeting(community, users["committee"], users["office"], now)
    opened = seed_open_meeting(community, now)
    db.session.flush()
    report.community_id, report.closed_meeting_id = community.id, closed.id
    report.open_meeting_id = opened.id
    token, voter = resident_token(opened)
    report.link_path, report.ballot_path = f"/v/{token}", f"/v/{token}/ballot"
    report.resident = f"{'、'.join(voter.units)} {voter.display_name}"
    report.files = write_result_files(closed.id, community.id, folder)
    return report


def _community(report: DemoReport) -> Community:
    """The demo community with its office and roster, made unless it exists."""
    community = db.session.scalar(select(Community).where(Community.name == DEMO_COMMUNITY))
    if community is not None:
        return community
    office = db.session.scalar(select(Office).where(Office.name == DEMO_OFFICE))
    office = office or create_office(DEMO_OFFICE)
    community = create_community(DEMO_COMMUNITY, office.id, "owners_committee")
    update_procedure(community, {"parking_policy": "include"})
    data = resources.files("voting.demo").joinpath("roster.csv").read_bytes()
    import_roster(community, data, "roster.csv")
    report.created.append(f"{DEMO_OFFICE}, {DEMO_COMMUNITY} and its roster")
    return community


def _users(report: DemoReport, office: Office, community: Community) -> dict[str, User]:
    """The demo's administrator, office and committee accounts, made unless they exist."""
    scopes = {
        "admin": {"display_name": "系统管理员"},
        "office": {"office_id": office.id, "display_name": "街道工作人员"},
        "committee": {"community_id": community.id, "display_name": "业委会委员"},
    }
    users = {}
    for (username, password, _), role in zip(DEMO_USERS, scopes, strict=True):
        user = db.session.scalar(select(User).where(User.username == username))
        if user is None:
            user = add_user(username, password, role, **scopes[role])
            report.created.append(f"{role} account {username}")
        users[role] = user
    return users


def write_result_files(meeting_id: int, community_id: int, folder: Path) -> dict[str, Path]:
    """Save the meeting's published result, board and public audit log as anyone downloads
    them from the public page; returns their paths."""
    from voting.meetings.models import Meeting

    result = current_result(db.session.get(Meeting, meeting_id))
    events = public.audit_events(community_id, public.public_seq(community_id))
    bodies = {
        "result": canonical(result.signed()),
        "board": result.board_json.encode() if isinstance(result.board_json, str)
        else result.board_json,
        "audit": canonical({"format": "gongyi-audit/1", "events": events}),
    }  # fmt: skip
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, body in bodies.items():
        paths[name] = folder / f"{name}-{meeting_id}.json"
        paths[name].write_bytes(body)
    return paths
