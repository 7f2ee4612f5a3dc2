"""The audit log is hash-chained: any edit in the database is found by the chain check."""

import pytest
from sqlalchemy import select, text, update

from tests.conftest import PG_URL
from voting.audit import services as audit
from voting.audit.models import AuditEvent
from voting.audit.services import (
    chain_name,
    record_event,
    record_event_at_commit,
    verify_live_chain,
)
from voting.db import db


def test_events_chain_and_verify(app, community):
    with app.app_context():
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.chain == chain_name(community.id))
            .order_by(AuditEvent.seq)
        ).all()  # fmt: skip
        assert [e.seq for e in events] == list(range(1, len(events) + 1))
        assert events[0].prev == "0" * 64
        assert all(e.prev == p.hash for p, e in zip(events, events[1:], strict=False))
        assert {e.type for e in events} >= {"community.created", "roster.imported"}
        assert verify_live_chain(chain_name(community.id)) == []


def test_editing_an_event_in_the_database_is_detected(app, community):
    name = chain_name(community.id)
    with app.app_context():
        db.session.execute(
            update(AuditEvent)
            .where(AuditEvent.chain == name, AuditEvent.type == "roster.imported")
            .values(data={"units": 11, "owners": 7, "area": 81380})
        )
        db.session.commit()
        problems = verify_live_chain(name)
    assert problems and "event" in problems[0]


def test_deleting_the_last_event_is_detected(app, community):
    name = chain_name(community.id)
    with app.app_context():
        last = db.session.scalar(
            select(AuditEvent).where(AuditEvent.chain == name).order_by(AuditEvent.seq.desc())
        )
        db.session.execute(text("DELETE FROM audit_events WHERE id = :id"), {"id": last.id})
        db.session.commit()
        assert verify_live_chain(name)


def test_cli_audit_verify(app, community, runner):
    result = runner.invoke(args=["audit", "verify", str(community.id)])
    assert result.exit_code == 0 and "ok" in result.output
    with app.app_context():
        db.session.execute(
            update(AuditEvent)
            .where(AuditEvent.chain == chain_name(community.id), AuditEvent.seq == 1)
            .values(actor="user:mallory")
        )
        db.session.commit()
    result = runner.invoke(args=["audit", "verify", str(community.id)])
    assert result.exit_code == 1 and "MISMATCH" in result.output


def test_chains_are_per_community(app, make):
    a = make.community(name="甲")
    b = make.community(name="乙")
    with app.app_context():
        record_event("test.note", {"n": 1}, community_id=a.id)
        db.session.commit()
        seqs = {
            c: db.session.scalar(
                select(AuditEvent.seq).where(AuditEvent.chain == chain_name(c))
                .order_by(AuditEvent.seq.desc())
            )
            for c in (a.id, b.id)
        }  # fmt: skip
    assert seqs[a.id] == seqs[b.id] + 1


def _events(name: str) -> list[AuditEvent]:
    return db.session.scalars(
        select(AuditEvent).where(AuditEvent.chain == name).order_by(AuditEvent.seq)
    ).all()


def test_events_at_commit_keep_their_order_and_are_appended_by_either_commit(app, community):
    name = chain_name(community.id)
    with app.app_context():
        before = len(_events(name))
        record_event_at_commit("test.waits", {"n": 1}, community_id=community.id)
        assert len(_events(name)) == before  # not yet in the chain
        record_event("test.now", {"n": 2}, community_id=community.id)  # appended after it
        record_event_at_commit("test.last", {"n": 3}, community_id=community.id)
        audit.commit()
        record_event_at_commit("test.plain", {"n": 4}, community_id=community.id)
        db.session.commit()  # an ordinary commit appends it too
        events = _events(name)
        assert [(e.type, e.data["n"]) for e in events[before:]] == [
            ("test.waits", 1), ("test.now", 2), ("test.last", 3), ("test.plain", 4)
        ]  # fmt: skip
        assert verify_live_chain(name) == []


def test_a_rolled_back_event_at_commit_is_never_appended(app, community):
    name = chain_name(community.id)
    with app.app_context():
        before = len(_events(name))
        record_event_at_commit("test.undone", {"n": 1}, community_id=community.id)
        db.session.rollback()
        record_event("test.kept", {"n": 2}, community_id=community.id)
        audit.commit()
        events = _events(name)
        assert [e.type for e in events[before:]] == ["test.kept"]
        assert verify_live_chain(name) == []


@pytest.mark.skipif(not PG_URL, reason="the pipelined commit is PostgreSQL's")
def test_a_transaction_whose_event_cannot_be_appended_commits_nothing(app, make):
    from voting.rosters.models import Office

    with app.app_context():
        db.session.add(Office(name="不该留下的街道"))
        # No chain has this name, so the append finds no head: the commit must fail whole.
        record_event_at_commit("test.orphan", {"n": 1}, office_id=987654)
        with pytest.raises(Exception, match="not-null|null value"):
            audit.commit()
        assert db.session.scalar(select(Office).where(Office.name == "不该留下的街道")) is None
        assert _events(chain_name(office_id=987654)) == []
        record_event("test.after", {"n": 2}, office_id=987654)  # the session works on
        audit.commit()
        assert [e.type for e in _events(chain_name(office_id=987654))] == ["test.after"]


def test_an_api_call_is_logged_under_the_token_s_user(app, make, community, client):
    token = make.token(make.user("committee", "api-member", community=community))
    response = client.put(
        f"/api/v1/communities/{community.id}/procedure",
        json={"parking_policy": "exclude_entirely"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.get_json()
    with app.app_context():
        last = _events(chain_name(community.id))[-1]
    assert (last.type, last.actor) == ("procedure.updated", "user:api-member")
