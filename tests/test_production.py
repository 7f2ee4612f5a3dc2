"""README's production recipe, run for real: gunicorn with gunicorn.conf.py on PostgreSQL,
rate limits in Redis, behind nginx configured by deploy/nginx.conf (TLS ends at nginx).

It casts 200 ballots from 200 client addresses through nginx, hammers bad links from one
address until 429, and checks HSTS over the scheme nginx forwards. Every address is on
127.0.0.0/8: the client sockets are bound to 127.0.0.x, nothing leaves the machine.

Runs with ``VOTING_NGINX_TEST=1`` (``.ci/run`` sets it; then nginx, PostgreSQL and Redis
must be there). ``VOTING_NGINX_DATABASE_URL`` names the server (its database is only used to
create and drop one of the test's own), ``VOTING_NGINX_REDIS_URL`` the Redis.
"""

import datetime as dt
import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SERVER_URL = os.environ.get(
    "VOTING_NGINX_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
REDIS_URL = os.environ.get("VOTING_NGINX_REDIS_URL", "redis://127.0.0.1:6379/0")
VOTERS = 200

pytestmark = pytest.mark.skipif(
    os.environ.get("VOTING_NGINX_TEST") != "1",
    reason="the production recipe runs with VOTING_NGINX_TEST=1 (as .ci/run does)",
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(check, what: str, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"{what} did not come up within {seconds} s")


@pytest.fixture
def database():
    """A database of this test's own on the PostgreSQL server, dropped afterwards."""
    server = make_url(SERVER_URL)
    name = f"gongyi_nginx_{secrets.token_hex(4)}"
    engine = create_engine(server, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield server.set(database=name).render_as_string(hide_password=False)
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, as the site's TLS certificate."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName(
            [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    chain, private = folder / "fullchain.pem", folder / "privkey.pem"
    chain.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    private.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return chain, private


def nginx_config(folder: Path, app_port: int, https_port: int, http_port: int) -> Path:
    """deploy/nginx.conf with this machine's ports and certificate, in a minimal nginx.conf."""
    site = (ROOT / "deploy" / "nginx.conf").read_text()
    chain, private = certificate(folder)
    replacements = {
        "server 127.0.0.1:8000;": f"server 127.0.0.1:{app_port};",
        "listen 443 ssl;": f"listen 127.0.0.1:{https_port} ssl;",
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "/etc/ssl/gongyi/fullchain.pem": str(chain),
        "/etc/ssl/gongyi/privkey.pem": str(private),
    }
    for old, new in replacements.items():
        assert site.count(old) == 1, f"deploy/nginx.conf no longer has {old!r}"
        site = site.replace(old, new)
    (folder / "gongyi.conf").write_text(site)
    for temp in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (folder / temp).mkdir()
    user = "user root;\n" if os.geteuid() == 0 else ""
    main = folder / "nginx.conf"
    main.write_text(
        f"{user}daemon off;\nworker_processes 1;\npid {folder}/nginx.pid;\n"
        f"error_log {folder}/error.log warn;\nevents {{ worker_connections 512; }}\n"
        f"http {{\n  client_body_temp_path {folder}/body;\n  proxy_temp_path {folder}/proxy;\n"
        f"  fastcgi_temp_path {folder}/fastcgi;\n  uwsgi_temp_path {folder}/uwsgi;\n"
        f"  scgi_temp_path {folder}/scgi;\n  include {folder}/gongyi.conf;\n}}\n"
    )
    return main


def seed(url: str, secret: str) -> tuple[list[str], str]:
    """A community of VOTERS owners and an open meeting of one motion: tokens, matter id."""
    from voting import create_app
    from voting.db import db, utcnow
    from voting.meetings import services
    from voting.meetings.credentials import credential_token
    from voting.meetings.models import Credential
    from voting.rosters.services import (
        create_community,
        create_office,
        import_roster,
        update_procedure,
    )

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": secret})
    with app.app_context():
        office = create_office("望京街道办事处")
        community = create_community("观澜苑", office.id, "owners_committee")
        update_procedure(community, {"parking_policy": "include"})
        rows = "".join(f"{n % 12 + 1}号楼,{n},dwelling,88.50,业主{n},k{n}\n" for n in range(VOTERS))
        roster = "building,unit,unit_type,registered_area,owner,owner_key\n" + rows
        import_roster(community, roster.encode(), "roster.csv")
        now = utcnow()
        opens, closes = now - dt.timedelta(hours=1), now + dt.timedelta(days=7)
        matter = {"title": "续聘物业服务企业", "category": "ordinary", "kind": "motion"}
        meeting = services.create_meeting(community, "业主大会", opens, closes, [matter])
        services.submit_meeting(meeting, now=opens - dt.timedelta(days=30))
        services.approve_meeting(meeting, now=opens - dt.timedelta(days=25))
        services.announce_meeting(meeting, now=opens - dt.timedelta(days=20))
        services.open_meeting(meeting, now=now)
        db.session.commit()
        query = select(Credential).where(Credential.meeting_id == meeting.id)
        tokens = [credential_token(c) for c in db.session.scalars(query)]
        matter_id = meeting.matters[0].public_id
        db.session.close()
        db.engine.dispose()
    return tokens, matter_id


class Client:
    """HTTPS to nginx from one loopback source address."""

    def __init__(self, port: int, cafile: Path):
        self.port = port
        self.context = ssl.create_default_context(cafile=str(cafile))

    def request(self, source: str, method: str, path: str, body=None, headers=None):
        connection = http.client.HTTPSConnection(
            "127.0.0.1", self.port, timeout=60, context=self.context, source_address=(source, 0)
        )
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()


def test_the_production_recipe_behind_nginx(database, tmp_path):
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    assert Path(nginx).exists(), "nginx is not installed (apt-get install nginx)"
    started = time.monotonic()
    secret = secrets.token_hex(32)
    app_port, https_port, http_port = free_port(), free_port(), free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("VOTING_")},
        # README, "Production":
        "VOTING_DATABASE_URL": database,
        "VOTING_SECRET_KEY": secret,
        "VOTING_RATELIMIT_STORAGE_URI": REDIS_URL,
        "VOTING_RATELIMIT_KEY_PREFIX": f"gongyi-test-{secrets.token_hex(4)}",
        "VOTING_PROXY_HOPS": "1",
        "VOTING_SECURE_COOKIES": "1",
        "VOTING_BIND": f"127.0.0.1:{app_port}",
        "VOTING_WORKERS": "2",
        "VOTING_THREADS": "4",
        "VOTING_INSTANCE_PATH": str(tmp_path / "instance"),
    }
    upgrade = subprocess.run([BIN / "voting", "db", "upgrade"], cwd=ROOT, env=env,
                             capture_output=True, text=True, check=False)  # fmt: skip
    assert upgrade.returncode == 0, upgrade.stderr
    tokens, matter_id = seed(database, secret)
    seeded = time.monotonic()

    log = open(tmp_path / "gunicorn.log", "wb")  # noqa: SIM115
    app = subprocess.Popen([BIN / "gunicorn", "-c", "gunicorn.conf.py"], cwd=ROOT, env=env,
                           stdout=log, stderr=log, start_new_session=True)  # fmt: skip
    folder = tmp_path / "nginx"
    folder.mkdir()
    config = nginx_config(folder, app_port, https_port, http_port)
    proxy = subprocess.Popen([nginx, "-p", str(folder), "-c", str(config), "-e",
                              str(folder / "error.log")], start_new_session=True)  # fmt: skip
    try:
        client = Client(https_port, folder / "fullchain.pem")
        wait_for(lambda: client.request("127.0.0.1", "GET", "/healthz")[0] == 200, "the app")
        up = time.monotonic()

        # 200 owners, each from an address of their own, vote through nginx at once.
        def vote(n: int) -> int:
            body = json.dumps({"token": tokens[n], "answers": {matter_id: ["agree"]}})
            status, _, _ = client.request(
                f"127.0.0.{n + 2}", "POST", "/api/v1/ballots", body,
                {"Content-Type": "application/json"},
            )  # fmt: skip
            return status

        with ThreadPoolExecutor(max_workers=8) as pool:
            statuses = list(pool.map(vote, range(VOTERS)))
        assert statuses == [201] * VOTERS
        voted = time.monotonic()

        # Bad links from one address: 30 failures (the default budget), then 429.
        bad = [
            client.request("127.0.0.250", "GET", f"/v/{secrets.token_urlsafe(18)}")[0]
            for _ in range(32)
        ]
        assert bad[:30] == [404] * 30 and bad[30:] == [429, 429]
        assert client.request("127.0.0.251", "GET", f"/v/{secrets.token_urlsafe(18)}")[0] == 404
        # An owner's own link still works from the hammering address: successes are free.
        status, _, page = client.request("127.0.0.250", "GET", f"/v/{tokens[0]}")
        assert status == 429  # the address waits, whatever the link ...
        status, _, page = client.request("127.0.0.252", "GET", f"/v/{tokens[0]}")
        assert status == 200  # ... and the owner's next address is served

        # HSTS: nginx forwards the scheme (X-Forwarded-Proto: https) and the app trusts it.
        status, headers, _ = client.request("127.0.0.1", "GET", "/login")
        assert status == 200
        assert headers["Strict-Transport-Security"].startswith("max-age=")
        assert "Secure" in headers.get("Set-Cookie", "Secure")
        plain = http.client.HTTPConnection("127.0.0.1", http_port, timeout=30)
        plain.request("GET", "/login", headers={"X-Forwarded-Proto": "https"})
        redirected = plain.getresponse()
        assert redirected.status == 301
        assert redirected.getheader("Location", "").startswith("https://")
        assert redirected.getheader("Strict-Transport-Security") is None
        plain.close()
        finished = time.monotonic()
    finally:
        proxy.send_signal(signal.SIGQUIT)
        os.killpg(app.pid, signal.SIGTERM)
        proxy.wait(timeout=30)
        app.wait(timeout=60)
        log.close()

    lines = [json.loads(line) for line in (tmp_path / "gunicorn.log").read_text().splitlines()
             if line.startswith("{")]  # fmt: skip
    casts = [line for line in lines if line["path"] == "/api/v1/ballots"]
    assert len(casts) == VOTERS and len({line["client"] for line in casts}) == VOTERS
    assert all(line["client"].startswith("127.0.0.") for line in lines)
    logged = (tmp_path / "gunicorn.log").read_text()
    assert not any(token in logged for token in tokens) and secret not in logged
    print(
        f"\nproduction recipe: seeded {VOTERS} voters in {seeded - started:.1f} s, "
        f"gunicorn and nginx up in {up - seeded:.1f} s, {VOTERS} ballots from {VOTERS} "
        f"addresses in {voted - up:.1f} s, the rest in {finished - voted:.1f} s"
    )
