"""Every resident page gives the committee's and the office's contact and leads back to the
owner's own page, never to "/" or the staff login (error pages included)."""

import re

import pytest
from sqlalchemy import select

from tests.browsing import fits, shoot
from voting.db import db

from .support import MeetingKit, motion, six_owners

ID_O1 = "110108198003030021"
CONTACT = {
    "committee_phone": "０１０－８４７７ ２３８８",  # typed with a Chinese input method
    "committee_place": "3号楼一层业委会办公室",
    "committee_hours": "每周六 9:00—11:30",
    "office_phone": "010-64701234",
    "office_place": "望京街道办事处一层社区服务大厅",
    "office_hours": "工作日 8:30—17:00",
}


def set_contact(client, auth, kit, make, community_id) -> None:
    auth.login(kit.committee(make, community_id, "wang"))
    saved = client.post(f"/communities/{community_id}/contact", data=CONTACT)
    assert saved.status_code == 302
    auth.logout()


@pytest.fixture
def opened(kit, client, auth, make):
    community_id = kit.community(six_owners(o1={"id_number": ID_O1}))
    set_contact(client, auth, kit, make, community_id)
    return kit.open(community_id, [motion("修改业主大会议事规则")])


def links(page: str) -> list[str]:
    return re.findall(r'href="([^"]*)"', page)


def assert_resident_page(page: str, token: str | None) -> None:
    """The contact, and no way to "/" or the staff login; back to /v/<token> when live."""
    shown = [*CONTACT.values(), "望京街道办事处"]
    shown[0] = "010-8477 2388"  # as saved: plain digits
    for value in shown:
        assert value in page, value
    assert 'href="tel:01084772388"' in page and 'href="tel:01064701234"' in page
    hrefs = links(page)
    assert "/" not in hrefs and not any("login" in h for h in hrefs), hrefs
    if token:
        assert f"/v/{token}" in hrefs


def test_the_contact_is_saved_plain_and_logged(app, opened):
    from voting.audit.models import AuditEvent
    from voting.rosters.models import Community

    with app.app_context():
        community = db.session.get(Community, opened.community_id)
        assert community.committee_phone == "010-8477 2388"
        event = db.session.scalar(
            select(AuditEvent).where(AuditEvent.type == "community.contact_updated")
        )
        assert event.data["after"]["office_place"] == "望京街道办事处一层社区服务大厅"
        assert event.data["before"]["office_place"] == ""


def test_every_page_of_the_link_gives_the_contact_and_the_way_back(client, opened):
    token = opened.tokens["o1"]
    for path in ("", "/notice", "/verify", "/objection"):
        page = client.get(f"/v/{token}{path}")
        assert page.status_code == 200, path
        assert_resident_page(page.get_data(as_text=True), token)
    assert client.post(f"/v/{token}/verify", data={"last4": "0021"}).status_code == 302
    ballot = client.get(f"/v/{token}/ballot").get_data(as_text=True)
    assert_resident_page(ballot, token)
    other = opened.tokens["o2"]
    body = {"token": other, "answers": opened.answers({0: ["同意"]})}
    cast = client.post("/api/v1/ballots", json=body)
    assert cast.status_code == 201
    assert_resident_page(client.get(f"/v/{other}").get_data(as_text=True), other)


def test_error_pages_under_a_link_lead_back_to_it(client, opened):
    token = opened.tokens["o1"]
    for path in ("/documents/999999", "/no-such-page"):
        page = client.get(f"/v/{token}{path}")
        assert page.status_code == 404
        assert_resident_page(page.get_data(as_text=True), token)
    # A form posted without its CSRF token is refused on a page that still leads back.
    app = client.application
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        refused = client.post(f"/v/{token}/verify", data={"last4": "0021"})
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert refused.status_code == 400
    assert_resident_page(refused.get_data(as_text=True), token)


def test_an_unknown_link_leads_nowhere_staff_only(client, opened):
    page = client.get(f"/v/{'Q' * 24}")
    body = page.get_data(as_text=True)
    hrefs = links(body)
    assert "/" not in hrefs and not any("login" in h for h in hrefs), hrefs
    assert "街道办事处" in body  # whom to ask, in general words


def test_a_revoked_link_still_names_whom_to_ask(app, client, opened):
    from voting.meetings.credentials import revoke_credential
    from voting.meetings.models import Credential

    with app.app_context():
        revoke_credential(db.session.get(Credential, opened.credential_ids["o3"]), "遗失")
        db.session.commit()
    page = client.get(f"/v/{opened.tokens['o3']}").get_data(as_text=True)
    assert "链接已作废" in page
    assert_resident_page(page, None)


def test_only_staff_of_the_community_set_the_contact(client, auth, kit, make, opened):
    other = kit.community(six_owners())
    auth.login(kit.committee(make, other, "li"))
    assert client.post(f"/communities/{opened.community_id}/contact", data=CONTACT).status_code in (
        403,
        404,
    )
    auth.logout()
    anonymous = client.get(f"/communities/{opened.community_id}/contact")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]


def test_a_resident_on_a_phone_finds_whom_to_call_and_the_way_back(browser, served):
    from selenium.webdriver.common.by import By

    app, base = served
    kit = MeetingKit(app)
    community_id = kit.community(six_owners())
    with app.app_context():
        from voting.rosters.models import Community
        from voting.rosters.services import update_contact

        update_contact(db.session.get(Community, community_id), CONTACT | {
            "committee_phone": "010-8477 2388"})  # fmt: skip
        db.session.commit()
    opened = kit.open(community_id, [motion("修改业主大会议事规则")])
    token = opened.tokens["o1"]
    browser.get(f"{base}/v/{token}/notice")
    contact = browser.find_element(By.CSS_SELECTOR, "[data-testid=contact]")
    assert "010-8477 2388" in contact.text and "工作日 8:30—17:00" in contact.text
    assert browser.execute_script("return window.innerWidth") == 375 and fits(browser)
    size = browser.execute_script(
        "return parseFloat(getComputedStyle(document.querySelector('.contact a.phone')).fontSize)"
    )
    assert size >= 20
    shoot(browser, "ballots", "contact-phone")
    browser.find_element(By.CSS_SELECTOR, "[data-testid=home]").click()
    assert browser.current_url == f"{base}/v/{token}"
    browser.get(f"{base}/v/{token}/documents/424242")
    assert "找不到此页面" in browser.page_source and fits(browser)
    shoot(browser, "ballots", "contact-404-phone")
    browser.find_element(By.CSS_SELECTOR, "a.brand").click()
    assert browser.current_url == f"{base}/v/{token}"
