"""Staff accounts: the command line, login limits, CSRF, tokens, headers, language."""

from sqlalchemy import select

from voting.auth.models import ApiToken, User
from voting.db import db


def test_user_add_and_token_from_the_command_line(app, make, runner, client):
    office = make.office()
    result = runner.invoke(
        args=["user", "add", "wang", "--role", "office", "--office", str(office.id),
              "--password-stdin"],
        input="a long enough password\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["user", "token", "wang"])
    assert result.exit_code == 0
    token = result.output.strip().splitlines()[-1]
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "wang"))
        assert user.password_hash.startswith("$argon2id$")
        stored = db.session.scalars(select(ApiToken.token_hash)).all()
    assert token not in stored and len(token) > 40
    response = client.get("/api/v1/communities/1", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 404  # authenticated; no such community in scope


def test_user_add_refuses_bad_input(app, runner):
    result = runner.invoke(
        args=["user", "add", "li", "--role", "office", "--password-stdin"],
        input="long password 1\n",
    )
    assert result.exit_code != 0 and "office" in result.output
    result = runner.invoke(
        args=["user", "add", "li", "--role", "admin", "--password-stdin"], input="short\n"
    )
    assert result.exit_code != 0 and "10 characters" in result.output


def test_bad_token_is_refused(client):
    response = client.get("/api/v1/communities/1", headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_login_is_rate_limited(make_app, database_url):
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute")
    client = app.test_client()
    codes = [
        client.post("/login", data={"username": "x", "password": "y"}).status_code for _ in range(5)
    ]
    assert codes[:3] == [200, 200, 200] and codes[3:] == [429, 429]


def test_forms_need_a_csrf_token(make_app, make):
    app = make_app(WTF_CSRF_ENABLED=True)
    office = make.office()
    user = make.user("office", office=office)
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    assert 'name="csrf_token"' in page
    response = client.post("/login", data={"username": user.username, "password": make.password})
    assert response.status_code == 400
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = client.post(
        "/login",
        data={"username": user.username, "password": make.password, "csrf_token": token},
    )
    assert response.status_code == 302


def test_secure_headers(client):
    response = client.get("/login")
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_login_redirect_stays_on_this_site(make, client):
    office = make.office()
    user = make.user("office", office=office)
    response = client.post(
        "/login?next=https://evil.example/",
        data={"username": user.username, "password": make.password},
    )
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_errors_never_show_a_stack_trace(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    body = response.get_data(as_text=True)
    assert "找不到此页面" in body and "Traceback" not in body
    response = client.get("/api/v1/no/such")
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"
