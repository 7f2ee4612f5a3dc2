"""Online ballots per second under gunicorn on PostgreSQL, against a bare insert endpoint.

Run: python benchmarks/cast.py [--database-url URL] [--voters N] [--clients 16]
                                [--workers 4] [--threads 4] [--seconds 20] [--rounds 4]
                                [--phones [--without-alert]] [--secret]

The database (default: the local ``test_ballots``) is emptied and migrated, a community of
N owners is seeded and a meeting opened through the services, then the app runs under
gunicorn on 127.0.0.1 with rate limits off, through ``bench_app()`` below: the app plus a
bare endpoint POST /api/v1/_bench/insert that this script mounts (the app has none).
Concurrent clients on loopback post to the bare endpoint (the same stack inserting one row)
and cast one ballot per distinct credential, in alternating rounds; each phase is bounded by
a request count and by --seconds in all.
Prints requests/s and p50/p99 latency of both, with the machine's load average: the target
is ≥ 40% of the bare throughput and p99 < 100 ms at 16 clients. The cost of the alert each
ballot queues for an owner's phones is the ratio of ``--phones`` to ``--phones
--without-alert`` (the same checks, the alert left out). ``--secret`` adds, in the same
alternating rounds, casting in a secret meeting of another community of N owners (every
answer encrypted under a 3-of-4 joint key, FORMATS §9): the target is ≥ 60% of v1 casting.
It then times, in this process and one request after another, the CPU of 180 casts of each
kind: the app's own cost a ballot, which the machine's other load moves less than throughput.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import queue
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test_ballots"
BARE_PATH, CAST_PATH = "/api/v1/_bench/insert", "/api/v1/ballots"
BENCH_TABLE = (
    "CREATE TABLE IF NOT EXISTS bench_rows "
    "(id BIGSERIAL PRIMARY KEY, note VARCHAR(64) NOT NULL, at TIMESTAMPTZ NOT NULL)"
)


def bench_app():
    """The app with a bare endpoint mounted: the same stack (hooks, session, one commit per
    request) inserting one row, for comparison with casting. gunicorn loads it from here."""
    from flask import Blueprint, jsonify, request
    from sqlalchemy import text

    from voting import create_app
    from voting.db import db, utcnow
    from voting.extensions import csrf

    if os.environ.get("VOTING_BENCH_WITHOUT_ALERT"):  # --without-alert: the alert's yardstick
        from voting.ballots import services

        services.queue_ballot_alert = lambda **_: None
    app = create_app({"RATELIMIT_ENABLED": False})
    bare = Blueprint("bench", __name__)

    @bare.post(BARE_PATH)
    def insert():
        data = request.get_json(silent=True) or {}
        db.session.execute(
            text("INSERT INTO bench_rows (note, at) VALUES (:note, :at)"),
            {"note": str(data.get("note", ""))[:64], "at": utcnow()},
        )
        return jsonify({"ok": True}), 201

    csrf.exempt(bare)
    app.register_blueprint(bare)
    return app


@dataclass
class Phase:
    """What one phase measured."""

    name: str
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    seconds: float = 0.0

    def add(self, status: int, latency: float) -> None:
        self.statuses[status] = self.statuses.get(status, 0) + 1
        self.latencies.append(latency)

    @property
    def ok(self) -> int:
        return sum(n for status, n in self.statuses.items() if status == 201)

    @property
    def rate(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000

    def line(self) -> str:
        statuses = dict(sorted(self.statuses.items()))
        return (
            f"{self.name:<6} {self.ok:>6} ok {self.rate:>8.1f}/s   "
            f"p50 {self.percentile(50):6.1f} ms   p99 {self.percentile(99):6.1f} ms   "
            f"statuses {statuses}"
        )


def reset_and_seed(
    url: str, voters: int, secret: str, phones: bool = False, secret_meeting: bool = False
) -> list[tuple[int, list[tuple[str, str]], list[str]]]:
    """Empty and migrate the database, seed N owners, open a meeting; its id, tokens, matters.

    With ``secret_meeting`` a second community of N owners gets a secret meeting (its ballots
    encrypted under a 3-of-4 joint key): both meetings are returned, the open one first.
    """
    from flask_migrate import upgrade
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()

    from voting import create_app
    from voting.db import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": secret})
    with app.app_context():
        upgrade()
        db.session.execute(text(BENCH_TABLE))
        db.session.commit()
        seeded = [seed_meeting("基准小区", voters, phones, secret=False)]
        if secret_meeting:
            seeded.append(seed_meeting("秘密投票基准小区", voters, phones, secret=True))
        db.engine.dispose()
    return seeded


def seed_meeting(
    name: str, voters: int, phones: bool, secret: bool
) -> tuple[int, list[tuple[str, str]], list[str]]:
    """A community of N owners and an open meeting (secret: under a 3-of-4 joint key)."""
    from sqlalchemy import select

    from voting.db import db, utcnow
    from voting.meetings import services
    from voting.meetings.credentials import credential_token
    from voting.meetings.models import Credential, Voter
    from voting.rosters.services import (
        create_community,
        create_office,
        import_roster,
        update_procedure,
    )

    office = create_office(f"{name}街道")
    community = create_community(name, office.id, "owners_committee")
    update_procedure(community, {"parking_policy": "include"})
    # With --phones every owner has a phone: each ballot passes the identity check and
    # queues its alert (voting.messages) in the casting transaction.
    rows = [
        f"{n % 40 + 1}号楼,{n},dwelling,{80 + n % 50}.50,业主{n},k{n},"
        + (phone_of(n) if phones else "")
        for n in range(voters)
    ]
    roster = "building,unit,unit_type,registered_area,owner,owner_key,phone\n" + "\n".join(rows)
    import_roster(community, roster.encode(), "roster.csv")
    now = utcnow()
    opens, closes = now - timedelta(hours=1), now + timedelta(days=10)
    matters = [
        {"title": "调整物业服务收费标准", "category": "ordinary", "kind": "motion"},
        {
            "title": "选聘物业服务企业",
            "category": "ordinary",
            "kind": "selection",
            "options": [{"label": "甲"}, {"label": "乙"}, {"label": "丙"}],
        },
    ]
    meeting = services.create_meeting(community, "基准会议", opens, closes, matters)
    services.submit_meeting(meeting, now=opens - timedelta(days=30))
    services.approve_meeting(meeting, now=opens - timedelta(days=25))
    if secret:
        make_secret(meeting, threshold=3, trustees=4)
    services.announce_meeting(meeting, now=opens - timedelta(days=20))
    services.open_meeting(meeting, now=now)
    db.session.commit()
    # Each token with the one-time code its owner received ("" without --phones): every
    # owner has asked for a code, as each must before casting online.
    tokens = [
        (credential_token(c), code_of(c) if phones else "")
        for c, key in db.session.execute(
            select(Credential, Voter.person_key)
            .join(Voter, Voter.id == Credential.voter_id)
            .where(Credential.meeting_id == meeting.id)
            .order_by(Credential.id)
        )
    ]
    db.session.commit()
    ids = [m.public_id for m in meeting.matters]
    codes = [o.code for o in meeting.matters[1].options]
    return meeting.id, tokens, [ids[0], ids[1], *codes]


def make_secret(meeting, threshold: int, trustees: int) -> None:
    """The meeting's ballots secret under a joint key from a trusted-dealer ceremony run here
    (the shares are thrown away: the benchmark never decrypts)."""
    from voting.crypto.ballot2 import ceremony_context
    from voting.crypto.secret_json import joint_key_to_json
    from voting.crypto.trustees import dealer_ceremony
    from voting.db import utcnow

    key, _ = dealer_ceremony(threshold, trustees, ceremony_context(str(meeting.id)))
    meeting.secret, meeting.trustee_threshold = True, threshold
    meeting.joint_key, meeting.key_ceremony_at = joint_key_to_json(key), utcnow()


def start_gunicorn(
    url: str, secret: str, workers: int, threads: int, without_alert: bool = False
) -> tuple[subprocess.Popen, int]:
    """gunicorn on a free loopback port, the app built with the benchmark settings."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "VOTING_DATABASE_URL": url,
        "VOTING_SECRET_KEY": secret,
        "VOTING_INSTANCE_PATH": tempfile.mkdtemp(prefix="bench-cast-"),
    }
    if without_alert:
        env["VOTING_BENCH_WITHOUT_ALERT"] = "1"
    factory = "cast:bench_app()"
    log = open(Path(env["VOTING_INSTANCE_PATH"]) / "gunicorn.log", "wb")  # noqa: SIM115
    print(f"gunicorn log: {log.name}")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--preload",
            "--pythonpath",
            str(ROOT / "benchmarks"),
            factory,
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stderr=log,  # one JSON line per request: kept out of the figures
    )
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/api/v1/openapi.json")
            if connection.getresponse().status == 200:
                return process, port
        except OSError:
            time.sleep(0.3)
    process.terminate()
    raise SystemExit("gunicorn did not start")


def run_phase(
    phase: Phase, port: int, clients: int, bodies: list[bytes], path: str, seconds: float
) -> None:
    """Post the bodies from ``clients`` keep-alive connections until done or time is up."""
    pending: queue.Queue = queue.Queue()
    for body in bodies:
        pending.put(body)
    lock = threading.Lock()
    stop = time.monotonic() + seconds
    barrier = threading.Barrier(clients + 1)

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Content-Type": "application/json"}
        barrier.wait()
        while time.monotonic() < stop:
            try:
                body = pending.get_nowait()
            except queue.Empty:
                return
            started = time.perf_counter()
            connection.request("POST", path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            elapsed = time.perf_counter() - started
            with lock:
                phase.add(response.status, elapsed)

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    barrier.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join(timeout=seconds + 60)
    phase.seconds += time.perf_counter() - began


def code_of(credential) -> str:
    """Give the credential a code as if its owner had asked for one; returns the code."""
    from voting.ballots.codes import code_hash
    from voting.db import utcnow

    code = f"{credential.id % 1000000:06d}"
    credential.code_hash, credential.code_sent_at = code_hash(credential.id, code), utcnow()
    return code


def phone_of(n: int) -> str:
    """The phone of owner n in the --phones roster."""
    return f"139{n:08d}"


def run_rounds(port: int, args, phases: list[tuple[Phase, list[bytes], str]]) -> list[Phase]:
    """Alternate slices of every phase's endpoint, so that a change in the machine's load
    between them does not favour any; each phase is bounded by --seconds in all."""
    rounds = max(1, args.rounds)
    seconds = args.seconds / rounds
    for n in range(rounds):
        order = phases if n % 2 == 0 else phases[::-1]
        for phase, bodies, path in order:
            part = slice(n * len(bodies) // rounds, (n + 1) * len(bodies) // rounds)
            run_phase(phase, port, args.clients, bodies[part], path, seconds)
    return [phase for phase, _, _ in phases]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url", default=os.environ.get("VOTING_BENCH_DATABASE_URL", DEFAULT_URL)
    )
    parser.add_argument("--voters", type=int, default=3000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument(
        "--phones", action="store_true", help="owners have phones: one-time code and alert"
    )
    parser.add_argument(
        "--without-alert",
        action="store_true",
        help="with --phones, cast without queueing the alert: the yardstick of the alert's cost",
    )
    parser.add_argument(
        "--secret",
        action="store_true",
        help="also cast in a secret meeting (3-of-4 joint key): its throughput against v1's",
    )
    args = parser.parse_args()
    secret = secrets.token_hex(16)

    started = time.perf_counter()
    seeded = reset_and_seed(args.database_url, args.voters, secret, args.phones, args.secret)
    print(
        f"seeded {len(seeded)} x {len(seeded[0][1])} voters and opened meeting(s) "
        f"{', '.join(str(m[0]) for m in seeded)} in {time.perf_counter() - started:.1f} s"
    )
    process, port = start_gunicorn(
        args.database_url, secret, args.workers, args.threads, args.without_alert
    )
    load_before = os.getloadavg()[0]

    def check(last4: str) -> dict:  # --phones: the identity check of the owner's phone
        return {"verification": last4} if last4 else {}

    try:
        casts, warms, aside = [], [], []
        for _, tokens, (motion, selection, *codes) in seeded:
            warm = min(len(tokens) // 10, 4 * args.workers * args.threads)
            warm_tokens, tokens = tokens[:warm], tokens[warm:]
            bodies = [
                json.dumps({"token": token, "answers": {
                    motion: [["agree"], ["disagree"], []][n % 3], selection: [codes[n % 3]]},
                    **check(last4)}).encode()
                for n, (token, last4) in enumerate(tokens)
            ]  # fmt: skip
            if args.secret:  # kept for the in-process measure of each cast's own CPU time
                bodies, kept = bodies[:-IN_PROCESS], bodies[-IN_PROCESS:]
                aside.append(kept)
            casts.append(bodies)
            warms.append([
                json.dumps({"token": t, "answers": {motion: []}, **check(last4)}).encode()
                for t, last4 in warm_tokens
            ])  # fmt: skip
        bare = [json.dumps({"note": f"row {n}"}).encode() for n in range(len(casts[0]))]
        # Warm every worker's connections and caches on every endpoint; not counted.
        warm_bare = [json.dumps({"note": "warm"}).encode() for _ in warms[0]]
        run_phase(Phase("warm"), port, args.clients, warm_bare, BARE_PATH, 10)
        for bodies in warms:
            run_phase(Phase("warm"), port, args.clients, bodies, CAST_PATH, 10)
        phases = [(Phase("bare"), bare, BARE_PATH), (Phase("cast"), casts[0], CAST_PATH)]
        if args.secret:
            phases.append((Phase("secret"), casts[1], CAST_PATH))
        measured = run_rounds(port, args, phases)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    print(
        f"gunicorn {args.workers} workers x {args.threads} threads, {args.clients} clients, "
        f"{'owners with phones (check and alert), ' if args.phones else ''}"
        f"{'alert not queued, ' if args.without_alert else ''}"
        f"PostgreSQL, loopback, {args.rounds} alternating rounds; {os.cpu_count()} CPUs, "
        f"load average {load_before:.1f} before and {os.getloadavg()[0]:.1f} after"
    )
    for phase in measured:
        print(phase.line())
    base, cast = measured[0], measured[1]
    share = cast.rate / base.rate if base.rate else 0.0
    p99 = cast.percentile(99)
    print(
        f"cast/bare throughput {share:.0%} (target ≥ 40%); cast p99 {p99:.1f} ms "
        f"(target < 100 ms): {'MET' if share >= 0.4 and p99 < 100 else 'NOT MET'}"
    )
    if args.secret:
        hidden = measured[2]
        ratio = hidden.rate / cast.rate if cast.rate else 0.0
        print(
            f"secret/v1 casting throughput {ratio:.0%} (target ≥ 60%); secret p99 "
            f"{hidden.percentile(99):.1f} ms: {'MET' if ratio >= 0.6 else 'NOT MET'}"
        )
        plain_ms, secret_ms = cpu_per_cast(args.database_url, secret, aside)
        print(
            f"in this process, one request after another: {plain_ms:.2f} ms of CPU a v1 cast, "
            f"{secret_ms:.2f} ms a secret one ({plain_ms / secret_ms:.0%}; the server's "
            "share of the work, without the database's)"
        )
    return 0


#: Ballots of each meeting cast in this process after the run, to time their CPU alone.
IN_PROCESS = 200


def cpu_per_cast(url: str, secret: str, kept: list[list[bytes]]) -> tuple[float, float]:
    """CPU time (ms) this process spends per cast through the app, v1 then secret: a figure
    the machine's other load does not move as much as throughput."""
    import logging

    from voting import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": secret,
                      "RATELIMIT_ENABLED": False})  # fmt: skip
    logging.getLogger("voting.requests").disabled = True  # one line a request: not measured
    client = app.test_client()
    headers = {"Content-Type": "application/json"}
    figures = []
    for bodies in kept:
        warm, timed = bodies[:20], bodies[20:]
        for body in warm:
            client.post(CAST_PATH, data=body, headers=headers)
        started = time.process_time()
        for body in timed:
            assert client.post(CAST_PATH, data=body, headers=headers).status_code == 201
        figures.append((time.process_time() - started) * 1000 / len(timed))
    return figures[0], figures[1]


if __name__ == "__main__":
    raise SystemExit(main())
