"""The API speaks FORMATS.md: ids are strings in answers and strings or integers in requests;
counts are numbers; every error detail has a code and a message; 405 names what is allowed."""

import pytest

from tests.conftest import bearer


def test_ids_are_strings_in_answers_and_accepted_as_strings_in_requests(client, make):
    admin = bearer(make, make.user("admin", "root"))
    office = client.post("/api/v1/offices", json={"name": "望京街道办事处"}, headers=admin)
    assert office.status_code == 201 and isinstance(office.json["id"], str)
    body = {"name": "观澜苑", "office_id": office.json["id"]}
    community = client.post("/api/v1/communities", json=body, headers=admin)
    assert community.status_code == 201
    assert community.json["office"]["id"] == office.json["id"]
    assert isinstance(community.json["id"], str) and community.json["id"].isdigit()
    # The same office named by an integer.
    body = {"name": "望京西园", "office_id": int(office.json["id"])}
    again = client.post("/api/v1/communities", json=body, headers=admin)
    assert again.status_code == 201 and again.json["office"]["id"] == office.json["id"]
    read = client.get(f"/api/v1/communities/{community.json['id']}", headers=admin)
    assert read.json["id"] == community.json["id"]
    assert read.json["roster"] == {"units": 0, "owners": 0, "area": "0.00"}


def test_mandate_members_are_accepted_as_strings_and_answered_as_strings(client, make):
    office = make.office()
    community = make.community(office)
    officer = bearer(make, make.user("office", "jiedao", office=office))
    members = [make.user("committee", f"m{n}", community=community).id for n in range(3)]
    body = {
        "kind": "preparatory_group",
        "members": [str(m) for m in members],
        "owner_reps": [members[0], str(members[1])],
    }
    response = client.post(
        f"/api/v1/communities/{community.id}/mandates", json=body, headers=officer
    )
    assert response.status_code == 201, response.json
    assert response.json["members"] == [str(m) for m in members]
    assert response.json["owner_reps"] == [str(members[0]), str(members[1])]
    assert response.json["community_id"] == str(community.id)


@pytest.mark.parametrize(
    "method, path, allowed",
    [
        ("delete", "/api/v1/keys", {"GET", "HEAD", "OPTIONS"}),
        ("get", "/api/v1/ballots", {"POST", "OPTIONS"}),
        ("put", "/api/v1/meetings/1/close", {"POST", "OPTIONS"}),
    ],
)
def test_a_wrong_method_names_the_allowed_ones_in_the_error_shape(client, method, path, allowed):
    response = getattr(client, method)(path)
    assert response.status_code == 405
    assert set(response.headers["Allow"].replace(" ", "").split(",")) == allowed
    error = response.json["error"]
    assert error["code"] == "method_not_allowed" and error["message"] and error["details"] == []
