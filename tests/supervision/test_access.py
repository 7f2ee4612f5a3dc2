"""Every role on every supervision page and API call: an office sees only its own
communities, a committee only its own, anonymous visitors are sent to the login page."""

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from voting.auth.models import User
from voting.db import db, utcnow
from voting.supervision.models import CommitteeMandate

from .conftest import Members
from .support import api

ROLES = ("admin", "office_a", "office_b", "committee_a", "committee_b")


def page_statuses(client, auth, cast, path: str) -> dict:
    """The status of GET ``path`` for each role, and for an anonymous visitor."""
    statuses = {}
    for role in ROLES:
        auth.login(cast[role])
        statuses[role] = client.get(path).status_code
    auth.logout()
    response = client.get(path)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    return statuses


def api_statuses(client, make, cast, path: str, method: str = "get", **kwargs) -> dict:
    """The status of an API call for each role's token, and without a token."""
    statuses = {}
    for role in ROLES:
        call = getattr(client, method)
        statuses[role] = call(path, headers=api(make, cast[role]), **kwargs).status_code
    assert getattr(client, method)(path, **kwargs).status_code == 401
    return statuses


@pytest.fixture
def meeting_a(world, cast):
    return world.open(cast.a.id).meeting_id


def test_pages_of_the_office_dashboard(client, auth, cast):
    statuses = page_statuses(client, auth, cast, f"/supervision/offices/{cast.office_a.id}")
    assert statuses == {"admin": 200, "office_a": 200, "office_b": 404,
                        "committee_a": 403, "committee_b": 403}  # fmt: skip
    auth.login(cast["office_b"])
    html = client.get(f"/supervision/offices/{cast.office_b.id}").get_data(as_text=True)
    assert "东湖湾" in html and "观澜苑" not in html


def test_the_supervision_entry_sends_each_role_to_its_page(client, auth, cast):
    auth.login(cast["office_b"])
    assert (
        client.get("/supervision")
        .headers["Location"]
        .endswith(f"/supervision/offices/{cast.office_b.id}")
    )
    auth.login(cast["committee_a"])
    assert (
        client.get("/supervision")
        .headers["Location"]
        .endswith(f"/communities/{cast.a.id}/supervision")
    )
    auth.login(cast["admin"])
    html = client.get("/supervision").get_data(as_text=True)
    assert "望京街道办事处" in html and "酒仙桥街道办事处" in html
    auth.logout()
    assert "/login" in client.get("/supervision").headers["Location"]


def test_pages_of_a_meeting_and_a_community(client, auth, cast, meeting_a):
    expected = {"admin": 200, "office_a": 200, "office_b": 404,
                "committee_a": 200, "committee_b": 404}  # fmt: skip
    assert page_statuses(client, auth, cast, f"/supervision/meetings/{meeting_a}") == expected
    assert page_statuses(client, auth, cast, f"/communities/{cast.a.id}/supervision") == expected
    auth.login(cast["committee_a"])
    html = client.get(f"/communities/{cast.a.id}").get_data(as_text=True)
    assert f'href="/communities/{cast.a.id}/supervision"' in html  # the community tab


def test_pages_only_the_office_acts_on(client, auth, cast, world):
    path = f"/communities/{cast.a.id}/supervision/mandates/new"
    assert page_statuses(client, auth, cast, path) == {
        "admin": 403, "office_a": 200, "office_b": 404, "committee_a": 403, "committee_b": 404
    }  # fmt: skip
    form = {"username": "new-member", "display_name": "张三", "password": "a long password"}
    add = f"/communities/{cast.a.id}/supervision/members"
    for role, status in (("committee_a", 403), ("admin", 403), ("office_b", 404)):
        auth.login(cast[role])
        assert client.post(add, data=form).status_code == status
    assert world.count(User, User.username == "new-member") == 0
    auth.login(cast["office_a"])
    response = client.post(f"/communities/{cast.a.id}/supervision/members", data=form)
    assert response.status_code == 302
    assert world.count(User, User.username == "new-member", User.community_id == cast.a.id) == 1
    again = client.post(f"/communities/{cast.a.id}/supervision/members", data=form)
    assert again.status_code == 422 and "已被使用" in again.get_data(as_text=True)


def test_the_office_appoints_a_group_through_the_pages(client, auth, cast, members, world):
    group = members(3)
    auth.login(cast["office_a"])
    path = f"/communities/{cast.a.id}/supervision/mandates/new"
    form = {"kind": "preparatory_group", "members": group.ids, "owner_reps": group.ids[:1]}
    refused = client.post(path, data=form)
    assert refused.status_code == 422 and "业主代表" in refused.get_data(as_text=True)
    assert world.count(CommitteeMandate) == 0
    response = client.post(path, data={**form, "owner_reps": group.ids[:2]})
    assert response.status_code == 302
    page = client.get(f"/communities/{cast.a.id}/supervision").get_data(as_text=True)
    before_body = re.sub(r'value="[^"]*"', "", page.split('data-testid="current-body"')[0])
    assert "筹备组" in page and "m1" not in before_body  # no member shown (CSRF values aside)
    assert page.count('<span class="tag">业主代表</span>') == 2
    due = (utcnow().astimezone(ZoneInfo("Asia/Shanghai")).date() + timedelta(days=60)).isoformat()
    assert f'data-testid="first-meeting-due">{due}<' in page
    mandate_id = world.run(lambda: db.session.scalar(select(CommitteeMandate.id)))
    form = client.get(path + "?kind=owners_committee").get_data(as_text=True)
    assert '<option selected value="owners_committee">' in form and "不关联会议" in form
    # A member of the group acts for the community, but only the office ends the group.
    auth.login(group.users[0])
    end = client.post(f"/supervision/mandates/{mandate_id}/end", data={"reason": "解散"})
    assert end.status_code == 403
    auth.login(cast["office_a"])
    assert client.post(f"/supervision/mandates/{mandate_id}/end", data={}).status_code == 422
    end = client.post(f"/supervision/mandates/{mandate_id}/end", data={"reason": "工作结束"})
    assert end.status_code == 302
    assert world.count(CommitteeMandate, CommitteeMandate.ended_at.is_(None)) == 0


def test_api_of_the_dashboard(client, make, cast):
    statuses = api_statuses(client, make, cast, f"/api/v1/offices/{cast.office_a.id}/dashboard")
    assert statuses == {"admin": 200, "office_a": 200, "office_b": 404,
                        "committee_a": 403, "committee_b": 403}  # fmt: skip
    missing = client.get("/api/v1/offices/999/dashboard", headers=api(make, cast["admin"]))
    assert missing.status_code == 404


def test_api_of_anomalies_timeline_and_mandates(client, make, cast, meeting_a):
    expected = {"admin": 200, "office_a": 200, "office_b": 404,
                "committee_a": 200, "committee_b": 404}  # fmt: skip
    for path in (f"/api/v1/meetings/{meeting_a}/anomalies",
                 f"/api/v1/meetings/{meeting_a}/timeline",
                 f"/api/v1/communities/{cast.a.id}/mandates"):  # fmt: skip
        assert api_statuses(client, make, cast, path) == expected, path


def test_api_to_appoint_and_end_mandates(client, make, cast, members, world):
    # committee_a is a member: once the group is appointed it still acts for community A,
    # and as a committee it may not appoint (403).
    group = Members([cast["committee_a"], *members(2).users])
    path = f"/api/v1/communities/{cast.a.id}/mandates"
    body = {"kind": "preparatory_group", "members": group.ids, "owner_reps": group.ids[:2]}
    statuses = api_statuses(client, make, cast, path, "post", json=body)
    assert statuses == {"admin": 403, "office_a": 201, "office_b": 404,
                        "committee_a": 403, "committee_b": 404}  # fmt: skip
    assert world.count(CommitteeMandate) == 1
    office = api(make, cast["office_a"])
    listed = client.get(path, headers=office).json["mandates"]
    assert [m["kind"] for m in listed] == ["preparatory_group"] and listed[0]["current"]
    for bad in ({"kind": "club", "members": group.ids}, {**body, "term_ends_on": "soon"},
                {**body, "members": "1,2,3"}):  # fmt: skip
        assert client.post(path, json=bad, headers=office).status_code == 422
    assert world.count(CommitteeMandate) == 1
    end = f"/api/v1/mandates/{listed[0]['id']}/end"
    for role, status in (("committee_a", 403), ("office_b", 404), ("admin", 403)):
        response = client.post(end, json={"reason": "x"}, headers=api(make, cast[role]))
        assert response.status_code == status
    assert client.post(end, json={}, headers=office).status_code == 422
    response = client.post(end, json={"reason": "筹备组完成工作"}, headers=office)
    assert response.status_code == 200 and response.json["current"] is False
    assert client.post(end, json={"reason": "again"}, headers=office).status_code == 409


def test_the_office_records_the_elected_committee_through_the_pages(
    client, auth, cast, members, world
):
    from datetime import timedelta

    from voting.db import utcnow

    group, elected = members(3), members(3, start=4)
    auth.login(cast["office_a"])
    path = f"/communities/{cast.a.id}/supervision/mandates/new"
    group_form = {"kind": "preparatory_group", "members": group.ids, "owner_reps": group.ids}
    assert client.post(path, data=group_form).status_code == 302
    auth.login(group.users[0])
    assert client.get(f"/communities/{cast.a.id}/meetings").status_code == 200
    auth.login(cast["office_a"])
    ends = (utcnow() + timedelta(days=5 * 365)).date().isoformat()
    form = {"kind": "owners_committee", "members": elected.ids, "term_ends_on": ends,
            "meeting_id": ""}  # fmt: skip
    response = client.post(path, data=form)
    assert response.status_code == 302, response.get_data(as_text=True)
    page = client.get(f"/communities/{cast.a.id}/supervision").get_data(as_text=True)
    assert 'data-testid="past-mandate"' in page and ends in page
    auth.login(group.users[0])
    assert client.get(f"/communities/{cast.a.id}/meetings").status_code == 404
    auth.login(elected.users[0])
    assert client.get(f"/communities/{cast.a.id}/meetings").status_code == 200
