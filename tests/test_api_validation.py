"""Request bodies are checked against the schemas the OpenAPI document publishes: one source,
so the document and the behaviour cannot drift; a refusal names each field, Chinese first."""

from tests.conftest import bearer
from voting.api.validation import openapi_path, parse_time, request_schemas


def test_every_api_route_taking_a_json_body_is_checked_by_its_documented_schema(app, client):
    document = client.get("/api/v1/openapi.json").json
    checked = request_schemas()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = openapi_path(rule.rule)
        for method in rule.methods & {"POST", "PUT", "PATCH"}:
            operation = document["paths"][path][method.lower()]  # every route is documented
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" in content:
                validator = checked[(method.lower(), path)]
                assert validator.schema == content["application/json"]["schema"], path


def test_a_missing_member_is_named_in_chinese_and_in_english(client, make):
    admin = bearer(make, make.user("admin", "root"))
    response = client.post("/api/v1/offices", json={}, headers=admin)
    assert response.status_code == 422
    error = response.json["error"]
    missing = {"field": "name", "code": "invalid", "message": "缺少必填项 name。"}
    assert error["details"] == [missing]
    assert error["code"] == "invalid" and error["message"] == "缺少必填项 name。"
    english = client.post("/api/v1/offices?lang=en", json={"name": 5}, headers=admin)
    assert english.status_code == 422
    assert english.json["error"]["details"][0]["field"] == "name"
    assert english.json["error"]["message"] == "name must be of type string."


def test_every_problem_of_a_plan_is_listed_with_its_place_and_nothing_is_made(client, make):
    community = make.community()
    committee = bearer(make, make.user("committee", community=community))
    body = {
        "title": "",
        "opens_at": "2030-03-01 10:00",
        "closes_at": "2030-03-08T10:00:00+08:00",
        "matters": [{"title": "物业费", "category": "ordinary", "kind": "vote", "options": [{}]}],
        "is_first_meeting": "yes",
    }
    url = f"/api/v1/communities/{community.id}/meetings"
    response = client.post(url, json=body, headers=committee)
    assert response.status_code == 422
    details = {d["field"]: d for d in response.json["error"]["details"]}
    assert set(details) == {
        "title",
        "opens_at",
        "matters[0].kind",
        "matters[0].options[0].label",
        "is_first_meeting",
    }
    assert details["matters[0].kind"]["code"] == "MATTER_KIND"
    assert "RFC 3339" in details["opens_at"]["message"]
    assert details["title"]["message"] == "title 不能为空。"
    listed = client.get(url, headers=committee)
    assert listed.status_code == 200 and listed.json["meetings"] == []


def test_times_are_rfc3339_with_a_zone_and_within_the_calendar():
    assert parse_time("2030-03-01T10:00:00+08:00").isoformat() == "2030-03-01T02:00:00+00:00"
    assert parse_time("2030-03-01t02:00:00.5z").isoformat() == "2030-03-01T02:00:00.500000+00:00"
    for bad in ("2030-03-01T10:00:00", "2030-03-01", "next week", "0001-01-01T00:00:00+01:00",
                "2030-02-30T10:00:00Z", 20300301, None):  # fmt: skip
        assert parse_time(bad) is None, bad
