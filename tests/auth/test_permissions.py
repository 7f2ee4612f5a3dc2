"""The one permission table (voting.auth.permissions): role × action × object."""

from types import SimpleNamespace

import pytest

from voting.auth.permissions import PERMISSIONS, allowed_actions, may


def _user(role):
    return SimpleNamespace(role=role)


@pytest.mark.parametrize(
    ("role", "action", "thing", "allowed"),
    [
        ("committee", "run", "meeting", True),
        ("office", "run", "meeting", False),
        ("office", "supervise", "meeting", True),
        ("committee", "supervise", "meeting", False),
        ("office", "void", "meeting", True),
        ("admin", "void", "meeting", False),
        ("admin", "see", "meeting", True),
        ("committee", "publish", "result", True),
        ("office", "publish", "result", False),
        ("office", "countersign", "result", True),
        ("committee", "revoke", "result", False),
    ],
)
def test_the_table_says_who_may(role, action, thing, allowed):
    assert may(_user(role), action, thing) is allowed


def test_nobody_may_without_a_user():
    assert not any(may(None, action, thing) for thing, action in PERMISSIONS)


@pytest.mark.parametrize(
    ("state", "role", "actions"),
    [
        ("draft", "committee", ["submit", "void"]),
        ("submitted", "committee", ["void"]),
        ("submitted", "office", ["approve", "return", "void"]),
        ("approved", "office", ["return", "void"]),
        ("open", "committee", ["close", "void"]),
        ("countersigned", "office", []),
        ("open", "admin", []),
    ],
)
def test_the_buttons_follow_the_table(state, role, actions):
    assert allowed_actions(SimpleNamespace(state=state), role) == actions
