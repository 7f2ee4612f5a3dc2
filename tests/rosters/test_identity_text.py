"""ID numbers and phones are text: a number that cannot hold them exactly refuses the file."""

import io

import pytest
from openpyxl import Workbook

from tests.rosters.test_import import _roster_state
from voting.rosters.importer import parse_roster
from voting.rosters.messages import RosterRejected


def _workbook(*rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["楼栋", "房号", "登记面积", "业主", "证件号码", "手机号"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "id_number", [110105198001011234, 1.10105e17, 11010519800101.5], ids=["int", "float", "frac"]
)
def test_an_id_number_stored_as_a_number_refuses_the_file_with_row_and_column(id_number):
    data = _workbook(["1号楼", "101", 90, "刘芳", "110105198001011234", ""],
                     ["1号楼", "102", 90, "王五", id_number, ""])  # fmt: skip
    with pytest.raises(RosterRejected) as rejected:
        parse_roster(data, "r.xlsx")
    [problem] = rejected.value.problems
    assert (problem.code, problem.row, problem.column) == ("identity_as_number", 3, "证件号码")
    message = problem.describe("zh")
    assert message.startswith("第 3 行「证件号码」") and "文本格式" in message
    assert "Format the column “证件号码” as text" in problem.describe("en")


def test_a_phone_stored_as_an_integer_is_exact_and_read_without_a_decimal():
    parsed = parse_roster(
        _workbook(["1号楼", "101", 90, "刘芳", "110105198001011234", 13800138000],
                  ["1号楼", "102", 90, "王五", 110105800101123, 13800138001.0]),
        "r.xlsx",
    )  # fmt: skip
    assert [(r.id_number, r.phone) for r in parsed.rows] == [
        ("110105198001011234", "13800138000"),
        ("110105800101123", "13800138001"),  # a 15-digit old ID number is exact as a number
    ]


def test_a_phone_of_sixteen_digits_as_a_number_is_refused():
    with pytest.raises(RosterRejected) as rejected:
        parse_roster(_workbook(["1号楼", "101", 90, "刘芳", "", 1380013800012345]), "r.xlsx")
    assert [(p.code, p.column) for p in rejected.value.problems] == [
        ("identity_as_number", "手机号")
    ]


CSV = "楼栋,房号,登记面积,业主,证件号码,手机号\n1号楼,101,90,刘芳,{id},{phone}\n"


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gbk"])
@pytest.mark.parametrize(
    "id_number, phone, column",
    [("1.10105E+17", "13800138000", "证件号码"), ("110105198001011234", "1.38001E+10", "手机号"),
     ("1.10105e17", "", "证件号码")],
)  # fmt: skip
def test_scientific_notation_in_a_csv_identity_column_is_refused(
    encoding, id_number, phone, column
):
    data = CSV.format(id=id_number, phone=phone).encode(encoding)
    with pytest.raises(RosterRejected) as rejected:
        parse_roster(data, "r.csv")
    [problem] = rejected.value.problems
    assert (problem.code, problem.row, problem.column) == ("identity_as_number", 2, column)
    assert "文本格式" in problem.describe("zh")


def test_the_api_refuses_the_file_and_keeps_the_roster(app, make, client):
    community = make.community()
    token = make.token(make.user("committee", community=community))
    with app.app_context():
        before = _roster_state(community.id)
    data = _workbook(["1号楼", "101", 90, "刘芳", 110105198001011234, ""])
    response = client.put(
        f"/api/v1/communities/{community.id}/roster",
        headers={"Authorization": f"Bearer {token}"},
        data={"file": (io.BytesIO(data), "r.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    detail = response.get_json()["error"]["details"][0]
    assert (detail["code"], detail["row"], detail["column"]) == (
        "identity_as_number",
        2,
        "证件号码",
    )
    assert "文本格式" in detail["message"]
    with app.app_context():
        assert _roster_state(community.id) == before
