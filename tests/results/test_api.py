"""API v1 of results: result and board (anyone once published), publish, countersign or
return, keys, and the public part of the audit chain."""

import json

from sqlalchemy import func, select

from tests.conftest import bearer as _bearer
from voting.audit.models import AuditEvent
from voting.crypto.verify import verify
from voting.db import db
from voting.results.models import Result


def test_result_and_board_are_404_until_published_then_public(client, make, cast):
    base = f"/api/v1/meetings/{cast.meeting_id}"
    for path in ("/result", "/board"):
        missing = client.get(base + path)
        assert missing.status_code == 404 and missing.get_json()["error"]["code"]
    published = client.post(base + "/publish", headers=_bearer(make, cast.committee))
    assert published.status_code == 201
    result = client.get(base + "/result").get_json()
    board = json.loads(client.get(base + "/board").data)
    assert result == published.get_json()
    assert verify(result, board).verified
    assert client.get(base + "/result?version=2").status_code == 404
    assert client.get("/api/v1/meetings/999999/result").status_code == 404


def test_publish_and_countersign_roles_and_scopes(app, client, make, results):
    here = results.setup(name="本街道小区")
    there = results.setup(name="外街道小区")
    base = f"/api/v1/meetings/{here.meeting_id}"
    assert client.post(base + "/publish").status_code == 401
    assert client.post(base + "/publish", headers=_bearer(make, here.officer)).status_code == 403
    assert client.post(base + "/publish", headers=_bearer(make, there.committee)).status_code == 404
    with app.app_context():
        assert db.session.scalar(select(func.count(Result.id))) == 0
    assert client.post(base + "/publish", headers=_bearer(make, here.committee)).status_code == 201
    again = client.post(base + "/publish", headers=_bearer(make, here.committee))
    assert again.status_code == 409 and "更正" in again.get_json()["error"]["message"]
    outsider = client.post(base + "/countersign", headers=_bearer(make, there.officer))
    assert outsider.status_code == 404
    signed = client.post(base + "/countersign", headers=_bearer(make, here.officer))
    assert signed.status_code == 200
    assert [s["role"] for s in signed.get_json()["signatures"]] == ["committee", "office"]


def test_office_returns_with_a_reason_and_committee_corrects(app, client, make, cast):
    base = f"/api/v1/meetings/{cast.meeting_id}"
    client.post(base + "/publish", headers=_bearer(make, cast.committee))
    office = _bearer(make, cast.officer)
    assert client.post(base + "/countersign", headers=office, json={"return": 5}).status_code == 422
    assert (
        client.post(base + "/countersign", headers=office, json={"return": " "}).status_code == 422
    )
    returned = client.post(base + "/countersign", headers=office, json={"return": "面积有误"})
    assert returned.status_code == 200 and returned.get_json()["returned"] is True
    committee = _bearer(make, cast.committee)
    corrected = client.post(base + "/publish", headers=committee, json={"correction": "已更正"})
    assert corrected.status_code == 201
    document = corrected.get_json()["document"]
    assert document["version"] == 2 and document["supersedes"]["reason"] == "已更正"
    assert client.get(base + "/result?version=1").get_json()["document"]["version"] == 1


def test_keys_are_listed_for_anyone_without_private_parts(client, cast):
    keys = client.get("/api/v1/keys").get_json()["keys"]
    assert {k["role"] for k in keys} == {"committee", "office"}
    for key in keys:
        assert set(key) == {"key_id", "public_key", "role", "owner", "created_at", "retired_at"}
        assert len(key["key_id"]) == 16 and key["created_at"].endswith("Z")


def test_audit_is_public_up_to_what_results_commit_to(app, client, make, cast):
    path = f"/api/v1/communities/{cast.community.id}/audit"
    assert client.get(path).status_code == 401
    client.post(
        f"/api/v1/meetings/{cast.meeting_id}/publish", headers=_bearer(make, cast.committee)
    )
    public = client.get(path).get_json()
    assert public["format"] == "gongyi-audit/1"
    assert public["events"][-1]["type"] == "result.published"
    # Later events stay with staff until a result commits to them.
    make.token(cast.committee)  # logs "user.token_issued" after the publication
    assert client.get(path).get_json() == public
    staff = client.get(path, headers=_bearer(make, cast.committee)).get_json()
    assert len(staff["events"]) > len(public["events"])
    assert staff["events"][: len(public["events"])] == public["events"]
    with app.app_context():
        total = db.session.scalar(
            select(func.count(AuditEvent.id)).where(
                AuditEvent.chain == f"community:{cast.community.id}"
            )
        )
    assert len(staff["events"]) == total
    assert client.get("/api/v1/communities/999999/audit").status_code == 401


def test_openapi_lists_the_results_endpoints(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in ("/meetings/{meeting_id}/result", "/meetings/{meeting_id}/board",
                 "/meetings/{meeting_id}/publish", "/meetings/{meeting_id}/countersign",
                 "/keys"):  # fmt: skip
        assert path in paths
    assert paths["/keys"]["get"]["security"] == []
    assert paths["/meetings/{meeting_id}/result"]["get"]["security"] == []
