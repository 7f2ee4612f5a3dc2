"""Fixtures of the ballots tests (helpers live in support.py)."""

import pytest
from argon2 import PasswordHasher

from .support import MeetingKit


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch):
    """Committee members log in in many tests here; their passwords need no real cost."""
    monkeypatch.setattr(
        "voting.auth.services._hasher", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)
    )


@pytest.fixture
def kit(app):
    return MeetingKit(app)
