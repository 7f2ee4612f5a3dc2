"""An owner's consultation pages (/c/<token>, /t/<key>), errors included, give the
committee's and the office's contact and lead back to the owner's page, never to "/"."""

import re

from sqlalchemy import select

from voting.db import db

from .conftest import verify

PHONE = "010-8477 2388"


def hrefs(page: str) -> list[str]:
    return re.findall(r'href="([^"]*)"', page)


def set_contact(app, community) -> None:
    from voting.rosters.models import Community
    from voting.rosters.services import update_contact

    with app.app_context():
        contact = {"committee_phone": PHONE, "office_place": "望京街道社区服务大厅"}
        update_contact(db.session.get(Community, community.id), contact)
        db.session.commit()


def test_every_owner_page_names_whom_to_ask_and_leads_back(app, client, community, topics):
    set_contact(app, community)
    topic = topics.make(community)
    token = topic.token("1号楼", "101")
    pages = [client.get(f"/c/{token}")]  # the identity check first
    verify(client, topic, "1号楼", "101")
    pages += [client.get(f"/c/{token}"), client.get(f"/c/{token}/documents/999999")]
    assert [p.status_code for p in pages] == [200, 200, 404]
    for page in pages:
        body = page.get_data(as_text=True)
        assert PHONE in body and "望京街道社区服务大厅" in body and "望京街道办事处" in body
        assert "/" not in hrefs(body) and not any("login" in h for h in hrefs(body))
    assert f"/c/{token}" in hrefs(pages[2].get_data(as_text=True))


def test_the_topic_s_entry_page_names_whom_to_ask(app, client, community, topics):
    from voting.consultations.models import Consultation

    set_contact(app, community)
    topic = topics.make(community)
    with app.app_context():
        key = db.session.scalar(select(Consultation.entry_key).where(Consultation.id == topic.id))
    body = client.get(f"/t/{key}").get_data(as_text=True)
    assert PHONE in body and "/" not in hrefs(body)
    missing = client.get(f"/t/{key}x")
    assert missing.status_code == 404 and "/" not in hrefs(missing.get_data(as_text=True))
