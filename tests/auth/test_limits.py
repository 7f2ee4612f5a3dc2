"""Staff login and bearer-token limits: per account from any address, per client address."""

from voting.config import RATE_LIMITS, load_config


def limited_app(make_app, **settings):
    """An app with rate limits on (made last: the limiter is configured by the newest app)."""
    return make_app(RATELIMIT_ENABLED=True, **settings)


def login(client, username: str, password: str, address: str):
    return client.post(
        "/login",
        data={"username": username, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def test_one_account_is_locked_whatever_the_addresses(make_app, make):
    office = make.office()
    user = make.user("committee", community=make.community(office))
    other = make.user("committee", community=make.community(office, name="另一小区"))
    app = limited_app(
        make_app, ACCOUNT_RATE_LIMIT="3 per hour; 5 per day", LOGIN_RATE_LIMIT="100 per hour"
    )
    client = app.test_client()
    codes = [login(client, user.username, "wrong", f"10.0.{n}.1").status_code for n in range(3)]
    assert codes == [200, 200, 200]  # the form again, with its message
    locked = login(client, user.username, make.password, "10.0.9.1")
    assert locked.status_code == 429  # even the right password, from a fresh address
    assert int(locked.headers["Retry-After"]) > 0
    assert "尝试次数太多" in locked.get_data(as_text=True)
    # The same account spelled otherwise is the same account.
    assert login(client, user.username.upper(), make.password, "10.0.10.1").status_code == 429
    signed_in = login(client, other.username, make.password, "10.0.0.1")
    assert signed_in.status_code == 302  # another account is not locked


def test_logins_are_limited_per_client_address_behind_a_proxy(make_app, make):
    user = make.user("committee", community=make.community())
    app = limited_app(make_app, PROXY_HOPS=1, LOGIN_RATE_LIMIT="2 per day")
    client = app.test_client()

    def attempt(name: str, forwarded: str) -> int:
        return client.post(
            "/login",
            data={"username": name, "password": "wrong"},
            headers={"X-Forwarded-For": forwarded},
        ).status_code

    assert [attempt(f"u{n}", "203.0.113.5") for n in range(3)] == [200, 200, 429]
    assert attempt(user.username, "203.0.113.6") == 200


def test_wrong_bearer_tokens_are_limited_per_address(make_app, make):
    office = make.office()
    community = make.community(office)
    user = make.user("office", office=office)
    token = make.token(user)
    app = limited_app(make_app, BEARER_RATE_LIMIT="3 per day")
    client = app.test_client()

    def call(bearer: str, address: str) -> int:
        return client.get(
            f"/api/v1/communities/{community.id}",
            headers={"Authorization": f"Bearer {bearer}"},
            environ_base={"REMOTE_ADDR": address},
        ).status_code

    assert [call(f"guess{n}", "10.1.1.1") for n in range(4)] == [401, 401, 401, 429]
    assert call(token, "10.1.1.1") == 429  # the address waits, even with a good token
    assert call(token, "10.1.1.2") == 200
    assert [call(token, "10.1.1.2") for _ in range(10)] == [200] * 10  # good tokens cost nothing


def test_every_limit_is_a_setting(monkeypatch):
    for name in RATE_LIMITS:
        monkeypatch.setenv(f"VOTING_{name}", "7 per second")
    monkeypatch.setenv("VOTING_PROXY_HOPS", "2")
    config = load_config()
    assert {name: config[name] for name in RATE_LIMITS} == dict.fromkeys(
        RATE_LIMITS, "7 per second"
    )
    assert config["PROXY_HOPS"] == 2
