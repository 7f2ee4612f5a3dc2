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
