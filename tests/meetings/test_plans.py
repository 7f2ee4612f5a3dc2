"""Planning a meeting: matters, options, validation, documents; refusals change nothing."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from voting.audit.models import AuditEvent
from voting.db import db
from voting.meetings.errors import MeetingError
from voting.meetings.models import Matter, Meeting, MeetingDocument, Option
from voting.meetings.services import submit_meeting

from .conftest import CLOSES_AT, COMMITTEE, FEE, FIRMS, OPENS_AT

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 20


def counts(app) -> tuple[int, int, int, int]:
    with app.app_context():
        return tuple(
            db.session.scalar(select(func.count()).select_from(model))
            for model in (Meeting, Matter, Option, MeetingDocument)
        )


def test_plan_creates_matters_with_codes(app, meetings, community):
    meeting_id = meetings.plan(community, description="说明", place="小区会所")
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        assert meeting.state == "draft"
        assert [m.kind for m in meeting.matters] == ["motion", "selection", "election"]
        fee, firms, committee = meeting.matters
        assert [(o.code, o.label) for o in fee.options] == [("agree", "同意"), ("disagree", "反对")]
        assert [o.code for o in firms.options] == [str(o.id) for o in firms.options]
        assert [o.label for o in firms.options] == ["甲物业", "乙物业", "丙物业"]
        assert (committee.seats, committee.alternates) == (3, 1)
        assert committee.options[0].statement == "张三的简介"
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.type == "meeting.created"))
        assert event.data == {"meeting_id": meeting_id, "title": meeting.title, "matters": 3}


BAD_MATTERS = [
    ("NO_MATTERS", []),
    ("MATTER_CATEGORY", [{**FEE, "category": None}]),
    ("MATTER_CATEGORY", [{**FEE, "category": "major"}]),
    ("MATTER_KIND", [{**FEE, "kind": "vote"}]),
    ("MATTER_TITLE", [{**FEE, "title": " "}]),
    ("MOTION_OPTIONS", [{**FEE, "options": [{"label": "同意"}]}]),
    ("MATTER_OPTIONS", [{**FIRMS, "options": [{"label": "甲物业"}]}]),
    ("OPTION_DUPLICATE", [{**FIRMS, "options": [{"label": "甲"}, {"label": "甲"}]}]),
    ("OPTION_INVALID", [{**FIRMS, "options": [{"label": ""}, {"label": "乙"}]}]),
    ("SEATS_EVEN", [{**COMMITTEE, "seats": 4}]),
    ("SEATS_BELOW_MINIMUM", [{**COMMITTEE, "seats": 1, "alternates": 0}]),
    ("ALTERNATES_", [{**COMMITTEE, "alternates": 4}]),
    ("MATTER_SEATS", [{**FIRMS, "seats": 2}]),
    ("MATTER_SEATS", [{k: v for k, v in COMMITTEE.items() if k != "seats"}]),
    ("NOT_ASSEMBLY_MATTER", [{**FEE, "category": "dwelling_to_business"}]),
    ("NOT_ASSEMBLY_MATTER", [{**FEE, "decision": "dwelling_to_business"}]),
    # Civil Code art. 279: not an assembly vote, whatever category is chosen.
    ("CATEGORY_DWELLING_TO_BUSINESS", [{**FEE, "title": "同意3号楼101住改商开设便利店"}]),
    (
        "CATEGORY_DWELLING_TO_BUSINESS",
        [{**FEE, "title": "1号楼底商", "description": "将1号楼102住宅改为商铺经营"}],
    ),
    # Art. 278 (6): raising or renewing the maintenance fund is special.
    ("CATEGORY_SPECIAL_SUGGESTED", [{**FEE, "title": "续筹专项维修资金"}]),
    ("CATEGORY_SPECIAL_SUGGESTED", [{**FEE, "title": "筹集住宅专项维修资金的方案"}]),
    # Art. 278 (3): electing the committee is ordinary.
    ("ELECTION_IS_ORDINARY", [{**COMMITTEE, "category": "special"}]),
    ("MATTER_CONFIRM", [{**FEE, "confirm_category": "yes"}]),
]


def test_bad_matters_are_refused(app, meetings, community):
    before = counts(app)
    for code, matters in BAD_MATTERS:
        with pytest.raises(MeetingError) as caught:
            meetings.plan(community, matters)
        assert any(p.code.startswith(code) for p in caught.value.problems), code
        assert all(p.zh and p.en for p in caught.value.problems)
    assert counts(app) == before


def test_a_confirmed_category_warning_is_kept_logged_and_shown_to_the_office(
    app, client, auth, make, meetings, community
):
    fund = {**FEE, "title": "续筹专项维修资金", "confirm_category": True}
    meeting_id = meetings.plan(community, [fund, FIRMS])
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        first, second = meeting.matters
        assert first.category_warnings == ["SPECIAL_SUGGESTED"]
        assert second.category_warnings is None
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.type == "meeting.created"))
        assert event.data["category_confirmed"] == {str(first.id): ["SPECIAL_SUGGESTED"]}
    meetings.run(submit_meeting, meeting_id)
    auth.login(make.user("office", office=community.office))
    page = client.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    assert page.count('data-testid="category-warning"') == 1
    assert "业委会已确认按所选类别表决" in page and "筹集或续筹维修资金" in page
    staff = client.get(f"/api/v1/meetings/{meeting_id}").get_json()
    assert staff["category_warnings"] == {str(first.id): ["SPECIAL_SUGGESTED"]}


def test_the_matter_form_refuses_until_the_committee_confirms(app, client, auth, make, meetings,
                                                              community):  # fmt: skip
    meeting_id = meetings.plan(community, [FIRMS])
    auth.login(make.user("committee", community=community))
    data = {"matter-title": "续筹专项维修资金", "matter-category": "ordinary",
            "matter-kind": "motion"}  # fmt: skip
    refused = client.post(f"/meetings/{meeting_id}/matters", data=data)
    assert refused.status_code == 422 and "重大事项" in refused.get_data(as_text=True)
    assert counts(app)[1] == 1
    accepted = client.post(f"/meetings/{meeting_id}/matters",
                           data={**data, "matter-confirm_category": "y"})  # fmt: skip
    assert accepted.status_code == 302
    with app.app_context():
        added = db.session.get(Meeting, meeting_id).matters[-1]
        assert (added.title, added.category_warnings) == ("续筹专项维修资金", ["SPECIAL_SUGGESTED"])
        event = db.session.scalar(
            select(AuditEvent).where(AuditEvent.type == "meeting.matter_added")
        )
        assert event.data["category_confirmed"] == {str(added.id): ["SPECIAL_SUGGESTED"]}


BAD_WINDOWS = [
    (OPENS_AT, OPENS_AT + timedelta(days=4), "WINDOW_TOO_SHORT"),
    (OPENS_AT, OPENS_AT + timedelta(days=61), "WINDOW_TOO_LONG"),
    (OPENS_AT, OPENS_AT - timedelta(days=1), "WINDOW_ORDER"),
    (OPENS_AT.replace(tzinfo=None), CLOSES_AT, "WINDOW_TIMES"),
    (OPENS_AT.replace(year=9999), CLOSES_AT.replace(year=9999), "WINDOW_TIMES"),
]


def test_bad_window_is_refused(app, meetings, community):
    before = counts(app)
    for opens_at, closes_at, code in BAD_WINDOWS:
        with pytest.raises(MeetingError) as caught:
            meetings.plan(community, opens_at=opens_at, closes_at=closes_at)
        assert caught.value.code == code
    assert counts(app) == before


def test_update_replaces_matters_in_draft_only(app, meetings, community):
    from voting.meetings.services import update_meeting

    meeting_id = meetings.plan(community)
    meetings.run(lambda m: update_meeting(m, title="新名称", matters=[FEE]), meeting_id)
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        assert meeting.title == "新名称" and [m.title for m in meeting.matters] == [FEE["title"]]
    assert counts(app)[1:3] == (1, 2)
    meetings.advance(meeting_id, "announced")
    with pytest.raises(MeetingError) as caught:
        meetings.run(lambda m: update_meeting(m, matters=[FIRMS]), meeting_id)
    assert caught.value.code == "WRONG_STATE"
    assert counts(app)[1:3] == (1, 2)


def test_documents_by_magic_bytes_and_size(app, meetings, community):
    from voting.meetings import services

    meeting_id = meetings.plan(community)
    document = meetings.run(lambda m: services.add_document(m, "../费用方案.pdf", PDF), meeting_id)
    assert (document.file_name, document.content_type) == ("费用方案.pdf", "application/pdf")
    meetings.run(lambda m: services.add_document(m, "plan.png", PNG), meeting_id)
    for name, data, code in [
        ("fake.pdf", b"<html>not a pdf</html>", "DOCUMENT_TYPE"),
        ("big.pdf", PDF + b"\0" * services.MAX_DOCUMENT_BYTES, "DOCUMENT_SIZE"),
        ("empty.pdf", b"", "DOCUMENT_SIZE"),
    ]:
        with pytest.raises(MeetingError) as caught:
            meetings.run(lambda m, n=name, d=data: services.add_document(m, n, d), meeting_id)
        assert caught.value.code == code
    assert counts(app)[3] == 2
    meetings.advance(meeting_id, "submitted")
    with pytest.raises(MeetingError):
        meetings.run(lambda m: services.add_document(m, "late.pdf", PDF), meeting_id)
    assert counts(app)[3] == 2
