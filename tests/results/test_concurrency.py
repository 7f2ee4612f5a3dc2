"""Publishing and countersigning at the same moment on PostgreSQL: one version, one
countersignature, whatever the timing."""

import os

import pytest
from sqlalchemy import func, select

from tests.concurrency import post_at_once
from voting.db import db
from voting.results.models import Result

pytestmark = pytest.mark.skipif(
    not os.environ.get("VOTING_TEST_DATABASE_URL"), reason="concurrency is tested on PostgreSQL"
)
THREADS = 8


def at_once(app, path: str, token: str) -> list[int]:
    """POST from THREADS threads released together; their statuses."""
    return post_at_once(app, path, [None] * THREADS, {"Authorization": f"Bearer {token}"})


def test_simultaneous_publications_make_one_version_and_one_countersignature(app, make, cast):
    base = f"/api/v1/meetings/{cast.meeting_id}"
    statuses = at_once(app, base + "/publish", make.token(cast.committee))
    assert sorted(statuses) == [201] + [409] * (THREADS - 1)
    statuses = at_once(app, base + "/countersign", make.token(cast.officer))
    assert sorted(statuses) == [200] + [409] * (THREADS - 1)
    with app.app_context():
        assert db.session.scalar(select(func.count(Result.id))) == 1
        (result,) = db.session.scalars(select(Result))
        assert [s["role"] for s in result.signatures] == ["committee", "office"]
