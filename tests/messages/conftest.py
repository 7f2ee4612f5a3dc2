"""Fixtures of the messages tests: the ``file:`` provider, read as an owner's phone would."""

import json

import pytest


@pytest.fixture
def phone_file(tmp_path):
    return tmp_path / "phones.jsonl"


@pytest.fixture
def app_config(app_config, phone_file):
    # Quiet hours off unless a test sets them: what the worker sends must not depend on
    # the hour the tests run at.
    return {**app_config, "VOTING_SMS_PROVIDER": f"file:{phone_file}", "VOTING_QUIET_HOURS": ""}


def received(phone_file, to: str | None = None) -> list[dict]:
    """The messages the file provider delivered (to one phone, if given)."""
    if not phone_file.exists():
        return []
    lines = [json.loads(line) for line in phone_file.read_text().splitlines()]
    return [m for m in lines if to is None or m["to"] == to]


def deliver(app) -> int:
    """Run the worker once, as ``voting worker --once`` does."""
    from voting.messages.worker import deliver_due

    with app.app_context():
        return deliver_due()


def empty_outbox(app) -> None:
    """Drop the notices and links a meeting's announcement and opening queued, for tests of
    the messages that come after."""
    from sqlalchemy import delete

    from voting.db import db
    from voting.messages.models import Message

    with app.app_context():
        db.session.execute(delete(Message))
        db.session.commit()
