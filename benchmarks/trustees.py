"""Time a secret meeting's trustees through the app: key ceremony, decryption, count, publication.

Run: python benchmarks/trustees.py [--ballots N] [--seed S] [--workers N] [--database-url URL]

Seeds a closed secret meeting of five matters with 20 options in all (two motions, a
selection of three firms, an election of 7 among 11 candidates, a third motion), 3
scrutineers and the office, k = 3, on a fresh SQLite file (default) or an EMPTY PostgreSQL
database. The key ceremony runs as at the office's approval (real scrypt cost); the ballots
are encrypted under its joint key in ``--workers`` processes and inserted in bulk (not
timed). Then it times, in this process as the web app would run them:

- each of three trustees' decryption on the decryption page (open the sealed share with
  its passphrase, read the board, add up its aggregates — the first time only, they are kept
  per board —, the trustee's partial decryption of every total with proofs, the check and
  the store); the third one counts the meeting (decrypt by bounded discrete log, the matters
  from the counts);
- publication (``publish_result``: board, aggregates — once more from cold, as in a fresh
  worker —, the stored decryptions checked and combined, gongyi-result/2, signing, storing);
- ``voting verify`` of what was published, with the board.

Wall-clock and CPU time of this process are printed (on a shared machine compare CPU).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import timedelta
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from synthetic import (  # noqa: E402
    T0,
    answer,
    ballot_row,
    insert_rows,
    migrated_app,
    seed_community,
    voter_row,
)
from synthetic import timed as timed_in_columns  # noqa: E402

from tests.rows import add_matters  # noqa: E402
from voting.db import db  # noqa: E402

#: Wider labels than the other benchmarks', times in hundredths of a second.
timed = partial(timed_in_columns, width=56, digits=2)
CANDIDATES = [(str(i), f"候选人{i}") for i in range(1, 12)]
MOTION = [("agree", "同意"), ("disagree", "反对")]
MATTERS = [
    ("续聘物业服务企业", "ordinary", "motion", 1, 0, MOTION),
    ("筹集专项维修资金", "special", "motion", 1, 0, MOTION),
    ("选聘物业服务企业", "ordinary", "selection", 1, 0, [("1", "甲"), ("2", "乙"), ("3", "丙")]),
    ("选举业主委员会委员", "ordinary", "election", 7, 2, CANDIDATES),
    ("调整物业服务收费标准", "ordinary", "motion", 1, 0, MOTION),
]
SCRUTINEERS = ["张监票", "李监票", "王监票"]


def _encrypt(job: tuple) -> list[dict]:
    """Encrypt a chunk of ballots' answers (in a worker process)."""
    from voting.crypto.ballot2 import encrypt_answer

    meeting_id, joint_key, definitions, chunk = job
    out = []
    for receipt, plain in chunk:
        out.append({
            mid: value if isinstance(value, str)
            else encrypt_answer(joint_key, meeting_id, definitions[mid], receipt, value)
            for mid, value in plain.items()
        })  # fmt: skip
    return out


def seed(n: int, rng: random.Random, workers: int) -> tuple[int, int, list[str]]:
    """A closed secret meeting of n ballots; its id, the committee user's, the passphrases."""
    from voting.meetings.ceremony import run_ceremony
    from voting.meetings.models import Meeting, RosterSnapshot, Trustee

    office, community, user = seed_community()
    meeting = Meeting(
        community_id=community.id, title="基准业主大会（无记名）", opens_at=T0 + timedelta(days=16),
        closes_at=T0 + timedelta(days=30), procedure={"parking_policy": "include"},
        created_by="bench", submitted_at=T0, approved_at=T0, announced_at=T0,
        opened_at=T0 + timedelta(days=16), closed_at=T0 + timedelta(days=30), secret=True,
        trustee_threshold=3,
    )  # fmt: skip
    db.session.add(meeting)
    db.session.flush()
    for number, name in enumerate([office.name, *SCRUTINEERS], start=1):
        meeting.trustees.append(
            Trustee(community_id=community.id, number=number, name=name,
                    kind="office" if number == 1 else "scrutineer")
        )  # fmt: skip
    matters = add_matters(meeting, MATTERS)
    cards = timed("key ceremony, 4 trustees (real scrypt)", lambda: run_ceremony(meeting, T0))
    definitions = {
        m.public_id: {"id": m.public_id, "kind": m.kind, "seats": m.seats,
                      "options": [{"id": o.code} for o in m.options]}
        for m in matters
    }  # fmt: skip
    areas = [rng.randint(3_000, 16_000) for _ in range(n)]
    db.session.add(
        RosterSnapshot(
            meeting_id=meeting.id, community_id=community.id, taken_at=T0, units=n * 5 // 4,
            owners=n * 5 // 4, area=sum(areas) * 5 // 4, households=n, snapshot_hash="ab" * 32,
        )
    )  # fmt: skip
    plain = []
    for _ in range(n):
        receipt = f"{rng.getrandbits(128):032x}"
        plain.append((receipt, {
            m.public_id: answer(rng, m.kind, [o.code for o in m.options], m.seats)
            for m in matters if rng.random() < 0.97
        }))  # fmt: skip
    jobs = [(str(meeting.id), meeting.joint_key, definitions, plain[i : i + 200])
            for i in range(0, n, 200)]  # fmt: skip
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers) as pool:
        encrypted = [a for chunk in pool.map(_encrypt, jobs) for a in chunk]
    print(f"  (encrypting {n:,} ballots in {workers} processes: "
          f"{time.perf_counter() - started:.1f} s, not counted)")  # fmt: skip
    voters, ballots = [], []
    for i, (area, (receipt, _), answers) in enumerate(zip(areas, plain, encrypted, strict=True)):
        voters.append(voter_row(meeting, i, area))
        ballots.append(ballot_row(meeting, i, rng, answers, receipt))
    insert_rows(voters, ballots, 5_000)
    return meeting.id, user.id, [card.passphrase for card in cards]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ballots", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database-url", help="an EMPTY PostgreSQL database (default: SQLite)")
    args = parser.parse_args()
    app = migrated_app(args.database_url, "trustees")
    with app.app_context():
        print(f"{args.ballots:,} secret ballots, 5 matters, 20 options, k = 3 of 4, "
              f"on {db.engine.dialect.name}")  # fmt: skip
        meeting_id, user_id, passphrases = seed(args.ballots, random.Random(args.seed),
                                                args.workers)  # fmt: skip
    with app.app_context():
        from voting.auth.models import User
        from voting.meetings.models import Meeting
        from voting.results import document
        from voting.results.services import publish_result
        from voting.trustees.services import submit_share

        user = db.session.get(User, user_id)
        for number in (1, 2, 3):
            meeting = db.session.get(Meeting, meeting_id)
            trustee = meeting.trustees[number - 1]
            label = f"trustee {number} decrypts on the page" + (
                " and counts" if number == 3 else ""
            )

            def decrypt(meeting=meeting, sealed=trustee.key_share, number=number):
                return submit_share(meeting, user, sealed, passphrases[number - 1])

            timed(label, decrypt)
            db.session.commit()
        meeting = db.session.get(Meeting, meeting_id)
        assert meeting.state == "tallied", meeting.state
        document._AGGREGATES.clear()  # publication in a fresh worker adds the board up again
        result = timed("publish_result (gongyi-result/2, cold aggregates)",
                       lambda: publish_result(meeting, user))  # fmt: skip
        db.session.commit()
        signed, board_text = result.signed(), result.board_json
    from voting.crypto.canonical import parse_json
    from voting.crypto.verify import verify

    report = timed("voting verify RESULT --board BOARD",
                   lambda: verify(signed, parse_json(board_text)))  # fmt: skip
    print("verifier:", "VERIFIED" if report.verified else report.mismatch)


if __name__ == "__main__":
    main()
