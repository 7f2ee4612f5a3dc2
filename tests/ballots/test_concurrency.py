"""Many ballots at once on PostgreSQL: the database, not luck, keeps one ballot per voter."""

import pytest
from sqlalchemy import func, select

from tests.concurrency import post_at_once
from voting.db import db

from .support import PG, Unit, motion

pytestmark = pytest.mark.skipif(not PG, reason="concurrency is tested on PostgreSQL")
THREADS = 50


@pytest.fixture
def app_config(app_config):
    # Enough connections that most threads really do meet in the database.
    options = {"pool_pre_ping": True, "pool_size": 20, "max_overflow": 40, "pool_timeout": 60}
    return {**app_config, "SQLALCHEMY_ENGINE_OPTIONS": options}


def ballot_count(app) -> int:
    from voting.ballots.models import Ballot

    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Ballot))


@pytest.mark.parametrize("secret", [False, True], ids=["open", "secret"])
def test_fifty_threads_with_one_credential_make_one_ballot(app, kit, secret):
    units = [Unit("101", "90.00", "o1")]
    opened = kit.open(kit.community(units), [motion("议事规则")], secret=secret)
    answers = [["agree"], ["disagree"], []]
    bodies = [
        {"token": opened.tokens["o1"], "answers": {opened.matter_ids[0]: answers[i % 3]}}
        for i in range(THREADS)
    ]
    statuses = post_at_once(app, "/api/v1/ballots", bodies)
    assert sorted(statuses) == [201] + [409] * (THREADS - 1)
    assert ballot_count(app) == 1
    from voting.audit.models import AuditEvent

    with app.app_context():
        casts = db.session.scalar(select(func.count()).where(AuditEvent.type == "ballot.cast"))
    assert casts == 1


@pytest.mark.parametrize("secret", [False, True], ids=["open", "secret"])
def test_fifty_threads_with_fifty_credentials_make_fifty_ballots(app, kit, secret):
    from voting.audit.services import chain_name, verify_live_chain

    units = [Unit(f"{n}", "88.50", f"o{n}", building=f"{n % 5 + 1}号楼") for n in range(THREADS)]
    matters = [motion("议事规则"), motion("管理规约")]
    opened = kit.open(kit.community(units), matters, secret=secret)
    first, second = opened.matter_ids
    bodies = [
        {"token": opened.tokens[f"o{n}"],
         "answers": {first: ["agree"], second: [] if n % 2 else ["disagree"]}}
        for n in range(THREADS)
    ]  # fmt: skip
    statuses = post_at_once(app, "/api/v1/ballots", bodies)
    assert statuses == [201] * THREADS
    assert ballot_count(app) == THREADS
    with app.app_context():
        assert verify_live_chain(chain_name(opened.community_id)) == []
    tally = kit.close(opened)
    if secret:  # counted from the totals the trustees decrypt
        from voting.meetings.models import Meeting
        from voting.meetings.tally import board_entries

        from .test_secret import decrypted_counts

        with app.app_context():
            meeting = db.session.get(Meeting, opened.meeting_id)
            counts, part = decrypted_counts(meeting, board_entries(meeting), opened.shares)
        assert tally is None and part[first]["valid_owners"] == THREADS
        assert counts[first]["agree"]["owners"] == THREADS
        assert counts[second]["abstain"]["owners"] == THREADS // 2
        return
    assert tally[0]["participation"]["owners"] == THREADS
    assert tally[0]["tally"][0]["owners"] == THREADS
    assert tally[1]["abstain"]["owners"] == THREADS // 2
