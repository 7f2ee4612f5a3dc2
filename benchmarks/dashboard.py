"""Time the street office's dashboard and a live turnout page on a large office.

Run: python benchmarks/dashboard.py [--database-url URL] [--communities 200] [--open 50]
                                    [--voters 1000] [--requests 20]

Seeds, with Core bulk inserts, one office of 200 communities whose meetings span every
state: 50 open meetings of 1,000 voters each (three matters; about 60 % have voted), plans
awaiting approval, published results awaiting countersignature, countersigned and draft
meetings. Then logs an office user in through the Flask test client and times the
dashboard page, its API twin and the meetings turnout page of one open meeting: the median
of 20 requests each after one warm-up, with the number of SQL statements per request.
The target is under 200 ms for each page.

The database is PostgreSQL by default (the ``test_me`` database): its ``public`` schema is
DROPPED and rebuilt with the migrations. Give an empty database only.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, event, insert, select, text  # noqa: E402

from voting import create_app  # noqa: E402
from voting.db import db, utcnow  # noqa: E402

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test_me"
PASSWORD = "bench-office-password"
MATTERS = [
    ("续聘物业服务企业", "motion", 1, [("agree", "同意"), ("disagree", "反对")]),
    ("选聘物业服务企业", "selection", 1, [("1", "甲物业"), ("2", "乙物业"), ("3", "丙物业")]),
    ("选举业主委员会委员", "election", 5, [(str(i), f"候选人{i}") for i in range(1, 9)]),
]
#: Meetings of each community besides the open ones: (state, how many communities get one).
OTHER_MEETINGS = [("countersigned", 200), ("draft", 40), ("submitted", 20), ("published", 15),
                  ("approved", 10), ("voided", 5)]  # fmt: skip


def reset_schema(url: str) -> None:
    """Drop and rebuild the schema with the migrations."""
    from flask_migrate import upgrade

    engine = create_engine(url)
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context():
        upgrade()
        db.engine.dispose()


def stamps(state: str, now) -> dict:
    """The timestamps that put a meeting in ``state``."""
    order = ["submitted", "approved", "announced", "opened", "closed", "tallied", "published",
             "countersigned"]  # fmt: skip
    target = {"open": "opened", "draft": None, "voided": "submitted"}.get(state, state)
    values = {}
    if target:
        for step in order[: order.index(target) + 1]:
            values[f"{step}_at"] = now - timedelta(days=30 - order.index(step))
    if state == "voided":
        values.update(voided_at=now - timedelta(days=1), void_reason="重新筹备")
    return values


def seed(args, rng: random.Random) -> dict:
    """Insert the office, its communities, meetings, voters, ballots and results in bulk."""
    from voting.auth.services import add_user
    from voting.ballots.models import Ballot
    from voting.meetings.models import Matter, Meeting, Option, RosterSnapshot, Voter
    from voting.results.models import Result
    from voting.rosters.models import Community
    from voting.rosters.services import create_office

    now = utcnow()
    office = create_office("基准街道办事处")
    kinds = ["owners_committee"] * 7 + ["preparatory_group", "management_committee"]
    db.session.execute(
        insert(Community),
        [{"id": i, "office_id": office.id, "name": f"基准小区{i:03d}",
          "committee_kind": rng.choice(kinds), "procedure": {"parking_policy": "include"}}
         for i in range(1, args.communities + 1)],
    )  # fmt: skip
    meetings, next_id = [], 1
    plan = [("open", c) for c in range(1, args.open + 1)]
    for state, count in OTHER_MEETINGS:
        plan += [(state, rng.randint(1, args.communities)) for _ in range(count)]
    for state, community_id in plan:
        opens = now - timedelta(days=2) if state == "open" else now + timedelta(days=20)
        meetings.append(
            {"id": next_id, "community_id": community_id, "title": f"第{next_id}次业主大会会议",
             "description": "", "place": "线上与书面", "is_first_meeting": False,
             "opens_at": opens, "closes_at": opens + timedelta(days=7),
             "procedure": {"parking_policy": "include"}, "created_by": "bench",
             **stamps(state, now)}
        )  # fmt: skip
        next_id += 1
    db.session.execute(insert(Meeting), meetings)
    open_ids = [m["id"] for m in meetings if m.get("opened_at") and not m.get("closed_at")]
    published = [m for m in meetings if m.get("published_at") and not m.get("countersigned_at")]
    matters, options, matter_id, option_id = [], [], 1, 1
    codes = {}
    for meeting_id in open_ids:
        for position, (title, kind, seats, opts) in enumerate(MATTERS):
            matters.append({"id": matter_id, "meeting_id": meeting_id,
                            "community_id": meetings[meeting_id - 1]["community_id"],
                            "position": position, "title": title, "description": "",
                            "category": "ordinary", "kind": kind, "seats": seats,
                            "alternates": 0})  # fmt: skip
            for number, (code, label) in enumerate(opts):
                options.append({"id": option_id, "matter_id": matter_id, "position": number,
                                "code": code, "label": label, "statement": "",
                                "attestations": {}})  # fmt: skip
                option_id += 1
            codes[matter_id] = (kind, seats, [c for c, _ in opts])
            matter_id += 1
    db.session.execute(insert(Matter), matters)
    db.session.execute(insert(Option), options)
    voter_id, ballots_cast = 1, 0
    for meeting_id in open_ids:
        community_id = meetings[meeting_id - 1]["community_id"]
        areas = [rng.randint(5_000, 15_000) for _ in range(args.voters)]
        db.session.add(RosterSnapshot(
            meeting_id=meeting_id, community_id=community_id, taken_at=now - timedelta(days=2),
            units=args.voters, owners=args.voters, area=sum(areas), households=args.voters,
            snapshot_hash=f"{meeting_id:064x}"))  # fmt: skip
        voters, ballots = [], []
        mine = [m for m in matters if m["meeting_id"] == meeting_id]
        for number, area in enumerate(areas):
            building = f"{number // 100 + 1}号楼"
            voters.append({"id": voter_id, "meeting_id": meeting_id, "community_id": community_id,
                           "person_key": f"o{number}", "area": area, "can_vote": True,
                           "units": [f"{building} {number % 100 + 101}"], "building": building,
                           "display_name": "王*"})  # fmt: skip
            if rng.random() < args.share:
                answers = {}
                for matter in mine:
                    kind, seats, choices = codes[matter["id"]]
                    answers[str(matter["id"])] = sorted(rng.sample(choices, rng.randint(1, seats)))
                ballots.append({"meeting_id": meeting_id, "community_id": community_id,
                                "voter_id": voter_id, "channel": "online",
                                "receipt": f"{rng.getrandbits(128):032x}", "answers": answers,
                                "invalid_reasons": {}, "entered_by": "resident",
                                "cast_at": now - timedelta(minutes=rng.randint(1, 2800)),
                                "source_hash": f"{rng.getrandbits(64):016x}"})  # fmt: skip
            voter_id += 1
        db.session.execute(insert(Voter), voters)
        db.session.execute(insert(Ballot), ballots)
        ballots_cast += len(ballots)
    db.session.execute(
        insert(Result),
        [{"meeting_id": m["id"], "community_id": m["community_id"], "version": 1,
          "document": {"matters": []}, "document_hash": "0" * 64, "signatures": [],
          "board_json": "{}", "entries": 0, "merkle_root": "0" * 64, "is_preliminary": False,
          "published_at": m["published_at"], "published_by": "user:bench", "published_seq": 1}
         for m in published],
    )  # fmt: skip
    if db.engine.dialect.name == "postgresql":
        for table in ("communities", "meetings", "matters", "options", "voters"):
            db.session.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"))  # fmt: skip
    add_user("bench-office", PASSWORD, "office", office_id=office.id)
    db.session.commit()
    return {"office": office.id, "open": open_ids, "meetings": len(meetings),
            "ballots": ballots_cast, "voters": voter_id - 1}  # fmt: skip


def measure(app, client, path: str, requests: int) -> dict:
    """Wall-clock milliseconds of ``requests`` GETs (median, fastest, slowest), the median CPU
    milliseconds of this process (the app's own work, not PostgreSQL's), statements per GET."""
    with app.app_context():
        engine = db.engine
    statements = []
    event.listen(engine, "before_cursor_execute", lambda *a: statements.append(1))
    assert client.get(path).status_code == 200, path  # warm-up
    statements.clear()
    wall, cpu = [], []
    for _ in range(requests):
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(path)
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
        assert response.status_code == 200, path
    return {"median": statistics.median(wall), "fastest": min(wall), "slowest": max(wall),
            "cpu": statistics.median(cpu), "sql": len(statements) // requests}  # fmt: skip


def seeded_before(app) -> dict:
    """The ids of a database seeded by an earlier run (--reuse)."""
    from voting.meetings.models import Meeting
    from voting.rosters.models import Office

    with app.app_context():
        office = db.session.scalar(select(Office.id).where(Office.name == "基准街道办事处"))
        open_ids = db.session.scalars(
            select(Meeting.id).where(Meeting.opened_at.is_not(None), Meeting.closed_at.is_(None))
        ).all()
    return {"office": office, "open": list(open_ids)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--communities", type=int, default=200)
    parser.add_argument("--open", type=int, default=50)
    parser.add_argument("--voters", type=int, default=1000)
    parser.add_argument("--share", type=float, default=0.6, help="share of voters who voted")
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--reuse", action="store_true", help="measure an earlier run's data")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    config = {"SQLALCHEMY_DATABASE_URI": args.database_url, "SECRET_KEY": "bench",
              "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False}  # fmt: skip

    if args.reuse:
        app = create_app(config)
        seeded = seeded_before(app)
    else:
        started = time.perf_counter()
        reset_schema(args.database_url)
        app = create_app(config)
        with app.app_context():
            seeded = seed(args, rng)
        where = args.database_url.split("@")[-1]
        print(f"seeded in {time.perf_counter() - started:.1f} s on {where}: "
              f"{args.communities} communities, {seeded['meetings']} meetings "
              f"({len(seeded['open'])} open), {seeded['voters']:,} voters, "
              f"{seeded['ballots']:,} ballots")  # fmt: skip

    client = app.test_client()
    response = client.post("/login", data={"username": "bench-office", "password": PASSWORD})
    assert response.status_code == 302, response.status_code
    with app.app_context():
        from voting.auth.models import User
        from voting.auth.services import issue_token

        token = issue_token(db.session.scalar(select(User).where(User.username == "bench-office")))
        db.session.commit()
    pages = [
        ("dashboard page", f"/supervision/offices/{seeded['office']}"),
        ("dashboard API", f"/api/v1/offices/{seeded['office']}/dashboard"),
        ("turnout page", f"/meetings/{seeded['open'][0]}/turnout"),
        ("anomalies page*", f"/supervision/meetings/{seeded['open'][0]}"),
    ]
    print(f"{'':16}{'median':>9}{'fastest':>9}{'slowest':>9}{'CPU':>9}{'SQL':>5}"
          f"   ({args.requests} requests; CPU: this process, median)")  # fmt: skip
    for name, path in pages:
        if "/api/" in path:
            client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        m = measure(app, client, path, args.requests)
        client.environ_base.pop("HTTP_AUTHORIZATION", None)
        verdict = "" if name.endswith("*") else ("ok" if m["median"] < 200 else "OVER 200 ms")
        print(f"{name:16}{m['median']:7.1f}ms{m['fastest']:7.1f}ms{m['slowest']:7.1f}ms"
              f"{m['cpu']:7.1f}ms{m['sql']:5}   {verdict}")  # fmt: skip
    print("* not a target: its ballots were bulk-inserted without audit events, so the check "
          "that ballots match the log reports every one of them")  # fmt: skip
    print(f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    with app.app_context():
        db.engine.dispose()


if __name__ == "__main__":
    main()
