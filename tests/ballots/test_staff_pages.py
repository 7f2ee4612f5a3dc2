"""The committee's paper-ballot pages: search, entry, mismatches, conflicts, proxies, reports."""

import io
import re

import pytest
from sqlalchemy import select

from voting.db import db

from .support import motion, six_owners, text

PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 64


@pytest.fixture
def setup(app, kit, make):
    community_id = kit.community(six_owners())
    opened = kit.open(community_id, [motion("议事规则"), motion("管理规约")])
    return opened, kit.signed_in_members(make, community_id)


def entry_path(opened, owner: str) -> str:
    return f"/meetings/{opened.meeting_id}/paper/voters/{opened.voter_ids[owner]}"


def form(opened, first: str | None, second: str | None = None, **extra) -> dict:
    data = {"channel": "paper", "proxy_id": "", "whole_invalid": "", **extra}
    if first:
        data[f"m{opened.matter_ids[0]}"] = first
    if second:
        data[f"m{opened.matter_ids[1]}"] = second
    return data


def test_the_pages_need_a_login(client, setup):
    opened, _members = setup
    response = client.get(f"/meetings/{opened.meeting_id}/paper")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.post(entry_path(opened, "o1"), data=form(opened, "agree")).status_code == 302


def test_the_community_tab_lists_opened_meetings(setup):
    opened, members = setup
    tab = members["wang"].get(f"/communities/{opened.community_id}")
    assert f"/communities/{opened.community_id}/paper" in text(tab)
    response = members["wang"].get(f"/communities/{opened.community_id}/paper")
    assert response.status_code == 200
    assert f"/meetings/{opened.meeting_id}/paper" in text(response)


def test_search_finds_a_voter_by_building_and_unit(setup):
    opened, members = setup
    page = text(members["wang"].get(f"/meetings/{opened.meeting_id}/paper?q=1号楼+301"))
    assert "1号楼 301" in page and "1号楼 401" not in page
    assert entry_path(opened, "o3") in page


def test_mismatch_listed_then_discarded_and_entered_again(app, kit, setup):
    opened, members = setup
    path = entry_path(opened, "o2")
    first = members["wang"].post(path, data=form(opened, "agree", "agree"))
    assert first.status_code == 302
    assert "请另一位委员再录入一次" in text(members["wang"].get(first.headers["Location"]))
    second = members["li"].post(path, data=form(opened, "agree", "disagree"))
    listed = text(members["li"].get(second.headers["Location"]))
    assert "不一致" in listed and 'id="mismatches"' in listed and "1号楼 201" in listed
    assert kit.counts()["ballots"] == 0
    discard = re.search(r'action="([^"]+/discard)"', listed).group(1)
    assert members["li"].post(discard).status_code == 302
    assert kit.counts()["paper_entries"] == 0
    members["li"].post(path, data=form(opened, "agree", "disagree"))
    done = members["wang"].post(path, data=form(opened, "agree", "disagree"))
    assert "选票已计入" in text(members["wang"].get(done.headers["Location"]))
    assert kit.counts()["ballots"] == 1


def test_a_whole_ballot_ruled_invalid_on_the_page(app, setup):
    opened, members = setup
    data = form(opened, "agree", whole_invalid="unsigned")
    for name in ("wang", "li"):
        assert members[name].post(entry_path(opened, "o4"), data=data).status_code == 302
    from voting.ballots.models import Ballot

    with app.app_context():
        ballot = db.session.scalar(select(Ballot))
    assert ballot.answers == {key: "invalid" for key in opened.matter_ids}
    assert ballot.invalid_reasons == {key: "unsigned" for key in opened.matter_ids}


def test_a_bad_entry_is_shown_again(kit, setup):
    opened, members = setup
    before = kit.counts()
    response = members["wang"].post(entry_path(opened, "o1"), data=form(opened, None))
    assert response.status_code == 422 and "您还没有对任何事项作出选择" in text(response)
    assert kit.counts() == before


def test_a_conflict_with_an_online_ballot_is_listed(client, kit, setup):
    opened, members = setup
    body = {"token": opened.tokens["o5"], "answers": {opened.matter_ids[0]: ["agree"]}}
    online = client.post("/api/v1/ballots", json=body)
    assert online.status_code == 201
    refused = members["wang"].post(entry_path(opened, "o5"), data=form(opened, "disagree"))
    page = text(members["wang"].get(refused.headers["Location"]))
    assert "已经有网络投票选票" in page and "已列入冲突清单" in page
    listing = text(members["wang"].get(f"/meetings/{opened.meeting_id}/paper"))
    assert "该业主已有网络投票选票" in listing and "user:wang" in listing
    assert kit.counts()["ballot_conflicts"] == 1 and kit.counts()["ballots"] == 1


def test_a_proxy_recorded_on_the_page_and_its_scan_downloaded(app, kit, setup):
    opened, members = setup
    path = entry_path(opened, "o6")
    gif = {"agent_name": "张三", "scan": (io.BytesIO(b"GIF89a"), "x.gif")}
    bad = members["wang"].post(path + "/proxy", content_type="multipart/form-data", data=gif)
    assert bad.status_code == 422 and "PDF" in text(bad)
    recorded = members["wang"].post(
        path + "/proxy", content_type="multipart/form-data",
        data={"agent_name": "张三", "matters": [opened.matter_ids[0]], "valid_until": "2099-12-31",
              "scan": (io.BytesIO(PNG), "委托书.png")},
    )  # fmt: skip
    assert recorded.status_code == 302
    proxy_id = re.search(r"proxy=(\d+)", recorded.headers["Location"]).group(1)
    page = text(members["wang"].get(recorded.headers["Location"]))
    assert "委托书已登记" in page and f'<option selected value="{proxy_id}">' in page
    scan = members["li"].get(f"/meetings/{opened.meeting_id}/paper/proxies/{proxy_id}")
    assert scan.status_code == 200 and scan.data == PNG and scan.mimetype == "image/png"
    data = form(opened, "agree", channel="proxy", proxy_id=proxy_id)
    for name in ("wang", "li"):
        members[name].post(path, data=data)
    from voting.ballots.models import Ballot, ProxyAuthorisation

    with app.app_context():
        ballot = db.session.scalar(select(Ballot))
        proxy = db.session.get(ProxyAuthorisation, int(proxy_id))
    assert ballot.channel == "proxy" and ballot.proxy_id == int(proxy_id)
    assert proxy.matters == [opened.matter_ids[0]] and proxy.valid_until.year == 2099


def test_office_staff_may_look_but_not_enter(app, kit, make, setup):
    opened, _members = setup
    from voting.rosters.models import Community

    with app.app_context():
        office = db.session.get(Community, opened.community_id).office
    user = make.user("office", office=office)
    client = app.test_client()
    client.post("/login", data={"username": user.username, "password": make.password})
    assert client.get(f"/meetings/{opened.meeting_id}/paper").status_code == 200
    before = kit.counts()
    assert client.get(entry_path(opened, "o1")).status_code == 403
    assert client.post(entry_path(opened, "o1"), data=form(opened, "agree")).status_code == 403
    assert kit.counts() == before


def test_other_communities_see_nothing(app, kit, make, setup):
    opened, _members = setup
    outsider = kit.committee(make, kit.community(six_owners()), "outsider")
    client = app.test_client()
    client.post("/login", data={"username": outsider.username, "password": make.password})
    assert client.get(f"/meetings/{opened.meeting_id}/paper").status_code == 404
    assert client.get(entry_path(opened, "o1")).status_code == 404


def test_roster_reports_reach_the_committee_and_are_resolved(app, client, setup):
    opened, members = setup
    client.post(f"/v/{opened.tokens['o3']}/report", data={"message": "面积应为 82.00 ㎡"})
    page = text(members["wang"].get(f"/meetings/{opened.meeting_id}/paper"))
    assert "面积应为 82.00 ㎡" in page and "1号楼 301" in page
    resolve = re.search(r'action="([^"]+/resolve)"', page).group(1)
    assert members["wang"].post(resolve).status_code == 302
    from voting.ballots.models import RosterErrorReport

    with app.app_context():
        report = db.session.scalar(select(RosterErrorReport))
    assert report.resolved_by == "user:wang" and report.resolved_at is not None


def test_the_entry_page_takes_the_time_of_receipt_in_beijing_time(app, kit, setup):
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import select

    from voting.ballots.models import PaperEntry
    from voting.db import db
    from voting.meetings.models import Meeting

    opened, members = setup
    kit.shift_window(opened, days=11)
    with app.app_context():
        closes_at = db.session.get(Meeting, opened.meeting_id).closes_at
    path = entry_path(opened, "o1")
    page = text(members["wang"].get(path))
    assert "收到的时间" in page and 'name="received_at"' in page
    late = (closes_at + timedelta(hours=8, minutes=39)).strftime("%Y-%m-%dT%H:%M")  # Beijing
    refused = members["wang"].post(path, data=form(opened, "agree", "agree", received_at=late),
                                   follow_redirects=True)  # fmt: skip
    assert "晚于表决截止时间" in text(refused)
    on_time = (closes_at + timedelta(hours=8, minutes=-30)).strftime("%Y-%m-%dT%H:%M")
    members["wang"].post(path, data=form(opened, "agree", "agree", received_at=on_time))
    with app.app_context():
        [entry] = db.session.scalars(select(PaperEntry))
        expected = datetime.strptime(on_time, "%Y-%m-%dT%H:%M") - timedelta(hours=8)
        assert entry.received_at == expected.replace(tzinfo=UTC)
