"""Fixtures of the ballots tests (helpers live in support.py)."""

import pytest

from .support import MeetingKit


@pytest.fixture
def kit(app):
    return MeetingKit(app)
