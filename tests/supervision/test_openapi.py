"""The OpenAPI document lists every supervision endpoint, and real answers match its schemas."""

from .support import api

ENDPOINTS = [
    ("get", "/offices/{office_id}/dashboard"),
    ("get", "/meetings/{meeting_id}/anomalies"),
    ("get", "/meetings/{meeting_id}/timeline"),
    ("get", "/communities/{community_id}/mandates"),
    ("post", "/communities/{community_id}/mandates"),
    ("post", "/mandates/{mandate_id}/end"),
]


def schema_of(document: dict, method: str, path: str, status: str) -> dict:
    return document["paths"][path][method]["responses"][status]["content"]["application/json"][
        "schema"
    ]


def check(document: dict, method: str, path: str, response) -> None:
    import jsonschema_rs

    schema = schema_of(document, method, path, str(response.status_code))
    errors = [str(e) for e in jsonschema_rs.Draft202012Validator(schema).iter_errors(response.json)]
    assert errors == [], (path, errors)


def test_every_supervision_route_is_documented(app, client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    for method, path in ENDPOINTS:
        assert method in paths[path], path
    routes = {
        (method.lower(), rule.rule.removeprefix("/api/v1").replace("<int:", "{").replace(">", "}"))
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.") and rule.endpoint.split(".")[1] in (
            "get_dashboard", "get_anomalies", "get_timeline", "list_mandates",
            "create_mandate", "end_mandate")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }  # fmt: skip
    assert routes == set(ENDPOINTS)


def test_answers_match_the_documented_schemas(app, client, make, cast, world, members):
    document = client.get("/api/v1/openapi.json").json
    opened = world.open(cast.a.id)
    world.vote(opened, "o1")
    world.plan(cast.a.id)
    app.config["VOTING_ANOMALY_REISSUES"] = 1
    from .test_anomalies import reissue

    reissue(app, opened.credential_ids["o2"])
    office = api(make, cast["office_a"])
    dashboard = client.get(f"/api/v1/offices/{cast.office_a.id}/dashboard", headers=office)
    check(document, "get", "/offices/{office_id}/dashboard", dashboard)
    anomalies = client.get(f"/api/v1/meetings/{opened.meeting_id}/anomalies", headers=office)
    assert [a["code"] for a in anomalies.json["anomalies"]] == ["reissues_voter"]
    check(document, "get", "/meetings/{meeting_id}/anomalies", anomalies)
    timeline = client.get(f"/api/v1/meetings/{opened.meeting_id}/timeline", headers=office)
    check(document, "get", "/meetings/{meeting_id}/timeline", timeline)
    group = members(3)
    body = {"kind": "preparatory_group", "members": group.ids, "owner_reps": group.ids}
    created = client.post(f"/api/v1/communities/{cast.b.id}/mandates", json=body, headers=office)
    assert created.status_code == 404
    created = client.post(f"/api/v1/communities/{cast.a.id}/mandates", json=body, headers=office)
    check(document, "post", "/communities/{community_id}/mandates", created)
    listed = client.get(f"/api/v1/communities/{cast.a.id}/mandates", headers=office)
    check(document, "get", "/communities/{community_id}/mandates", listed)
    ended = client.post(f"/api/v1/mandates/{created.json['id']}/end", json={"reason": "完成"},
                        headers=office)  # fmt: skip
    check(document, "post", "/mandates/{mandate_id}/end", ended)
