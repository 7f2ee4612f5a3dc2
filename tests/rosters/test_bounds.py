"""Hostile and broken roster files: bounded answers, a clear refusal, the roster unchanged."""

import io

from tests.rosters.test_import import _roster_state
from voting.db import db


def _put(client, community, token, data: bytes, name: str):
    return client.put(
        f"/api/v1/communities/{community.id}/roster",
        headers={"Authorization": f"Bearer {token}"},
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def _one_column_rows(count: int) -> bytes:
    """A header, then rows that give only a building: two problems each (no unit, no area)."""
    return ("楼栋,房号,登记面积\n" + "".join(f"{i}\n" for i in range(count))).encode()


def test_the_api_lists_the_first_200_problems_and_counts_the_rest(app, make, client):
    community = make.community()
    token = make.token(make.user("committee", community=community))
    with app.app_context():
        before = _roster_state(community.id)
    response = _put(client, community, token, _one_column_rows(300), "r.csv")
    assert response.status_code == 422
    details = response.get_json()["error"]["details"]
    assert len(details) == 201
    assert [d["code"] for d in details[:2]] == ["required", "no_area"]
    assert details[0]["row"] == 2 and details[199]["row"] == 101
    assert details[-1]["code"] == "more_problems"
    assert details[-1]["message"] == "另有 400 个问题未列出；请先修改以上问题，再重新上传。"
    with app.app_context():
        assert _roster_state(community.id) == before
        db.session.rollback()


def test_the_import_page_shows_the_first_200_problems_and_the_count(app, make, client, auth):
    community = make.community()
    auth.login(make.user("committee", community=community))
    with app.app_context():
        before = _roster_state(community.id)
    response = client.post(
        f"/communities/{community.id}/roster/import",
        data={"file": (io.BytesIO(_one_column_rows(300)), "r.csv")},
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert page.count("<li>") == 201
    assert "第 101 行" in page and "第 102 行" not in page
    assert "另有 400 个问题未列出" in page
    with app.app_context():
        assert _roster_state(community.id) == before


def test_the_cap_is_a_setting(app_config):
    from voting import create_app

    app = create_app({**app_config, "VOTING_ROSTER_MAX_PROBLEMS": 3})
    with app.app_context():
        from voting.rosters.messages import RosterRejected
        from voting.rosters.services import create_community, create_office, import_roster

        community = create_community("观澜苑", create_office("望京街道").id, "owners_committee")
        try:
            import_roster(community, _one_column_rows(10), "r.csv")
        except RosterRejected as rejected:
            problems = rejected.problems
        db.session.rollback()
    assert [p.code for p in problems] == ["required", "no_area", "required", "more_problems"]
    assert problems[-1].params == {"count": 17}
