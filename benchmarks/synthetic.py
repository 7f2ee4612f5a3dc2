"""What the benchmarks share: voters' answers and board entries, an office with its community
and committee member, the voter and ballot rows of a meeting, an empty migrated database and a
timer."""

import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta

#: The start of every seeded meeting's calendar.
T0 = datetime(2024, 5, 1, tzinfo=UTC)


def answer(rng: random.Random, kind: str, codes: list[str], seats: int) -> object:
    """One voter's answer to one matter: mostly choices, a few abstentions and invalid ones."""
    roll = rng.random()
    if roll < 0.03:
        return []
    if roll < 0.04:
        return "invalid"
    if kind == "motion":
        return ["agree"] if roll < 0.8 else ["disagree"]
    if kind == "selection":
        return [codes[0] if roll < 0.7 else rng.choice(codes)]
    return sorted(rng.sample(codes[:9] if roll < 0.9 else codes, rng.randint(1, seats)))


def answers_to(rng: random.Random, matters: list[tuple], share: float, answer=answer) -> dict:
    """One voter's answers by matter id: each of ``matters`` (id, category, kind, options,
    seats, alternates, minimum) is answered, by ``answer``, with probability ``share``."""
    return {
        mid: answer(rng, kind, options, seats)
        for mid, _, kind, options, seats, _, _ in matters
        if rng.random() < share
    }


def board_entry(receipt: str, channel: str, area: str, answers: dict) -> dict:
    """One owner's entry of a board (gongyi-board/1)."""
    return {"receipt": receipt, "channel": channel, "area": area, "owners": 1, "answers": answers}


def voter_row(meeting, i: int, area: int) -> dict:
    """The i-th voter (from 0) of a seeded meeting: one unit, 200 to a building."""
    building = f"{i // 200 + 1}号楼"
    return {"id": i + 1, "meeting_id": meeting.id, "community_id": meeting.community_id,
            "person_key": f"o{i}", "area": area, "can_vote": True,
            "units": [f"{building} {i % 200 + 101}"], "building": building,
            "display_name": "王*"}  # fmt: skip


def ballot_row(meeting, i: int, rng: random.Random, answers: dict, receipt: str = "") -> dict:
    """The ballot of the i-th voter, cast on day 17, mostly online; a random receipt unless
    one is given."""
    return {"meeting_id": meeting.id, "community_id": meeting.community_id, "voter_id": i + 1,
            "channel": rng.choice(("online", "online", "online", "paper", "proxy")),
            "receipt": receipt or f"{rng.getrandbits(128):032x}", "answers": answers,
            "invalid_reasons": {}, "cast_at": T0 + timedelta(days=17, seconds=i),
            "entered_by": "resident"}  # fmt: skip


def insert_rows(voters: list[dict], ballots: list[dict], step: int) -> None:
    """Bulk-insert the voters and their ballots, ``step`` rows a statement, and commit."""
    from sqlalchemy import insert

    from voting.ballots.models import Ballot
    from voting.db import db
    from voting.meetings.models import Voter

    for start in range(0, len(voters), step):
        db.session.execute(insert(Voter), voters[start : start + step])
        db.session.execute(insert(Ballot), ballots[start : start + step])
    db.session.commit()


def seed_community():
    """A street office, a community under it with a signing key, and a committee member."""
    from voting.auth.services import add_user
    from voting.results.keys import create_signing_key
    from voting.rosters.services import create_community, create_office

    office = create_office("基准街道办事处")
    community = create_community("基准小区", office.id, "owners_committee")
    user = add_user("bench-committee", "bench-password-1", "committee", community_id=community.id)
    create_signing_key(community, "bench")
    return office, community, user


def timed(label: str, action, width: int = 48, digits: int = 3):
    """Run action once, print its wall-clock and CPU time, return its value."""
    wall, cpu = time.perf_counter(), time.process_time()
    value = action()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"  {label:<{width}} {wall:7.{digits}f} s  (CPU {cpu:.{digits}f} s)")
    return value


def migrated_app(database_url: str | None, name: str):
    """The app on an EMPTY database (a new SQLite file when none is given), migrated; exits
    when the database holds tables."""
    from flask_migrate import upgrade
    from sqlalchemy import inspect

    from voting import create_app
    from voting.db import db

    folder = tempfile.mkdtemp(prefix=f"gongyi-bench-{name}-")
    url = database_url or f"sqlite:///{folder}/bench.db"
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "benchmark"})
    with app.app_context():
        if inspect(db.engine).get_table_names():
            sys.exit(f"{url} is not empty: give an empty database")
        upgrade()
    return app
