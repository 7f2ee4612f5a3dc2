"""Secret meetings (issue 15), the ballot side: online, paper and proxy ballots are stored as
encrypted answers only, the clerks' keying is discarded at the match, the board is
gongyi-board/2, the receipt shows a fingerprint and never the choices, and the trustees'
decryption of the board's totals gives the counts the ballots made."""

import hashlib
import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from voting.crypto import ballot2
from voting.crypto.canonical import canonical
from voting.db import db

from .drivers import DRIVERS
from .support import Unit, election, motion, selection

MATTERS = [
    motion("调整物业服务收费标准"),
    selection("选聘物业服务企业", ["金盾物业", "银桥物业", "铜锣物业"]),
    election("选举业主委员会委员", ["赵一", "钱二", "孙三", "李四", "周五"], seats=3, alternates=0),
]
UNITS = [Unit(f"{n}01", f"{80 + 10 * n}.00", f"o{n}") for n in range(1, 8)]


def meeting_of(app, opened):
    from voting.meetings.models import Meeting

    return db.session.get(Meeting, opened.meeting_id)


def definitions(meeting) -> list[dict]:
    from voting.meetings.tally import matters_document

    return matters_document(meeting, minimum=False)


def decrypted_counts(meeting, entries, shares, trustees=(1, 3)) -> tuple[dict, dict]:
    """The board's totals decrypted by two of the three trustees: (counts, participation)."""
    key = meeting.joint_key
    mid = str(meeting.id)
    aggregates = ballot2.aggregate(mid, definitions(meeting), entries, key, check_proofs=True)
    decryptions = [ballot2.trustee_decryption(key, t, shares[t], mid, aggregates) for t in trustees]
    return ballot2.decrypt(key, mid, aggregates, decryptions).counts, aggregates.participation


@pytest.fixture
def secret(kit):
    return kit.open(kit.community(UNITS), MATTERS, secret=True)


def cast_all(driver, opened):
    """Online, paper and proxy ballots: o1..o3 online, o4 and o5 on paper, o6 by proxy."""
    a = opened.answers
    receipts = {
        "o1": driver.online("o1", a({0: ["同意"], 1: ["金盾物业"], 2: ["赵一", "钱二"]})),
        "o2": driver.online("o2", a({0: ["反对"], 1: ["银桥物业"], 2: ["赵一"]})),
        "o3": driver.online("o3", a({0: [], 2: []})),
        "o4": driver.paper("o4", a({0: ["同意"], 1: ["金盾物业"], 2: ["孙三", "李四"]})),
        "o5": driver.paper("o5", {**a({0: ["反对"]}), opened.matter_ids[1]: "invalid"}),
        "o6": driver.paper("o6", a({0: ["同意"], 1: ["铜锣物业"]}), channel="proxy"),
    }
    return receipts


@pytest.mark.parametrize("driver_name", list(DRIVERS))
def test_secret_ballots_are_stored_encrypted_and_count_after_decryption(
    app, make, kit, secret, driver_name
):
    from voting.ballots.models import Ballot, PaperEntry
    from voting.meetings.tally import board_entries, board_format
    from voting.results.board import read_board

    driver = DRIVERS[driver_name](app, make, kit, secret)
    receipts = cast_all(driver, secret)
    motion_id, selection_id, election_id = secret.matter_ids
    with app.app_context():
        ballots = db.session.scalars(select(Ballot)).all()
        assert sorted(b.receipt for b in ballots) == sorted(receipts.values())
        for ballot in ballots:
            for answer in ballot.answers.values():
                assert answer == "invalid" or set(answer) == {
                    "ciphertexts", "proofs", "abstain", "sum_proof"
                }  # fmt: skip
        o5 = next(b for b in ballots if b.receipt == receipts["o5"])
        assert o5.answers[selection_id] == "invalid"
        # The clerks' keying went with the match: every entry is empty and matched.
        entries = db.session.scalars(select(PaperEntry)).all()
        assert len(entries) == 6 and all(e.answers == {} and e.status == "matched" for e in entries)
        meeting = meeting_of(app, secret)
        board = read_board(meeting)
        assert board_format(meeting) == "gongyi-board/2"
        assert board.text.startswith('{"entries":[') and '"format":"gongyi-board/2"' in board.text
        assert board.entries == board_entries(meeting)
        assert (
            board.text
            == canonical(
                {
                    "format": "gongyi-board/2",
                    "meeting_id": str(meeting.id),
                    "entries": board.entries,
                }
            ).decode()
        )
        counts, participation = decrypted_counts(meeting, board.entries, secret.shares)
    codes = secret.codes
    assert counts[motion_id]["agree"]["owners"] == 3  # o1, o4, o6
    assert counts[motion_id]["agree"]["area"] == (9000 + 12000 + 14000)
    assert counts[motion_id]["disagree"]["owners"] == 2
    assert counts[motion_id]["abstain"] == {"owners": 1, "area": 11000}
    assert counts[selection_id][codes[1]["金盾物业"]]["owners"] == 2
    assert counts[selection_id][codes[1]["铜锣物业"]]["area"] == 14000
    assert participation[selection_id] == {
        "valid_owners": 4, "valid_area": 9000 + 10000 + 12000 + 14000,
        "invalid_owners": 1, "invalid_area": 13000,
    }  # fmt: skip
    assert counts[election_id][codes[2]["赵一"]]["owners"] == 2
    assert counts[election_id]["abstain"]["owners"] == 1


def test_closing_a_secret_meeting_counts_nothing_in_clear(app, make, kit, secret):
    from voting.meetings.tally import explain_meeting, preview_tally
    from voting.meetings.turnout import turnout

    driver = DRIVERS["api"](app, make, kit, secret)
    cast_all(driver, secret)
    kit.close(secret)
    with app.app_context():
        meeting = meeting_of(app, secret)
        assert meeting.state == "closed" and meeting.tally is None
        assert preview_tally(meeting) is None and explain_meeting(meeting) == {}
        figures = turnout(meeting)
    # Participation only: who voted and their weights, per matter.
    motion_line, selection_line, _ = figures["matters"]
    assert figures["ballots"] == 6
    assert motion_line["owners"]["value"] == 6 and selection_line["owners"]["value"] == 5


def test_the_receipt_page_shows_the_fingerprint_of_the_encrypted_entry(app, kit, secret):
    from voting.ballots.models import Ballot
    from voting.crypto.merkle import leaf_hash
    from voting.meetings.tally import board_entries

    phone = app.test_client()
    token = secret.tokens["o1"]
    matter = secret.matter_ids[0]
    confirm = phone.post(f"/v/{token}/ballot", data={f"m{matter}": "agree"})
    assert confirm.status_code == 200 and "同意" in confirm.get_data(as_text=True)
    cast = phone.post(f"/v/{token}/confirm", data={f"m{matter}": "agree", "action": "cast"})
    assert cast.status_code == 302
    page = phone.get(f"/v/{token}/receipt").get_data(as_text=True)
    receipt = "".join(re.findall(r"<span>([0-9a-f]{4})</span>", page))
    shown = re.search(r'data-testid="fingerprint">([0-9a-f ]+)<', page).group(1).replace(" ", "")
    with app.app_context():
        [entry] = [e for e in board_entries(meeting_of(app, secret)) if e["receipt"] == receipt]
        assert shown == leaf_hash(entry).hex()
        assert db.session.scalar(select(Ballot.receipt)) == receipt
    assert "同意" not in page and "agree" not in page
    # The API gives the same fingerprint with the receipt.
    body = {"token": secret.tokens["o2"], "answers": {matter: ["disagree"]}}
    answer = app.test_client().post("/api/v1/ballots", json=body).get_json()
    with app.app_context():
        [entry] = [
            e for e in board_entries(meeting_of(app, secret)) if e["receipt"] == answer["receipt"]
        ]
    assert answer["fingerprint"] == hashlib.sha256(b"\x00" + canonical(entry)).hexdigest()


def test_paper_keying_is_refused_once_the_board_is_frozen(app, make, kit, secret):
    from voting.auth.models import User
    from voting.ballots.errors import BallotError
    from voting.ballots.paper import enter_paper_ballot
    from voting.meetings.models import Trustee, Voter

    member_id = kit.committee(make, secret.community_id, "zhang").id
    driver = DRIVERS["api"](app, make, kit, secret)
    driver.paper("o1", secret.answers({0: ["同意"]}))
    kit.close(secret)
    # Closed but not yet decrypting: boxes opened after the close are still keyed.
    with app.app_context():
        meeting = meeting_of(app, secret)
        member = db.session.get(User, member_id)
        voter = db.session.get(Voter, secret.voter_ids["o2"])
        received = meeting.closes_at - timedelta(hours=1)
        entry = enter_paper_ballot(meeting, voter, member, answers=secret.answers({0: ["反对"]}),
                                   received_at=received,
                                   now=meeting.closes_at + timedelta(hours=1))  # fmt: skip
        assert entry.status == "pending"
        db.session.add(Trustee(meeting_id=meeting.id, community_id=meeting.community_id,
                               number=1, kind="office", name="街道办", public_share="00" * 33,
                               submitted_at=meeting.closes_at + timedelta(hours=2)))  # fmt: skip
        db.session.commit()
    before = kit.counts()
    with app.app_context():
        meeting = meeting_of(app, secret)
        member = db.session.get(User, member_id)
        voter = db.session.get(Voter, secret.voter_ids["o3"])
        with pytest.raises(BallotError) as refused:
            enter_paper_ballot(meeting, voter, member, answers=secret.answers({0: ["反对"]}),
                               received_at=meeting.closes_at - timedelta(hours=1),
                               now=meeting.closes_at + timedelta(hours=3))  # fmt: skip
        db.session.rollback()
    assert refused.value.code == "board_frozen" and refused.value.status == 409
    assert "监票人已开始解密" in refused.value.text("zh")
    assert kit.counts() == before


def test_staff_read_a_closed_secret_meeting_board_before_publication(app, make, kit, secret):
    from voting.results.board import read_board

    driver = DRIVERS["api"](app, make, kit, secret)
    cast_all(driver, secret)
    client = app.test_client()
    path = f"/api/v1/meetings/{secret.meeting_id}/board"
    staff = {"Authorization": f"Bearer {driver.tokens[0]}"}
    assert client.get(path, headers=staff).status_code == 404  # still open
    kit.close(secret)
    assert client.get(path).status_code == 404  # anyone: only once published
    served = client.get(path, headers=staff)
    assert served.status_code == 200
    with app.app_context():
        assert served.get_data(as_text=True) == read_board(meeting_of(app, secret)).text
    assert served.get_json()["format"] == "gongyi-board/2"
    # Staff of another community do not see it.
    other = kit.community([Unit("101", "90.00", "x1")])
    outsider = make.token(kit.committee(make, other, "zhou"))
    assert client.get(path, headers={"Authorization": f"Bearer {outsider}"}).status_code == 404


def test_an_open_meeting_board_stays_unpublished_for_staff(app, make, kit):
    opened = kit.open(kit.community(UNITS), [motion("议事规则")])
    driver = DRIVERS["api"](app, make, kit, opened)
    driver.online("o1", opened.answers({0: ["同意"]}))
    kit.close(opened)
    staff = {"Authorization": f"Bearer {driver.tokens[0]}"}
    path = f"/api/v1/meetings/{opened.meeting_id}/board"
    assert app.test_client().get(path, headers=staff).status_code == 404


def test_published_receipt_gives_the_inclusion_proof_and_no_choice(app, make, kit, secret):
    from voting.crypto.merkle import verify_inclusion
    from voting.meetings.tally import matters_document
    from voting.results.board import read_board
    from voting.results.models import Result

    driver = DRIVERS["api"](app, make, kit, secret)
    receipts = cast_all(driver, secret)
    kit.close(secret)
    with app.app_context():  # a publication as the trustees' side makes it: the frozen board
        meeting = meeting_of(app, secret)
        board = read_board(meeting)
        db.session.add(Result(meeting_id=meeting.id, community_id=meeting.community_id,
                              version=1, document={"matters": matters_document(meeting, False)},
                              document_hash="0" * 64, signatures=[], board_json=board.text,
                              entries=len(board.entries), merkle_root=board.merkle_root,
                              published_at=meeting.closes_at + timedelta(days=1),
                              published_by="user:wang", published_seq=0))  # fmt: skip
        meeting.published_at = meeting.closes_at + timedelta(days=1)
        db.session.commit()
        size = len(board.entries)
        index = [e["receipt"] for e in board.entries].index(receipts["o1"])
    page = app.test_client().get(
        f"/public/meetings/{secret.meeting_id}/receipt", query_string={"receipt": receipts["o1"]}
    )
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "您的选票已列入公示的表决记录" in text
    for word in ("金盾物业", "赵一", "钱二", "同意"):  # the choices are nowhere on the page
        assert f"：{word}" not in text and f"{word}</li>" not in text
    assert "已参与（选择已加密）" in text
    leaf = re.search(r"leaf  ([0-9a-f]{64})", text).group(1)
    # The fingerprint, in groups of four as after casting, is that leaf.
    shown = re.search(r'data-testid="fingerprint">([0-9a-f ]+)<', text).group(1)
    assert shown.split(" ") == [leaf[i : i + 4] for i in range(0, 64, 4)]
    path = re.findall(r"path  ([0-9a-f]{64})", text)
    root = re.search(r"root  ([0-9a-f]{64})", text).group(1)
    assert root == board.merkle_root
    assert verify_inclusion(
        bytes.fromhex(leaf), index, size, [bytes.fromhex(p) for p in path], bytes.fromhex(root)
    )
    # The same through the API: the entry (ciphertexts only) and its proof.
    api = f"/api/v1/meetings/{secret.meeting_id}/receipts"
    answer = app.test_client().get(f"{api}/{receipts['o1']}").get_json()
    assert (answer["index"], answer["size"], answer["leaf"]) == (index, size, leaf)
    assert answer["proof"] == path and answer["merkle_root"] == root
    assert hashlib.sha256(b"\x00" + canonical(answer["entry"])).hexdigest() == leaf
    assert all(isinstance(a, dict | str) for a in answer["entry"]["answers"].values())
    assert app.test_client().get(f"{api}/{'0' * 32}").status_code == 404
    assert app.test_client().get(f"{api}/not-a-receipt").status_code == 404


@pytest.mark.parametrize("secret", [False, True], ids=["open", "secret"])
@pytest.mark.parametrize("invalid_counts", [True, False])
def test_turnout_counts_who_took_part_in_each_matter(app, make, kit, secret, invalid_counts):
    from voting.meetings.turnout import turnout

    community = kit.community(UNITS, invalid_counts_as_participation=invalid_counts)
    opened = kit.open(community, MATTERS, secret=secret)
    cast_all(DRIVERS["api"](app, make, kit, opened), opened)
    with app.app_context():
        figures = turnout(meeting_of(app, opened))
    motion_line, selection_line, election_line = figures["matters"]
    assert figures["ballots"] == 6
    assert (motion_line["owners"]["value"], motion_line["area"]["value"]) == (6, 69000)
    # o5's selection was ruled invalid: it takes part only if the rules say so.
    expected = (5, 58000) if invalid_counts else (4, 45000)
    assert (selection_line["owners"]["value"], selection_line["area"]["value"]) == expected
    assert election_line["owners"]["value"] == 4  # o1, o2, o3 (abstaining) and o4


@pytest.mark.parametrize(
    "answers",
    [
        {"MATTER": ["agree"]},  # a choice in clear
        {"MATTER": []},  # an abstention in clear
        {"MATTER": {"ciphertexts": ["选"], "proofs": [], "abstain": {}, "sum_proof": {}}},
        {"MATTER": {"ciphertexts": []}},
        ["agree"],
    ],
)
def test_a_secret_board_refuses_a_ballot_not_encrypted(app, make, kit, secret, answers):
    from sqlalchemy import update

    from voting.ballots.models import Ballot
    from voting.results.board import BoardEntryError, read_board

    DRIVERS["api"](app, make, kit, secret).online("o1", secret.answers({0: ["同意"]}))
    text = json.dumps(answers).replace("MATTER", secret.matter_ids[0])
    with app.app_context():
        db.session.execute(update(Ballot).values(answers=json.loads(text)))
        with pytest.raises(BoardEntryError, match="encrypted answers"):
            read_board(meeting_of(app, secret))


def test_a_secret_ballot_changed_behind_the_log_is_an_anomaly(app, make, kit, secret):
    from sqlalchemy import update

    from voting.ballots.models import Ballot
    from voting.supervision.ballot_checks import changed_ballot_anomalies

    cast_all(DRIVERS["api"](app, make, kit, secret), secret)
    with app.app_context():
        assert changed_ballot_anomalies(meeting_of(app, secret)) == []
        # Another ballot's encrypted answer put in o2's place: well formed, but not what
        # the log sealed when o2 voted.
        other = db.session.scalar(
            select(Ballot.answers).where(Ballot.voter_id == secret.voter_ids["o1"])
        )
        db.session.execute(
            update(Ballot).where(Ballot.voter_id == secret.voter_ids["o2"]).values(answers=other)
        )
        db.session.commit()
        [anomaly] = changed_ballot_anomalies(meeting_of(app, secret))
    assert anomaly.code == "ballots_changed" and anomaly.counts["ballots"] == 1
    assert "answers" not in anomaly.evidence[0].detail
