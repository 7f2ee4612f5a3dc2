"""Each anomaly is staged and found with its evidence; a clean meeting raises none."""

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from voting.ballots.models import Ballot
from voting.db import db, utcnow
from voting.meetings.models import Credential, Meeting, Voter
from voting.supervision.models import IdentityCheckFailure

from .support import PDF, last4


@pytest.fixture
def opened(world, cast):
    """An open meeting in community A (nine owners who confirm identity by phone)."""
    return world.open(cast.a.id)


def codes(found) -> list[str]:
    return sorted(a.code for a in found)


def reissue(app, credential_id: int, reason: str = "通知书丢失") -> int:
    from voting.meetings.credentials import reissue_credential

    with app.app_context():
        new = reissue_credential(db.session.get(Credential, credential_id), reason)
        db.session.commit()
        return new.id


def committee_member(make, cast, name: str):
    return make.user("committee", name, community=cast.a)


def enter_paper(app, opened, owner: str, user, channel="paper", proxy_id=None, keep=False):
    """One member's keying of a paper ballot; a listed conflict is committed as the page would."""
    from voting.auth.models import User
    from voting.ballots.errors import BallotError
    from voting.ballots.paper import enter_paper_ballot

    with app.app_context():
        meeting = db.session.get(Meeting, opened.meeting_id)
        voter = db.session.get(Voter, opened.voter_ids[owner])
        try:
            enter_paper_ballot(
                meeting,
                voter,
                db.session.get(User, user.id),
                answers={opened.matter_id: ["agree"]},
                channel=channel,
                proxy_id=proxy_id,
            )
        except BallotError as error:
            assert keep and error.keep, error.code
        db.session.commit()


def record_proxy(app, opened, owner: str, user, agent: str) -> int:
    from voting.auth.models import User
    from voting.ballots.proxies import record_proxy as record

    with app.app_context():
        meeting = db.session.get(Meeting, opened.meeting_id)
        voter = db.session.get(Voter, opened.voter_ids[owner])
        proxy = record(
            meeting,
            voter,
            db.session.get(User, user.id),
            agent_name=agent,
            file_name="委托书.pdf",
            data=PDF,
        )
        db.session.commit()
        return proxy.id


def test_a_clean_meeting_raises_none(app, client, make, world, cast, opened):
    for number in range(1, 6):
        world.vote(opened, f"o{number}", source=f"10.0.0.{number}")
    wang, li = committee_member(make, cast, "wang"), committee_member(make, cast, "li")
    for member in (wang, li):
        enter_paper(app, opened, "o6", member)
    proxy = record_proxy(app, opened, "o7", wang, "张三")
    for member in (wang, li):
        enter_paper(app, opened, "o7", member, channel="proxy", proxy_id=proxy)
    reissue(app, opened.credential_ids["o8"])  # once: below every threshold
    client.post(f"/v/{opened.tokens['o9']}/verify", data={"last4": "9999"})
    client.post(f"/v/{opened.tokens['o9']}/verify", data={"last4": last4("o9")})
    assert world.anomalies(opened.meeting_id) == []
    world.vote(opened, "o9", source="10.0.0.9")
    world.close(opened, early=False)
    assert world.state(opened.meeting_id) == "tallied"
    assert world.anomalies(opened.meeting_id) == []


def test_many_reissues_for_one_voter_and_in_the_meeting(app, world, opened):
    credential = opened.credential_ids["o1"]
    for reason in ("通知书丢失", "手机更换", "再次丢失"):
        credential = reissue(app, credential, reason)
    found = world.anomalies(opened.meeting_id)
    assert codes(found) == ["reissues_voter"]
    anomaly = found[0]
    assert anomaly.counts == {"reissues": 3, "threshold": 3}
    assert anomaly.subject == "1号楼 101（业**）"
    assert [e.detail["reason"] for e in anomaly.evidence] == ["通知书丢失", "手机更换", "再次丢失"]
    assert anomaly.first_at <= anomaly.last_at

    app.config["VOTING_ANOMALY_MEETING_REISSUES"] = 4
    reissue(app, opened.credential_ids["o2"])
    found = world.anomalies(opened.meeting_id)
    assert codes(found) == ["reissues_meeting", "reissues_voter"]
    meeting_wide = next(a for a in found if a.code == "reissues_meeting")
    assert meeting_wide.counts == {"reissues": 4, "voters": 2, "threshold": 4}


def test_wrong_identity_checks_on_one_link_are_kept_with_the_address(app, client, world, opened):
    token = opened.tokens["o3"]
    for _ in range(2):
        response = client.post(
            f"/v/{token}/verify", data={"last4": "0000"}, environ_base={"REMOTE_ADDR": "192.0.2.10"}
        )
        assert response.status_code == 403
    assert world.anomalies(opened.meeting_id) == []
    client.post(
        f"/v/{token}/verify", data={"last4": "1234"}, environ_base={"REMOTE_ADDR": "192.0.2.11"}
    )
    [anomaly] = world.anomalies(opened.meeting_id)
    assert anomaly.code == "failed_checks_link" and anomaly.subject == "1号楼 103（业**）"
    assert anomaly.counts == {"failed_checks": 3, "locked": 0, "threshold": 3}
    sources = [e.detail["source"] for e in anomaly.evidence]
    assert len(sources) == 3 and sources[0] == sources[1] != sources[2]
    assert {e.detail["credential_id"] for e in anomaly.evidence} == {opened.credential_ids["o3"]}
    with app.app_context():
        from voting.ballots.services import source_hash

        stored = db.session.scalars(select(IdentityCheckFailure.source_hash)).all()
        assert stored[0] == source_hash("192.0.2.10") and "192.0.2.10" not in stored


def test_wrong_checks_from_one_address_across_links(app, client, world, opened):
    for owner in ("o1", "o2", "o3", "o4"):
        client.post(
            f"/v/{opened.tokens[owner]}/verify",
            data={"last4": "0000"},
            environ_base={"REMOTE_ADDR": "198.51.100.7"},
        )
    client.post(
        "/api/v1/ballots",
        environ_base={"REMOTE_ADDR": "203.0.113.1"},
        json={"token": opened.tokens["o6"], "answers": {}, "verification": "0000"},
    )
    assert world.anomalies(opened.meeting_id) == []  # four from one address, one elsewhere
    response = client.post(
        "/api/v1/ballots",
        environ_base={"REMOTE_ADDR": "198.51.100.7"},
        json={"token": opened.tokens["o5"], "answers": {}, "verification": "0000"},
    )
    assert response.status_code == 403
    [anomaly] = world.anomalies(opened.meeting_id)
    assert anomaly.code == "failed_checks_address"
    assert anomaly.counts == {"failures": 5, "links": 5, "threshold": 5}
    assert len(anomaly.subject) == 8
    assert {e.voter for e in anomaly.evidence} == {f"1号楼 10{n}（业**）" for n in range(1, 6)}


def test_a_burst_of_ballots_from_one_address(app, world, opened):
    start = utcnow() - timedelta(minutes=50)
    for number, minutes in zip(range(1, 6), (0, 2, 20, 25, 40), strict=True):
        world.vote(opened, f"o{number}", source="10.9.9.9", now=start + timedelta(minutes=minutes))
    assert world.anomalies(opened.meeting_id) == []  # never five within ten minutes
    for number, minutes in zip(range(6, 10), (41, 43, 45, 47), strict=True):
        world.vote(opened, f"o{number}", source="10.9.9.9", now=start + timedelta(minutes=minutes))
    [anomaly] = world.anomalies(opened.meeting_id)
    assert anomaly.code == "ballot_burst"
    assert anomaly.counts == {"ballots": 5, "minutes": 10, "from_address": 9, "threshold": 5}
    assert [e.voter for e in anomaly.evidence][0] == "1号楼 105（业**）"
    assert anomaly.last_at - anomaly.first_at == timedelta(minutes=7)
    assert all(e.detail == {"channel": "online"} for e in anomaly.evidence)


def test_one_proxy_holder_carrying_too_many_proxies(app, make, world, cast, opened):
    member = committee_member(make, cast, "wang")
    for owner, spelling in zip(("o1", "o2", "o3"), ("张三", "张 三", " 张三"), strict=True):
        record_proxy(app, opened, owner, member, spelling)
    record_proxy(app, opened, "o4", member, "李四")
    assert world.anomalies(opened.meeting_id) == []  # three: not more than the setting
    record_proxy(app, opened, "o5", member, "张三")
    [anomaly] = world.anomalies(opened.meeting_id)
    assert anomaly.code == "proxy_holder" and anomaly.subject == "张*"
    assert anomaly.counts == {"principals": 4, "threshold": 3}
    assert {e.detail["recorded_by"] for e in anomaly.evidence} == {"user:wang"}


def test_paper_and_online_conflicts(app, make, world, cast, opened):
    world.vote(opened, "o1", source="10.0.0.1")
    member = committee_member(make, cast, "wang")
    enter_paper(app, opened, "o1", member, keep=True)
    [anomaly] = world.anomalies(opened.meeting_id)
    assert anomaly.code == "ballot_conflicts"
    assert anomaly.counts == {"conflicts": 1, "voters": 1}
    [evidence] = anomaly.evidence
    assert evidence.voter == "1号楼 101（业**）" and evidence.detail["attempted_by"] == "user:wang"
    assert evidence.detail["channel"] == "paper" and "网络投票" in evidence.detail["reason"]


def test_ballots_entered_after_the_close(app, world, opened):
    from voting.ballots.services import insert_ballot

    world.vote(opened, "o1")
    world.close(opened, early=False)
    assert world.anomalies(opened.meeting_id) == []
    with app.app_context():
        meeting = db.session.get(Meeting, opened.meeting_id)
        voter = db.session.get(Voter, opened.voter_ids["o2"])
        late = Ballot(
            meeting_id=meeting.id,
            community_id=meeting.community_id,
            voter_id=voter.id,
            channel="online",
            receipt="f" * 32,
            answers={opened.matter_id: ["agree"]},
            cast_at=meeting.closed_at + timedelta(minutes=3),
            entered_by="resident",
        )
        insert_ballot(late, voter, meeting.community_id, "resident")
        db.session.commit()
    found = world.anomalies(opened.meeting_id)
    assert codes(found) == ["ballots_outside_window", "logged_after_close"]
    outside = next(a for a in found if a.code == "ballots_outside_window")
    assert outside.counts == {"ballots": 1} and outside.evidence[0].voter == "1号楼 102（业**）"
    logged = next(a for a in found if a.code == "logged_after_close")
    assert logged.counts["events"] == 1 and logged.evidence[0].detail["type"] == "ballot.cast"


def test_a_ballot_changed_behind_the_log(app, world, opened):
    for owner in ("o1", "o2", "o3"):
        world.vote(opened, owner, choice="agree")
    with app.app_context():
        db.session.execute(
            update(Ballot)
            .where(Ballot.voter_id == opened.voter_ids["o2"])
            .values(answers={opened.matter_id: ["disagree"]})
        )
        db.session.commit()
    [anomaly] = world.anomalies(opened.meeting_id)
    assert anomaly.code == "ballots_changed"
    assert anomaly.counts == {"ballots": 1, "logged_without_ballot": 1, "total": 3}
    assert anomaly.evidence[0].voter == "1号楼 102（业**）"
    assert "answers" not in anomaly.evidence[0].detail


def test_thresholds_are_settings_from_the_environment(app, monkeypatch):
    from voting.config import load_config
    from voting.supervision.anomalies import thresholds

    monkeypatch.setenv("VOTING_ANOMALY_PROXIES", "7")
    assert load_config()["VOTING_ANOMALY_PROXIES"] == 7
    app.config["VOTING_ANOMALY_BURST_MINUTES"] = 30
    with app.app_context():
        limits = thresholds()
    assert limits["VOTING_ANOMALY_BURST_MINUTES"] == 30 and limits["VOTING_ANOMALY_REISSUES"] == 3


def test_the_office_and_the_committee_see_anomalies_with_their_evidence(
    app, client, auth, make, cast, world, opened
):
    member = committee_member(make, cast, "wang")
    world.vote(opened, "o1", source="10.0.0.1")
    enter_paper(app, opened, "o1", member, keep=True)
    for role in ("office_a", "committee_a"):
        auth.login(cast[role])
        page = client.get(f"/supervision/meetings/{opened.meeting_id}").get_data(as_text=True)
        assert 'data-code="ballot_conflicts"' in page and "有 1 次重复投票被拒绝" in page
        assert "1号楼 101（业**）" in page and "录入人：user:wang" in page
        community = client.get(f"/communities/{cast.a.id}/supervision").get_data(as_text=True)
        assert "⚠ 1 项异常" in community
    auth.login(cast["committee_b"])
    assert client.get(f"/supervision/meetings/{opened.meeting_id}").status_code == 404
