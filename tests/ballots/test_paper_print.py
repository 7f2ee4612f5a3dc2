"""Printed paper ballots with the owner's code: two clerks type the code, enter what the owner
ticked, and the ballot counts for that owner; the proxy form prints principal, agent, scope."""

import re

import pytest
from sqlalchemy import select

from tests.browsing import fits, shoot
from voting.db import db

from .support import MeetingKit, election, motion, selection, six_owners, text


@pytest.fixture
def setup(app, kit, make):
    community_id = kit.community(six_owners())
    opened = kit.open(community_id, [
        motion("修订《管理规约》"),
        selection("选聘物业服务企业", ["甲物业", "乙物业"]),
        election("选举业主委员会委员", list("ABCDEFG"), seats=5, alternates=1),
    ], title="2030 年第一次业主大会会议")  # fmt: skip
    return opened, kit.signed_in_members(make, community_id)


def printed_code(page: str, unit: str) -> str:
    """The code printed on the ballot of ``unit``."""
    for sheet in re.findall(r'data-testid="paper-ballot".*?</article>', page, re.S):
        if f'class="pb-unit">{unit}<' in sheet:
            return re.search(r'data-testid="paper-code">([0-9A-Z-]+)<', sheet).group(1)
    raise AssertionError(f"no ballot for {unit}")


def test_each_owner_s_ballot_lays_out_the_matters_with_a_code(setup):
    opened, members = setup
    page = text(members["wang"].get(f"/meetings/{opened.meeting_id}/paper/ballots"))
    sheets = re.findall(r'data-testid="paper-ballot".*?</article>', page, re.S)
    assert len(sheets) == 6
    codes = {printed_code(page, f"1号楼 {n}01") for n in range(1, 7)}
    assert len(codes) == 6 and all(re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}", c) for c in codes)
    one = sheets[0]
    assert one.count('data-testid="pb-matter"') == 3
    for words in ("修订《管理规约》", "同意", "反对", "甲物业", "乙物业", "最多选 5 人",
                  "只能选一项", "弃权（一个都不选）", "签名", '<svg class="qr"'):  # fmt: skip
        assert words in one, words
    # Printing the same ballot again gives the same code.
    again = text(members["li"].get(f"/meetings/{opened.meeting_id}/paper/ballots"))
    assert printed_code(again, "1号楼 301") == printed_code(page, "1号楼 301")


def test_two_clerks_enter_by_code_and_the_ballot_counts_for_that_owner(app, setup):
    from voting.audit.models import AuditEvent
    from voting.ballots.models import Ballot

    opened, members = setup
    page = text(members["wang"].get(f"/meetings/{opened.meeting_id}/paper/ballots"))
    code = printed_code(page, "1号楼 301")
    typed = {"wang": code.lower(), "li": "".join(chr(ord(c) + 0xFEE0) for c in code)}  # ５７…
    ticked = {f"m{opened.matter_ids[0]}": "agree",
              f"m{opened.matter_ids[1]}": opened.codes[1]["乙物业"],
              f"m{opened.matter_ids[2]}": [opened.codes[2][x] for x in "ACE"]}  # fmt: skip
    for name in ("wang", "li"):
        found = members[name].get(f"/meetings/{opened.meeting_id}/paper/code",
                                  query_string={"code": typed[name]})  # fmt: skip
        assert found.status_code == 302
        assert found.headers["Location"].endswith(f"/paper/voters/{opened.voter_ids['o3']}")
        form = {"channel": "paper", "proxy_id": "", "whole_invalid": "", **ticked}
        assert members[name].post(found.headers["Location"], data=form).status_code == 302
    with app.app_context():
        [ballot] = db.session.scalars(select(Ballot)).all()
        assert ballot.voter_id == opened.voter_ids["o3"] and ballot.channel == "paper"
        assert ballot.answers[opened.matter_ids[0]] == ["agree"]
        assert sorted(ballot.answers[opened.matter_ids[2]]) == sorted(
            opened.codes[2][x] for x in "ACE"
        )
        printed = db.session.scalar(
            select(AuditEvent).where(AuditEvent.type == "meeting.paper_ballots_printed")
        )
        assert printed.data["ballots"] == 6 and code not in str(printed.data)


def test_a_wrong_code_opens_no_one(app, kit, setup):
    opened, members = setup
    before = kit.counts()
    for wrong in ("ZZZZ-ZZZZ", "123", "", "K7M3-Q9P!"):
        found = members["wang"].get(f"/meetings/{opened.meeting_id}/paper/code",
                                    query_string={"code": wrong})  # fmt: skip
        assert found.status_code == 302
        assert found.headers["Location"].endswith(f"/meetings/{opened.meeting_id}/paper")
        assert "没有这个票面编码" in text(members["wang"].get(found.headers["Location"]))
    assert kit.counts() == before


def test_only_the_committee_prints(app, client, make, kit, setup):
    from voting.rosters.models import Community

    opened, _members = setup
    with app.app_context():
        office = db.session.get(Community, opened.community_id).office
    office = make.user("office", "jiedao", office=office)
    assert client.get(f"/meetings/{opened.meeting_id}/paper/ballots").status_code == 302
    client.post("/login", data={"username": office.username, "password": make.password})
    assert client.get(f"/meetings/{opened.meeting_id}/paper/ballots").status_code in (403, 404)


def test_the_proxy_form_prints_principal_agent_and_scope(setup):
    opened, members = setup
    voter_id = opened.voter_ids["o2"]
    form = members["wang"].get(f"/meetings/{opened.meeting_id}/paper/voters/{voter_id}/proxy-form")
    assert form.status_code == 200
    page = text(form)
    assert "授权委托书" in page
    principal = re.search(r'data-testid="principal".*?</section>', page, re.S).group(0)
    assert "1号楼 201" in principal and "委托人姓名" in principal and "身份证件号码" in principal
    agent = re.search(r'data-testid="agent".*?</section>', page, re.S).group(0)
    assert "受托人姓名" in agent and "与委托人的关系" in agent
    scope = re.search(r'data-testid="scope".*?</section>', page, re.S).group(0)
    assert scope.count('data-testid="scope-matter"') == 3
    for words in (
        "修订《管理规约》",
        "选聘物业服务企业",
        "选举业主委员会委员",
        "委托期限",
        "不得转委托",
    ):
        assert words in scope, words
    assert "委托人签名" in page and "受托人签名" in page


def test_a_printed_ballot_reads_on_a_phone(browser, served):
    app, base = served
    kit = MeetingKit(app)
    community_id = kit.community(six_owners())
    matters = [motion("修订《管理规约》"), election("选举业主委员会委员", list("ABCDEFG"), 5, 1)]
    opened = kit.open(community_id, matters)
    from voting.auth.services import add_user
    from voting.rosters.models import Community

    with app.app_context():
        add_user("wang", "paper-print-password", "committee", community_id=community_id)
        db.session.commit()
        assert db.session.get(Community, community_id)
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(f"{base}/login")
    browser.find_element(By.NAME, "username").send_keys("wang")
    browser.find_element(By.NAME, "password").send_keys("paper-print-password")
    browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    WebDriverWait(browser, 15).until(ec.url_changes(f"{base}/login"))
    voter = opened.voter_ids["o1"]
    for path, name in ((f"paper/ballots?voter={voter}", "paper-ballot-phone"),
                       (f"paper/voters/{voter}/proxy-form", "proxy-form-phone"),
                       ("paper", "paper-entry-phone")):  # fmt: skip
        browser.get(f"{base}/meetings/{opened.meeting_id}/{path}")
        assert browser.execute_script("return window.innerWidth") == 375
        assert fits(browser), path
        shoot(browser, "ballots", name)
    browser.get(f"{base}/meetings/{opened.meeting_id}/paper/ballots?voter={voter}")
    printed = browser.find_element(By.CSS_SELECTOR, "[data-testid=paper-code]").text
    browser.get(f"{base}/meetings/{opened.meeting_id}/paper")
    code = browser.find_element(By.NAME, "code")
    code.send_keys(printed)
    browser.find_element(By.CSS_SELECTOR, "[data-testid=by-code] button").click()
    WebDriverWait(browser, 15).until(ec.url_contains(f"/paper/voters/{voter}"))
