"""A street-office user approves a plan and countersigns a result in headless Chromium, on a
375 px phone and on a desktop, with CSRF on and without any JavaScript of ours.

The app runs in a thread on 127.0.0.1 over a file SQLite database; screenshots go to
test-artifacts/supervision/. Skipped when Chromium is not installed, unless
VOTING_REQUIRE_BROWSER=1.
"""

from datetime import timedelta

from tests.browsing import DESKTOP, fits, shoot
from voting.db import db, utcnow

from .support import MOTION, last4, roster_csv

PASSWORD = "office password 2031"


def seed(app) -> dict:
    """An office, a community with keys, a submitted plan, an open vote, a published result."""
    from voting.auth.services import add_user
    from voting.ballots.services import cast_ballot
    from voting.meetings import services
    from voting.meetings.credentials import credential_token, live_credentials
    from voting.results.keys import create_signing_key
    from voting.results.services import publish_result
    from voting.rosters.services import (
        create_community,
        create_office,
        import_roster,
        update_procedure,
    )

    now = utcnow()

    def opened(community, title, voters):
        meeting = services.create_meeting(
            community, title, now - timedelta(hours=2), now + timedelta(days=6, hours=3), [MOTION]
        )
        services.submit_meeting(meeting, now=now - timedelta(days=30))
        services.approve_meeting(meeting, now=now - timedelta(days=25))
        services.announce_meeting(meeting, now=now - timedelta(days=20))
        services.open_meeting(meeting, now=now - timedelta(hours=1))
        db.session.flush()
        for voter, credential in live_credentials(meeting)[:voters]:
            owner = voter.person_key
            cast_ballot(
                credential_token(credential),
                {meeting.matters[0].public_id: ["agree"]},
                last4(owner),
                source=f"10.0.0.{owner[1:]}",
            )
        return meeting  # fmt: skip

    with app.app_context():
        office = create_office("望京街道办事处")
        community = create_community("观澜苑", office.id, "owners_committee")
        update_procedure(
            community, {"parking_policy": "include", "objection_days": 0, "one_time_code": False}
        )  # owners type last four digits
        import_roster(community, roster_csv(6), "roster.csv")
        other = create_community("望京新城", office.id, "preparatory_group")
        officer = add_user("office-wj", PASSWORD, "office", office_id=office.id,
                           display_name="望京街道 李主任")  # fmt: skip
        member = add_user("committee-gl", PASSWORD, "committee", community_id=community.id)
        for number, name in enumerate(("张建国", "王秀英", "刘洋"), start=1):
            add_user(f"wjxc-{number}", PASSWORD, "committee", community_id=other.id,
                     display_name=name)  # fmt: skip
        create_signing_key(community, "user:committee-gl")
        create_signing_key(office, "user:office-wj")
        plan = services.create_meeting(community, "2031 年续聘物业服务企业",
                                       now + timedelta(days=20), now + timedelta(days=27),
                                       [MOTION])  # fmt: skip
        services.submit_meeting(plan)
        live = opened(community, "选聘新物业服务企业", voters=4)
        done = opened(community, "调整物业费", voters=6)
        services.close_meeting(done)
        publish_result(done, member)
        db.session.commit()
        return {"office": office.id, "community": community.id, "other": other.id,
                "plan": plan.id, "live": live.id, "done": done.id,
                "officer": officer.username}  # fmt: skip


def state(app, meeting_id: int) -> str:
    from voting.meetings.models import Meeting

    with app.app_context():
        return db.session.get(Meeting, meeting_id).state


def test_an_office_approves_a_plan_and_countersigns_a_result(browser, served):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    app, base = served
    ids = seed(app)
    wait = WebDriverWait(browser, 15)

    browser.get(f"{base}/login?next=/supervision")
    browser.find_element(By.NAME, "username").send_keys(ids["officer"])
    browser.find_element(By.NAME, "password").send_keys(PASSWORD)
    shoot(browser, "supervision", "01-login-phone")
    browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    wait.until(ec.title_contains("监督工作台"))
    assert browser.execute_script("return window.innerWidth") == 375
    live = browser.find_element(By.CSS_SELECTOR, f"[data-meeting='{ids['live']}']").text
    assert "4 / 6 人（66%）" in live and "已达三分之二" in live and "还剩 6 天" in live
    assert fits(browser)
    shoot(browser, "supervision", "02-dashboard-phone")

    plan = browser.find_element(
        By.CSS_SELECTOR, f"[data-testid=plan][data-meeting='{ids['plan']}']"
    )
    plan.find_element(By.CSS_SELECTOR, "button[data-action=approve]").click()
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, ".flash.success")))
    assert "已批准" in browser.find_element(By.CSS_SELECTOR, ".flash.success").text
    assert state(app, ids["plan"]) == "approved"
    assert not browser.find_elements(By.CSS_SELECTOR, "[data-testid=plan]")
    shoot(browser, "supervision", "03-plan-approved-phone")

    result = browser.find_element(
        By.CSS_SELECTOR, f"[data-testid=result][data-meeting='{ids['done']}']"
    )
    result.find_element(By.CSS_SELECTOR, "a[data-action=countersign]").click()
    wait.until(ec.presence_of_element_located((By.XPATH, "//button[text()='会签']")))
    assert fits(browser)
    shoot(browser, "supervision", "04-result-to-countersign-phone")
    browser.find_element(By.XPATH, "//button[text()='会签']").click()
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, ".flash.success")))
    assert "已会签" in browser.find_element(By.CSS_SELECTOR, ".flash.success").text
    assert state(app, ids["done"]) == "countersigned"
    shoot(browser, "supervision", "05-countersigned-phone")

    browser.get(f"{base}/supervision/meetings/{ids['done']}")
    timeline = browser.find_element(By.CSS_SELECTOR, "[data-testid=timeline]").text
    for step in ("报街道审核", "发布会议公告", "结束表决", "签名公布结果", "街道会签结果"):
        assert step in timeline
    assert browser.find_elements(By.CSS_SELECTOR, "[data-testid=no-anomalies]")
    assert fits(browser)
    shoot(browser, "supervision", "06-timeline-phone")

    browser.get(f"{base}/communities/{ids['other']}/supervision/mandates/new")
    assert fits(browser)
    shoot(browser, "supervision", "07-mandate-form-phone")
    browser.get(f"{base}/supervision/offices/{ids['office']}")
    assert browser.find_element(By.CSS_SELECTOR, "[data-testid=plans-count]").text == "0"
    assert browser.execute_script("return document.scripts.length") == 0
    shoot(browser, "supervision", "08-dashboard-after-phone")

    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", DESKTOP)
    browser.get(f"{base}/supervision/offices/{ids['office']}")
    assert fits(browser)
    shoot(browser, "supervision", "09-dashboard-desktop")
    browser.get(f"{base}/communities/{ids['community']}/supervision")
    shoot(browser, "supervision", "10-community-desktop")
    browser.get(f"{base}/supervision/meetings/{ids['done']}")
    shoot(browser, "supervision", "11-timeline-desktop")
    browser.get(f"{base}/communities/{ids['other']}/supervision/mandates/new")
    shoot(browser, "supervision", "12-mandate-form-desktop")
