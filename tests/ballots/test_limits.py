"""Rate limits of residents' links: failures count, per real client address and per link."""

from sqlalchemy import func, select

from voting.ballots.models import Ballot
from voting.db import db

from .support import Unit, motion


def limited_app(make_app, **settings):
    """An app with rate limits on (made last: the limiter is configured by the newest app)."""
    return make_app(RATELIMIT_ENABLED=True, **settings)


def owners(n: int, with_ids: bool = False) -> list[Unit]:
    """``n`` owners of one unit each; with ID numbers ending 0001, 0002, … when asked."""
    return [
        Unit(f"{i:03d}", "90.00", f"p{i}", id_number=f"11010819800303{i:04d}" if with_ids else "")
        for i in range(1, n + 1)
    ]


def test_two_hundred_voters_behind_one_address_all_vote(make_app, kit):
    opened = kit.open(kit.community(owners(200)), [motion("续聘物业")])
    app = limited_app(make_app, TOKEN_RATE_LIMIT="3 per day", LINK_RATE_LIMIT="3 per day")
    client = app.test_client()
    assert client.get(f"/v/{'Q' * 24}").status_code == 404  # a failure: spends the budget
    field = f"m{opened.matter_ids[0]}"
    for token in opened.tokens.values():
        phone = app.test_client()  # each owner's own phone, all behind one carrier address
        assert phone.get(f"/v/{token}").status_code == 200
        assert phone.get(f"/v/{token}/ballot").status_code == 200
        cast = phone.post(f"/v/{token}/confirm", data={field: "agree", "action": "cast"})
        assert cast.status_code == 302 and cast.headers["Location"].endswith("/receipt")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Ballot)) == 200
    # Two more failures exhaust the address's budget of three.
    codes = [client.get(f"/v/{'Q' * 24}/notice").status_code for _ in range(3)]
    assert codes == [404, 404, 429]


def test_behind_a_trusted_proxy_each_client_address_has_its_own_budget(make_app, kit):
    kit.open(kit.community(owners(2)), [motion("续聘物业")])
    app = limited_app(make_app, PROXY_HOPS=1, TOKEN_RATE_LIMIT="2 per day")
    client = app.test_client()

    def get(address: str) -> int:
        return client.get(f"/v/{'Z' * 24}", headers={"X-Forwarded-For": address}).status_code

    assert [get("203.0.113.7") for _ in range(3)] == [404, 404, 429]
    assert get("203.0.113.8") == 404  # another client behind the same proxy


def test_without_trusted_proxies_forwarded_addresses_are_ignored(make_app, kit):
    kit.open(kit.community(owners(2)), [motion("续聘物业")])
    app = limited_app(make_app, TOKEN_RATE_LIMIT="2 per day")
    client = app.test_client()
    codes = [
        client.get(f"/v/{'Z' * 24}", headers={"X-Forwarded-For": f"203.0.113.{n}"}).status_code
        for n in range(3)
    ]
    assert codes == [404, 404, 429]  # forged headers do not buy a fresh budget


def test_wrong_checks_on_one_link_are_limited_from_any_address(make_app, kit):
    opened = kit.open(kit.community(owners(2, with_ids=True)), [motion("续聘物业")])
    app = limited_app(make_app, LINK_RATE_LIMIT="3 per day", TOKEN_RATE_LIMIT="50 per day")
    client = app.test_client()
    target, other = opened.tokens["p1"], opened.tokens["p2"]

    def check(token: str, n: int) -> int:
        return client.post(
            f"/v/{token}/verify",
            data={"last4": "9999"},
            environ_base={"REMOTE_ADDR": f"198.51.100.{n}"},
        ).status_code

    assert [check(target, n) for n in range(4)] == [403, 403, 403, 429]
    assert check(other, 9) == 403  # another link keeps its own budget
    # The API's casting shares the link's budget.
    refused = client.post("/api/v1/ballots", json={"token": target, "answers": {}})
    assert refused.status_code == 429


def test_pages_that_succeed_spend_nothing(make_app, kit):
    opened = kit.open(kit.community(owners(2)), [motion("续聘物业")])
    app = limited_app(make_app, TOKEN_RATE_LIMIT="2 per day", LINK_RATE_LIMIT="2 per day")
    client = app.test_client()
    token = opened.tokens["p1"]
    codes = {client.get(f"/v/{token}{path}").status_code for path in ["", "/notice"] * 20}
    assert codes == {200}


def test_consultation_links_join_the_same_address_budget(make_app, kit):
    kit.open(kit.community(owners(2)), [motion("续聘物业")])
    app = limited_app(make_app, TOKEN_RATE_LIMIT="3 per day")
    client = app.test_client()
    assert client.get(f"/v/{'A' * 24}").status_code == 404
    assert client.get(f"/c/{'B' * 24}").status_code == 404
    assert client.post("/api/v1/ballots", json={"token": "C" * 24}).status_code == 404
    assert client.get(f"/c/{'D' * 24}").status_code == 429
    assert client.get(f"/api/v1/participation/{'E' * 24}").status_code == 429


def test_a_body_too_deep_to_read_the_link_from_is_a_clear_400(make_app, kit):
    app = limited_app(make_app)
    body = '{"token": ' + "[" * 100_000 + "]" * 100_000 + "}"
    response = app.test_client().post("/api/v1/ballots", data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "json_too_deep"


def test_the_api_s_refusals_of_a_link_spend_the_address_budget(make_app, kit):
    opened = kit.open(kit.community(owners(2, with_ids=True)), [motion("续聘物业")])
    app = limited_app(make_app, LINK_RATE_LIMIT="50 per day", TOKEN_RATE_LIMIT="3 per day")
    client = app.test_client()
    unknown = "A" * len(opened.tokens["p1"])
    statuses = [
        client.post("/api/v1/ballots", json={"token": unknown, "answers": {}}).status_code,
        client.post("/api/v1/ballots/code", json={"token": unknown}).status_code,
        client.post("/api/v1/ballots", json={"token": unknown, "answers": {}}).status_code,
    ]
    assert statuses == [404, 404, 404]
    # The budget is spent: even a good link is refused from this address now.
    good = client.post("/api/v1/ballots/code", json={"token": opened.tokens["p2"]})
    assert good.status_code == 429
