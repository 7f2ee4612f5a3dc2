"""Publishing a tallied meeting: the signed document, the frozen board, the audit order."""

import json

import pytest
from sqlalchemy import func, select

from voting.audit.models import AuditEvent
from voting.crypto import board_root, canonical, sha256_hex, verify_signature
from voting.crypto.verify import verify
from voting.db import db
from voting.meetings.models import Meeting
from voting.results.models import Result
from voting.results.services import (
    ResultError,
    correct_result,
    countersign_result,
    publish_result,
)


def _result(app, meeting_id, version=None):
    with app.app_context():
        query = select(Result).where(Result.meeting_id == meeting_id)
        if version is not None:
            query = query.where(Result.version == version)
        rows = list(db.session.scalars(query.order_by(Result.version)))
        for row in rows:
            _ = row.board_json
        return rows[-1] if rows else None


def _events(app, community_id):
    with app.app_context():
        return list(
            db.session.scalars(
                select(AuditEvent)
                .where(AuditEvent.chain == f"community:{community_id}")
                .order_by(AuditEvent.seq)
            )
        )


def test_publish_signs_a_document_the_verifier_accepts(app, cast):
    result = cast.run(publish_result)
    doc = result.document
    assert doc["format"] == "gongyi-result/1"
    assert doc["community"] == {"id": str(cast.community.id), "name": "观澜苑"}
    assert doc["office"]["id"] == str(cast.office.id)
    assert doc["meeting"]["id"] == str(cast.meeting_id)
    assert doc["meeting"]["noticed_at"] == "2024-06-01T02:00:00Z"
    assert doc["procedure"] == {
        "parking_policy": "include", "invalid_counts_as_participation": True,
        "ranking_rule": "HEAD_THEN_AREA", "tie_resolution": "runoff", "notice_rule": "CLEAR_15",
    }  # fmt: skip
    assert doc["roster"]["units"] == 10 and doc["roster"]["area"] == "1000.00"
    assert doc["version"] == 1 and doc["preliminary"] is False
    assert doc["objections"] == {"period_days": 0, "filed": 0, "answered": 0}
    motion, selection, election = doc["matters"]
    assert motion["outcome"]["status"] == "passed"
    assert selection["outcome"] == {"status": "selected", "winners": ["1"], "alternates": []}
    # TV-18 under HEAD_THEN_AREA: A, B, D elected, C alternate.
    assert election["outcome"] == {"status": "elected", "winners": ["1", "2", "4"],
                                   "alternates": ["3"]}  # fmt: skip
    assert election["minimum"] == 3
    board = json.loads(result.board_json)
    assert board["format"] == "gongyi-board/1" and board["meeting_id"] == str(cast.meeting_id)
    assert [e["receipt"] for e in board["entries"]] == sorted(r for r in cast.seeded.receipts if r)
    assert result.board_json.encode() == canonical(board)
    assert doc["board"] == {"entries": 9, "merkle_root": board_root(board["entries"])}
    (sig,) = result.signatures
    assert sig["role"] == "committee"
    assert verify_signature(sig["public_key"], sig["signature"], doc)
    assert result.document_hash == sha256_hex(canonical(doc))
    events = [e.as_dict() for e in _events(app, cast.community.id)]
    report = verify(result.signed(), board, {"format": "gongyi-audit/1", "events": events})
    assert report.verified, report.text()
    with app.app_context():
        assert db.session.get(Meeting, cast.meeting_id).state == "published"


def test_audit_head_is_the_prepared_event_and_published_event_follows(app, cast):
    result = cast.run(publish_result)
    events = _events(app, cast.community.id)
    by_seq = {e.seq: e for e in events}
    prepared = by_seq[result.document["audit"]["seq"]]
    assert prepared.type == "result.prepared"
    assert prepared.hash == result.document["audit"]["head"]
    published = by_seq[prepared.seq + 1]
    assert published.type == "result.published"
    assert published.data["document_hash"] == result.document_hash
    assert published.data["key_id"] == result.signatures[0]["key_id"]
    assert result.published_seq == published.seq
    assert events[-1].seq == published.seq


def test_publish_refused_before_tally_and_nothing_changes(app, results):
    from tests.results.conftest import seed_meeting

    cast = results.setup()
    with app.app_context():
        from voting.rosters.models import Community

        seeded = seed_meeting(db.session.get(Community, cast.community.id), state="closed")
        db.session.commit()
    cast.seeded = seeded
    before = len(_events(app, cast.community.id))
    with pytest.raises(ResultError):
        cast.run(publish_result)
    assert _result(app, seeded.meeting_id) is None
    assert len(_events(app, cast.community.id)) == before


def test_publish_needs_a_committee_key(app, results):
    cast = results.setup(keys=False)
    with pytest.raises(ResultError, match="签名密钥"):
        cast.run(publish_result)
    assert _result(app, cast.meeting_id) is None


def test_publishing_twice_is_refused_and_correction_supersedes(app, cast):
    first = cast.run(publish_result)
    with pytest.raises(ResultError):
        cast.run(publish_result)
    with pytest.raises(ResultError, match="理由"):
        cast.run(correct_result, "  ")
    second = cast.run(correct_result, "纸质票录入有误，已更正")
    assert second.version == 2
    assert second.document["supersedes"] == {
        "version": 1, "document_hash": first.document_hash, "reason": "纸质票录入有误，已更正"
    }  # fmt: skip
    old = _result(app, cast.meeting_id, version=1)
    assert old.superseded_by_id == second.id and old.status == "superseded"
    # The old version is unchanged and still verifies.
    assert old.document == first.document and old.signatures == first.signatures
    assert verify(old.signed(), json.loads(old.board_json)).verified
    published = [e for e in _events(app, cast.community.id) if e.type == "result.published"]
    assert [e.data["version"] for e in published] == [1, 2]
    assert published[1].data["reason"] == "纸质票录入有误，已更正"


def test_countersign_appends_office_signature_over_same_document(app, cast):
    published = cast.run(publish_result)
    result = cast.run(countersign_result, user=cast.officer)
    assert result.document == published.document
    committee, office = result.signatures
    assert committee == published.signatures[0]
    assert office["role"] == "office"
    assert verify_signature(office["public_key"], office["signature"], published.document)
    assert verify(result.signed(), json.loads(_result(app, cast.meeting_id).board_json)).verified
    with app.app_context():
        assert db.session.get(Meeting, cast.meeting_id).state == "countersigned"
        assert db.session.scalar(select(func.count(Result.id))) == 1


def test_frozen_board_equals_the_meetings_board_and_is_canonical(app, cast):
    from voting.meetings.tally import board_entries
    from voting.results.board import read_board

    with app.app_context():
        meeting = db.session.get(Meeting, cast.meeting_id)
        board = read_board(meeting)
        assert board.entries == board_entries(meeting)
        parsed = json.loads(board.text)
        assert board.text.encode() == canonical(parsed)
        assert board.merkle_root == board_root(parsed["entries"])


def test_a_stored_ballot_that_cannot_be_on_the_board_stops_publication(app, cast):
    from voting.ballots.models import Ballot

    with app.app_context():
        ballot = db.session.scalar(select(Ballot).where(Ballot.meeting_id == cast.meeting_id))
        ballot.answers = {"1": [1.5]}
        db.session.commit()
    with pytest.raises(ResultError, match="无法根据表决记录生成结果"):
        cast.run(publish_result)
    assert _result(app, cast.meeting_id) is None
