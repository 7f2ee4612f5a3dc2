"""Holding a row for the rest of a transaction keeps what this session changed but had not
yet written (publication locks the meeting right after the count set its state)."""

from voting.db import db, lock_row
from voting.rosters.models import Office


def test_a_locked_row_keeps_the_changes_not_yet_written(app):
    with app.app_context():
        office = Office(name="望京街道办事处")
        db.session.add(office)
        db.session.commit()
        office.name = "望京街道"  # set, not yet flushed
        lock_row(office)
        assert office.name == "望京街道"
        db.session.commit()
    with app.app_context():
        assert db.session.get(Office, office.id).name == "望京街道"
