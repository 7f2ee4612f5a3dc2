"""The roster pages through the Flask client."""


def test_login_then_home_lists_totals(client, auth, make):
    community = make.community()
    office_user = make.user("office", office=community.office)
    assert client.get("/").status_code == 302
    response = auth.login(office_user)
    assert response.status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert community.name in page
    assert "813.80" in page  # roster-small with parking included
    assert 'data-testid="owners">7<' in page


def test_wrong_password_is_refused(client, auth, make):
    office = make.office()
    user = make.user("office", office=office)
    response = auth.login(user, "wrong password!")
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_a_long_roster_pages_with_the_search_kept(app, client, auth, make):
    from tests.meetings.conftest import roster_csv
    from voting.db import db
    from voting.rosters.models import Community
    from voting.rosters.services import import_roster

    community = make.community(roster=None)
    units = [("1号楼", f"{n:03d}", "80.00", f"k{n}") for n in range(1, 121)]
    with app.app_context():
        import_roster(db.session.get(Community, community.id), roster_csv(units), "r.csv")
        db.session.commit()
    auth.login(make.user("committee", community=community))
    first = client.get(f"/communities/{community.id}/roster?q=1号楼").get_data(as_text=True)
    assert "1 / 3" in first and "上一页" not in first
    assert f"/communities/{community.id}/roster?page=2&amp;q=1" in first
    second = client.get(f"/communities/{community.id}/roster?q=1号楼&page=2").get_data(as_text=True)
    assert "2 / 3" in second and "上一页" in second and "下一页" in second
