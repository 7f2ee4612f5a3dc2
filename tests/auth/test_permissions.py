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
        ("admin", "create", "office", True),
        ("office", "create", "office", False),
        ("office", "create", "community", True),
        ("committee", "create", "community", False),
        ("committee", "contact", "community", True),
        ("admin", "contact", "community", False),
        ("committee", "edit", "roster", True),
        ("admin", "edit", "procedure", True),
        ("committee", "run", "consultation", True),
        ("office", "run", "consultation", True),
        ("admin", "run", "consultation", False),
        ("admin", "see", "consultation", True),
        ("building_head", "see", "community", False),
        ("building_head", "see", "consultation", False),
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


def test_load_reads_ids_up_to_the_range_of_the_key(app):
    from voting.auth.permissions import MAX_BIG_ID, MAX_ID, load
    from voting.consultations.models import ConsultationComment
    from voting.meetings.models import Credential, Meeting

    with app.app_context():
        # Beyond an INTEGER key no row can exist: None, without asking the database.
        assert load(Meeting, MAX_ID + 1) is None
        # A BIGINT key is asked up to its own range.
        assert load(Credential, MAX_ID + 1) is None
        assert load(ConsultationComment, MAX_BIG_ID) is None
        assert load(ConsultationComment, MAX_BIG_ID + 1) is None
        assert load(Meeting, 0) is None
