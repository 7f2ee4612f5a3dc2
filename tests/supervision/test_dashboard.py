"""The office dashboard: communities with committee and term, meetings by state, live turnout,
plans to approve or return, results to countersign; and a meeting's timeline."""

import re
from datetime import timedelta

from sqlalchemy import event, select

from voting.db import db, utcnow
from voting.meetings.models import Meeting
from voting.results.models import Result

from .support import api


def publish_row(app, meeting_id: int, *, preliminary: bool = False) -> None:
    """Mark a meeting published with a current result row (what results would leave)."""
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        now = utcnow()
        meeting.closed_at = meeting.tallied_at = meeting.published_at = now
        db.session.add(
            Result(
                meeting_id=meeting.id, community_id=meeting.community_id, version=1,
                document={"matters": []}, document_hash="0" * 64, signatures=[], board_json="{}",
                entries=0, merkle_root="0" * 64, is_preliminary=preliminary,
                objections_close_at=now + timedelta(days=7) if preliminary else None,
                published_at=now, published_by="user:x", published_seq=1,
            )
        )  # fmt: skip
        db.session.commit()


def test_the_dashboard_shows_each_part(app, client, auth, make, cast, world, members):
    from voting.supervision.mandates import appoint_preparatory_group

    second = world.community(cast.office_a, "望京新城", owners=3)
    group = [make.user("committee", f"g{i}", community=second) for i in range(1, 4)]
    officer = cast["office_a"]
    with app.app_context():
        from voting.auth.models import User
        from voting.rosters.models import Community

        appoint_preparatory_group(
            db.session.get(Community, second.id), db.session.get(User, officer.id),
            [u.id for u in group], [u.id for u in group], term_ends_on=None,
        )  # fmt: skip
        db.session.commit()
    plan = world.plan(cast.a.id, title="2031 年第一次会议")
    opened = world.open(cast.a.id, title="选聘物业", days_left=6)
    for owner in ("o1", "o2", "o3", "o4", "o5", "o6"):
        world.vote(opened, owner)
    published = world.open(second.id, title="续聘物业")
    publish_row(app, published.meeting_id)
    world.plan(cast.b.id, title="别的街道的会议")

    auth.login(cast["office_a"])
    page = client.get(f"/supervision/offices/{cast.office_a.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "东湖湾" not in html and "别的街道的会议" not in html
    rows = re.findall(r'data-testid="community" data-community="(\d+)"', html)
    assert sorted(map(int, rows)) == sorted([cast.a.id, second.id])
    assert "筹备组" in html and "未登记" in html
    assert f'data-testid="plan" data-meeting="{plan}"' in html
    assert f'action="/supervision/meetings/{plan}/approve"' in html
    open_card = html.split(f'data-testid="open-meeting" data-meeting="{opened.meeting_id}"')[1]
    assert "6 / 9 人（66%）" in open_card and "已达三分之二" in open_card
    assert "600.00 / 900.00 ㎡" in open_card
    assert "还剩 5 天" in open_card
    assert '<progress max="9" value="6">' in open_card
    assert 'style="' not in html
    result_card = html.split(f'data-testid="result" data-meeting="{published.meeting_id}"')[1]
    assert f'href="/communities/{second.id}/results"' in result_card


def test_approving_and_returning_plans_from_the_dashboard(app, client, auth, cast, world):
    first, second = world.plan(cast.a.id, title="甲"), world.plan(cast.a.id, title="乙")
    auth.login(cast["office_a"])
    response = client.post(f"/supervision/meetings/{first}/approve")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/supervision/offices/{cast.office_a.id}#plans")
    assert world.state(first) == "approved"
    again = client.post(f"/supervision/meetings/{first}/approve")
    assert again.status_code == 409 and "不能批准" in again.get_data(as_text=True)

    blank = client.post(f"/supervision/meetings/{second}/return", data={"reason": "  "})
    assert blank.status_code == 422 and world.state(second) == "submitted"
    reason = "表决时间与春节假期重叠，请调整。"
    response = client.post(f"/supervision/meetings/{second}/return", data={"reason": reason})
    assert response.status_code == 302 and world.state(second) == "draft"
    with app.app_context():
        assert db.session.get(Meeting, second).returned_reason == reason
    timeline = client.get(f"/supervision/meetings/{second}").get_data(as_text=True)
    assert "报街道审核" in timeline and "街道退回会议方案" in timeline and reason in timeline
    assert "office-a" in timeline


def test_who_may_approve_or_return(app, client, auth, cast, world):
    plan = world.plan(cast.a.id)
    for name, status in (("committee_a", 403), ("admin", 403), ("office_b", 404),
                         ("committee_b", 404)):  # fmt: skip
        auth.login(cast[name])
        assert client.post(f"/supervision/meetings/{plan}/approve").status_code == status
        response = client.post(f"/supervision/meetings/{plan}/return", data={"reason": "不行"})
        assert response.status_code == status
    auth.logout()
    response = client.post(f"/supervision/meetings/{plan}/approve")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert world.state(plan) == "submitted"


def count_queries(app, client, path: str) -> int:
    statements = []
    with app.app_context():
        engine = db.engine

    def note(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", note)
    return len(statements)


def test_the_dashboard_does_not_query_per_community(app, client, auth, make, cast, world):
    for number in range(2):
        community = world.community(cast.office_a, name=f"小区{number}", owners=1)
        world.plan(community.id)
    world.open(cast.a.id)
    auth.login(cast["office_a"])
    path = f"/supervision/offices/{cast.office_a.id}"
    few = count_queries(app, client, path)
    for number in range(2, 8):
        community = world.community(cast.office_a, name=f"小区{number}", owners=1)
        world.plan(community.id)
    world.open(cast.a.id, title="第二次")
    assert count_queries(app, client, path) == few


def test_the_dashboard_api(app, client, make, cast, world):
    opened = world.open(cast.a.id, days_left=5)
    world.vote(opened, "o1")
    plan = world.plan(cast.a.id)
    headers = api(make, cast["office_a"])
    body = client.get(f"/api/v1/offices/{cast.office_a.id}/dashboard", headers=headers).json
    assert [c["name"] for c in body["communities"]] == ["观澜苑"]
    assert body["communities"][0]["meetings_by_state"] == {"submitted": 1, "open": 1}
    assert [m["id"] for m in body["plans_awaiting_approval"]] == [str(plan)]  # ids are strings
    [live] = body["open_meetings"]
    # Counts are numbers; areas are "0.00" strings (FORMATS.md §2).
    assert live["turnout"]["owners"] == {
        "voted": 1, "total": 9, "needed": 6, "ratio": "1/9", "quorum_met": False
    }  # fmt: skip
    assert live["turnout"]["area"]["voted"] == "100.00"
    assert 4 * 86400 < live["turnout"]["seconds_left"] <= 5 * 86400
    assert body["meetings_by_state"]["open"] == 1


def test_the_timeline_api_lists_events_and_counts_ballots(app, client, make, cast, world):
    opened = world.open(cast.a.id)
    world.vote(opened, "o1")
    world.vote(opened, "o2")
    headers = api(make, cast["committee_a"])
    body = client.get(f"/api/v1/meetings/{opened.meeting_id}/timeline", headers=headers).json
    types = [e["type"] for e in body["events"]]
    # The notices and links queued with the announcement and the opening are listed too.
    assert types == ["meeting.created", "meeting.submitted", "meeting.approved",
                     "meeting.announced", "messages.queued", "meeting.opened",
                     "messages.queued"]  # fmt: skip
    assert body["counts"] == {"ballot.cast": 2}
    with app.app_context():
        from voting.audit.models import AuditEvent

        listed = AuditEvent.type.like("meeting.%") | (AuditEvent.type == "messages.queued")
        seqs = db.session.scalars(select(AuditEvent.seq).where(listed))
        assert [e["seq"] for e in body["events"]] == sorted(seqs)
