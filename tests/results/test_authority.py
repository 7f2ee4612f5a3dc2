"""Who may sign what: keys bound to their community or office, roles and scopes, and
published results that can only be superseded, never changed."""

import pytest
from sqlalchemy import func, select

from voting.audit.models import AuditEvent
from voting.db import db
from voting.meetings.models import Meeting
from voting.results.keys import SigningKeyError, create_signing_key, current_key, sign_as
from voting.results.models import Result, SigningKey
from voting.results.services import (
    ResultError,
    correct_result,
    countersign_result,
    publish_result,
    return_result,
)
from voting.rosters.models import Community, Office


def _counts(app):
    with app.app_context():
        return (
            db.session.scalar(select(func.count(Result.id))),
            db.session.scalar(select(func.count(AuditEvent.id))),
            [tuple(r) for r in db.session.execute(
                select(Result.id, Result.signatures, Result.document_hash, Result.superseded_at)
            )],
        )  # fmt: skip


def test_a_committee_key_cannot_sign_for_another_community(app, results):
    one = results.setup(name="一号小区")
    other = results.setup(name="二号小区", office=one.office)
    with app.app_context():
        key = current_key(db.session.get(Community, one.community.id))
        foreign = db.session.get(Community, other.community.id)
        with pytest.raises(SigningKeyError) as refused:
            sign_as(key, foreign, "committee", {"format": "gongyi-result/1"})
        assert refused.value.status == 403
        # Nor can it pose as the office's key of its own community.
        with pytest.raises(SigningKeyError):
            sign_as(key, db.session.get(Community, one.community.id), "office", {})


def test_an_office_key_signs_only_for_communities_of_its_office(app, results):
    here = results.setup(name="本街道小区")
    there = results.setup(name="外街道小区")
    with app.app_context():
        key = current_key(db.session.get(Office, here.office.id))
        sign_as(key, db.session.get(Community, here.community.id), "office", {"a": "b"})
        with pytest.raises(SigningKeyError):
            sign_as(key, db.session.get(Community, there.community.id), "office", {"a": "b"})


def test_a_retired_key_signs_nothing(app, cast):
    with app.app_context():
        community = db.session.get(Community, cast.community.id)
        old = current_key(community)
        create_signing_key(community, "user:test")
        db.session.commit()
        with pytest.raises(SigningKeyError, match="停用"):
            sign_as(db.session.get(SigningKey, old.id), community, "committee", {})


def test_committee_of_another_community_cannot_publish(app, results):
    one = results.setup(name="一号小区")
    other = results.setup(name="二号小区", office=one.office)
    before = _counts(app)
    with pytest.raises(ResultError) as refused:
        one.run(publish_result, user=other.committee)
    assert refused.value.status == 403
    with pytest.raises(ResultError):
        one.run(publish_result, user=one.officer)  # the office does not publish
    assert _counts(app) == before


def test_office_cannot_countersign_or_return_outside_its_office(app, results):
    here = results.setup(name="本街道小区")
    there = results.setup(name="外街道小区")
    there.run(publish_result)
    before = _counts(app)
    with pytest.raises(ResultError) as refused:
        there.run(countersign_result, user=here.officer)
    assert refused.value.status == 403
    with pytest.raises(ResultError):
        there.run(return_result, "不同意", user=here.officer)
    with pytest.raises(ResultError):
        there.run(countersign_result, user=there.committee)  # committees do not countersign
    assert _counts(app) == before
    with app.app_context():
        assert db.session.get(Meeting, there.meeting_id).state == "published"


def test_returned_result_goes_back_and_a_logged_correction_supersedes_it(app, cast):
    first = cast.run(publish_result)
    with pytest.raises(ResultError):
        cast.run(return_result, "", user=cast.officer)
    cast.run(return_result, "第3号楼纸质票漏录", user=cast.officer)
    with app.app_context():
        assert db.session.get(Meeting, cast.meeting_id).state == "tallied"
        returned = db.session.get(Result, first.id)
        assert returned.status == "returned" and returned.returned_reason == "第3号楼纸质票漏录"
        assert returned.document == first.document
    with pytest.raises(ResultError):
        cast.run(countersign_result, user=cast.officer)  # nothing to countersign now
    with pytest.raises(ResultError):
        cast.run(publish_result)  # a returned result is corrected, with a reason
    second = cast.run(correct_result, "已补录第3号楼纸质票")
    assert second.version == 2
    cast.run(countersign_result, user=cast.officer)
    with app.app_context():
        types = list(db.session.scalars(
            select(AuditEvent.type).where(AuditEvent.type.like("result.%")).order_by(AuditEvent.id)
        ))  # fmt: skip
        assert types == ["result.prepared", "result.published", "result.returned",
                         "result.prepared", "result.published", "result.countersigned"]  # fmt: skip
        old = db.session.get(Result, first.id)
        assert old.superseded_by_id == second.id and old.document == first.document


def test_a_countersigned_result_is_corrected_only_by_a_new_version(app, client, cast):
    first = cast.run(publish_result)
    signed = cast.run(countersign_result, user=cast.officer)
    with pytest.raises(ResultError):
        cast.run(countersign_result, user=cast.officer)
    second = cast.run(correct_result, "法院判决更正面积")
    with app.app_context():
        assert db.session.get(Meeting, cast.meeting_id).state == "published"
        old = db.session.get(Result, first.id)
        assert old.signatures == signed.signatures and old.status == "superseded"
    # Both versions stay downloadable; the old one is shown as superseded.
    old_json = client.get(f"/public/meetings/{cast.meeting_id}/result.json?version=1").get_json()
    assert old_json["signatures"] == signed.signatures
    new_json = client.get(f"/public/meetings/{cast.meeting_id}/result.json").get_json()
    assert new_json["document"]["supersedes"]["version"] == 1
    assert new_json["document"]["version"] == second.version == 2
    page = client.get(f"/public/meetings/{cast.meeting_id}?version=1").get_data(as_text=True)
    assert "已被更正取代的旧版本" in page


def test_private_keys_are_encrypted_at_rest_and_never_published(app, client, cast):
    result = cast.run(publish_result)
    with app.app_context():
        key = db.session.scalar(select(SigningKey).where(SigningKey.community_id.is_not(None)))
        assert key.private_key_pem.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.type == "key.created"))
        assert all("PRIVATE" not in str(event.data) for event in events)
    listing = client.get("/api/v1/keys").get_data(as_text=True)
    assert "PRIVATE" not in listing and result.signatures[0]["public_key"] in listing


def test_a_changed_passphrase_refuses_to_sign_without_leaking(app, cast):
    app.config["VOTING_KEY_PASSPHRASE"] = "a different passphrase"
    with pytest.raises(ResultError, match="无法解密签名密钥"):
        cast.run(publish_result)


def test_no_version_for_a_voided_meeting(app, client, cast):
    from voting.db import utcnow

    cast.run(publish_result)
    with app.app_context():
        meeting = db.session.get(Meeting, cast.meeting_id)
        meeting.voided_at, meeting.void_reason = utcnow(), "街道撤销"
        db.session.commit()
    before = _counts(app)
    with pytest.raises(ResultError, match="无效"):
        cast.run(correct_result, "更正")
    assert _counts(app) == before
    page = client.get(f"/public/meetings/{cast.meeting_id}").get_data(as_text=True)
    assert "被宣布无效：街道撤销" in page
