"""Full-width digits and spaces, as Chinese input methods type them, are read as meant."""

from dataclasses import replace

import pytest
from sqlalchemy import select

from voting.db import db
from voting.typed import plain, plain_code

from .support import motion, six_owners

ID_O1 = "110108198003030021"
PHONE_O2 = "13800000002"


@pytest.fixture
def opened(kit):
    owners = six_owners(o1={"id_number": ID_O1}, o2={"phone": PHONE_O2})
    # The code is off: o2 types the phone's last four digits (tests/messages/test_codes.py
    # types a code in full width).
    return kit.open(kit.community(owners, one_time_code=False), [motion("修改业主大会议事规则")])


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("２３８８", "2388"), ("　２３８８　", "2388"), ("２３ ８８", "2388"), ("００２Ｘ", "002X"),
     ("９５．５７", "95.57"), ("", ""), (None, "")],
)  # fmt: skip
def test_a_typed_code_is_plain_ascii(typed, meant):
    assert plain_code(typed) == meant


def test_prose_is_not_touched_where_no_number_is_typed():
    # plain() is only for number fields: it trims the ideographic space and keeps the meaning.
    assert plain("　１号楼 １０１　") == "1号楼 101"
    assert plain(None) is None


def test_the_last_four_digits_in_full_width_open_the_ballot(client, opened):
    token = opened.tokens["o1"]
    right = client.post(f"/v/{token}/verify", data={"last4": "　００２１　"})
    assert right.status_code == 302 and right.headers["Location"].endswith("/ballot")
    assert client.get(f"/v/{token}/ballot").status_code == 200


def test_a_wrong_full_width_code_is_still_wrong(client, opened):
    wrong = client.post(f"/v/{opened.tokens['o1']}/verify", data={"last4": "９９９９"})
    assert wrong.status_code == 403 and "再错 4 次" in wrong.get_data(as_text=True)


def test_the_api_reads_full_width_verification(client, opened):
    answers = opened.answers({0: ["同意"]})
    response = client.post(
        "/api/v1/ballots",
        json={"token": opened.tokens["o2"], "answers": answers, "verification": "０００２"},
    )
    assert response.status_code == 201 and response.get_json()["receipt"]


def test_a_full_width_area_is_saved_as_typed(app, client, kit, make, auth):
    from voting.rosters.models import Community, Unit

    community_id = kit.community(six_owners())
    with app.app_context():
        community = db.session.get(Community, community_id)
        unit = db.session.scalar(select(Unit).where(Unit.number == "101"))
    auth.login(make.user("committee", "wang", community=community))
    typed = {"unit_type": "dwelling", "registered_area": "　９５．５７"}
    page = client.post(f"/communities/{community_id}/roster/units/{unit.id}", data=typed)
    assert page.status_code == 302
    with app.app_context():
        assert db.session.get(Unit, unit.id).registered_area == 9557


def test_a_roster_file_with_full_width_areas_imports(app, kit):
    from voting.rosters.models import Unit

    units = six_owners()
    community_id = kit.community([replace(units[0], area="１２０．５０"), *units[1:]])
    with app.app_context():
        unit = db.session.scalar(
            select(Unit).where(Unit.community_id == community_id, Unit.number == "101")
        )
        assert unit.registered_area == 12050
