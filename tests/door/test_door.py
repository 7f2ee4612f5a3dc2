"""Door to door: the committee opens a building head's account; the building head prints the
non-voters of their building (unit, masked name, paper-ballot code) and records each visit,
which the service record lists; nothing else of the staff pages is theirs."""

import re

from sqlalchemy import func, select

from voting.db import db


def text(response) -> str:
    return response.get_data(as_text=True)


def login(app, user, password):
    client = app.test_client()
    response = client.post("/login", data={"username": user.username, "password": password})
    assert response.status_code == 302
    return client, response


def visit(client, opened, voter_id: int, outcome: str):
    """Record a visit to the voter from 1号楼's page of the meeting."""
    return client.post(
        f"/door/meetings/{opened.meeting_id}/buildings/1号楼/voters/{voter_id}/visit",
        data={"outcome": outcome},
    )


def test_the_committee_opens_a_building_head_account_and_it_is_logged(app, make, door):
    opened, committee, _ = door
    client, _ = login(app, committee, make.password)
    page = client.get(f"/communities/{opened.community_id}/building-heads")
    assert page.status_code == 200 and "1号楼" in text(page) and "2号楼" in text(page)
    response = client.post(f"/communities/{opened.community_id}/building-heads", data={
        "username": "liu", "display_name": "刘楼长", "password": "a-long-password",
        "buildings": ["2号楼"]})  # fmt: skip
    assert response.status_code == 302
    from voting.audit.models import AuditEvent
    from voting.auth.models import User

    with app.app_context():
        head = db.session.scalar(select(User).where(User.username == "liu"))
        assert head.role == "building_head" and head.buildings == ["2号楼"]
        assert head.community_id == opened.community_id
        added = select(AuditEvent).where(AuditEvent.type == "user.added")
        event = db.session.scalars(added.order_by(AuditEvent.seq.desc())).first()
        assert event.data["username"] == "liu" and event.data["buildings"] == ["2号楼"]
        assert "a-long-password" not in str(event.data)
    listed = text(client.get(f"/communities/{opened.community_id}/building-heads"))
    assert "刘楼长" in listed and "louzhang" in listed


def test_a_building_head_with_a_building_of_another_roster_is_refused(app, make, door):
    opened, committee, _ = door
    client, _ = login(app, committee, make.password)
    from voting.auth.models import User

    with app.app_context():
        before = db.session.scalar(select(func.count()).select_from(User))
    response = client.post(f"/communities/{opened.community_id}/building-heads", data={
        "username": "zhao", "password": "a-long-password", "buildings": ["9号楼"]})  # fmt: skip
    assert response.status_code == 200
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == before


def test_only_the_committee_opens_building_heads(app, make, door):
    opened, _, head = door
    client, _ = login(app, head, make.password)
    url = f"/communities/{opened.community_id}/building-heads"
    assert client.get(url).status_code == 403
    response = client.post(url, data={"username": "x1", "password": "a-long-password",
                                      "buildings": ["1号楼"]})  # fmt: skip
    assert response.status_code == 403


def test_the_list_has_the_building_s_non_voters_with_their_paper_ballot_codes(app, make, door):
    opened, _, head = door
    from tests.ballots.test_cast import cast
    from voting.ballots.paper_codes import paper_code
    from voting.meetings.models import Voter

    voted = app.test_client()
    assert cast(voted, opened.tokens["o2"], opened.answers({0: ["同意"]})).status_code == 201
    client, response = login(app, head, make.password)
    assert response.headers["Location"].endswith("/door")
    home = text(client.get("/door"))
    assert "业主大会会议" in home and f"/door/meetings/{opened.meeting_id}/buildings/" in home
    assert "2号楼" not in home  # not theirs
    page = text(client.get(f"/door/meetings/{opened.meeting_id}/buildings/1号楼/list"))
    rows = re.findall(r'<tr data-testid="non-voter">(.*?)</tr>', page, re.S)
    assert len(rows) == 2  # o1 and o4 (who holds 1号楼 103 and 2号楼 202); o2 voted, o3 is 2号楼
    with app.app_context():
        codes = {key: paper_code(db.session.get(Voter, opened.voter_ids[key]))
                 for key in ("o1", "o4")}  # fmt: skip
    assert "1号楼 101" in rows[0] and codes["o1"] in rows[0]
    assert "1号楼 103" in rows[1] and codes["o4"] in rows[1] and "2号楼 202" not in rows[1]
    assert "102" not in page and "2号楼 201" not in page
    # Masked names only, never a phone or an ID number.
    assert "业主o1" not in page and "13900000001" not in page and "1101011990" not in page


def test_a_building_head_sees_only_their_buildings_and_community(app, make, door):
    opened, _, head = door
    client, _ = login(app, head, make.password)
    assert client.get(f"/door/meetings/{opened.meeting_id}/buildings/2号楼").status_code == 404
    assert client.get(f"/door/meetings/{opened.meeting_id}/buildings/2号楼/list").status_code == 404
    assert client.get("/door/meetings/999999/buildings/1号楼").status_code == 404
    voter = opened.voter_ids["o3"]  # 2号楼 only
    response = visit(client, opened, voter, "refused")
    assert response.status_code == 404
    from voting.door.models import DoorVisit

    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(DoorVisit)) == 0


def test_each_visit_is_recorded_logged_and_in_the_service_record(app, make, door):
    opened, committee, head = door
    client, _ = login(app, head, make.password)
    base = f"/door/meetings/{opened.meeting_id}/buildings/1号楼"
    voter = opened.voter_ids["o1"]
    for outcome in ("nobody_home", "paper_ballot"):
        response = visit(client, opened, voter, outcome)
        assert response.status_code == 302
    bad = visit(client, opened, voter, "voted_yes")
    assert bad.status_code == 302
    page = text(client.get(base))
    assert "已收回纸质表决票" in page and "请选择上门结果" in page
    from voting.audit.models import AuditEvent
    from voting.door.models import DoorVisit

    with app.app_context():
        visits = db.session.scalars(select(DoorVisit).order_by(DoorVisit.id)).all()
        assert [(v.voter_id, v.outcome) for v in visits] == [
            (voter, "nobody_home"), (voter, "paper_ballot")]  # fmt: skip
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.type == "door.visit").order_by(AuditEvent.seq)
        ).all()
        assert [e.data["outcome"] for e in events] == ["nobody_home", "paper_ballot"]
        assert all(e.actor == "user:louzhang" and e.data["voter_id"] == voter for e in events)
    staff, _ = login(app, committee, make.password)
    report = text(staff.get(f"/meetings/{opened.meeting_id}/service"))
    shown = re.findall(r'data-testid="door-visit">(.*?)</div>', report)
    assert len(shown) == 2 and "张楼长" in shown[0] and "无人在家" in shown[0]
    assert "已收回纸质表决票" in shown[1]
    assert re.search(r'data-testid="visited">1<', report)
    from io import BytesIO

    from openpyxl import load_workbook

    book = load_workbook(BytesIO(staff.get(f"/meetings/{opened.meeting_id}/service.xlsx").data))
    cells = [c for row in book.worksheets[1].iter_rows(values_only=True) for c in row]
    assert "楼长上门" in cells and "无人在家" in cells and "张楼长" in cells


def test_no_visit_is_recorded_once_voting_closed(app, make, door, kit):
    opened, _, head = door
    kit.close(opened)
    client, _ = login(app, head, make.password)
    voter = opened.voter_ids["o1"]
    response = visit(client, opened, voter, "visited")
    assert response.status_code == 302
    from voting.door.models import DoorVisit

    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(DoorVisit)) == 0


def test_the_committee_stops_a_building_head_who_then_cannot_sign_in(app, make, door):
    opened, committee, head = door
    client, _ = login(app, committee, make.password)
    page = text(client.get(f"/communities/{opened.community_id}/building-heads"))
    assert "张楼长" in page and "使用中" in page
    url = f"/communities/{opened.community_id}/building-heads/{head.id}/disable"
    assert client.post(url).status_code == 302
    assert "已停用" in text(client.get(f"/communities/{opened.community_id}/building-heads"))
    from voting.audit.models import AuditEvent

    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.type == "user.disabled"))
        assert event.data == {"username": "louzhang", "role": "building_head"}
        assert event.actor == "user:weiyuan"
    gone = app.test_client()
    response = gone.post("/login", data={"username": "louzhang", "password": make.password})
    assert response.status_code == 200 and "用户名或密码不正确" in text(response)


def test_the_administrator_sees_building_heads_among_the_accounts(app, make, door):
    opened, _, head = door
    admin = make.user("admin", "root")
    client, _ = login(app, admin, make.password)
    listing = text(client.get(f"/admin/users?community={opened.community_id}"))
    row = re.search(r"<tr[^>]*>(?:(?!</tr>).)*louzhang.*?</tr>", listing, re.S).group(0)
    assert re.search(r"<td>楼长[<\s]", row) and "观澜苑" in row  # its role, not its name


def test_the_code_on_the_list_prints_that_owner_s_paper_ballot_again(app, make, door):
    opened, committee, head = door
    client, _ = login(app, head, make.password)
    page = text(client.get(f"/door/meetings/{opened.meeting_id}/buildings/1号楼/list"))
    row = next(r for r in re.findall(r'<tr data-testid="non-voter">(.*?)</tr>', page, re.S)
               if "1号楼 103" in r)  # o4's  # fmt: skip
    code = re.search(r'data-testid="door-code">([0-9A-Z-]+)<', row).group(1)
    staff, _ = login(app, committee, make.password)
    typed = code.lower().replace("-", " ")  # as someone types it over the phone
    printed = text(
        staff.get(f"/meetings/{opened.meeting_id}/paper/ballots", query_string={"code": typed})
    )
    assert printed.count('data-testid="paper-ballot"') == 1
    assert re.search(r'data-testid="paper-code">([0-9A-Z-]+)<', printed).group(1) == code
    assert "1号楼 103" in printed
    from voting.audit.models import AuditEvent

    with app.app_context():
        event = db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.type == "meeting.paper_ballots_printed")
            .order_by(AuditEvent.seq.desc())
        ).first()
        assert event.data["voters"] == [opened.voter_ids["o4"]] and code not in str(event.data)
    wrong = staff.get(
        f"/meetings/{opened.meeting_id}/paper/ballots", query_string={"code": "ZZZZ-ZZZZ"}
    )
    assert wrong.status_code == 302
    assert "没有这个票面编码" in text(staff.get(wrong.headers["Location"]))
    assert (
        head
        and client.get(f"/meetings/{opened.meeting_id}/paper/ballots?code={code}").status_code
        == 403
    )
