"""The frozen roster and the voters' credentials."""

import base64

import pytest
from sqlalchemy import select

from voting.db import db
from voting.meetings import credentials as c
from voting.meetings.errors import MeetingError
from voting.meetings.models import Credential, Meeting, RosterSnapshot, Voter
from voting.rosters.services import community_totals

from .conftest import cast


@pytest.mark.parametrize(
    ("policy", "owners", "area", "voters"),
    [
        ("include", 7, 81380, 6),
        ("exclude_area_only", 7, 78880, 6),
        ("exclude_entirely", 6, 78880, 5),
    ],
)
def test_snapshot_matches_the_roster(app, make, meetings, policy, owners, area, voters):
    community = make.community(parking_policy=policy)
    meeting_id = meetings.plan(community)
    meetings.advance(meeting_id, "open")
    with app.app_context():
        snapshot = db.session.scalar(select(RosterSnapshot))
        totals = community_totals(community)
        assert (snapshot.owners, snapshot.area) == (owners, area) == (totals.owners, totals.area)
        assert snapshot.households == 8 and len(snapshot.snapshot_hash) == 64
        rows = list(db.session.scalars(select(Voter)))
        assert (len(rows), sum(v.area for v in rows)) == (owners, area)
        assert sum(v.can_vote for v in rows) == voters
        assert db.session.query(Credential).count() == voters
        unknown = next(v for v in rows if not v.can_vote)
        assert (unknown.units, unknown.display_name) == (["2号楼 202"], "业主不明")
        co_owned = next(v for v in rows if v.units == ["1号楼 202"])
        assert co_owned.display_name == "李*、王*（代表 李*）"
        liu = next(v for v in rows if v.units == ["1号楼 101", "1号楼 102"])
        assert liu.area == 18000 and liu.id_last4_hash and liu.phone_last4_hash


def test_snapshot_hash_is_stable_and_sees_the_roster(app, make, meetings):
    hashes = []
    for _ in range(2):
        community = make.community(name="同一小区")
        meeting_id = meetings.plan(community)
        meetings.advance(meeting_id, "open")
        with app.app_context():
            hashes.append(
                db.session.scalar(
                    select(RosterSnapshot.snapshot_hash).where(
                        RosterSnapshot.meeting_id == meeting_id
                    )
                )
            )
    # Different meetings (and unit ids) give different hashes.
    assert hashes[0] != hashes[1]


def test_tokens_reprint_and_only_hashes_are_stored(app, meetings, community):
    meeting_id = meetings.plan(community)
    meetings.advance(meeting_id, "open")
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        pairs = c.live_credentials(meeting)
        tokens = [c.credential_token(credential) for _, credential in pairs]
        assert len(set(tokens)) == len(tokens) == 6
        for token, (_, credential) in zip(tokens, pairs, strict=True):
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
            assert len(raw) * 8 >= 128
            assert c.credential_for_token(token).id == credential.id
            assert c.credential_token(credential) == token  # reprinting gives the same link
        dump = repr(
            [
                {col.name: getattr(row, col.name) for col in Credential.__table__.columns}
                for row in db.session.scalars(select(Credential))
            ]
        )
        assert not any(token in dump for token in tokens)
        assert (
            c.credential_for_token(tokens[0][:-1] + ("A" if tokens[0][-1] != "A" else "B")) is None
        )
        assert c.credential_for_token("") is None and c.credential_for_token(None) is None


def test_reissue_revokes_the_old_link(app, meetings, community):
    meeting_id = meetings.plan(community)
    meetings.advance(meeting_id, "open")
    with app.app_context():
        voter, old = c.live_credentials(db.session.get(Meeting, meeting_id))[0]
        old_token = c.credential_token(old)
        with pytest.raises(MeetingError):
            c.reissue_credential(old, "")
        new = c.reissue_credential(old, "信件丢失")
        db.session.commit()
        new_token = c.credential_token(new)
        assert new_token != old_token
        assert c.credential_for_token(old_token).revoked_at is not None
        assert c.credential_for_token(new_token).revoked_at is None
        assert old.revoked_reason == "信件丢失"
        live = [cred.id for v, cred in c.live_credentials(db.session.get(Meeting, meeting_id))]
        assert new.id in live and old.id not in live and len(live) == 6
        key = voter.person_key
    cast(app, meeting_id, {key: {}})
    with app.app_context():
        new = db.session.get(Credential, new.id)
        with pytest.raises(MeetingError) as caught:
            c.reissue_credential(new, "再次补发")
        assert caught.value.code == "ALREADY_VOTED"
        c.revoke_credential(new, "业主要求")
        db.session.commit()
        with pytest.raises(MeetingError) as caught:
            c.revoke_credential(new, "again")
        assert caught.value.code == "ALREADY_REVOKED"


def test_changed_secret_key_is_detected(app, meetings, community):
    meeting_id = meetings.plan(community)
    meetings.advance(meeting_id, "open")
    app.config["SECRET_KEY"] = "another secret"
    with app.app_context():
        _, credential = c.live_credentials(db.session.get(Meeting, meeting_id))[0]
        with pytest.raises(MeetingError) as caught:
            c.credential_token(credential)
        assert caught.value.code == "CREDENTIAL_KEY_CHANGED"


def test_a_changed_secret_key_answers_409_on_the_letters_and_the_links_csv(
    app, meetings, community, make, client, auth
):
    meeting_id = meetings.plan(community)
    meetings.advance(meeting_id, "open")
    app.config["SECRET_KEY"] = "another secret"
    committee = make.user("committee", community=community)
    headers = {"Authorization": f"Bearer {make.token(committee)}"}
    api = client.get(f"/api/v1/meetings/{meeting_id}/credentials.csv", headers=headers)
    assert api.status_code == 409
    assert api.get_json()["error"]["code"] == "credential_key_changed"
    auth.login(committee)
    for page in ("letters", "credentials.csv"):
        response = client.get(f"/meetings/{meeting_id}/{page}")
        assert response.status_code == 409
        assert "系统密钥已更换" in response.get_data(as_text=True)
