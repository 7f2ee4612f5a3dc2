"""Wrong tries are counted and checked in one statement: thirty parallel wrong tries check
exactly five answers and lock, and the right answer after that is refused (PostgreSQL runs
them truly in parallel; SQLite, one at a time, must give the same outcome)."""

import pytest
from sqlalchemy import func, select

from tests.ballots.support import PG, MeetingKit, Unit, motion
from tests.concurrency import post_at_once
from tests.consultations.conftest import Topics
from voting.db import db, utcnow

TRIES = 30
PHONE = "13912345678"


@pytest.fixture
def app_config(app_config):
    options = {"pool_pre_ping": True, "pool_size": 20, "max_overflow": 40, "pool_timeout": 60}
    return {**app_config, "SQLALCHEMY_ENGINE_OPTIONS": options} if PG else app_config


def _tries(app, path, bodies, form=False):
    if PG:
        return post_at_once(app, path, bodies, form=form)
    client = app.test_client()
    send = (lambda b: client.post(path, data=b)) if form else (lambda b: client.post(path, json=b))
    return [send(body).status_code for body in bodies]


def _count(app, query) -> int:
    with app.app_context():
        return db.session.scalar(query)


def test_thirty_wrong_identity_checks_on_a_ballot_check_five(app):
    from voting.ballots.models import Ballot
    from voting.meetings.models import Credential
    from voting.supervision.models import IdentityCheckFailure

    kit = MeetingKit(app)
    opened = kit.open(kit.community([Unit("101", "90.00", "o1", phone=PHONE)], one_time_code=False),
                      [motion("规约")])  # fmt: skip
    answers = {opened.matter_ids[0]: ["agree"]}
    wrong = [{"token": opened.tokens["o1"], "answers": answers, "verification": f"{n:04d}"}
             for n in range(TRIES)]  # fmt: skip
    statuses = _tries(app, "/api/v1/ballots", wrong)
    assert sorted(statuses) == [403] * TRIES
    assert _count(app, select(func.count()).select_from(IdentityCheckFailure)) == 5
    with app.app_context():
        credential = db.session.scalar(select(Credential))
        assert credential.failed_checks == 5 and credential.locked_at is not None
    right = app.test_client().post("/api/v1/ballots", json={**wrong[0], "verification": PHONE[-4:]})
    assert right.status_code == 403 and right.get_json()["error"]["code"] == "locked"
    assert _count(app, select(func.count()).select_from(Ballot)) == 0


def test_thirty_wrong_one_time_codes_check_five_and_the_right_code_after_is_refused(app):
    from voting.ballots.codes import code_hash
    from voting.ballots.models import Ballot
    from voting.meetings.models import Credential

    kit = MeetingKit(app)
    opened = kit.open(kit.community([Unit("101", "90.00", "o1", phone=PHONE)]), [motion("规约")])
    code = "246810"
    with app.app_context():  # the owner has asked for a code (its hash is all that is kept)
        credential = db.session.get(Credential, opened.credential_ids["o1"])
        credential.code_hash, credential.code_sent_at = code_hash(credential.id, code), utcnow()
        db.session.commit()
    answers = {opened.matter_ids[0]: ["agree"]}
    wrong = [{"token": opened.tokens["o1"], "answers": answers, "verification": f"{n:06d}"}
             for n in range(TRIES)]  # fmt: skip
    statuses = _tries(app, "/api/v1/ballots", wrong)
    assert sorted(statuses) == [403] * TRIES
    with app.app_context():
        credential = db.session.scalar(select(Credential))
        assert credential.failed_checks == 5 and credential.locked_at is not None
    right = app.test_client().post("/api/v1/ballots", json={**wrong[0], "verification": code})
    assert right.status_code == 403 and right.get_json()["error"]["code"] == "locked"
    assert _count(app, select(func.count()).select_from(Ballot)) == 0


def test_a_right_answer_does_not_use_up_a_try(app):
    from voting.meetings.models import Credential

    kit = MeetingKit(app)
    opened = kit.open(kit.community([Unit("101", "90.00", "o1", phone=PHONE)], one_time_code=False),
                      [motion("规约")])  # fmt: skip
    client = app.test_client()
    token = opened.tokens["o1"]
    for typed in ("0000", "1111"):
        client.post(f"/v/{token}/verify", data={"last4": typed})
    assert client.post(f"/v/{token}/verify", data={"last4": PHONE[-4:]}).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Credential.failed_checks)) == 2


def _topic(app, make):
    community = make.community()
    return Topics(app).make(community)


def _consultation_checks(app) -> int:
    from voting.audit.models import AuditEvent

    types = ("consultation.check_failed", "consultation.participant_locked")
    return _count(app, select(func.count()).where(AuditEvent.type.in_(types)))


def _locked(app, topic, unit) -> tuple[int, object]:
    participant = Topics(app).participant(topic, *unit)
    return participant.failed_checks, participant.locked_at


def test_thirty_wrong_consultation_answers_check_five(app, make):
    from voting.consultations.models import ConsultationAnswerSet

    topic = _topic(app, make)
    url = f"/api/v1/participation/{topic.token('1号楼', '201')}/answers"
    wrong = [{"answers": {"q1": ["1"]}, "verification": f"{n:04d}"} for n in range(TRIES)]
    assert sorted(_tries(app, url, wrong)) == [403] * TRIES
    assert _consultation_checks(app) == 5
    failed, locked_at = _locked(app, topic, ("1号楼", "201"))
    assert failed == 5 and locked_at is not None
    right = app.test_client().post(url, json={"answers": {"q1": ["1"]}, "verification": "0315"})
    assert right.status_code == 403 and right.get_json()["error"]["code"] == "locked"
    assert _count(app, select(func.count()).select_from(ConsultationAnswerSet)) == 0


def test_thirty_wrong_tries_at_the_poster_check_five(app, make):
    from voting.consultations.models import Consultation

    topic = _topic(app, make)
    with app.app_context():
        key = db.session.get(Consultation, topic.id).entry_key
    wrong = [{"building": "1号楼", "unit": "201", "last4": f"{n:04d}"} for n in range(TRIES)]
    assert sorted(_tries(app, f"/t/{key}", wrong, form=True)) == [403] * TRIES
    assert _consultation_checks(app) == 5
    failed, locked_at = _locked(app, topic, ("1号楼", "201"))
    assert failed == 5 and locked_at is not None
    right = app.test_client().post(
        f"/t/{key}", data={"building": "1号楼", "unit": "201", "last4": "0315"}
    )
    assert right.status_code == 403 and "/c/" not in right.headers.get("Location", "")
