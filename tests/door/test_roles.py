"""A building head (楼长) reaches the door-to-door pages of their buildings and nothing else:
every other staff page and API call answers 403 or 404, even for their own community and
meeting, and no API token works for them."""

from sqlalchemy import select

from tests.routing import route_urls
from voting.db import db

#: Pages and calls meant for residents or for everyone (as in tests/test_tenancy.py).
PUBLIC = ("/public/", "/v/", "/c/", "/t/", "/keys", "/static/", "/lang/", "/api/v1/participation/",
          "/api/v1/ballots", "/api/v1/keys", "/api/v1/openapi.json", "/healthz")  # fmt: skip
#: Signing in and out, and the building head's own pages.
OWN = ("door.home", "door.printable", "door.visits", "door.visit", "auth.login", "auth.logout")


def _ids(app, opened) -> dict:
    from voting.meetings.models import Credential, Meeting
    from voting.rosters.models import Community, Unit

    with app.app_context():
        meeting = db.session.get(Meeting, opened.meeting_id)
        community = db.session.get(Community, opened.community_id)
        return {
            "community_id": community.id,
            "office_id": community.office_id,
            "meeting_id": meeting.id,
            "matter_id": meeting.matters[0].id,
            "unit_id": db.session.scalar(select(Unit.id).where(Unit.community_id == community.id)),
            "voter_id": opened.voter_ids["o1"],
            "credential_id": db.session.scalar(
                select(Credential.id).where(Credential.meeting_id == meeting.id)
            ),
            "building": "1号楼",
        }


def _urls(app, ids: dict, api: bool):
    return route_urls(app, ids, api=api, public=PUBLIC, keep=lambda rule: rule.endpoint not in OWN)


def test_a_building_head_gets_no_other_staff_page(app, client, auth, make, door):
    opened, _, head = door
    assert auth.login(head).status_code == 302
    own = client.get(f"/door/meetings/{opened.meeting_id}/buildings/1号楼")
    assert own.status_code == 200  # signed in, and their own page answers
    urls = list(_urls(app, _ids(app, opened), api=False))
    assert len(urls) > 60
    answered = [(m, p, client.open(p, method=m, data={}).status_code) for m, p in urls]
    assert [a for a in answered if a[2] not in (403, 404)] == []


def test_a_building_head_gets_no_api_call(app, client, make, door):
    opened, _, head = door
    token = make.token(head)  # even a token made for them by other means does not work
    headers = {"Authorization": f"Bearer {token}"}
    urls = list(_urls(app, _ids(app, opened), api=True))
    assert len(urls) > 15
    answered = [(m, p, client.open(p, method=m, headers=headers, json={}).status_code)
                for m, p in urls]  # fmt: skip
    # An announced meeting is public (FORMATS.md §7); the token itself is refused (401).
    public = ("GET", f"/api/v1/meetings/{opened.meeting_id}")
    assert [a for a in answered if a[2] not in (401, 403, 404) and a[:2] != public] == []


def test_other_staff_get_none_of_the_building_head_pages(app, client, auth, make, door):
    opened, committee, _ = door
    auth.login(committee)
    base = f"/door/meetings/{opened.meeting_id}/buildings/1号楼"
    assert client.get("/door").status_code == 403
    assert client.get(base).status_code == 403
    assert client.get(f"{base}/list").status_code == 403
    voter = opened.voter_ids["o1"]
    visit = client.post(f"{base}/voters/{voter}/visit", data={"outcome": "visited"})
    assert visit.status_code == 403
