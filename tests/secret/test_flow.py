"""A secret meeting from plan to verified result on the test client: 3 scrutineers and the
office, k = 2; key cards at approval; encrypted ballots; after close, one trustee decrypts on
the page and one offline with ``voting trustee decrypt``; the counts equal a count in the
clear; the published gongyi-result/2 passes ``voting verify`` with its board."""

import json
import logging
import os
import re
from datetime import timedelta

import pytest
from sqlalchemy import select, text

from tests.ballots.support import MeetingKit, Unit, election, motion, selection
from voting.audit.models import AuditEvent
from voting.crypto.verify import verify
from voting.db import db, utcnow
from voting.meetings.models import Meeting
from voting.rules import matters_from_board
from voting.trustees.offline import main as trustee_main

SCRUTINEERS = ["张监票", "李监票", "王监票"]
PASSPHRASE = re.compile(r"[2-9A-Z]{4}(?:-[2-9A-Z]{4}){5}")
MATTERS = [
    motion("调整物业服务收费标准"),
    selection("选聘物业服务企业", ["金盾物业", "银桥物业", "铜锣物业"]),
    election("选举业主委员会委员", ["赵一", "钱二", "孙三", "李四", "周五"], seats=3, alternates=0),
]
UNITS = [Unit(f"{n}01", f"{80 + 10 * n}.50", f"o{n}") for n in range(1, 8)]
#: Who votes how (matter index -> option labels); o7 does not vote.
VOTES = {
    "o1": {0: ["同意"], 1: ["金盾物业"], 2: ["赵一", "钱二", "孙三"]},
    "o2": {0: ["同意"], 1: ["金盾物业"], 2: ["赵一", "钱二", "李四"]},
    "o3": {0: ["反对"], 1: ["银桥物业"], 2: ["赵一"]},
    "o4": {0: ["同意"], 1: ["金盾物业"], 2: ["钱二", "孙三", "周五"]},
    "o5": {0: [], 1: ["铜锣物业"], 2: []},
    "o6": {0: ["同意"], 2: ["赵一", "钱二"]},
}


class Secret:
    """A secret meeting's run: its ids, staff, the key cards' passphrases and the receipts."""

    def __init__(self, app, make, client, auth):
        self.app, self.make, self.client, self.auth = app, make, client, auth
        self.kit = MeetingKit(app)
        self.community_id = self.kit.community(UNITS)
        from voting.rosters.models import Community

        with app.app_context():
            community = db.session.get(Community, self.community_id)
            _ = community.office
        self.committee = make.user("committee", community=community)
        self.office = make.user("office", office=community.office)
        self.passphrases: list[str] = []
        self.receipts: dict[str, str] = {}

    def plan_and_approve(self) -> None:
        from voting.meetings import services
        from voting.rosters.models import Community

        now = utcnow()
        opens_at, closes_at = now - timedelta(hours=1), now + timedelta(days=10)
        with self.app.app_context():
            community = db.session.get(Community, self.community_id)
            meeting = services.create_meeting(
                community, "无记名表决会议", opens_at, closes_at, MATTERS, secret=True,
                scrutineers=SCRUTINEERS, trustee_threshold=2,
            )  # fmt: skip
            services.submit_meeting(meeting, now=opens_at - timedelta(days=30))
            db.session.commit()
            self.meeting_id = meeting.id
        self.auth.login(self.office)
        page = self.client.post(f"/supervision/meetings/{self.meeting_id}/approve")
        assert page.status_code == 200
        self.passphrases = PASSPHRASE.findall(page.get_data(as_text=True))
        assert len(self.passphrases) == 4
        self.auth.logout()

    def announce_open_and_cast(self) -> None:
        from voting.meetings import services
        from voting.meetings.credentials import credential_token
        from voting.meetings.models import Credential, Voter

        with self.app.app_context():
            meeting = db.session.get(Meeting, self.meeting_id)
            services.announce_meeting(meeting, now=meeting.opens_at - timedelta(days=20))
            services.open_meeting(meeting, now=utcnow())
            db.session.commit()
            tokens = {
                voter.person_key: credential_token(credential)
                for voter, credential in db.session.execute(
                    select(Voter, Credential)
                    .join(Credential, Credential.voter_id == Voter.id)
                    .where(Voter.meeting_id == self.meeting_id)
                )
            }
            self.codes = [{o.label: o.code for o in m.options} for m in meeting.matters]
            self.matter_ids = [m.public_id for m in meeting.matters]
        for owner, choices in VOTES.items():
            answers = {
                self.matter_ids[i]: [self.codes[i][label] for label in labels]
                for i, labels in choices.items()
            }
            cast = self.client.post(
                "/api/v1/ballots", json={"token": tokens[owner], "answers": answers}
            )
            assert cast.status_code == 201, cast.get_json()
            self.receipts[owner] = cast.get_json()["receipt"]

    def close(self) -> None:
        from voting.meetings.services import close_meeting

        with self.app.app_context():
            meeting = db.session.get(Meeting, self.meeting_id)
            meeting.closes_at = utcnow() - timedelta(minutes=1)
            close_meeting(meeting, now=utcnow())
            db.session.commit()

    def meeting(self) -> Meeting:
        return db.session.get(Meeting, self.meeting_id)

    def share_file(self, number: int) -> dict:
        got = self.client.get(f"/meetings/{self.meeting_id}/trustees/{number}/key-share.json")
        assert got.status_code == 200
        return json.loads(got.data)

    def decrypt_on_page(self, number: int, passphrase: str):
        share = json.dumps(self.share_file(number))
        return self.client.post(
            f"/meetings/{self.meeting_id}/decryption/share",
            data={"share_text": share, "passphrase": passphrase},
        )

    def plaintext_count(self) -> list[dict]:
        """The same ballots counted in the clear (gongyi-board/1 entries, same weights)."""
        from voting.meetings.tally import matters_document, roster_document
        from voting.rules.numbers import fmt_area
        from voting.rules.procedure import Procedure

        areas = {u.key: u.area for u in UNITS}
        entries = sorted(
            (
                {"receipt": self.receipts[owner], "channel": "online",
                 "area": fmt_area(int(areas[owner].replace(".", ""))), "owners": 1,
                 "answers": {self.matter_ids[i]: [self.codes[i][x] for x in labels]
                             for i, labels in choices.items()}}
                for owner, choices in VOTES.items()
            ),
            key=lambda e: e["receipt"],
        )  # fmt: skip
        meeting = self.meeting()
        return matters_from_board(
            Procedure.from_dict(meeting.procedure), roster_document(meeting),
            matters_document(meeting), entries,
        )  # fmt: skip


@pytest.fixture
def run(app, make, client, auth, caplog):
    caplog.set_level(logging.DEBUG)
    secret = Secret(app, make, client, auth)
    secret.plan_and_approve()
    secret.announce_open_and_cast()
    secret.close()
    return secret


def test_k_trustees_decrypt_the_count_and_the_result_verifies(run, app, client, auth, tmp_path,
                                                               caplog, capsys):  # fmt: skip
    with app.app_context():
        meeting = run.meeting()
        assert meeting.state == "closed" and meeting.tally is None
    auth.login(run.committee)
    page = client.get(f"/meetings/{run.meeting_id}/decryption")
    assert page.status_code == 200
    assert "已提交 0 名，需要 2 名" in page.get_data(as_text=True)

    # Trustee 2 (a scrutineer) on the page: wrong passphrase first, then the right one.
    wrong = run.decrypt_on_page(2, run.passphrases[0])
    assert wrong.status_code == 422 and "口令不正确" in wrong.get_data(as_text=True)
    assert run.passphrases[0] not in wrong.get_data(as_text=True)  # the form is not refilled
    done = run.decrypt_on_page(2, run.passphrases[1].lower().replace("-", " "))
    assert done.status_code == 302, done.get_data(as_text=True)
    with app.app_context():
        meeting = run.meeting()
        assert meeting.state == "closed" and meeting.tally is None  # k - 1 is not enough
        assert [t.number for t in meeting.trustees if t.submitted_at] == [2]
        from voting.meetings.secrecy import board_frozen

        assert board_frozen(meeting)

    # Trustee 4 offline: the share file, the board from the page, the CLI, the upload.
    share = tmp_path / "share.json"
    share.write_text(json.dumps(run.share_file(4)))
    board = tmp_path / "board.json"
    board.write_bytes(client.get(f"/meetings/{run.meeting_id}/decryption/board.json").data)
    secret_file = tmp_path / "passphrase.txt"
    secret_file.write_text(run.passphrases[3] + "\n")
    out = tmp_path / "decryption.json"
    argv = ["--share", str(share), "--board", str(board), "--passphrase-file", str(secret_file),
            "--out", str(out)]  # fmt: skip
    assert trustee_main(argv) == 0
    # The command shows the totals' digest the page shows, for the trustee to compare.
    printed = capsys.readouterr().out
    shown = client.get(f"/meetings/{run.meeting_id}/decryption").get_data(as_text=True)
    digest = json.loads(out.read_text())["aggregates_sha256"]
    entries = len(json.loads(board.read_text())["entries"])
    assert f"totals' digest (SHA-256): {digest}" in printed and f"of {entries} ballots" in printed
    assert f"{entries} 张选票" in shown and digest in shown
    uploaded = client.post(
        f"/meetings/{run.meeting_id}/decryption/upload",
        data={"decryption_text": out.read_text()},
    )
    assert uploaded.status_code == 302, uploaded.get_data(as_text=True)
    with app.app_context():
        meeting = run.meeting()
        assert meeting.state == "tallied"
        tally, expected = meeting.tally, run.plaintext_count()
    assert tally == expected

    # Publication: gongyi-result/2 from the stored decryptions, and the verifier accepts it.
    from voting.results.keys import create_signing_key
    from voting.rosters.models import Community

    with app.app_context():
        create_signing_key(db.session.get(Community, run.community_id), "user:test")
        db.session.commit()
    published = client.post(f"/results/meetings/{run.meeting_id}/publish")
    assert published.status_code in (302, 303), published.get_data(as_text=True)
    result = client.get(f"/public/meetings/{run.meeting_id}/result.json").get_json()
    board_doc = client.get(f"/public/meetings/{run.meeting_id}/board.json").get_json()
    doc = result["document"]
    assert doc["format"] == "gongyi-result/2" and board_doc["format"] == "gongyi-board/2"
    assert [t["name"] for t in doc["encryption"]["trustees"]][1:] == SCRUTINEERS
    for matter, counted in zip(doc["matters"], expected, strict=True):
        assert {k: v for k, v in matter.items() if k != "totals"} == counted
        assert all(len(t["owners"]["partials"]) == 2 for t in matter["totals"].values())
    report = verify(result, board_doc)
    assert report.verified, report.mismatch
    public = client.get(f"/public/meetings/{run.meeting_id}").get_data(as_text=True)
    assert "金盾物业" in public and "参与表决面积占比" in public

    # The office countersigns, the committee corrects: each version still verifies.
    with app.app_context():
        from voting.rosters.models import Office

        office = db.session.get(Community, run.community_id).office_id
        create_signing_key(db.session.get(Office, office), "user:test")
        db.session.commit()
    auth.logout()
    auth.login(run.office)
    assert client.post(f"/results/meetings/{run.meeting_id}/countersign").status_code == 302
    signed = client.get(f"/public/meetings/{run.meeting_id}/result.json").get_json()
    assert [s["role"] for s in signed["signatures"]] == ["committee", "office"]
    assert verify(signed, board_doc).verified
    auth.logout()
    auth.login(run.committee)
    corrected = client.post(
        f"/results/meetings/{run.meeting_id}/correct", data={"reason": "更正会议说明"}
    )
    assert corrected.status_code == 302
    second = client.get(f"/public/meetings/{run.meeting_id}/result.json").get_json()
    assert second["document"]["version"] == 2
    assert second["document"]["format"] == "gongyi-result/2"
    assert verify(second, board_doc).verified

    # The passphrases are nowhere: not in any table, the audit log or the app's logs.
    with app.app_context():
        rows = "\n".join(
            repr(tuple(row))
            for table in db.metadata.sorted_tables
            for row in db.session.execute(text(f'SELECT * FROM "{table.name}"'))
        )
        audit = json.dumps([e.as_dict() for e in db.session.scalars(select(AuditEvent))])
    for passphrase in run.passphrases:
        for form in (passphrase, passphrase.replace("-", ""), passphrase.lower()):
            assert form not in rows and form not in audit and form not in caplog.text


def test_one_absent_trustee_does_not_block_and_k_minus_1_cannot(run, app, client, auth):
    auth.login(run.office)
    assert run.decrypt_on_page(1, run.passphrases[0]).status_code == 302
    with app.app_context():
        assert run.meeting().tallied_at is None
    assert run.decrypt_on_page(3, run.passphrases[2]).status_code == 302
    with app.app_context():
        meeting = run.meeting()
        assert meeting.state == "tallied" and meeting.tally == run.plaintext_count()
    close = client.get(f"/meetings/{run.meeting_id}/close").get_data(as_text=True)
    assert close.count('data-testid="result"') == 3 and "参与表决面积占比" in close


def test_a_closed_secret_meeting_shows_no_figures_before_decryption(run, app, client, auth):
    auth.login(run.committee)
    close = client.get(f"/meetings/{run.meeting_id}/close").get_data(as_text=True)
    assert 'data-testid="awaiting-decryption"' in close and 'data-testid="result"' not in close
    api = client.get(
        f"/api/v1/meetings/{run.meeting_id}",
        headers={"Authorization": f"Bearer {run.make.token(run.committee)}"},
    ).get_json()
    assert api["state"] == "closed" and api["tally"] is None


def test_wrong_passphrases_are_counted_and_stop_the_page(run, app, client, auth):
    from voting.trustees.services import MAX_WRONG_PASSPHRASES

    auth.login(run.committee)
    for _ in range(MAX_WRONG_PASSPHRASES):
        assert run.decrypt_on_page(2, run.passphrases[0]).status_code == 422
    stopped = run.decrypt_on_page(2, run.passphrases[1])
    assert stopped.status_code == 429
    assert "voting trustee decrypt" in stopped.get_data(as_text=True)
    with app.app_context():
        meeting = run.meeting()
        assert not any(t.submitted_at for t in meeting.trustees)
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.type == "meeting.key_share_refused")
        ).all()
        assert len(events) == MAX_WRONG_PASSPHRASES
        assert all(set(e.data) == {"meeting_id", "trustee"} for e in events)


def test_staff_of_another_community_are_refused(run, app, client, auth, make):
    other = make.community(name="别的小区", roster=None)
    for user in (make.user("committee", username="stranger", community=other),
                 make.user("office", username="other-office", office=other.office)):  # fmt: skip
        auth.login(user)
        for path in ("decryption", "decryption/board.json", "trustees/2/key-share.json"):
            assert client.get(f"/meetings/{run.meeting_id}/{path}").status_code == 404
        posted = client.post(
            f"/meetings/{run.meeting_id}/decryption/share",
            data={"share_text": "{}", "passphrase": run.passphrases[1]},
        )
        assert posted.status_code == 404
        auth.logout()
    with app.app_context():
        assert not any(t.submitted_at for t in run.meeting().trustees)


def test_a_decryption_of_other_totals_is_refused(run, app, client, auth):
    from voting.crypto import ballot2
    from voting.crypto.key_share import open_share
    from voting.results.board import read_board
    from voting.results.document import secret_definitions

    auth.login(run.committee)
    with app.app_context():
        meeting = run.meeting()
        entries = read_board(meeting).entries[1:]  # one ballot left out
        aggregates = ballot2.aggregate(
            str(meeting.id), secret_definitions(meeting), entries, meeting.joint_key
        )
        number, share = open_share(meeting.trustees[1].key_share, run.passphrases[1])
        doc = ballot2.trustee_decryption(meeting.joint_key, number, share, str(meeting.id),
                                         aggregates)  # fmt: skip
    refused = client.post(
        f"/meetings/{run.meeting_id}/decryption/upload", data={"decryption_text": json.dumps(doc)}
    )
    assert refused.status_code == 422 and "未通过核验" in refused.get_data(as_text=True)
    with app.app_context():
        assert not any(t.submitted_at for t in run.meeting().trustees)


def test_the_api_takes_offline_decryptions_and_counts_at_k(run, app, client, auth):
    from voting.trustees.offline import decrypt_offline

    auth.login(run.office)
    board = json.loads(client.get(f"/meetings/{run.meeting_id}/decryption/board.json").data)
    docs = {n: decrypt_offline(run.share_file(n), run.passphrases[n - 1], board) for n in (1, 3)}
    auth.logout()
    headers = {"Authorization": f"Bearer {run.make.token(run.office)}"}
    path = f"/api/v1/meetings/{run.meeting_id}/decryptions"
    tampered = {**docs[1], "aggregates_sha256": "0" * 64}
    refused = client.post(path, json=tampered, headers=headers)
    assert refused.status_code == 422, refused.get_json()
    first = client.post(path, json=docs[1], headers=headers)
    assert first.status_code == 200, first.get_json()
    assert first.get_json()["state"] == "closed"
    assert [t["submitted"] for t in first.get_json()["trustees"]] == [True, False, False, False]
    second = client.post(path, json=docs[3], headers=headers).get_json()
    with app.app_context():
        assert second["state"] == "tallied" and second["tally"] == run.plaintext_count()
    again = client.post(path, json=docs[3], headers=headers)
    assert again.status_code == 409


def test_only_the_sealed_file_of_the_ceremony_is_opened(run, app, client, auth):
    auth.login(run.committee)
    share = run.share_file(2)
    costly = {**share, "kdf": {**share["kdf"], "n": 2**20, "r": 32}}
    refused = client.post(
        f"/meetings/{run.meeting_id}/decryption/share",
        data={"share_text": json.dumps(costly), "passphrase": run.passphrases[1]},
    )
    assert refused.status_code == 422
    assert "不是本次会议密钥仪式为该监票人生成的密钥文件" in refused.get_data(as_text=True)
    with app.app_context():
        assert not any(t.submitted_at for t in run.meeting().trustees)


def test_voting_trustee_decrypt_says_what_is_wrong(run, app, client, auth, tmp_path, capsys):
    from voting.entry import main as voting_main
    from voting.results.board import read_board

    auth.login(run.committee)
    (tmp_path / "share.json").write_text(json.dumps(run.share_file(3)))
    kit = json.loads(client.get(f"/meetings/{run.meeting_id}/decryption/board.json").data)
    plain = {k: kit[k] for k in ("format", "meeting_id", "entries")}
    with app.app_context():
        assert plain["entries"] == read_board(run.meeting()).entries
    (tmp_path / "board.json").write_text(json.dumps(plain))
    meeting = client.get(
        f"/api/v1/meetings/{run.meeting_id}",
        headers={"Authorization": f"Bearer {run.make.token(run.committee)}"},
    ).get_json()
    (tmp_path / "meeting.json").write_text(json.dumps(meeting))
    (tmp_path / "wrong.txt").write_text(run.passphrases[0])
    (tmp_path / "right.txt").write_text(run.passphrases[2])

    def command(*extra: str) -> int:
        argv = ["trustee", "decrypt", "--share", str(tmp_path / "share.json"),
                "--board", str(tmp_path / "board.json"), "--out", str(tmp_path / "out.json"),
                *extra]  # fmt: skip
        with pytest.raises(SystemExit) as exit_:
            voting_main(argv)
        return exit_.value.code

    assert command("--passphrase-file", str(tmp_path / "right.txt")) == 1
    assert "--meeting" in capsys.readouterr().err
    assert command("--meeting", str(tmp_path / "meeting.json"),
                   "--passphrase-file", str(tmp_path / "wrong.txt")) == 1  # fmt: skip
    assert "does not open" in capsys.readouterr().err
    assert not (tmp_path / "out.json").exists()
    assert command("--meeting", str(tmp_path / "meeting.json"),
                   "--passphrase-file", str(tmp_path / "right.txt")) == 0  # fmt: skip
    doc = json.loads((tmp_path / "out.json").read_text())
    assert doc["trustee"] == 3 and doc["format"] == "gongyi-decryption/1"
    uploaded = client.post(
        f"/meetings/{run.meeting_id}/decryption/upload",
        data={"decryption_text": json.dumps(doc)},
    )
    assert uploaded.status_code == 302


@pytest.mark.skipif(
    not os.environ.get("VOTING_TEST_DATABASE_URL"), reason="concurrency is tested on PostgreSQL"
)
def test_trustees_submitting_at_once_count_the_meeting_once(run, app, client, auth):
    from tests.concurrency import post_at_once
    from voting.trustees.offline import decrypt_offline

    auth.login(run.office)
    board = json.loads(client.get(f"/meetings/{run.meeting_id}/decryption/board.json").data)
    docs = [decrypt_offline(run.share_file(n), run.passphrases[n - 1], board) for n in (1, 2, 3)]
    headers = {"Authorization": f"Bearer {run.make.token(run.office)}"}
    statuses = post_at_once(app, f"/api/v1/meetings/{run.meeting_id}/decryptions", docs, headers)
    assert sorted(statuses) == [200, 200, 409]
    with app.app_context():
        tallied = db.session.scalars(
            select(AuditEvent).where(AuditEvent.type == "meeting.tallied")
        ).all()
        assert len(tallied) == 1 and len(tallied[0].data["trustees"]) == 2
        assert run.meeting().tally == run.plaintext_count()
