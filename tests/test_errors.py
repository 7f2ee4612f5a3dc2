"""One answer to every refusal of the domain (voting.errors): the error page, or FORMATS.md's
error object on the API, with the refusal's status; what it keeps is committed."""

from sqlalchemy import func, select

from voting.audit.models import AuditEvent
from voting.audit.services import record_event
from voting.ballots.errors import BallotError
from voting.db import db
from voting.errors import DomainError, Refused
from voting.meetings.errors import MeetingError, problem
from voting.rosters.messages import RosterRejected
from voting.supervision.errors import SupervisionError, refuse


def _app_raising(app, error: Exception):
    """The app with a page and an API path that raise ``error`` (after logging an event)."""

    def raise_it():
        record_event("test.before_refusal", {})
        raise error

    app.add_url_rule("/refuse", "refuse", raise_it)
    app.add_url_rule("/api/v1/refuse", "api_refuse", raise_it)
    return app.test_client()


def _events(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(AuditEvent))


def test_the_api_answers_a_refusal_in_the_error_shape(app):
    error = MeetingError(
        [problem("WRONG_STATE", "会议状态不允许", "Not in this state"), problem("B", "乙", "b")],
        409,
    )
    client = _app_raising(app, error)
    response = client.get("/api/v1/refuse?lang=en")
    assert response.status_code == 409
    assert response.get_json() == {
        "error": {
            "code": "wrong_state",
            "message": "Not in this state; b",
            "details": [
                {"code": "WRONG_STATE", "message": "Not in this state"},
                {"code": "B", "message": "b"},
            ],
        }
    }
    assert _events(app) == 0  # rolled back


def test_a_page_answers_a_refusal_with_the_error_page_in_chinese(app):
    client = _app_raising(app, Refused("主题已关闭", 409))
    response = client.get("/refuse")
    assert response.status_code == 409
    assert response.mimetype == "text/html"
    assert "主题已关闭" in response.get_data(as_text=True)
    assert "Traceback" not in response.get_data(as_text=True)


def test_a_refusal_that_keeps_commits_what_was_flushed(app):
    before = _events(app)
    error = BallotError("locked", "已锁定", "Locked", status=403, keep=True)
    response = _app_raising(app, error).get("/api/v1/refuse")
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "locked"
    assert _events(app) == before + 1


def test_supervision_and_meetings_refuse_with_one_class():
    assert SupervisionError is MeetingError
    refusal = refuse("KIND", "类别无效", "Unknown kind", 409)
    assert isinstance(refusal, DomainError) and isinstance(refusal, ValueError)
    assert (refusal.code, refusal.status, refusal.text("en")) == ("KIND", 409, "Unknown kind")


def test_a_rejected_roster_says_its_first_problem():
    from voting.rosters.messages import Problem

    rejected = RosterRejected([Problem("empty_file")])
    assert rejected.status == 422 and rejected.error_code() == "roster_rejected"
    assert rejected.text("en") == rejected.error_details("en")[0]["message"]
    assert rejected.text("en") == "The file is empty."
