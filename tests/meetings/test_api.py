"""The meetings API (FORMATS.md §7): a whole meeting, roles, scope, and refusals."""

from datetime import timedelta

from sqlalchemy import select

from tests.conftest import bearer as api_headers
from tests.conftest import row_count as count
from voting.db import db
from voting.meetings.models import Credential, Matter, Meeting, Voter

from .conftest import COMMITTEE, FEE, FIRMS, cast, one_building, shift_clock, window


def iso(moment) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def plan_body(**changes) -> dict:
    return {
        "title": "2030 年业主大会",
        **window(iso),
        "matters": [FEE, FIRMS, COMMITTEE],
        "place": "小区会所",
        **changes,
    }


def test_whole_meeting_through_the_api(app, client, make, community, staff):
    committee = api_headers(make, staff["committee"])
    office = api_headers(make, staff["office"])
    response = client.post(
        f"/api/v1/communities/{community.id}/meetings", json=plan_body(), headers=committee
    )
    assert response.status_code == 201, response.json
    meeting = response.json
    mid = int(meeting["id"])  # ids are strings in answers (FORMATS.md §7)
    assert meeting["state"] == "draft"
    fee, firms, election = meeting["matters"]
    assert isinstance(fee["id"], str) and [o["id"] for o in fee["options"]] == ["agree", "disagree"]
    assert all(o["id"].isdigit() for o in firms["options"] + election["options"])
    assert (election["seats"], election["alternates"]) == (3, 1)

    steps = [
        ("submit", committee, "submitted"),
        ("approve", office, "approved"),
        ("announce", committee, "announced"),
    ]
    for step, headers, state in steps:
        response = client.post(f"/api/v1/meetings/{mid}/{step}", headers=headers)
        assert response.status_code == 200, (step, response.json)
        assert response.json["state"] == state
    assert response.json["procedure"]["parking_policy"] == "include"

    response = client.post(f"/api/v1/meetings/{mid}/open", headers=committee)
    assert response.status_code == 409 and response.json["error"]["code"] == "not_yet_open"
    assert count(app, Voter) == 0
    shift_clock(app, mid, timedelta(minutes=-1))
    response = client.post(f"/api/v1/meetings/{mid}/open", headers=committee)
    assert response.status_code == 200 and response.json["state"] == "open"

    csv = client.get(f"/api/v1/meetings/{mid}/credentials.csv", headers=committee)
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    rows = csv.get_data(as_text=True).lstrip("\ufeff").strip().split("\r\n")
    assert rows[0] == "owner_key,building,units,name,link" and len(rows) == 1 + 6
    assert all("http://localhost/v/" in row for row in rows[1:])
    assert client.get(f"/api/v1/meetings/{mid}/credentials.csv", headers=office).status_code == 403

    response = client.post(f"/api/v1/meetings/{mid}/close", headers=committee)
    assert response.status_code == 409 and response.json["error"]["code"] == "voters_remain"
    with app.app_context():
        keys = list(db.session.scalars(select(Voter.person_key).where(Voter.can_vote)))
    cast(app, mid, {key: {fee["id"]: ["agree"]} for key in keys[:4]})

    turnout = client.get(f"/api/v1/meetings/{mid}/turnout", headers=office).json
    assert turnout["ballots"] == 4 and turnout["roster"] == {"owners": 7, "area": "813.80"}
    fee_turnout = turnout["matters"][0]
    assert fee_turnout["owners"] == {
        "voted": 4,
        "total": 7,
        "needed": 5,
        "ratio": "4/7",
        "quorum_met": False,
    }
    assert turnout["matters"][1]["owners"]["voted"] == 0

    cast(app, mid, {keys[4]: {fee["id"]: ["agree"]}, keys[5]: {fee["id"]: ["disagree"]}})
    response = client.post(f"/api/v1/meetings/{mid}/close", headers=committee)
    assert response.status_code == 200 and response.json["state"] == "tallied"
    tally = response.json["tally"]
    assert tally[0]["participation"]["owners"] == 6 and tally[0]["outcome"]["status"] == "passed"
    assert tally[1]["outcome"]["status"] == "no_quorum"


def test_roles_and_scope(app, client, make, community, staff):
    committee = api_headers(make, staff["committee"])
    office = api_headers(make, staff["office"])
    stranger = api_headers(make, staff["stranger"])
    other_office = api_headers(make, staff["other_office"])
    url = f"/api/v1/communities/{community.id}/meetings"
    assert client.post(url, json=plan_body(), headers=office).status_code == 403
    assert client.post(url, json=plan_body(), headers=stranger).status_code == 404
    assert client.post(url, json=plan_body()).status_code == 401
    assert count(app, Meeting) == 0
    mid = client.post(url, json=plan_body(), headers=committee).json["id"]
    for method, path in [
        ("get", ""),
        ("post", "/submit"),
        ("post", "/approve"),
        ("post", "/announce"),
        ("post", "/open"),
        ("post", "/close"),
        ("post", "/void"),
        ("get", "/credentials.csv"),
        ("get", "/turnout"),
    ]:
        for headers in (stranger, other_office):
            response = getattr(client, method)(
                f"/api/v1/meetings/{mid}{path}", json={"reason": "x"}, headers=headers
            )
            assert response.status_code == 404, (path, response.json)
    assert client.get(url, headers=stranger).status_code == 404
    assert client.post(f"/api/v1/meetings/{mid}/approve", headers=committee).status_code == 403
    assert client.post(f"/api/v1/meetings/{mid}/submit", headers=office).status_code == 403
    with app.app_context():
        assert db.session.get(Meeting, mid).state == "draft"


def test_public_once_announced(app, client, make, community, staff):
    committee = api_headers(make, staff["committee"])
    office = api_headers(make, staff["office"])
    url = f"/api/v1/communities/{community.id}/meetings"
    mid = client.post(url, json=plan_body(), headers=committee).json["id"]
    assert client.get(f"/api/v1/meetings/{mid}").status_code == 404
    client.post(f"/api/v1/meetings/{mid}/submit", headers=committee)
    client.post(f"/api/v1/meetings/{mid}/approve", headers=office)
    client.post(f"/api/v1/meetings/{mid}/announce", headers=committee)
    public = client.get(f"/api/v1/meetings/{mid}")
    assert public.status_code == 200 and public.json["state"] == "announced"
    assert "issues" not in public.json and "returned_reason" not in public.json
    assert len(public.json["matters"]) == 3


def test_bad_plans_are_refused_with_every_problem(app, client, make, community, staff):
    committee = api_headers(make, staff["committee"])
    url = f"/api/v1/communities/{community.id}/meetings"
    bad = plan_body(matters=[{**FEE, "category": "major"}, {**COMMITTEE, "seats": 4}])
    response = client.post(url, json=bad, headers=committee)
    assert response.status_code == 422
    codes = [d["code"] for d in response.json["error"]["details"]]
    assert codes == ["MATTER_CATEGORY", "SEATS_EVEN"]
    for body in [
        plan_body(opens_at="next week"),
        plan_body(opens_at="2030-03-01T10:00:00"),
        plan_body(title="\x00"),
        plan_body(matters="all"),
        plan_body(matters=[{**FEE, "title": "a\x00b"}]),
        plan_body(matters=[{**COMMITTEE, "seats": 2**40}]),
    ]:
        response = client.post(url, json=body, headers=committee)
        assert response.status_code == 422, (body, response.json)
    assert client.post(url, data="not json", headers=committee).status_code == 400
    assert (count(app, Meeting), count(app, Matter)) == (0, 0)


def test_refused_transitions_change_nothing(app, client, make, community, staff):
    committee = api_headers(make, staff["committee"])
    office = api_headers(make, staff["office"])
    body = plan_body(**window(iso, opens_in=timedelta(days=10)))
    mid = client.post(
        f"/api/v1/communities/{community.id}/meetings", json=body, headers=committee
    ).json["id"]
    assert client.post(f"/api/v1/meetings/{mid}/announce", headers=committee).status_code == 409
    client.post(f"/api/v1/meetings/{mid}/submit", headers=committee)
    again = client.post(f"/api/v1/meetings/{mid}/submit", headers=committee)
    assert again.status_code == 409 and again.json["error"]["code"] == "wrong_state"
    response = client.post(f"/api/v1/meetings/{mid}/approve", json={"return": " "}, headers=office)
    assert response.status_code == 422
    assert (
        client.post(f"/api/v1/meetings/{mid}/approve", headers=office).json["state"] == "approved"
    )
    response = client.post(f"/api/v1/meetings/{mid}/announce", headers=committee)
    assert response.status_code == 409 and response.json["error"]["code"] == "notice_too_late"
    app.config["VOTING_MIN_NOTICE_DAYS"] = 5
    assert client.post(f"/api/v1/meetings/{mid}/announce", headers=committee).status_code == 200
    response = client.post(f"/api/v1/meetings/{mid}/void", json={}, headers=committee)
    assert response.status_code == 422
    assert count(app, Credential) == 0
    response = client.post(f"/api/v1/meetings/{mid}/void", json={"reason": "改期"}, headers=office)
    assert response.status_code == 200 and response.json["state"] == "voided"
    assert response.json["void_reason"] == "改期"


def test_return_via_approve(app, client, make, community, staff):
    committee = api_headers(make, staff["committee"])
    office = api_headers(make, staff["office"])
    mid = client.post(
        f"/api/v1/communities/{community.id}/meetings", json=plan_body(), headers=committee
    ).json["id"]
    client.post(f"/api/v1/meetings/{mid}/submit", headers=committee)
    response = client.post(
        f"/api/v1/meetings/{mid}/approve", json={"return": "请补充合同草案"}, headers=office
    )
    assert response.status_code == 200
    assert (response.json["state"], response.json["returned_reason"]) == ("draft", "请补充合同草案")


def test_openapi_lists_the_meetings_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    for path in [
        "/communities/{community_id}/meetings",
        "/meetings/{meeting_id}",
        "/meetings/{meeting_id}/submit",
        "/meetings/{meeting_id}/approve",
        "/meetings/{meeting_id}/announce",
        "/meetings/{meeting_id}/open",
        "/meetings/{meeting_id}/close",
        "/meetings/{meeting_id}/void",
        "/meetings/{meeting_id}/credentials.csv",
        "/meetings/{meeting_id}/turnout",
    ]:
        assert path in paths


def test_ids_out_of_range_are_not_found(client, auth, make, community, staff, meetings):
    huge = 2**70
    headers = api_headers(make, staff["committee"])
    assert client.get(f"/api/v1/meetings/{huge}", headers=headers).status_code == 404
    assert client.get(f"/api/v1/meetings/{huge}").status_code == 404
    mid = meetings.plan(community)
    auth.login(staff["committee"])
    assert client.get(f"/meetings/{huge}").status_code == 404
    assert client.get(f"/meetings/{mid}/documents/{huge}").status_code == 404
    assert client.post(f"/meetings/{mid}/matters/{huge}/delete").status_code == 404
    assert client.post(f"/meetings/{mid}/credentials/{huge}/revoke").status_code == 404


def test_first_meeting_of_an_assembly(app, client, make, vector_community):
    """Rules of procedure, covenant and a 5-seat committee with 2 alternates, on ten flats."""
    community = vector_community(one_building([100] * 10))
    committee = api_headers(make, make.user("committee", community=community))
    office = api_headers(make, make.user("office", office=community.office))
    candidates = [{"label": name, "statement": f"{name}：业主，愿意服务"} for name in "ABCDEFGH"]
    body = plan_body(
        title="首次业主大会会议",
        is_first_meeting=True,
        matters=[
            {"title": "业主大会议事规则", "category": "ordinary", "kind": "motion"},
            {"title": "管理规约", "category": "ordinary", "kind": "motion"},
            {
                "title": "选举第一届业主委员会",
                "category": "ordinary",
                "kind": "election",
                "seats": 5,
                "alternates": 2,
                "options": candidates,
            },
        ],
    )
    response = client.post(
        f"/api/v1/communities/{community.id}/meetings", json=body, headers=committee
    )
    assert response.status_code == 201 and response.json["is_first_meeting"] is True
    mid, (rules, covenant, election) = int(response.json["id"]), response.json["matters"]
    for step, headers in [("submit", committee), ("approve", office), ("announce", committee)]:
        assert client.post(f"/api/v1/meetings/{mid}/{step}", headers=headers).status_code == 200
    shift_clock(app, mid, timedelta(minutes=-1))
    assert client.post(f"/api/v1/meetings/{mid}/open", headers=committee).status_code == 200

    code = {o["label"]: o["id"] for o in election["options"]}
    approvals = [
        "ABCDE",
        "ABCDE",
        "ABCFG",
        "ADEFG",
        "ABCDE",
        "ABCFG",
        "ADEFG",
        "ABCDE",
        "ABCFG",
        "ADEFG",
    ]
    # TV-06 on the rules of procedure: 5 agree, 1 disagrees, 2 abstain, 2 do not answer.
    rules_answers = [["agree"]] * 5 + [["disagree"], [], []]
    ballots = {}
    for i, chosen in enumerate(approvals, start=1):
        answers = {
            election["id"]: [code[c] for c in chosen],
            covenant["id"]: ["disagree"] if i == 10 else ["agree"],
        }
        if i <= len(rules_answers):
            answers[rules["id"]] = rules_answers[i - 1]
        ballots[f"o{i}"] = answers
    cast(app, mid, ballots)
    response = client.post(f"/api/v1/meetings/{mid}/close", headers=committee)
    assert response.status_code == 200, response.json  # everyone voted: closing early is allowed
    first, second, third = response.json["tally"]
    assert first["participation"]["owners_ratio"] == "4/5"
    assert first["tally"][0]["owners_ratio"] == "5/8" and first["outcome"]["status"] == "passed"
    assert second["outcome"]["status"] == "passed"
    label = {v: k for k, v in code.items()}
    assert third["minimum"] == 3 and third["outcome"]["status"] == "elected"
    assert sorted(label[w] for w in third["outcome"]["winners"]) == list("ABCDE")
    assert sorted(label[a] for a in third["outcome"]["alternates"]) == ["F", "G"]
    assert [t["passed"] for t in third["tally"]] == [True] * 7 + [False]
