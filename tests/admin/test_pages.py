"""The administrator's pages: accounts, password resets and signing keys, each logged;
nobody but an administrator reaches them."""

import pytest
from sqlalchemy import select

from voting.audit.models import AuditEvent
from voting.auth.models import User
from voting.db import db
from voting.results.models import SigningKey

NEW_PASSWORD = "a brand new passphrase"


@pytest.fixture
def admin(make, auth):
    user = make.user("admin", "root")
    auth.login(user)
    return user


def _new_account(client, owner_url: str, username: str, display_name: str):
    """Open an account on the page of its office or community, with NEW_PASSWORD."""
    return client.post(f"{owner_url}/users/new",
                       data={"username": username, "display_name": display_name,
                             "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})  # fmt: skip


def _events(app, type: str) -> list[AuditEvent]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent).where(AuditEvent.type == type)))


def _admin_urls(app, office_id: int, community_id: int, user_id: int):
    ids = {"office_id": office_id, "community_id": community_id, "user_id": user_id}
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("admin."):
            path = rule.build({name: ids[name] for name in rule.arguments})[1]
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield method, path


@pytest.mark.parametrize("role", ["office", "committee", None])
def test_only_the_administrator_reaches_the_admin_pages(app, make, client, auth, role):
    community = make.community()
    victim = make.user("committee", "member", community=community)
    if role:
        auth.login(make.user(role, office=community.office if role == "office" else None,
                             community=community if role == "committee" else None))  # fmt: skip
    urls = list(_admin_urls(app, community.office.id, community.id, victim.id))
    assert len(urls) >= 12
    for method, path in urls:
        response = client.open(path, method=method, data={"username": "intruder",
                               "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})  # fmt: skip
        if role is None:
            assert response.status_code == 302 and "/login" in response.location, (method, path)
        else:
            assert response.status_code == 403, (method, path, response.status_code)
    with app.app_context():
        assert db.session.scalar(select(User).where(User.username == "intruder")) is None
        assert db.session.scalars(select(SigningKey)).all() == []
    assert auth.login(victim, NEW_PASSWORD).status_code == 200  # refused: old password stands


def test_admin_opens_office_and_committee_accounts(app, make, client, admin):
    community = make.community()
    page = client.get("/admin/").get_data(as_text=True)
    assert community.office.name in page and "开通街道账户" in page
    response = _new_account(client, f"/admin/offices/{community.office.id}", "zhou", "周干事")
    assert response.status_code == 302
    assert response.location.endswith(f"/admin/users?office={community.office.id}")
    response = _new_account(client, f"/admin/communities/{community.id}", "qian", "钱委员")
    assert response.status_code == 302
    listing = client.get(f"/admin/users?community={community.id}").get_data(as_text=True)
    assert "<td>qian</td>" in listing and "钱委员" in listing and "<td>zhou</td>" not in listing
    with app.app_context():
        zhou = db.session.scalar(select(User).where(User.username == "zhou"))
        qian = db.session.scalar(select(User).where(User.username == "qian"))
        assert (zhou.role, zhou.office_id, zhou.community_id) == ("office", community.office.id,
                                                                   None)  # fmt: skip
        assert (qian.role, qian.community_id) == ("committee", community.id)
    added = {e.data["username"]: e for e in _events(app, "user.added")}
    assert added["zhou"].chain == f"office:{community.office.id}"
    assert added["zhou"].actor == "user:root"
    assert added["qian"].chain == f"community:{community.id}"
    client.post("/logout")
    assert client.post("/login", data={"username": "qian", "password": NEW_PASSWORD}).status_code \
        == 302  # fmt: skip


def test_admin_opens_another_administrator(app, client, admin):
    response = client.post(
        "/admin/users/new",
        data={"username": "root2", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert response.status_code == 302
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "root2"))
        assert (user.role, user.office_id, user.community_id) == ("admin", None, None)
    assert [e.chain for e in _events(app, "user.added") if e.data["username"] == "root2"] == [
        "system"
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"username": "root", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
         "该用户名已被使用"),
        ({"username": "x" * 65, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
         "用户名最多 64 个字符"),
        ({"username": "short", "password": "short", "confirm": "short"}, "密码须为 10 至 256"),
        ({"username": "typo", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD + "x"},
         "两次输入的密码不一致"),
    ],
)  # fmt: skip
def test_bad_accounts_are_refused_in_the_users_language(app, make, client, admin, data, message):
    office = make.office()
    response = client.post(f"/admin/offices/{office.id}/users/new", data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(User).where(User.role == "office")) is None
    assert [e.data["username"] for e in _events(app, "user.added")] == ["root"]


def test_unknown_scopes_are_404(client, admin):
    assert client.get("/admin/offices/999/users/new").status_code == 404
    assert client.get("/admin/communities/999/users/new").status_code == 404
    assert client.post("/admin/communities/999/key").status_code == 404
    assert client.get("/admin/users/999/password").status_code == 404


def test_admin_resets_a_password(app, make, client, admin):
    office = make.office()
    officer = make.user("office", "sun", office=office)
    response = client.post(f"/admin/users/{officer.id}/password",
                           data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})  # fmt: skip
    assert response.status_code == 302
    (event,) = _events(app, "user.password_reset")
    assert event.chain == f"office:{office.id}" and event.actor == "user:root"
    assert event.data == {"username": "sun", "role": "office"}
    assert NEW_PASSWORD not in str(event.data)
    client.post("/logout")
    assert client.post("/login", data={"username": "sun", "password": make.password}).status_code \
        == 200  # fmt: skip
    assert client.post("/login", data={"username": "sun", "password": NEW_PASSWORD}).status_code \
        == 302  # fmt: skip


def test_a_too_short_reset_changes_nothing(app, make, client, admin):
    officer = make.user("office", "sun", office=make.office())
    response = client.post(f"/admin/users/{officer.id}/password",
                           data={"password": "short", "confirm": "short"})  # fmt: skip
    assert response.status_code == 422 and "密码须为 10 至 256" in response.get_data(as_text=True)
    assert _events(app, "user.password_reset") == []
    client.post("/logout")
    assert client.post("/login", data={"username": "sun", "password": make.password}).status_code \
        == 302  # fmt: skip


def test_admin_makes_and_rotates_signing_keys(app, make, client, admin):
    community = make.community()
    office_id = community.office.id
    assert client.post(f"/admin/offices/{office_id}/key").status_code == 302
    assert client.post(f"/admin/communities/{community.id}/key").status_code == 302
    page = client.get("/admin/communities").get_data(as_text=True)
    assert "更换签名密钥" in page
    assert client.post(f"/admin/communities/{community.id}/key").status_code == 302
    with app.app_context():
        keys = db.session.scalars(select(SigningKey).order_by(SigningKey.id)).all()
        assert [(k.office_id, k.community_id) for k in keys] == [
            (office_id, None), (None, community.id), (None, community.id)
        ]  # fmt: skip
        assert [k.retired_at is not None for k in keys] == [False, True, False]
        assert {k.created_by for k in keys} == {"user:root"}
        current = keys[2].key_id
    assert current in page or current in client.get("/admin/communities").get_data(as_text=True)
    chains = [(e.chain, e.data["replaces"]) for e in _events(app, "key.created")]
    assert chains == [
        (f"office:{office_id}", None),
        (f"community:{community.id}", None),
        (f"community:{community.id}", keys[1].key_id),
    ]


def test_admin_pages_need_a_csrf_token(make_app, make):
    app = make_app(WTF_CSRF_ENABLED=True)
    office = make.office()
    make.user("admin", "root")
    client = app.test_client()
    token = (
        client.get("/login").get_data(as_text=True)
        .split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    )  # fmt: skip
    client.post("/login", data={"username": "root", "password": make.password, "csrf_token": token})
    assert client.post(f"/admin/offices/{office.id}/key").status_code == 400
    response = client.post(f"/admin/offices/{office.id}/users/new",
                           data={"username": "zhou", "password": NEW_PASSWORD,
                                 "confirm": NEW_PASSWORD})  # fmt: skip
    assert response.status_code == 400
    page = client.get("/admin/").get_data(as_text=True)
    assert page.count('name="csrf_token"') >= 2  # the office's key button, and sign out
    with app.app_context():
        assert db.session.scalars(select(SigningKey)).all() == []
        assert db.session.scalar(select(User).where(User.username == "zhou")) is None


def test_english_pages(client, make, admin):
    make.community()
    client.set_cookie("lang", "en")
    page = client.get("/admin/communities").get_data(as_text=True)
    assert "Make a signing key" in page and "Open a committee account" in page


def test_password_reset_from_the_command_line(app, make, runner, client):
    make.user("admin", "root")
    result = runner.invoke(args=["user", "password", "root", "--password-stdin"],
                           input=NEW_PASSWORD + "\n")  # fmt: skip
    assert result.exit_code == 0, result.output
    (event,) = _events(app, "user.password_reset")
    assert (event.chain, event.actor) == ("system", "system")
    assert client.post("/login", data={"username": "root", "password": NEW_PASSWORD}).status_code \
        == 302  # fmt: skip
    result = runner.invoke(args=["user", "password", "nobody", "--password-stdin"],
                           input=NEW_PASSWORD + "\n")  # fmt: skip
    assert result.exit_code != 0 and "no user nobody" in result.output
