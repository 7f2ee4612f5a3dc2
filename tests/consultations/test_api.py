"""The consultation API: staff list, create, read and results in scope; owners take part by
token with the identity check; every role on every call; the OpenAPI document lists them."""

import pytest

from tests.conftest import row_count as _count
from voting.consultations.models import (
    Consultation,
    ConsultationAnswerSet,
    ConsultationComment,
)

NEW = {
    "title": "楼道灯改造",
    "body": "更换为声控灯。",
    "deadline": "2099-03-01T10:00:00+08:00",
    "questions": [
        {"title": "是否同意更换？", "kind": "single", "options": ["同意", "不同意"]},
        {"title": "满意度", "kind": "scale"},
    ],
}


def _bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize("role", ["committee", "office"])
def test_committee_and_office_create_list_and_read(app, client, make, community, role):
    user = (
        make.user("committee", community=community)
        if role == "committee"
        else make.user("office", office=community.office)
    )
    headers = _bearer(make.token(user))
    created = client.post(
        f"/api/v1/communities/{community.id}/consultations", json=NEW, headers=headers
    )
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["state"] == "draft" and body["deadline"] == "2099-03-01T02:00:00Z"
    assert [q["code"] for q in body["questions"]] == ["q1", "q2"]
    assert [o["label"] for o in body["questions"][0]["options"]] == ["同意", "不同意"]
    listed = client.get(f"/api/v1/communities/{community.id}/consultations", headers=headers)
    assert [c["id"] for c in listed.get_json()["consultations"]] == [body["id"]]
    one = client.get(f"/api/v1/consultations/{body['id']}", headers=headers).get_json()
    assert one["body"] == "更换为声控灯。" and one["documents"] == []
    results = client.get(f"/api/v1/consultations/{body['id']}/results", headers=headers)
    assert results.status_code == 200 and results.get_json()["roster"] == {
        "heads": 0,
        "area": "0.00",
    }


def test_bad_input_is_refused_and_nothing_is_created(app, client, make, community):
    headers = _bearer(make.token(make.user("committee", community=community)))
    url = f"/api/v1/communities/{community.id}/consultations"
    for body in (
        {**NEW, "deadline": "2099-03-01T10:00:00"},  # no zone
        {**NEW, "deadline": "2000-01-01T00:00:00Z"},  # past
        {**NEW, "title": ""},
        {**NEW, "title": 5},
        {**NEW, "questions": [{"title": "x", "kind": "single", "options": ["only"]}]},
        {
            **NEW,
            "questions": [
                {"title": "x", "kind": "multiple", "options": ["a", "b"], "max_choices": True}
            ],
        },
        {**NEW, "questions": "no"},
    ):
        response = client.post(url, json=body, headers=headers)
        assert response.status_code == 422, body
        assert response.get_json()["error"]["message"]
    assert client.post(url, data="x", headers=headers).status_code == 400
    assert _count(app, Consultation) == 0


def test_scope_of_every_staff_call(app, client, make, community, other_community, topics):
    topic = topics.make(community)
    own = f"/api/v1/communities/{community.id}/consultations"
    calls = [
        ("get", own),
        ("post", own),
        ("get", f"/api/v1/consultations/{topic.id}"),
        ("get", f"/api/v1/consultations/{topic.id}/results"),
    ]
    admin = _bearer(make.token(make.user("admin", username="root")))
    strangers = [
        _bearer(make.token(make.user("committee", community=other_community))),
        _bearer(make.token(make.user("office", office=other_community.office))),
    ]
    before = _count(app, Consultation)
    for method, url in calls:
        assert getattr(client, method)(url, json=NEW).status_code == 401, url
        for headers in strangers:
            assert getattr(client, method)(url, json=NEW, headers=headers).status_code == 404, url
        expected = 403 if method == "post" else 200
        assert getattr(client, method)(url, json=NEW, headers=admin).status_code == expected, url
    assert (
        client.get(f"/api/v1/consultations/{topic.id}", headers=_bearer("gy_nope")).status_code
        == 401
    )
    assert client.get("/api/v1/consultations/999", headers=admin).status_code == 404
    assert _count(app, Consultation) == before


def test_results_over_the_api_are_exact(app, client, make, community, topics):
    topic = topics.make(community)
    token = topic.token("1号楼", "101")
    answered = client.post(
        f"/api/v1/participation/{token}/answers",
        json={"answers": {"q1": ["1"], "q3": "5"}, "verification": "0021"},
    )
    assert answered.status_code == 200
    assert answered.get_json()["answers"] == {"q1": ["1"], "q3": ["5"]}
    headers = _bearer(make.token(make.user("committee", community=community)))
    body = client.get(f"/api/v1/consultations/{topic.id}/results", headers=headers).get_json()
    assert body["roster"] == {"heads": 7, "area": "813.80"}
    assert body["answered"]["heads"] == 1 and body["answered"]["area"] == "180.00"
    assert body["answered"]["area_ratio"] == "900/4069"
    q1 = body["questions"][0]
    assert q1["options"][0] == {
        "code": "1",
        "label": "北门",
        "heads": 1,
        "area": "180.00",
        "heads_ratio": "1/1",
        "area_ratio": "1/1",
        "heads_percent": "100.00%",
        "area_percent": "100.00%",
    }
    assert body["questions"][2]["mean"]["by_area_decimal"] == "5.00"


def test_owner_calls_need_the_identity_check_and_count_failures(app, client, community, topics):
    topic = topics.make(community)
    token = topic.token("2号楼", "101")
    url = f"/api/v1/participation/{token}"
    topic_body = client.get(url).get_json()
    assert topic_body["consultation"]["title"] == "电动车充电桩选址"
    assert topic_body["verification_required"] is True and topic_body["units"] == ["2号楼 101"]
    assert "results" not in topic_body
    missing = client.post(f"{url}/comments", json={"body": "意见"})
    assert missing.status_code == 403
    assert missing.get_json()["error"]["code"] == "verification_required"
    wrong = client.post(f"{url}/comments", json={"body": "意见", "verification": "1111"})
    assert wrong.status_code == 403 and wrong.get_json()["error"]["code"] == "verification_failed"
    person = topics.participant(topic, "2号楼", "101")
    assert person.failed_checks == 1
    ok = client.post(f"{url}/comments", json={"body": "意见", "verification": "0002"})
    assert ok.status_code == 201 and ok.get_json()["body"] == "意见"
    bad_parent = client.post(
        f"{url}/comments", json={"body": "x", "verification": "0002", "parent_id": "第一条"}
    )
    assert bad_parent.status_code == 422
    no_answers = client.post(f"{url}/answers", json={"answers": {}, "verification": "0002"})
    assert no_answers.status_code == 422
    assert _count(app, ConsultationComment) == 1 and _count(app, ConsultationAnswerSet) == 0
    assert client.get("/api/v1/participation/wrong-token").status_code == 404
    topics.close(topic)
    closed = client.get(url).get_json()
    assert closed["consultation"]["state"] == "closed" and "results" in closed


def test_owner_lock_over_the_api(app, client, community, topics):
    topic = topics.make(community)
    url = f"/api/v1/participation/{topic.token('1号楼', '201')}/answers"
    codes = [
        client.post(url, json={"answers": {"q1": ["1"]}, "verification": "0000"}).status_code
        for _ in range(6)
    ]
    assert codes == [403] * 6
    locked = client.post(url, json={"answers": {"q1": ["1"]}, "verification": "0315"})
    assert locked.status_code == 403 and locked.get_json()["error"]["code"] == "locked"
    assert _count(app, ConsultationAnswerSet) == 0


def test_every_consultation_route_is_documented(app, client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    views = ("list_consultations", "create_consultation", "get_consultation", "get_results",
             "owner_topic", "owner_comment", "owner_answers")  # fmt: skip
    routes = {
        (method.lower(), rule.rule.removeprefix("/api/v1").replace("<int:", "{").replace("<", "{")
         .replace(">", "}"))
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.") and rule.endpoint.split(".", 1)[1] in views
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }  # fmt: skip
    assert len(routes) == 7
    for method, path in routes:
        assert method in paths[path], (method, path)
    for path in ("/participation/{token}/comments", "/participation/{token}/answers"):
        assert paths[path]["post"]["security"] == []


def _check(document: dict, method: str, path: str, response) -> None:
    """The status is documented and the body fits the documented schema."""
    import jsonschema_rs

    documented = document["paths"][path][method]["responses"][str(response.status_code)]
    if "$ref" in documented:
        documented = document["components"]["responses"]["Error"]
    schema = documented["content"]["application/json"]["schema"]
    errors = [str(e) for e in jsonschema_rs.Draft202012Validator(schema).iter_errors(response.json)]
    assert errors == [], (path, response.status_code, errors)


def test_answers_match_the_documented_schemas(app, client, make, community, topics):
    document = client.get("/api/v1/openapi.json").get_json()
    topic = topics.make(community)
    headers = _bearer(make.token(make.user("committee", community=community)))
    listing = f"/communities/{community.id}/consultations"
    calls = [
        ("get", listing, client.get(f"/api/v1{listing}", headers=headers)),
        ("post", listing, client.post(f"/api/v1{listing}", json=NEW, headers=headers)),
        ("post", listing, client.post(f"/api/v1{listing}", json={}, headers=headers)),
        ("get", listing, client.get(f"/api/v1{listing}")),
    ]
    token = topic.token("1号楼", "101")
    owner = f"/api/v1/participation/{token}"
    calls += [
        (
            "post",
            "/participation/{token}/answers",
            client.post(
                f"{owner}/answers", json={"answers": {"q1": ["2"]}, "verification": "0021"}
            ),
        ),
        (
            "post",
            "/participation/{token}/answers",
            client.post(
                f"{owner}/answers", json={"answers": {"q1": ["9"]}, "verification": "0021"}
            ),
        ),
        (
            "post",
            "/participation/{token}/comments",
            client.post(f"{owner}/comments", json={"body": "好", "verification": "0021"}),
        ),
        (
            "post",
            "/participation/{token}/comments",
            client.post(f"{owner}/comments", json={"body": "好", "verification": "0000"}),
        ),
        ("get", "/participation/{token}", client.get(owner)),
        ("get", "/participation/{token}", client.get("/api/v1/participation/nope")),
    ]
    for path in ("/consultations/{consultation_id}", "/consultations/{consultation_id}/results"):
        url = "/api/v1" + path.replace("{consultation_id}", str(topic.id))
        calls.append(("get", path, client.get(url, headers=headers)))
    topics.close(topic)
    calls.append(("get", "/participation/{token}", client.get(owner)))
    assert [c[2].status_code for c in calls] == [
        200,
        201,
        422,
        401,
        200,
        422,
        201,
        403,
        200,
        404,
        200,
        200,
        200,
    ]
    for method, path, response in calls:
        if path.startswith("/communities/"):
            path = "/communities/{community_id}/consultations"
        _check(document, method, path, response)
