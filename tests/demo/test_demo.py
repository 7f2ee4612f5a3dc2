"""``voting demo``: seeded without serving, it prints a resident's link that shows a ballot at
once and a published, countersigned result that ``voting verify`` accepts; run again, it adds
nothing but what is missing."""

import json
import re
import shlex
from pathlib import Path

import pytest
from sqlalchemy import func, select

from voting.auth.models import User
from voting.ballots.models import Ballot
from voting.crypto.verify import main as verify_main
from voting.db import db
from voting.demo import DEMO_USERS
from voting.meetings.models import Meeting
from voting.results.deadline import publication_due
from voting.results.models import SigningKey
from voting.supervision.anomalies import anomalies_for_meeting


@pytest.fixture(autouse=True)
def _cheap_password_hashing(monkeypatch):
    """Three demo accounts are made per run; Argon2's default cost is not what we test."""
    from argon2 import PasswordHasher

    import voting.auth.services as accounts

    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=256))


def run_demo(runner) -> dict[str, str]:
    """Run ``voting demo --no-serve``; the paths and command it printed."""
    result = runner.invoke(args=["demo", "--no-serve"])
    assert result.exit_code == 0, result.output
    out = result.output
    return {
        "out": out,
        "ballot": re.search(r"http://127\.0\.0\.1:5000(/v/[\w-]+/ballot)\n", out).group(1),
        "link": re.search(r"QR letter's link: http://127\.0\.0\.1:5000(/v/[\w-]+)\)", out).group(1),
        "public": re.search(r"http://127\.0\.0\.1:5000(/public/meetings/\d+)\n", out).group(1),
        "verify": re.search(r"^  (voting verify .+)$", out, re.M).group(1),
    }


def _counts(app) -> dict[str, int]:
    with app.app_context():
        return {
            name: db.session.scalar(select(func.count()).select_from(model))
            for name, model in [("users", User), ("meetings", Meeting), ("ballots", Ballot),
                                ("keys", SigningKey)]
        }  # fmt: skip


def test_demo_prints_a_ballot_and_a_result_that_verifies(app, client, runner):
    printed = run_demo(runner)
    page = client.get(printed["ballot"])
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert 'class="ballot"' in body and "增设电动自行车集中充电设施" in body
    welcome = client.get(printed["link"]).get_data(as_text=True)
    assert f'href="{printed["ballot"]}"' in welcome  # one click from the letter's link
    announcement = client.get(printed["public"])
    assert announcement.status_code == 200
    assert "续聘北京安居物业服务有限公司" in announcement.get_data(as_text=True)
    args = shlex.split(printed["verify"])[2:]
    assert verify_main(args) == 0
    # Both meetings are secret ballots: the published files are version 2, decrypted by two of
    # the three trustees, and the board holds no choice in the clear.
    result_doc = json.loads(Path(args[0]).read_text())["document"]
    board_doc = json.loads(Path(args[args.index("--board") + 1]).read_text())
    assert (result_doc["format"], board_doc["format"]) == ("gongyi-result/2", "gongyi-board/2")
    assert result_doc["encryption"]["joint_key"]["threshold"] == 2
    assert len(result_doc["encryption"]["trustees"]) == 3
    answers = [a for e in board_doc["entries"] for a in e["answers"].values()]
    assert answers and all(isinstance(a, dict) and "ciphertexts" in a for a in answers)
    with app.app_context():
        (closed,) = db.session.scalars(select(Meeting).where(Meeting.countersigned_at.isnot(None)))
        (opened,) = db.session.scalars(select(Meeting).where(Meeting.closed_at.is_(None)))
        assert opened.state == "open"
        assert closed.secret and opened.secret
        assert sum(t.submitted_at is not None for t in closed.trustees) == 2
        # Noticed honestly before opening: the 15 clear days of the notice rule hold.
        assert (opened.opens_at - opened.announced_at).days >= 16
        assert (closed.opens_at - closed.announced_at).days >= 16
        assert closed.closes_at < opened.opens_at
        # Published within the deadline, and nothing the office would be warned about.
        assert not publication_due(closed).late
        assert anomalies_for_meeting(closed) == anomalies_for_meeting(opened) == []
    for username, password, _ in DEMO_USERS:
        assert f"{username} " in printed["out"] and password in printed["out"]
        response = client.post("/login", data={"username": username, "password": password})
        assert response.status_code == 302, username
        client.post("/logout")


def test_demo_runs_again_adding_nothing_but_a_fresh_link(app, client, runner):
    from voting.ballots.services import cast_ballot
    from voting.meetings.models import Matter

    first = run_demo(runner)
    before = _counts(app)
    again = run_demo(runner)
    assert "all present" in again["out"]
    assert _counts(app) == before
    assert (again["ballot"], again["public"]) == (first["ballot"], first["public"])
    assert verify_main(shlex.split(again["verify"])[2:]) == 0
    # Once someone votes with the printed link, the next run prints another owner's.
    token = first["link"].split("/")[-1]
    with app.app_context():
        (opened,) = db.session.scalars(select(Meeting).where(Meeting.closed_at.is_(None)))
        matters = db.session.scalars(
            select(Matter).where(Matter.meeting_id == opened.id).order_by(Matter.position)
        ).all()
        cast_ballot(token, {m.public_id: [m.options[0].code] for m in matters})
        db.session.commit()
    third = run_demo(runner)
    assert third["link"] != first["link"]
    assert 'class="ballot"' in client.get(third["ballot"]).get_data(as_text=True)
    assert _counts(app) == {**before, "ballots": before["ballots"] + 1}
