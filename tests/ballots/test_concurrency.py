"""Many ballots at once on PostgreSQL: the database, not luck, keeps one ballot per voter."""

import threading

import pytest
from sqlalchemy import func, select

from voting.db import db

from .support import PG, Unit, motion

pytestmark = pytest.mark.skipif(not PG, reason="concurrency is tested on PostgreSQL")
THREADS = 50


@pytest.fixture
def app_config(app_config):
    # Enough connections that most threads really do meet in the database.
    options = {"pool_pre_ping": True, "pool_size": 20, "max_overflow": 40, "pool_timeout": 60}
    return {**app_config, "SQLALCHEMY_ENGINE_OPTIONS": options}


def run_at_once(app, bodies: list[dict]) -> list[int]:
    """POST each body from a thread of its own, all released together; the statuses."""
    barrier = threading.Barrier(len(bodies))
    statuses: list[int | None] = [None] * len(bodies)

    def cast(index: int, body: dict) -> None:
        client = app.test_client()
        barrier.wait()
        statuses[index] = client.post("/api/v1/ballots", json=body).status_code

    threads = [threading.Thread(target=cast, args=(i, b)) for i, b in enumerate(bodies)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return statuses


def ballot_count(app) -> int:
    from voting.ballots.models import Ballot

    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Ballot))


def test_fifty_threads_with_one_credential_make_one_ballot(app, kit):
    opened = kit.open(kit.community([Unit("101", "90.00", "o1")]), [motion("议事规则")])
    answers = [["agree"], ["disagree"], []]
    bodies = [
        {"token": opened.tokens["o1"], "answers": {opened.matter_ids[0]: answers[i % 3]}}
        for i in range(THREADS)
    ]
    statuses = run_at_once(app, bodies)
    assert sorted(statuses) == [201] + [409] * (THREADS - 1)
    assert ballot_count(app) == 1
    from voting.audit.models import AuditEvent

    with app.app_context():
        casts = db.session.scalar(select(func.count()).where(AuditEvent.type == "ballot.cast"))
    assert casts == 1


def test_fifty_threads_with_fifty_credentials_make_fifty_ballots(app, kit):
    from voting.audit.services import chain_name, verify_live_chain

    units = [Unit(f"{n}", "88.50", f"o{n}", building=f"{n % 5 + 1}号楼") for n in range(THREADS)]
    opened = kit.open(kit.community(units), [motion("议事规则"), motion("管理规约")])
    first, second = opened.matter_ids
    bodies = [
        {"token": opened.tokens[f"o{n}"],
         "answers": {first: ["agree"], second: [] if n % 2 else ["disagree"]}}
        for n in range(THREADS)
    ]  # fmt: skip
    statuses = run_at_once(app, bodies)
    assert statuses == [201] * THREADS
    assert ballot_count(app) == THREADS
    with app.app_context():
        assert verify_live_chain(chain_name(opened.community_id)) == []
    tally = kit.close(opened)
    assert tally[0]["participation"]["owners"] == THREADS
    assert tally[0]["tally"][0]["owners"] == THREADS
    assert tally[1]["abstain"]["owners"] == THREADS // 2
