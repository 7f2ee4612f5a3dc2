"""Paper and proxy ballots: two members must agree; conflicts are refused and listed."""

import base64
from datetime import timedelta

import pytest
from sqlalchemy import select

from voting.db import db, utcnow

from .support import election, motion, six_owners

PDF = b"%PDF-1.4\n% signed authorisation\n"


@pytest.fixture
def setup(kit, make):
    community_id = kit.community(six_owners(), max_principals_per_agent=2)
    opened = kit.open(
        community_id,
        [
            motion("修改业主大会议事规则"),
            election("选举业主委员会委员", list("ABCDEFG"), seats=5, alternates=2),
        ],
    )
    tokens = {
        name: make.token(kit.committee(make, community_id, name)) for name in ("wang", "li", "zhao")
    }
    return opened, tokens


def enter(client, opened, bearer, owner, answers, **extra):
    return client.post(
        f"/api/v1/meetings/{opened.meeting_id}/paper-ballots",
        json={"owner_key": owner, "answers": answers, **extra},
        headers={"Authorization": f"Bearer {bearer}"},
    )


def by_proxy(client, opened, bearer, owner, answers, proxy):
    """Enter an agent's ballot for ``owner`` under ``proxy`` (an authorisation, or its id)."""
    return enter(client, opened, bearer, owner, answers, channel="proxy", proxy=proxy)


def ballots(app):
    from voting.ballots.models import Ballot

    with app.app_context():
        return list(db.session.scalars(select(Ballot)))


def test_two_matching_entries_by_two_members_make_the_ballot(app, client, kit, setup):
    opened, tokens = setup
    answers = opened.answers({0: ["同意"], 1: ["A", "B"]})
    first = enter(client, opened, tokens["wang"], "o1", answers)
    assert first.status_code == 202 and first.get_json()["status"] == "pending"
    assert ballots(app) == []
    again = enter(client, opened, tokens["wang"], "o1", answers)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "second_member"
    second = enter(client, opened, tokens["li"], "o1", answers)
    assert second.status_code == 201 and second.get_json()["status"] == "counted"
    [ballot] = ballots(app)
    assert ballot.channel == "paper" and ballot.entered_by == "user:li"
    assert ballot.receipt == second.get_json()["receipt"]
    assert ballot.answers == {
        opened.matter_ids[0]: ["agree"],
        opened.matter_ids[1]: [opened.codes[1]["A"], opened.codes[1]["B"]],
    }
    with app.app_context():
        from voting.audit.models import AuditEvent

        types = [e.type for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq))]
        assert types[-3:] == ["paper.entered", "ballot.cast", "paper.entered"]


def test_mismatched_entries_are_listed_and_a_third_member_settles_them(app, client, kit, setup):
    opened, tokens = setup
    agree, disagree = opened.answers({0: ["同意"]}), opened.answers({0: ["反对"]})
    assert enter(client, opened, tokens["wang"], "o2", agree).status_code == 202
    mismatch = enter(client, opened, tokens["li"], "o2", disagree)
    assert mismatch.status_code == 409
    assert mismatch.get_json()["error"]["code"] == "entry_mismatch"
    assert ballots(app) == []
    with app.app_context():
        from voting.ballots.models import PaperEntry

        assert sorted(e.status for e in db.session.scalars(select(PaperEntry))) == [
            "mismatch",
            "mismatch",
        ]
    # After checking the paper, a third member keys what it says: it matches wang's entry.
    settled = enter(client, opened, tokens["zhao"], "o2", agree)
    assert settled.status_code == 201
    [ballot] = ballots(app)
    assert ballot.answers == {opened.matter_ids[0]: ["agree"]}


def test_matters_and_whole_ballots_ruled_invalid(app, client, setup):
    opened, tokens = setup
    answers = {opened.matter_ids[0]: "invalid", **opened.answers({1: ["C"]})}
    reasons = {opened.matter_ids[0]: "unsigned"}
    missing = enter(client, opened, tokens["wang"], "o3", answers)
    assert missing.status_code == 422
    assert missing.get_json()["error"]["details"][0]["code"] == "reason_required"
    for member in ("wang", "li"):
        response = enter(client, opened, tokens[member], "o3", answers, invalid_reasons=reasons)
    assert response.status_code == 201
    whole = {key: "invalid" for key in opened.matter_ids}
    why = {key: "over_vote" for key in opened.matter_ids}
    for member in ("wang", "li"):
        response = enter(client, opened, tokens[member], "o4", whole, invalid_reasons=why)
    assert response.status_code == 201
    by_voter = {b.voter_id: b for b in ballots(app)}
    assert by_voter[opened.voter_ids["o3"]].invalid_reasons == reasons
    assert by_voter[opened.voter_ids["o4"]].answers == whole


def test_an_over_vote_on_paper_must_be_ruled_invalid_not_stored(client, kit, setup):
    opened, tokens = setup
    before = kit.counts()
    response = enter(client, opened, tokens["wang"], "o3", opened.answers({1: list("ABCDEF")}))
    assert response.status_code == 422 and kit.counts() == before


def test_a_paper_ballot_for_someone_who_voted_online_is_refused_and_listed(app, client, kit, setup):
    opened, tokens = setup
    answers = opened.answers({0: ["同意"]})
    online = client.post("/api/v1/ballots", json={"token": opened.tokens["o5"], "answers": answers})
    assert online.status_code == 201
    before = kit.counts()
    refused = enter(client, opened, tokens["wang"], "o5", opened.answers({0: ["反对"]}))
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "already_voted"
    after = kit.counts()
    assert after["ballots"] == before["ballots"] and after["paper_entries"] == 0
    assert after["ballot_conflicts"] == 1
    with app.app_context():
        from voting.ballots.models import Ballot, BallotConflict

        conflict = db.session.scalar(select(BallotConflict))
        assert conflict.voter_id == opened.voter_ids["o5"] and conflict.attempted_by == "user:wang"
        assert db.session.scalar(select(Ballot.answers)) == {opened.matter_ids[0]: ["agree"]}
    # And an online ballot after a counted paper ballot is refused too.
    for member in ("wang", "li"):
        enter(client, opened, tokens[member], "o6", answers)
    late = client.post("/api/v1/ballots", json={"token": opened.tokens["o6"], "answers": answers})
    assert late.status_code == 409


def test_paper_ballots_for_someone_not_on_the_roster_are_refused(client, kit, setup):
    opened, tokens = setup
    before = kit.counts()
    for key in ("o99", "", None, 5):
        response = enter(client, opened, tokens["wang"], key, opened.answers({0: ["同意"]}))
        assert response.status_code == 404
        assert response.get_json()["error"]["code"] == "not_on_roster"
    assert kit.counts() == before


def test_only_committee_members_of_the_community_enter(app, client, kit, make, setup):
    opened, _tokens = setup
    office_token = make.token(make.user("office", office=make.office("另一个街道")))
    other_community = kit.community(six_owners())
    outsider = make.token(kit.committee(make, other_community, "outsider"))
    before = kit.counts()
    answers = opened.answers({0: ["同意"]})
    assert enter(client, opened, office_token, "o1", answers).status_code == 403
    assert enter(client, opened, outsider, "o1", answers).status_code == 404
    no_token = client.post(
        f"/api/v1/meetings/{opened.meeting_id}/paper-ballots",
        json={"owner_key": "o1", "answers": answers},
    )
    assert no_token.status_code == 401
    assert kit.counts() == before


def test_entry_is_refused_once_the_meeting_is_closed(client, kit, setup):
    opened, tokens = setup
    assert (
        enter(client, opened, tokens["wang"], "o1", opened.answers({0: ["同意"]})).status_code
        == 202
    )
    kit.shift_window(opened, days=11)
    # After the closing time, while the meeting is still open, the boxes are keyed (with the
    # time the box received each ballot, before the close).
    received = (utcnow() - timedelta(days=1, hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert (
        enter(
            client, opened, tokens["li"], "o1", opened.answers({0: ["同意"]}), received_at=received
        ).status_code  # fmt: skip
        == 201
    )
    kit.close(opened)
    before = kit.counts()
    response = enter(client, opened, tokens["wang"], "o2", opened.answers({0: ["同意"]}))
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "closed"
    assert kit.counts() == before


def proxy_body(**overrides):
    body = {
        "agent_name": "张三",
        "file_name": "委托书.pdf",
        "content_base64": base64.b64encode(PDF).decode(),
    }
    return {**body, **overrides}


def test_a_proxy_ballot_records_the_authorisation_and_its_scope(app, client, kit, setup):
    opened, tokens = setup
    scope = [opened.matter_ids[0]]
    until = (utcnow() + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
    answers = opened.answers({0: ["同意"]})
    first = by_proxy(
        client,
        opened,
        tokens["wang"],
        "o1",
        answers,
        proxy_body(matters=scope, instructions="全部同意", valid_until=until),
    )
    assert first.status_code == 202
    assert isinstance(first.get_json()["proxy_id"], str)  # ids are strings in answers
    proxy_id = int(first.get_json()["proxy_id"])  # and integers are accepted in requests
    outside = by_proxy(
        client, opened, tokens["li"], "o1", opened.answers({1: ["A"]}), {"id": proxy_id}
    )
    assert outside.status_code == 422 and outside.get_json()["error"]["code"] == "proxy_scope"
    details = outside.get_json()["error"]["details"]  # each names its matter, code and message
    assert details and all(d["matter"] and d["code"] and d["message"] for d in details)
    second = by_proxy(client, opened, tokens["li"], "o1", answers, {"id": proxy_id})
    assert second.status_code == 201
    [ballot] = ballots(app)
    assert ballot.channel == "proxy" and ballot.proxy_id == proxy_id
    with app.app_context():
        from voting.ballots.models import ProxyAuthorisation

        proxy = db.session.get(ProxyAuthorisation, proxy_id)
        assert proxy.agent_name == "张三" and proxy.matters == scope
        assert proxy.data == PDF and proxy.content_type == "application/pdf"
        assert proxy.instructions == "全部同意" and proxy.recorded_by == "user:wang"


@pytest.mark.parametrize(
    ("proxy", "code"),
    [
        (proxy_body(content_base64=base64.b64encode(b"GIF89a").decode()), "upload_type"),
        (proxy_body(content_base64="***"), "invalid"),
        (proxy_body(agent_name=""), "agent_required"),
        (proxy_body(matters=["999999"]), "proxy_matters"),
        (proxy_body(valid_until="2000-01-01T00:00:00Z"), "proxy_expired"),
        (proxy_body(valid_until="tomorrow"), "invalid"),
        ({"id": 999999}, "proxy_required"),
        (None, "proxy_required"),
    ],
)
def test_bad_authorisations_are_refused(client, kit, setup, proxy, code):
    opened, tokens = setup
    before = kit.counts()
    response = by_proxy(client, opened, tokens["wang"], "o1", opened.answers({0: ["同意"]}), proxy)
    assert response.status_code == 422 and response.get_json()["error"]["code"] == code
    assert kit.counts() == before


def test_scans_are_size_limited(make_app, kit, make):
    app = make_app(MAX_PROXY_BYTES=1024)
    kit.app = app
    community_id = kit.community(six_owners())
    opened = kit.open(community_id, [motion("议事规则")])
    bearer = make.token(kit.committee(make, community_id, "wang"))
    big = base64.b64encode(PDF + b"0" * 2048).decode()
    response = by_proxy(
        app.test_client(),
        opened,
        bearer,
        "o1",
        opened.answers({0: ["同意"]}),
        proxy_body(content_base64=big),
    )
    assert response.status_code == 422 and response.get_json()["error"]["code"] == "upload_size"


def test_an_agent_may_hold_only_as_many_principals_as_the_rules_allow(client, kit, setup):
    opened, tokens = setup
    answers = opened.answers({0: ["同意"]})
    for owner in ("o1", "o2"):
        response = by_proxy(client, opened, tokens["wang"], owner, answers, proxy_body())
        assert response.status_code == 202
    before = kit.counts()
    third = by_proxy(client, opened, tokens["wang"], "o3", answers, proxy_body(agent_name=" 张三 "))
    assert third.status_code == 422
    assert third.get_json()["error"]["code"] == "too_many_principals"
    assert kit.counts() == before


def test_a_paper_ballot_takes_no_authorisation(client, kit, setup):
    opened, tokens = setup
    before = kit.counts()
    response = enter(
        client, opened, tokens["wang"], "o1", opened.answers({0: ["同意"]}), proxy={"id": 1}
    )
    assert response.status_code == 422 and kit.counts() == before


def _z(moment) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_a_ballot_received_after_the_close_is_refused(app, client, kit, setup):
    from voting.meetings.models import Meeting

    opened, tokens = setup
    kit.shift_window(opened, days=11)  # voting closed a day ago; the boxes are being keyed
    with app.app_context():
        closes_at = db.session.get(Meeting, opened.meeting_id).closes_at
    answers = opened.answers({0: ["同意"]})
    before = kit.counts()
    missing = enter(client, opened, tokens["wang"], "o1", answers)
    assert missing.status_code == 422
    assert missing.get_json()["error"]["code"] == "received_at_required"
    late = enter(client, opened, tokens["wang"], "o1", answers,
                 received_at=_z(closes_at + timedelta(minutes=39)))  # fmt: skip
    assert late.status_code == 409
    error = late.get_json()["error"]
    assert error["code"] == "received_after_close" and "晚于表决截止时间" in error["message"]
    future = enter(client, opened, tokens["wang"], "o1", answers,
                   received_at=_z(utcnow() + timedelta(hours=1)))  # fmt: skip
    assert future.status_code == 422
    bad = enter(client, opened, tokens["wang"], "o1", answers, received_at="yesterday")
    assert bad.status_code == 422
    assert kit.counts() == before


def test_a_ballot_keyed_after_the_close_but_received_before_counts_and_is_listed(
    app, client, kit, make, setup
):
    from voting.ballots.models import Ballot
    from voting.meetings.models import Meeting
    from voting.rosters.models import Community

    opened, tokens = setup
    kit.shift_window(opened, days=11)
    with app.app_context():
        closes_at = db.session.get(Meeting, opened.meeting_id).closes_at
        office = db.session.get(Community, opened.community_id).office
    received = (closes_at - timedelta(minutes=20)).replace(microsecond=0)
    answers = opened.answers({0: ["同意"]})
    for name in ("wang", "li"):
        entered = enter(client, opened, tokens[name], "o1", answers, received_at=_z(received))
    assert entered.status_code == 201
    with app.app_context():
        ballot = db.session.scalar(select(Ballot))
        assert ballot.received_at == received and ballot.cast_at > closes_at
    officer = make.user("office", "office-zhao", office=office)
    answer = client.get(f"/api/v1/meetings/{opened.meeting_id}/anomalies",
                        headers={"Authorization": f"Bearer {make.token(officer)}"})  # fmt: skip
    [listed] = [a for a in answer.get_json()["anomalies"] if a["code"] == "paper_keyed_after_close"]
    assert listed["counts"] == {"ballots": 1}
    [evidence] = listed["evidence"]
    assert evidence["received_at"] == _z(received) and evidence["keyed_at"] > _z(closes_at)
    assert evidence["channel"] == "paper" and evidence["voter"].startswith("1号楼 101")


def test_a_ballot_keyed_while_voting_is_open_is_received_by_then(app, client, setup):
    from voting.ballots.models import Ballot, PaperEntry

    opened, tokens = setup
    for name in ("wang", "li"):
        enter(client, opened, tokens[name], "o1", opened.answers({0: ["同意"]}))
    with app.app_context():
        entries = db.session.scalars(select(PaperEntry).order_by(PaperEntry.id)).all()
        ballot = db.session.scalar(select(Ballot))
        assert [e.received_at for e in entries] == [e.entered_at for e in entries]
        assert ballot.received_at == entries[1].entered_at
