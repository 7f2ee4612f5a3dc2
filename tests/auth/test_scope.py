"""Nobody gets in where they do not belong: every route that names a community is refused
to staff of another community or office, through the pages and through the API."""

import pytest
from sqlalchemy import select
from werkzeug.routing import IntegerConverter

from voting.db import db
from voting.rosters.models import Unit


@pytest.fixture
def two_communities(app, make):
    office_a, office_b = make.office("东城街道"), make.office("西城街道")
    a = make.community(office_a, name="甲小区")
    b = make.community(office_b, name="乙小区")
    with app.app_context():
        unit_b = db.session.scalar(select(Unit.id).where(Unit.community_id == b.id))
    return a, b, unit_b


#: Pages meant for everyone: announcements, boards, residents' links.
PUBLIC_PREFIXES = ("/public/", "/v/", "/c/")


def _community_urls(app, community_id: int, unit_id: int, api: bool):
    """Every URL rule with a community_id, filled in for the given community."""
    for rule in app.url_map.iter_rules():
        if "community_id" not in rule.arguments or rule.rule.startswith("/api/") != api:
            continue
        if rule.rule.startswith(PUBLIC_PREFIXES):
            continue
        values = {}
        for name in rule.arguments:
            is_int = isinstance(rule._converters[name], IntegerConverter)
            if name == "community_id":
                values[name] = community_id
            elif name == "unit_id":
                values[name] = unit_id
            elif name == "fmt":
                values[name] = "csv"
            else:
                values[name] = 1 if is_int else "x"
        path = rule.build(values)[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield method, path


def test_committee_of_a_is_refused_every_page_of_b(app, make, client, auth, two_communities):
    a, b, unit_b = two_communities
    auth.login(make.user("committee", community=a))
    urls = list(_community_urls(app, b.id, unit_b, api=False))
    assert len(urls) >= 8
    for method, path in urls:
        response = client.open(path, method=method)
        assert response.status_code in (403, 404), (method, path, response.status_code)


def test_office_sees_only_its_own_communities(app, make, client, auth, two_communities):
    a, b, unit_b = two_communities
    auth.login(make.user("office", office=a.office))
    home = client.get("/").get_data(as_text=True)
    assert "甲小区" in home and "乙小区" not in home
    assert client.get(f"/communities/{a.id}").status_code == 200
    for method, path in _community_urls(app, b.id, unit_b, api=False):
        response = client.open(path, method=method)
        assert response.status_code in (403, 404), (method, path, response.status_code)


def test_api_refuses_other_scopes(app, make, client, two_communities):
    a, b, unit_b = two_communities
    tokens = [
        make.token(make.user("committee", community=a)),
        make.token(make.user("office", office=a.office)),
    ]
    urls = list(_community_urls(app, b.id, unit_b, api=True))
    assert len(urls) >= 5
    for token in tokens:
        headers = {"Authorization": f"Bearer {token}"}
        for method, path in urls:
            response = client.open(path, method=method, headers=headers, json={})
            assert response.status_code in (403, 404), (method, path, response.status_code)
            assert "error" in response.get_json()
        assert client.get(f"/api/v1/communities/{a.id}", headers=headers).status_code == 200


def test_anonymous_visitors_are_sent_to_login(app, make, client, two_communities):
    a, _, unit_a = two_communities
    response = client.get(f"/communities/{a.id}/roster")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.get(f"/api/v1/communities/{a.id}").status_code == 401


def test_office_cannot_create_a_community_in_another_office(app, make, client, two_communities):
    a, b, _ = two_communities
    token = make.token(make.user("office", office=a.office))
    response = client.post(
        "/api/v1/communities",
        json={"name": "丙小区", "office_id": b.office.id},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 403


def test_committee_cannot_create_offices_or_communities(app, make, client, auth, two_communities):
    a, _, _ = two_communities
    auth.login(make.user("committee", community=a))
    assert client.get("/offices/new").status_code == 403
    assert client.post("/communities/new", data={"name": "x"}).status_code == 403
