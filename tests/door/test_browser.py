"""The building head's pages on a 375 px phone: the visit page records a visit with a tap,
the non-voters' list reads without sideways scrolling."""

from sqlalchemy import select

from tests.ballots.support import MeetingKit, motion
from tests.browsing import fits, shoot
from voting.db import db

from .conftest import two_buildings


def test_a_building_head_records_a_visit_on_a_phone(browser, served):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    from voting.auth.services import add_user
    from voting.door.models import DoorVisit

    app, base = served
    kit = MeetingKit(app)
    community_id = kit.community(two_buildings(), one_time_code=False)
    opened = kit.open(community_id, [motion("修订《管理规约》")])
    with app.app_context():
        add_user("louzhang", "door-to-door-password", "building_head",
                 community_id=community_id, buildings=["1号楼"])  # fmt: skip
        db.session.commit()
    browser.get(f"{base}/login")
    browser.find_element(By.NAME, "username").send_keys("louzhang")
    browser.find_element(By.NAME, "password").send_keys("door-to-door-password")
    browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    WebDriverWait(browser, 15).until(ec.url_to_be(f"{base}/door"))
    assert fits(browser)
    browser.find_element(By.LINK_TEXT, "记录上门").click()
    WebDriverWait(browser, 15).until(ec.url_contains("/buildings/"))
    assert browser.execute_script("return window.innerWidth") == 375
    assert fits(browser)
    size = browser.execute_script(
        "return parseFloat(getComputedStyle(document.querySelector('.door-unit')).fontSize)"
    )
    assert size >= 20  # large text: the unit reads at arm's length
    shoot(browser, "door", "visit-page-phone")
    voter = opened.voter_ids["o1"]
    owner = browser.find_element(By.CSS_SELECTOR, f"[data-voter='{voter}']")
    owner.find_element(By.CSS_SELECTOR, "button[value=proxy_form]").click()
    WebDriverWait(browser, 15).until(
        ec.text_to_be_present_in_element((By.CSS_SELECTOR, ".flash"), "已收回授权委托书")
    )
    last = browser.find_element(By.CSS_SELECTOR, f"[data-voter='{voter}'] [data-testid=door-last]")
    assert "已收回授权委托书" in last.text
    with app.app_context():
        visits = db.session.scalars(select(DoorVisit)).all()
        assert [(v.voter_id, v.outcome) for v in visits] == [(voter, "proxy_form")]
    browser.get(f"{base}/door/meetings/{opened.meeting_id}/buildings/1号楼/list")
    assert fits(browser)
    assert len(browser.find_elements(By.CSS_SELECTOR, "[data-testid=non-voter]")) == 3
    shoot(browser, "door", "non-voters-list-phone")
