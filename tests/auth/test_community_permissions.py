"""The permission table's rows for communities, rosters and consultations, through the pages
and the API alike (voting.auth.permissions): outside the scope 404, in scope but not the
role's 403, and the roles the table names succeed."""

from datetime import UTC, datetime

import pytest

from tests.conftest import bearer as _bearer
from tests.conftest import row_count as _count
from voting.consultations.models import Consultation
from voting.db import db
from voting.rosters.models import Community, Office

DEADLINE = datetime(2099, 3, 1, 2, 0, tzinfo=UTC)
PROCEDURE = {"parking_policy": "exclude_entirely"}
NEW_TOPIC = {"title": "楼道灯改造", "deadline": "2099-03-01T10:00:00+08:00"}


@pytest.fixture
def world(app, make):
    """Community A (office A) with a draft topic, community B (office B) with its own."""
    from voting.consultations.services import create_consultation

    a = make.community(make.office("东城街道"), name="甲小区")
    b = make.community(make.office("西城街道"), name="乙小区")
    with app.app_context():
        topics = {
            community.id: create_consultation(
                db.session.get(Community, community.id), "电梯加装征求意见", DEADLINE
            ).id
            for community in (a, b)
        }
        db.session.commit()
    return a, b, topics


def _user(make, role, community):
    if role == "committee":
        return make.user("committee", community=community)
    if role == "office":
        return make.user("office", office=community.office)
    return make.user(role)


@pytest.mark.parametrize("role", ["committee", "office"])
def test_a_topic_of_another_office_is_404_on_the_page_and_the_api(app, make, client, auth,
                                                                    world, role):  # fmt: skip
    a, b, topics = world
    user = _user(make, role, a)
    headers = _bearer(make, user)
    auth.login(user)
    theirs = f"/communities/{b.id}/consultations/{topics[b.id]}"
    assert client.get(theirs).status_code == 404
    assert client.post(theirs + "/open").status_code == 404
    api = client.get(f"/api/v1/consultations/{topics[b.id]}", headers=headers)
    assert api.status_code == 404
    assert api.get_json()["error"]["code"] == "not_found"
    created = client.post(f"/api/v1/communities/{b.id}/consultations", json=NEW_TOPIC,
                          headers=headers)  # fmt: skip
    assert created.status_code == 404
    assert _count(app, Consultation) == 2
    # Their own: read on both sides, and created through the API.
    assert client.get(f"/communities/{a.id}/consultations/{topics[a.id]}").status_code == 200
    own = client.get(f"/api/v1/consultations/{topics[a.id]}", headers=headers)
    assert own.status_code == 200 and own.get_json()["title"] == "电梯加装征求意见"
    created = client.post(f"/api/v1/communities/{a.id}/consultations", json=NEW_TOPIC,
                          headers=headers)  # fmt: skip
    assert created.status_code == 201
    assert _count(app, Consultation) == 3


def test_a_topic_named_under_another_community_is_404(make, client, auth, world):
    a, b, topics = world
    auth.login(make.user("admin"))
    assert client.get(f"/communities/{b.id}/consultations/{topics[b.id]}").status_code == 200
    assert client.get(f"/communities/{a.id}/consultations/{topics[b.id]}").status_code == 404


def test_administrators_read_topics_but_may_not_run_them(app, make, client, auth, world):
    a, _, topics = world
    admin = make.user("admin")
    headers = _bearer(make, admin)
    auth.login(admin)
    page = f"/communities/{a.id}/consultations/{topics[a.id]}"
    assert client.get(page).status_code == 200
    assert client.post(page + "/open").status_code == 403
    assert client.get(f"/communities/{a.id}/consultations/new").status_code == 403
    assert client.get(f"/api/v1/consultations/{topics[a.id]}", headers=headers).status_code == 200
    refused = client.post(f"/api/v1/communities/{a.id}/consultations", json=NEW_TOPIC,
                          headers=headers)  # fmt: skip
    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "forbidden"
    assert _count(app, Consultation) == 2
    with app.app_context():
        assert db.session.get(Consultation, topics[a.id]).state == "draft"


def test_only_administrators_register_offices(app, make, client, auth, world):
    a, _, _ = world
    committee = make.user("committee", community=a)
    assert client.post("/api/v1/offices", json={"name": "南城街道"},
                       headers=_bearer(make, committee)).status_code == 403  # fmt: skip
    auth.login(committee)
    assert client.get("/offices/new").status_code == 403
    assert _count(app, Office) == 2
    admin = make.user("admin")
    created = client.post("/api/v1/offices", json={"name": "南城街道"},
                          headers=_bearer(make, admin))  # fmt: skip
    assert created.status_code == 201
    assert _count(app, Office) == 3


def test_committees_do_not_register_communities_and_offices_only_their_own(app, make, client,
                                                                            world):  # fmt: skip
    a, b, _ = world
    committee = _bearer(make, make.user("committee", community=a))
    body = {"name": "丙小区", "office_id": str(a.office.id)}
    assert client.post("/api/v1/communities", json=body, headers=committee).status_code == 403
    office = _bearer(make, make.user("office", office=a.office))
    other = {**body, "office_id": str(b.office.id)}
    assert client.post("/api/v1/communities", json=other, headers=office).status_code == 403
    assert _count(app, Community) == 2
    assert client.post("/api/v1/communities", json=body, headers=office).status_code == 201
    assert _count(app, Community) == 3


@pytest.mark.parametrize("role", ["committee", "office"])
def test_a_roster_of_another_office_is_404_and_the_own_one_is_served(make, client, auth, world,
                                                                       role):  # fmt: skip
    a, b, _ = world
    user = _user(make, role, a)
    headers = _bearer(make, user)
    for community, status in ((b, 404), (a, 200)):
        api = client.get(f"/api/v1/communities/{community.id}/roster", headers=headers)
        assert api.status_code == status
        procedure = client.put(
            f"/api/v1/communities/{community.id}/procedure", json=PROCEDURE, headers=headers
        )
        assert procedure.status_code == status
    assert api.get_json()["total"] > 0
    auth.login(user)
    assert client.get(f"/communities/{b.id}/roster").status_code == 404
    assert client.get(f"/communities/{b.id}/contact").status_code == 404
    assert client.get(f"/communities/{a.id}/roster").status_code == 200
    assert client.get(f"/communities/{a.id}/contact").status_code == 200


def test_administrators_do_not_keep_a_community_contact(make, client, auth, world):
    a, _, _ = world
    auth.login(make.user("admin"))
    assert client.get(f"/communities/{a.id}/roster").status_code == 200
    assert client.get(f"/communities/{a.id}/contact").status_code == 403
    assert client.post(f"/communities/{a.id}/contact", data={}).status_code == 403
