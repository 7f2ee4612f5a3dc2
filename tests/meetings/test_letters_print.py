"""The QR letters as the committee prints them: Chromium's print to PDF of a 328-unit
community with the longest names of tests/fixtures. Every owner's link is in the PDF as text,
no line is cut off, the text is 12 pt or more, and the steps fit the meeting and the owner."""

import base64
import io
import json
import os
import re
from pathlib import Path

import pytest

from tests.ballots.support import MeetingKit, Unit, election, motion, selection
from tests.browsing import fits, shoot
from voting.db import db, utcnow

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
NAMES = json.loads((FIXTURES / "longest-names.json").read_text(encoding="utf-8"))
#: A long public address, as a district's own host would print.
PUBLIC_URL = "https://toupiao.gongyi.chaoyang.beijing.gov.cn:8443/yezhu-dahui"
PASSWORD = "letters-print-password"


def long_roster() -> bytes:
    """roster-guanlan with the longest names: eight co-owners, an organisation, a building."""
    text = (FIXTURES / "rosters" / "roster-guanlan.csv").read_text(encoding="utf-8-sig")
    lines = text.splitlines()
    rows = [line.split(",") for line in lines[1:]]
    rows[0][6], rows[0][7] = "、".join(NAMES["co_owners"]), NAMES["representative"]
    rows[1][6], rows[1][7] = NAMES["organisation"], ""
    for row in rows:
        if row[0] == "地下车库":
            row[0] = NAMES["building"]
    return ("\n".join([lines[0], *(",".join(row) for row in rows)]) + "\n").encode()


def seed(app) -> tuple:
    from voting.auth.services import add_user
    from voting.rosters.models import Community
    from voting.rosters.services import (
        create_community,
        create_office,
        import_roster,
        update_procedure,
    )

    with app.app_context():
        office = create_office("望京街道办事处")
        community = create_community(NAMES["community"], office.id, "owners_committee")
        update_procedure(community, {"parking_policy": "include"})
        import_roster(community, long_roster(), "roster.csv")
        add_user("wang", PASSWORD, "committee", community_id=community.id)
        db.session.commit()
        community_id = community.id
        assert db.session.get(Community, community_id).name == NAMES["community"]
    opened = MeetingKit(app).open(
        community_id,
        [
            motion("修订《管理规约》"),
            selection("选聘物业服务企业", ["甲物业", "乙物业"]),
            election("补选业主委员会委员", list("ABCDEFG"), seats=5, alternates=1),
        ],
        title=NAMES["meeting"],
    )
    return community_id, opened


def pdf_text(driver) -> tuple[str, int]:
    """The page printed to PDF on A4 by Chromium, as text without any white space."""
    from pypdf import PdfReader

    printed = driver.execute_cdp_cmd("Page.printToPDF", {"preferCSSPageSize": True})
    reader = PdfReader(io.BytesIO(base64.b64decode(printed["data"])))
    text = "".join(page.extract_text() or "" for page in reader.pages)
    return re.sub(r"\s+", "", text), len(reader.pages)


@pytest.mark.skipif(
    bool(os.environ.get("VOTING_TEST_DATABASE_URL")),
    reason="the served app is on SQLite whatever the database: the SQLite run prints it",
)
def test_printed_letters_carry_every_link_and_every_line(browser, served):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    app, base = served
    app.config["PUBLIC_URL"] = PUBLIC_URL
    _, opened = seed(app)
    expected = {f"{PUBLIC_URL}/v/{token}" for token in opened.tokens.values()}
    assert len(expected) > 250

    browser.get(f"{base}/login")
    browser.find_element(By.NAME, "username").send_keys("wang")
    browser.find_element(By.NAME, "password").send_keys(PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    WebDriverWait(browser, 15).until(ec.url_changes(f"{base}/login"))

    browser.get(f"{base}/meetings/{opened.meeting_id}/letters")
    assert browser.execute_script("return window.innerWidth") == 375 and fits(browser)
    shoot(browser, "letters", "01-letters-phone")
    pages = len(browser.find_elements(By.CSS_SELECTOR, ".pager a")) + 1
    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    printed: set[str] = set()
    letters = sheets = 0
    for page in range(1, pages + 1):
        browser.get(f"{base}/meetings/{opened.meeting_id}/letters?page={page}")
        shown = browser.find_elements(By.CSS_SELECTOR, "[data-testid=letter]")
        # Every line the screen shows, letter by letter, white space aside.
        lines = [
            [re.sub(r"\s+", "", line) for line in letter.text.splitlines() if line.strip()]
            for letter in shown
        ]
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
        smallest = browser.execute_script(
            "return Math.min(...[...document.querySelectorAll('.letter *')]"
            ".filter(e => e.childNodes.length && [...e.childNodes].some("
            "n => n.nodeType === 3 && n.textContent.trim()))"
            ".map(e => parseFloat(getComputedStyle(e).fontSize)))"
        )
        assert smallest >= 16, smallest  # 12 pt = 16 CSS px
        hidden = browser.execute_script(
            "return [...document.querySelectorAll('.letter, .letter *')].filter(e => "
            "['hidden', 'clip'].includes(getComputedStyle(e).overflowY) "
            "&& e.scrollHeight > e.clientHeight + 1).length"
        )
        assert hidden == 0
        text, count = pdf_text(browser)
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
        sheets += count
        for letter_lines in lines:
            for line in letter_lines:
                assert line in text, line
        # The last line of each letter, printed as often as there are letters.
        assert text.count("可向业委会领取纸质表决票") == len(shown)
        found = set(re.findall(re.escape(PUBLIC_URL) + r"/v/[A-Za-z0-9_-]{20,}", text))
        printed |= found
        letters += len(shown)
    assert letters == len(expected)
    assert printed == expected
    # Two letters a sheet even with these names; the developer's letter lists 30 units.
    assert sheets * 20 <= letters * 11
    print(f"\n{letters} letters on {sheets} A4 sheets in {pages} print runs")


def test_steps_follow_the_matters_and_the_owner_s_check(client, app, kit, make, auth):
    owners = [
        Unit("101", "100.00", "o1", id_number="110108198003030021", phone="13800000001"),
        Unit("102", "100.00", "o2", id_number="110108198003030047"),
        Unit("103", "100.00", "o3", phone="13800000003"),
        Unit("104", "100.00", "o4"),
    ]
    community_id = kit.community(owners)
    auth.login(kit.committee(make, community_id, "wang"))
    only_motions = kit.open(community_id, [motion("修订《管理规约》")], title="甲")
    page = client.get(f"/meetings/{only_motions.meeting_id}/letters").get_data(as_text=True)
    assert "逐项选择“同意”“反对”或“弃权”" in page
    assert "选聘事项" not in page and "选举事项" not in page
    letters = re.findall(r'data-testid="letter".*?</article>', page, re.S)
    assert len(letters) == 4
    checks = {
        re.search(r'class="letter-unit">([^<]+)<', one).group(1): (
            re.search(r'data-testid="letter-check">([^<]+)<', one) or [None, None]
        )[1]
        for one in letters
    }
    assert checks == {
        "1号楼 101": "按提示输入身份证号或登记手机号的后四位，核对是您本人。",
        "1号楼 102": "按提示输入身份证号的后四位，核对是您本人。",
        "1号楼 103": "按提示输入登记手机号的后四位，核对是您本人。",
        "1号楼 104": None,  # no digits to ask for: no such step
    }
    assert "后四位" not in letters[3]
    # Selections and elections say how to choose there, as the ballot does.
    with app.app_context():
        from voting.meetings.models import Meeting

        db.session.get(Meeting, only_motions.meeting_id).voided_at = utcnow()
        db.session.commit()
    mixed = kit.open(community_id, [
        selection("选聘物业服务企业", ["甲物业", "乙物业"]),
        election("选举业主委员会委员", list("ABCDE"), seats=3, alternates=1),
    ], title="乙")  # fmt: skip
    page = client.get(f"/meetings/{mixed.meeting_id}/letters").get_data(as_text=True)
    assert "逐项选择“同意”“反对”或“弃权”" not in page
    assert "在列出的企业或方案中只选一个" in page and "最多选 3 人" in page


def test_a_letter_names_where_to_get_a_paper_ballot(client, app, kit, make, auth):
    from voting.rosters.models import Community
    from voting.rosters.services import update_contact

    community_id = kit.community([Unit("101", "100.00", "o1")])
    with app.app_context():
        contact = {"committee_phone": "010-8477 2388", "committee_place": "3号楼一层业委会办公室"}
        update_contact(db.session.get(Community, community_id), contact)
        db.session.commit()
    auth.login(kit.committee(make, community_id, "wang"))
    opened = kit.open(community_id, [motion("修订《管理规约》")])
    page = client.get(f"/meetings/{opened.meeting_id}/letters").get_data(as_text=True)
    assert "可向业委会领取纸质表决票" in page
    assert "010-8477 2388" in page and "3号楼一层业委会办公室" in page
