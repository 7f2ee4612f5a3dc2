"""Committee powers come from the community's current mandate: an account of the community
that the current mandate does not name (opened after it, or a member of an ended one) is
refused on every committee page and API call, as the tenancy tests do across offices."""

import pytest

from tests.routing import answers
from tests.test_tenancy import _urls, world  # noqa: F401  (the fixture is used by name)
from voting.db import db


@pytest.fixture
def mandated(app, make, world):  # noqa: F811
    """Community B with a preparatory group of three; ``outsider`` was opened after it."""
    from voting.auth.models import User
    from voting.rosters.models import Community
    from voting.supervision.mandates import appoint_preparatory_group

    _, b, ids = world
    members = [make.user("committee", f"member-{n}", community=b) for n in range(3)]
    officer = make.user("office", "office-b", office=b.office)
    with app.app_context():
        appoint_preparatory_group(
            db.session.get(Community, b.id),
            db.session.get(User, officer.id),
            [m.id for m in members],
            [m.id for m in members[:2]],
        )
        db.session.commit()
    outsider = make.user("committee", "outsider", community=b)
    return members, outsider, ids


def test_an_account_outside_the_current_mandate_cannot_plan_a_meeting(client, make, mandated):
    members, outsider, ids = mandated
    body = {"title": "越权会议", "opens_at": "2031-01-01T01:00:00Z",
            "closes_at": "2031-01-08T01:00:00Z",
            "matters": [{"title": "物业费", "category": "ordinary", "kind": "motion"}]}  # fmt: skip
    path = f"/api/v1/communities/{ids['community_id']}/meetings"
    refused = client.post(
        path, json=body, headers={"Authorization": f"Bearer {make.token(outsider)}"}
    )
    assert refused.status_code in (403, 404)
    member = client.post(
        path, json=body, headers={"Authorization": f"Bearer {make.token(members[0])}"}
    )
    assert member.status_code == 201


def test_every_committee_page_refuses_an_account_outside_the_mandate(app, client, auth, mandated):
    members, outsider, ids = mandated
    auth.login(members[0])
    assert client.get(f"/communities/{ids['community_id']}/meetings").status_code == 200
    auth.logout()
    auth.login(outsider)
    urls = list(_urls(app, ids, api=False))
    assert len(urls) > 40
    for method, path, response in answers(client, urls, data={}):
        assert response.status_code in (403, 404), (method, path, response.status_code)


def test_every_committee_api_call_refuses_an_account_outside_the_mandate(
    app, client, make, mandated
):
    _, outsider, ids = mandated
    headers = {"Authorization": f"Bearer {make.token(outsider)}"}
    urls = list(_urls(app, ids, api=True))
    assert len(urls) > 15
    for method, path, response in answers(client, urls, headers=headers, json={}):
        if method == "GET" and path.endswith(f"/meetings/{ids['meeting_id']}"):
            # An announced meeting is public (FORMATS.md §7); staff-only fields stay hidden.
            assert response.status_code == 200 and "credentials" not in response.get_json()
            continue
        assert response.status_code in (403, 404), (method, path, response.status_code)
