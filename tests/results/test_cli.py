"""``voting keys new|list`` and ``voting audit verify`` on the live database."""

from sqlalchemy import select

from voting.audit.models import AuditEvent
from voting.db import db
from voting.results.models import SigningKey
from voting.results.services import publish_result


def _keys(app, **owner):
    with app.app_context():
        column = getattr(SigningKey, next(iter(owner)))
        query = select(SigningKey).where(column == next(iter(owner.values())))
        return list(db.session.scalars(query.order_by(SigningKey.id)))


def test_keys_new_makes_then_rotates_a_committee_key(app, runner, make):
    community = make.community()
    first = runner.invoke(args=["keys", "new", "--community", str(community.id)])
    assert first.exit_code == 0, first.output
    (key,) = _keys(app, community_id=community.id)
    assert f"key id {key.key_id}" in first.output and "PRIVATE" not in first.output
    second = runner.invoke(args=["keys", "new", "--community", str(community.id)])
    assert second.exit_code == 0
    old, new = _keys(app, community_id=community.id)
    assert old.id == key.id and old.retired_at is not None and new.retired_at is None
    listing = runner.invoke(args=["keys", "list"])
    assert old.key_id in listing.output and "retired" in listing.output
    assert new.key_id in listing.output and "current" in listing.output


def test_keys_new_for_an_office_and_refusals(app, runner, make):
    office = make.office()
    assert runner.invoke(args=["keys", "new", "--office", str(office.id)]).exit_code == 0
    assert len(_keys(app, office_id=office.id)) == 1
    both = runner.invoke(args=["keys", "new", "--office", "1", "--community", "1"])
    assert both.exit_code == 2 and "exactly one" in both.output
    assert runner.invoke(args=["keys", "new"]).exit_code == 2
    missing = runner.invoke(args=["keys", "new", "--office", "999999"])
    assert missing.exit_code == 1 and "no office 999999" in missing.output
    assert len(_keys(app, office_id=office.id)) == 1


def test_audit_verify_passes_after_publication_and_names_an_edited_event(app, runner, cast):
    cast.run(publish_result)
    good = runner.invoke(args=["audit", "verify", str(cast.community.id)])
    assert good.exit_code == 0 and good.output.startswith("ok  audit chain community:")
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.type == "result.published"))
        event.data = {**event.data, "document_hash": "0" * 64}
        db.session.commit()
        seq = event.seq
    bad = runner.invoke(args=["audit", "verify", str(cast.community.id)])
    assert bad.exit_code == 1 and bad.output.startswith(f"MISMATCH: event {seq}")


def test_audit_verify_of_an_unknown_community_fails(runner, cast):
    result = runner.invoke(args=["audit", "verify", "999999"])
    assert result.exit_code == 1 and "no community 999999" in result.output
