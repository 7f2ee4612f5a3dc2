"""The OpenAPI document lists the ballots endpoints, and real answers match its schemas."""

import base64

from .support import motion, six_owners

ENDPOINTS = {("post", "/ballots"), ("post", "/meetings/{meeting_id}/paper-ballots")}


def check(document: dict, method: str, path: str, response, body: dict | None = None) -> None:
    """The answer's status is documented; its body (and the request's) fit the schemas."""
    import jsonschema_rs

    operation = document["paths"][path][method]
    documented = operation["responses"][str(response.status_code)]
    if "$ref" in documented:
        documented = document["components"]["responses"][documented["$ref"].rsplit("/", 1)[1]]
    schema = documented["content"]["application/json"]["schema"]
    errors = [str(e) for e in jsonschema_rs.Draft202012Validator(schema).iter_errors(response.json)]
    assert errors == [], (path, response.status_code, errors)
    if body is not None:
        request = operation["requestBody"]["content"]["application/json"]["schema"]
        errors = [str(e) for e in jsonschema_rs.Draft202012Validator(request).iter_errors(body)]
        assert errors == [], (path, "request", errors)


def test_every_ballots_route_is_documented(app, client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    for method, path in ENDPOINTS:
        assert method in paths[path], path
    views = ("api.cast", "api.paper_ballot")
    routes = {
        (method.lower(), rule.rule.removeprefix("/api/v1").replace("<int:", "{").replace(">", "}"))
        for rule in app.url_map.iter_rules()
        if rule.endpoint in views
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert routes == ENDPOINTS


def test_answers_match_the_documented_schemas(app, client, kit, make):
    document = client.get("/api/v1/openapi.json").json
    community_id = kit.community(six_owners())
    opened = kit.open(community_id, [motion("议事规则")])
    bearers = [make.token(kit.committee(make, community_id, n)) for n in ("wang", "li")]
    key = opened.matter_ids[0]

    body = {"token": opened.tokens["o1"], "answers": {key: ["agree"]}}
    check(document, "post", "/ballots", client.post("/api/v1/ballots", json=body), body)
    check(document, "post", "/ballots", client.post("/api/v1/ballots", json=body), body)  # 409
    bad = {"token": opened.tokens["o2"], "answers": {key: ["agree", "disagree"]}}
    check(document, "post", "/ballots", client.post("/api/v1/ballots", json=bad), bad)  # 422
    unknown = {"token": "Q" * 24, "answers": {}}
    check(document, "post", "/ballots", client.post("/api/v1/ballots", json=unknown), unknown)

    path = f"/api/v1/meetings/{opened.meeting_id}/paper-ballots"
    pdf = base64.b64encode(b"%PDF-1.4\n").decode()
    proxy = {"agent_name": "张三", "file_name": "委托书.pdf", "content_base64": pdf}
    paper = {"owner_key": "o3", "answers": {key: []}, "channel": "proxy", "proxy": proxy}
    first = client.post(path, json=paper, headers={"Authorization": f"Bearer {bearers[0]}"})
    assert first.status_code == 202
    check(document, "post", "/meetings/{meeting_id}/paper-ballots", first, paper)
    second_body = {**paper, "proxy": {"id": first.json["proxy_id"]}}
    second = client.post(path, json=second_body, headers={"Authorization": f"Bearer {bearers[1]}"})
    assert second.status_code == 201
    check(document, "post", "/meetings/{meeting_id}/paper-ballots", second, second_body)
    again = client.post(path, json=second_body, headers={"Authorization": f"Bearer {bearers[0]}"})
    assert again.status_code == 409
    check(document, "post", "/meetings/{meeting_id}/paper-ballots", again, second_body)
    missing = client.post(
        path,
        json={"owner_key": "nobody", "answers": {key: []}},
        headers={"Authorization": f"Bearer {bearers[0]}"},
    )
    assert missing.status_code == 404
    check(document, "post", "/meetings/{meeting_id}/paper-ballots", missing)
