"""Objections (异议): a preliminary result, owners object from their link, the committee
answers, the final result records how many there were, and the office countersigns it."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from voting.audit.models import AuditEvent
from voting.db import db
from voting.meetings.models import Credential, Meeting
from voting.results.models import Objection, Result
from voting.results.services import (
    ResultError,
    countersign_result,
    objection_deadline,
    publish_result,
)

WITH_OBJECTIONS = {"parking_policy": "include", "objection_days": 7}


@pytest.fixture
def preliminary(app, results):
    """A published preliminary result, and personal links for the first three voters."""
    from voting.meetings.credentials import credential_token, issue_credentials

    cast = results.setup(procedure=WITH_OBJECTIONS)
    result = cast.run(publish_result)
    with app.app_context():
        meeting = db.session.get(Meeting, cast.meeting_id)
        issue_credentials(meeting, cast.seeded.voter_ids[:3], datetime.now(UTC))
        db.session.commit()
        credentials = db.session.scalars(select(Credential).order_by(Credential.voter_id))
        cast.tokens = [credential_token(c) for c in credentials]
    cast.preliminary = result
    return cast


def _objections(app):
    with app.app_context():
        return list(db.session.scalars(select(Objection).order_by(Objection.id)))


def _end_the_period(app, cast):
    with app.app_context():
        result = db.session.get(Result, cast.preliminary.id)
        result.objections_close_at = datetime.now(UTC) - timedelta(minutes=1)
        db.session.commit()


def test_first_publication_is_preliminary_with_a_deadline(app, preliminary):
    doc = preliminary.preliminary.document
    assert doc["preliminary"] is True
    assert doc["objections"]["period_days"] == 7 and doc["objections"]["filed"] == 0
    assert doc["objections"]["closes_at"].endswith("T16:00:00Z")  # 24:00 in Shanghai


def test_objection_deadline_does_not_count_the_day_of_publication(app, cast):
    with app.app_context():
        meeting = db.session.get(Meeting, cast.meeting_id)
        meeting.procedure = WITH_OBJECTIONS
        published = datetime(2024, 6, 20, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
        assert objection_deadline(meeting, published) == datetime(2024, 6, 27, 16, 0, tzinfo=UTC)


def test_owner_objects_and_receipts_on_the_board_are_never_stored(app, client, preliminary):
    token = preliminary.tokens[0]
    page = client.get(f"/v/{token}/objection")
    assert page.status_code == 200 and "异议期至" in page.get_data(as_text=True)
    on_board = preliminary.seeded.receipts[1]
    refused = client.post(f"/v/{token}/objection",
                          data={"kind": "receipt_missing", "receipt": on_board})  # fmt: skip
    assert refused.status_code == 422 and "已经在公示的表决记录中" in refused.get_data(as_text=True)
    assert _objections(app) == []
    missing = "ABCD-1234 " * 4
    data = {"kind": "receipt_missing", "receipt": missing, "text": "投票后没看到"}
    filed = client.post(f"/v/{token}/objection", data=data)
    assert filed.status_code == 302
    other = client.post(f"/v/{preliminary.tokens[1]}/objection",
                        data={"kind": "wrong_area", "text": "我家面积是 90.50 平方米"})  # fmt: skip
    assert other.status_code == 302
    empty = client.post(f"/v/{token}/objection", data={"kind": "other", "text": "  "})
    assert empty.status_code == 422
    too_long = client.post(f"/v/{token}/objection", data={"kind": "other", "text": "长" * 501})
    assert too_long.status_code == 422
    stored = _objections(app)
    assert [(o.kind, o.receipt) for o in stored] == [
        ("receipt_missing", "abcd1234" * 4),
        ("wrong_area", None),
    ]
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.type == "objection.filed"))
        for event in events:
            assert set(event.data) == {"meeting_id", "objection_id", "kind", "version"}
    assert client.get("/v/not-a-real-token-at-all/objection").status_code == 404


def test_final_result_waits_for_the_period_and_every_answer(app, client, auth, preliminary):
    client.post(f"/v/{preliminary.tokens[0]}/objection", data={"kind": "wrong_area"})
    client.post(f"/v/{preliminary.tokens[1]}/objection", data={"kind": "other", "text": "有疑问"})
    with pytest.raises(ResultError, match="异议期尚未结束"):
        preliminary.run(publish_result)
    with pytest.raises(ResultError, match="初步结果"):
        preliminary.run(countersign_result, user=preliminary.officer)
    _end_the_period(app, preliminary)
    late = client.post(f"/v/{preliminary.tokens[2]}/objection", data={"kind": "wrong_area"})
    assert late.status_code == 409 and "不在异议期内" in late.get_data(as_text=True)
    with pytest.raises(ResultError, match="未答复"):
        preliminary.run(publish_result)
    # The office sees every objection before countersigning.
    auth.login(preliminary.officer)
    office_page = client.get(f"/communities/{preliminary.community.id}/results")
    assert "有疑问" in office_page.get_data(as_text=True)
    # Who objected, so that "面积有误" can be followed up: units and masked names.
    assert "1号楼 101（王*）" in office_page.get_data(as_text=True)
    assert "1号楼 102（王*）" in office_page.get_data(as_text=True)
    auth.logout()
    auth.login(preliminary.committee)
    committee_page = client.get(f"/communities/{preliminary.community.id}/results")
    assert "1号楼 101（王*）" in committee_page.get_data(as_text=True)
    first, second = _objections(app)
    for objection in (first, second):
        answered = client.post(f"/results/objections/{objection.id}/answer",
                               data={"answer": "已核实，面积按登记面积计算。"})  # fmt: skip
        assert answered.status_code == 302
    final = preliminary.run(publish_result)
    assert final.version == 2 and final.is_preliminary is False
    assert final.document["preliminary"] is False
    assert final.document["objections"] == {"period_days": 7, "filed": 2, "answered": 2}
    assert final.document["supersedes"]["version"] == 1
    signed = preliminary.run(countersign_result, user=preliminary.officer)
    assert [s["role"] for s in signed.signatures] == ["committee", "office"]
    # The owner reads the answer from their link.
    answer_page = client.get(f"/v/{preliminary.tokens[0]}/objection").get_data(as_text=True)
    assert "已核实，面积按登记面积计算。" in answer_page


def test_answers_come_only_from_the_committee_of_that_community(app, client, auth, preliminary):
    client.post(f"/v/{preliminary.tokens[0]}/objection", data={"kind": "wrong_area"})
    (objection,) = _objections(app)
    auth.login(preliminary.officer)
    client.post(f"/results/objections/{objection.id}/answer", data={"answer": "街道代答"})
    with app.app_context():
        assert db.session.get(Objection, objection.id).answered_at is None
        count = db.session.scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.type == "objection.answered")
        )
        assert count == 0


def test_a_not_me_objection_blocks_countersigning_until_the_office_answers(app, cast):
    """Filed during voting or after, it stays out of the result's objection counts (it
    contests a ballot, not the result), and only the office answers it."""
    from voting.auth.models import User
    from voting.ballots.owners import file_not_me
    from voting.meetings.models import Voter
    from voting.results.objections import answer_objection

    with app.app_context():
        objection = file_not_me(db.session.get(Voter, cast.seeded.voter_ids[2]), "不是我", "unit")
        db.session.commit()
        objection_id = objection.id
    published = cast.run(publish_result)
    assert published.document["objections"]["filed"] == 0
    with pytest.raises(ResultError, match="不是本人投的"):
        cast.run(countersign_result, user=cast.officer)
    with app.app_context(), pytest.raises(ResultError):
        committee = db.session.get(User, cast.committee.id)
        answer_objection(db.session.get(Objection, objection_id), committee, "没问题")
    with app.app_context():
        officer = db.session.get(User, cast.officer.id)
        answer_objection(db.session.get(Objection, objection_id), officer, "已核查，系本人委托。")
        db.session.commit()
    signed = cast.run(countersign_result, user=cast.officer)
    assert [s["role"] for s in signed.signatures] == ["committee", "office"]


def test_the_participation_list_is_public_during_the_objection_period(app, client, preliminary):
    page = client.get(f"/public/meetings/{preliminary.meeting_id}/participants")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "异议期内公示" in text
    assert "1号楼 101" in text and "3号楼 202" not in text  # units that voted, not the others
    assert "候选人" not in text and "甲物业" not in text  # no choices
    assert f"/public/meetings/{preliminary.meeting_id}/record" in text
    announcement = client.get(f"/public/meetings/{preliminary.meeting_id}")
    assert f"/public/meetings/{preliminary.meeting_id}/record" in announcement.get_data(
        as_text=True
    )
