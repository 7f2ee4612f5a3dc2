"""Help desks: a committee member opens one on a device; owners still confirm themselves;
their ballots are marked assisted, seen by the office; the desk is not throttled as one
address."""

from sqlalchemy import select

from voting.audit.models import AuditEvent
from voting.ballots.desk import COOKIE
from voting.ballots.models import Ballot, HelpDesk
from voting.db import db

from .support import Unit, motion


def owners() -> list[Unit]:
    return [Unit(f"{i:03d}", "90.00", f"p{i}", id_number=f"11010819800303{i:04d}")
            for i in range(1, 4)]  # fmt: skip


def open_desk(client, meeting_id: int):
    return client.post(f"/meetings/{meeting_id}/desk", data={"label": "会所服务台"})


def test_ballots_cast_at_a_desk_are_marked_and_the_owner_still_checks(app, client, auth, kit, make):
    opened = kit.open(kit.community(owners()), [motion("续聘物业")])
    member = kit.committee(make, opened.community_id, "desk-member")
    auth.login(member)
    opened_desk = open_desk(client, opened.meeting_id)
    assert opened_desk.status_code == 302
    assert COOKIE in opened_desk.headers.get("Set-Cookie", "")
    auth.logout()  # the member steps back; the device stays a desk

    token = opened.tokens["p1"]
    assert client.get(f"/v/{token}/ballot").status_code == 302  # identity first, as anywhere
    assert client.post(f"/v/{token}/verify", data={"last4": "0001"}).status_code == 302
    field = f"m{opened.matter_ids[0]}"
    cast = client.post(f"/v/{token}/confirm", data={field: "agree", "action": "cast"})
    assert cast.status_code == 302
    # The next owner at the desk confirms their own identity too.
    assert client.get(f"/v/{token}/ballot").status_code in (302, 200)
    assert client.get(f"/v/{opened.tokens['p2']}/ballot").status_code == 302

    elsewhere = app.test_client()  # an owner's own phone: not assisted
    other = opened.tokens["p3"]
    elsewhere.post(f"/v/{other}/verify", data={"last4": "0003"})
    elsewhere.post(f"/v/{other}/confirm", data={field: "agree", "action": "cast"})
    with app.app_context():
        desk = db.session.scalar(select(HelpDesk))
        marks = dict(db.session.execute(select(Ballot.voter_id, Ballot.desk_id)).all())
        opened_event = db.session.scalar(select(AuditEvent).where(AuditEvent.type == "desk.opened"))
    assert marks == {opened.voter_ids["p1"]: desk.id, opened.voter_ids["p3"]: None}
    assert opened_event.actor == "user:desk-member" and opened_event.data["desk_id"] == desk.id

    # The office sees the assisted ballots among the meeting's anomalies, the desk in the
    # timeline.
    from voting.rosters.models import Community, Office

    with app.app_context():
        office = db.session.get(Office, db.session.get(Community, opened.community_id).office_id)
    officer = make.user("office", office=office)
    found = client.get(
        f"/api/v1/meetings/{opened.meeting_id}/anomalies",
        headers={"Authorization": f"Bearer {make.token(officer)}"},
    ).get_json()["anomalies"]
    (assisted,) = [a for a in found if a["code"] == "assisted_ballots"]
    assert assisted["subject"] == "会所服务台" and assisted["counts"] == {"ballots": 1}
    assert not [a for a in found if a["code"] == "ballot_burst"]
    auth.login(officer)
    page = client.get(f"/supervision/meetings/{opened.meeting_id}").get_data(as_text=True)
    assert "在协助投票点投出的选票" in page and "开设协助投票点" in page


def test_a_closed_or_forged_desk_is_no_desk(app, client, auth, kit, make):
    opened = kit.open(kit.community(owners()), [motion("续聘物业")])
    member = kit.committee(make, opened.community_id, "desk-member")
    auth.login(member)
    open_desk(client, opened.meeting_id)
    with app.app_context():
        desk_id = db.session.scalar(select(HelpDesk.id))
    closed = client.post(f"/meetings/{opened.meeting_id}/desk/{desk_id}/close")
    assert closed.status_code == 302
    with app.app_context():
        assert db.session.get(HelpDesk, desk_id).closed_at is not None
        types = db.session.scalars(select(AuditEvent.type)).all()
    assert "desk.opened" in types and "desk.closed" in types
    forged = app.test_client()
    forged.set_cookie(COOKIE, "eyJkZXNrIjoxfQ.forged.signature")
    token = opened.tokens["p2"]
    forged.post(f"/v/{token}/verify", data={"last4": "0002"})
    field = f"m{opened.matter_ids[0]}"
    forged.post(f"/v/{token}/confirm", data={field: "agree", "action": "cast"})
    with app.app_context():
        assert db.session.scalar(select(Ballot.desk_id)) is None


def test_only_committee_members_open_desks_and_only_while_voting(app, client, auth, kit, make):
    opened = kit.open(kit.community(owners()), [motion("续聘物业")])
    with app.app_context():
        from voting.rosters.models import Community, Office

        office = db.session.get(Office, db.session.get(Community, opened.community_id).office_id)
    officer = make.user("office", office=office)
    auth.login(officer)
    assert open_desk(client, opened.meeting_id).status_code == 403
    auth.logout()
    assert open_desk(client, opened.meeting_id).status_code in (302, 401)  # login first
    with app.app_context():
        assert db.session.scalar(select(HelpDesk.id)) is None


def test_a_desk_is_not_throttled_as_one_address(make_app, kit, make):
    opened = kit.open(kit.community(owners()), [motion("续聘物业")])
    member = kit.committee(make, opened.community_id, "desk-member")
    app = make_app(RATELIMIT_ENABLED=True, TOKEN_RATE_LIMIT="2 per day")
    desk = app.test_client()
    desk.post("/login", data={"username": member.username, "password": make.password})
    assert open_desk(desk, opened.meeting_id).status_code == 302
    codes = [desk.get(f"/v/{'W' * 24}").status_code for _ in range(4)]  # mistyped links
    assert codes == [404] * 4
    phone = app.test_client()  # the same address without the desk cookie
    assert [phone.get(f"/v/{'W' * 24}").status_code for _ in range(3)] == [404, 404, 429]
