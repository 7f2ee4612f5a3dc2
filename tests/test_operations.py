"""What an operator watches: /healthz, the JSON request log, gunicorn's settings file."""

import json
import logging
import runpy
import socket
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_healthz_answers_ok_at_the_migrations_head(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok", "migrations": "head"}


def test_healthz_answers_503_on_an_empty_database(make_app, tmp_path):
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'new.db'}")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "unavailable" and "database at empty" in body["migrations"]


def test_healthz_answers_503_when_the_database_is_unreachable(make_app):
    with socket.socket() as probe:  # a loopback port that nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"postgresql+psycopg://nobody@127.0.0.1:{port}/none?connect_timeout=2"
    app = make_app(SQLALCHEMY_DATABASE_URI=url)
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": "unreachable"}


def test_each_request_is_one_json_line_without_tokens(client, caplog):
    token = "k3Jd9sQ0vLm2Xc7Rt5Yp1Zw8"
    with caplog.at_level(logging.INFO, logger="voting.requests"):
        client.get(f"/v/{token}/notice?receipt=ABCD-EFGH")
        client.get(f"/c/{token}", environ_base={"REMOTE_ADDR": "192.0.2.44"})
        client.post("/login", data={"username": "admin", "password": "hunter2-secret"})
    lines = [r.getMessage() for r in caplog.records if r.name == "voting.requests"]
    assert len(lines) == 3
    first, second, third = (json.loads(line) for line in lines)
    assert first["method"] == "GET" and first["path"] == "/v/<token>/notice"
    assert first["status"] == 404 and first["duration_ms"] >= 0
    assert first["client"] == "127.0.0.1"
    assert second["path"] == "/c/<token>" and second["client"] == "192.0.2.44"
    assert third == {**third, "method": "POST", "path": "/login", "status": 200}
    for line in lines:
        assert token not in line and "ABCD" not in line and "hunter2" not in line


def test_gunicorn_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("VOTING_WORKERS", "3")
    monkeypatch.setenv("VOTING_THREADS", "5")
    monkeypatch.setenv("VOTING_BIND", "127.0.0.1:8123")
    monkeypatch.delenv("VOTING_CONTROL_SOCKET", raising=False)
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert settings["workers"] == 3 and settings["threads"] == 5
    assert settings["bind"] == ["127.0.0.1:8123"] and settings["wsgi_app"] == "wsgi:app"
    assert settings["control_socket_disable"] is True and settings["accesslog"] is None
    monkeypatch.setenv("VOTING_CONTROL_SOCKET", "/run/gongyi/a.ctl")
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert settings["control_socket"] == "/run/gongyi/a.ctl"
    assert "control_socket_disable" not in settings


def test_gunicorn_knows_every_setting_of_the_file(monkeypatch):
    from gunicorn.config import Config

    known = set(Config().settings)
    names = set()
    for socket_path in (None, "/run/gongyi/a.ctl"):
        if socket_path:
            monkeypatch.setenv("VOTING_CONTROL_SOCKET", socket_path)
        else:
            monkeypatch.delenv("VOTING_CONTROL_SOCKET", raising=False)
        settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
        names |= {k for k in settings if not k.startswith("_") and k != "os"}
    assert names <= known, names - known  # a misspelt setting would be ignored silently
