"""Fixtures of the secret-ballot tests: the meetings fixtures, with cheap scrypt for the
trustees' share files (the real cost is what no test here measures)."""

import pytest

from tests.meetings.conftest import (  # noqa: F401  (fixtures)
    Meetings,
    meetings,
    staff,
)

#: The lowest scrypt cost a share file is accepted with (FORMATS §9.9).
CHEAP_SCRYPT_N = 2**14


@pytest.fixture
def app_config(app_config):
    return {**app_config, "VOTING_KEY_SHARE_SCRYPT_N": CHEAP_SCRYPT_N}
