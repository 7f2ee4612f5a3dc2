"""A resident votes in headless Chromium on a phone-sized screen, without any JavaScript of ours.

The app runs in a thread on 127.0.0.1 over a file SQLite database; screenshots of every step
go to test-artifacts/. Skipped when Chromium is not installed, unless VOTING_REQUIRE_BROWSER=1.
"""

import re

from sqlalchemy import select

from tests.browsing import shoot
from voting.db import db

from .support import MeetingKit, election, motion, selection, six_owners

ID_O1 = "110108198003030021"


def choose(driver, matter_id: str, label: str) -> None:
    """Tap the choice of a matter whose text is ``label``."""
    from selenium.webdriver.common.by import By

    for element in driver.find_elements(By.CSS_SELECTOR, f"#matter-{matter_id} label.choice"):
        if element.text.strip().lstrip("✔✘ ").strip() == label:
            element.click()
            return
    raise AssertionError(f"no choice {label!r} on matter {matter_id}")


def wait_for_title(driver, text: str) -> None:
    """Wait until the page that a tap led to has loaded."""
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, 15).until(expected_conditions.title_contains(text))


def test_a_resident_votes_on_a_phone(browser, served):
    from selenium.webdriver.common.by import By

    app, base = served
    kit = MeetingKit(app)
    community_id = kit.community(six_owners(o1={"id_number": ID_O1}))
    opened = kit.open(community_id, [
        motion("制定《业主大会议事规则》"),
        selection("选聘物业服务企业", ["甲物业", "乙物业", "丙物业"]),
        election("选举第一届业主委员会委员", list("ABCDEFG"), seats=5, alternates=2),
    ], title="观澜苑第一次业主大会会议")  # fmt: skip
    token = opened.tokens["o1"]

    browser.get(f"{base}/v/{token}")
    assert "花名册中您的信息" in browser.page_source and "1号楼 101" in browser.page_source
    assert browser.execute_script("return window.innerWidth") == 375
    shoot(browser, "ballots", "01-welcome")
    browser.find_element(By.LINK_TEXT, "开始投票").click()

    wait_for_title(browser, "核对身份")
    browser.find_element(By.NAME, "last4").send_keys("0021")
    shoot(browser, "ballots", "02-verify")
    browser.find_element(By.CSS_SELECTOR, "form.verify button[type=submit]").click()

    wait_for_title(browser, "选票")
    first, second, third = opened.matter_ids
    choose(browser, first, "同意")
    choose(browser, second, "乙物业")
    for candidate in ("A", "C", "E"):
        choose(browser, third, candidate)
    shoot(browser, "ballots", "03-ballot")
    browser.find_element(By.CSS_SELECTOR, "form.ballot button[type=submit]").click()

    wait_for_title(browser, "确认选择")
    review = browser.find_element(By.CSS_SELECTOR, "ol.review").text
    assert "同意" in review and "乙物业" in review and "A、C、E" in review
    shoot(browser, "ballots", "04-confirm")
    browser.find_element(By.XPATH, "//button[@value='cast']").click()

    wait_for_title(browser, "投票成功")
    shown = browser.find_element(By.CSS_SELECTOR, "p.receipt").text
    groups = re.findall(r"[0-9a-f]{4}", shown)
    assert len(groups) == 8
    shoot(browser, "ballots", "05-receipt")

    from voting.ballots.models import Ballot

    with app.app_context():
        ballot = db.session.scalar(select(Ballot))
    assert ballot.receipt == "".join(groups) and ballot.channel == "online"
    codes = opened.codes
    assert ballot.answers == {
        first: ["agree"],
        second: [codes[1]["乙物业"]],
        third: [codes[2][c] for c in "ACE"],
    }
    # The page never needed a script of ours, and the browser saw none.
    assert browser.execute_script("return document.scripts.length") == 0

    browser.get(f"{base}/v/{token}")
    assert "您已投票" in browser.page_source
    shoot(browser, "ballots", "06-voted")
    browser.get(f"{base}/v/{'Q' * 24}")
    assert "链接无效" in browser.page_source
    shoot(browser, "ballots", "07-unknown-link")


def test_a_resident_votes_in_a_secret_meeting_on_a_phone(browser, served):
    """The same steps in a secret meeting: the receipt page shows the ballot's fingerprint and
    fits the screen; what is stored is ciphertexts only."""
    from selenium.webdriver.common.by import By

    from tests.browsing import fits

    app, base = served
    kit = MeetingKit(app)
    community_id = kit.community(six_owners())
    opened = kit.open(community_id, [
        motion("续聘物业服务企业"),
        selection("选聘物业服务企业", ["甲物业", "乙物业", "丙物业"]),
    ], title="观澜苑业主大会会议（无记名）", secret=True)  # fmt: skip
    first, second = opened.matter_ids

    browser.get(f"{base}/v/{opened.tokens['o2']}")
    browser.find_element(By.LINK_TEXT, "开始投票").click()
    wait_for_title(browser, "选票")
    choose(browser, first, "反对")
    choose(browser, second, "丙物业")
    browser.find_element(By.CSS_SELECTOR, "form.ballot button[type=submit]").click()
    wait_for_title(browser, "确认选择")
    review = browser.find_element(By.CSS_SELECTOR, "ol.review").text
    assert "反对" in review and "丙物业" in review  # from the form just posted
    browser.find_element(By.XPATH, "//button[@value='cast']").click()

    wait_for_title(browser, "投票成功")
    shoot(browser, "ballots", "06-secret-receipt")
    assert fits(browser)
    fingerprint = browser.find_element(By.CSS_SELECTOR, "[data-testid=fingerprint]").text
    groups = re.findall(r"[0-9a-f]{4}", fingerprint)
    assert len(groups) == 16  # SHA-256 of the board entry, in groups of four
    assert "反对" not in browser.page_source and "丙物业" not in browser.page_source
    # The advice to keep the receipt is said once.
    assert browser.page_source.count("核对您的选票是否被正确计入") == 1

    from voting.ballots.models import Ballot
    from voting.crypto.merkle import leaf_hash
    from voting.meetings.models import Meeting
    from voting.meetings.tally import board_entries

    with app.app_context():
        ballot = db.session.scalar(select(Ballot))
        (entry,) = board_entries(db.session.get(Meeting, ballot.meeting_id))
    assert set(ballot.answers) == {first, second}
    assert all(set(answer) == {"ciphertexts", "proofs", "abstain", "sum_proof"}
               for answer in ballot.answers.values())  # fmt: skip
    assert leaf_hash(entry).hex() == "".join(groups)
