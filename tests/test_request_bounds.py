"""Every request body is bounded before a view sees it: JSON nested too deep is a 400."""

import json

import pytest

DEEP_ARRAY = "[" * 1000 + "]" * 1000
DEEP_OBJECT = '{"a":' * 1000 + "1" + "}" * 1000


def _api_write_routes(app) -> list[tuple[str, str]]:
    """(method, path) of every API route that takes a body, with placeholder arguments."""
    routes = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/"):
            continue
        for method in sorted(rule.methods & {"POST", "PUT", "PATCH"}):
            path = rule.rule
            for argument in rule.arguments:
                value = "1" if rule._converters[argument].regex.startswith("\\d") else "x" * 20
                path = path.replace(f"<int:{argument}>", value).replace(f"<{argument}>", value)
            routes.append((method, path))
    return routes


def test_a_1000_deep_json_body_is_refused_on_every_api_route(app, client, make):
    user = make.user("admin")
    headers = {"Authorization": f"Bearer {make.token(user)}", "Content-Type": "application/json"}
    routes = _api_write_routes(app)
    assert len(routes) >= 15
    for method, path in routes:
        for body in (DEEP_ARRAY, DEEP_OBJECT):
            response = client.open(path, method=method, data=body, headers=headers)
            assert response.status_code == 400, (method, path, response.status_code)
            error = response.get_json()["error"]
            assert error["code"] == "json_too_deep"
            assert error["message"] == "请求内容的 JSON 嵌套太深（最多 32 层）。"


def test_deep_json_is_refused_without_a_token_and_on_pages(client):
    response = client.post("/api/v1/ballots", data=DEEP_OBJECT, content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "json_too_deep"
    page = client.post("/login", data=DEEP_ARRAY, content_type="application/json")
    assert page.status_code == 400
    assert "JSON 嵌套太深" in page.get_data(as_text=True)


def test_the_depth_message_is_in_english_on_request(client):
    response = client.post(
        "/api/v1/ballots?lang=en", data=DEEP_ARRAY, content_type="application/json"
    )
    assert response.status_code == 400
    assert "nested too deeply" in response.get_json()["error"]["message"]


def _nested(depth: int) -> str:
    """A ballot body whose arrays and objects nest ``depth`` levels."""
    inner: object = "agree"
    for _ in range(depth - 2):  # the body and its "answers" object are two levels
        inner = [inner]
    return json.dumps({"token": "x" * 20, "answers": {"1": inner}})


def test_the_limit_is_exact_and_a_body_within_it_reaches_the_view(client):
    within = client.post("/api/v1/ballots", data=_nested(32), content_type="application/json")
    assert within.get_json()["error"]["code"] != "json_too_deep"
    beyond = client.post("/api/v1/ballots", data=_nested(33), content_type="application/json")
    assert beyond.status_code == 400
    assert beyond.get_json()["error"]["code"] == "json_too_deep"


def test_the_limit_is_a_setting(make_app, database_url):
    app = make_app(VOTING_JSON_MAX_DEPTH=4)
    response = app.test_client().post(
        "/api/v1/ballots", data=_nested(5), content_type="application/json"
    )
    assert response.status_code == 400
    assert "最多 4 层" in response.get_json()["error"]["message"]


@pytest.mark.parametrize("body", [b"{", b'{"a": 1,}', b"\xff\xfe", b"[1, 2"])
def test_a_body_that_is_not_json_is_a_400_in_chinese_on_every_route(client, body):
    for path in ("/api/v1/ballots", "/api/v1/offices"):
        response = client.post(path, data=body, content_type="application/json")
        assert response.status_code == 400
        error = response.get_json()["error"]
        assert (error["code"], error["message"]) == ("bad_json", "请求内容不是有效的 JSON。")
    page = client.post("/login", data=body, content_type="application/json")
    assert page.status_code == 400
    assert "请求内容不是有效的 JSON。" in page.get_data(as_text=True)
