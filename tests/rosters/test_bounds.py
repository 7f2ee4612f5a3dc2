"""Hostile and broken roster files: bounded answers, a clear refusal, the roster unchanged."""

import csv
import io
import zipfile

import pytest
from openpyxl import Workbook

from tests.rosters.test_import import _roster_state
from tests.rosters.xlsx_parts import PARTS
from voting.db import db
from voting.rosters.importer import parse_roster
from voting.rosters.limits import RosterLimits
from voting.rosters.messages import RosterRejected


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


def test_the_cap_is_a_setting(make_app):
    app = make_app(VOTING_ROSTER_MAX_PROBLEMS=3)
    with app.app_context():
        from voting.rosters.services import create_community, create_office, import_roster

        community = create_community("观澜苑", create_office("望京街道").id, "owners_committee")
        try:
            import_roster(community, _one_column_rows(10), "r.csv")
        except RosterRejected as rejected:
            problems = rejected.problems
        db.session.rollback()
    assert [p.code for p in problems] == ["required", "no_area", "required", "more_problems"]
    assert problems[-1].params == {"count": 17}


# --- XLSX: checked before it is read -------------------------------------------------------

HEADER_ROW = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>楼栋</t></is></c><c r="B1" t="inlineStr"><is>'
    '<t>房号</t></is></c><c r="C1" t="inlineStr"><is><t>登记面积</t></is></c></row>'
)


def _xlsx(sheet_data: str, dimension: str = "") -> bytes:
    """A workbook written by hand, to say exactly what its sheet declares and holds."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in PARTS.items():
            archive.writestr(name, text)
        dimension = f'<dimension ref="{dimension}"/>' if dimension else ""
        archive.writestr(
            "xl/worksheets/sheet1.xml",
            '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
            f'spreadsheetml/2006/main">{dimension}<sheetData>{sheet_data}</sheetData></worksheet>',
        )
    return buffer.getvalue()


def _openpyxl_sparse(ref: str) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["楼栋", "房号", "登记面积"])
    sheet.append(["1号楼", "101", 90])
    sheet[ref] = "x"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


GOOD = '<row r="2"><c r="A2" t="inlineStr"><is><t>1号楼</t></is></c><c r="B2"><v>101</v></c><c r="C2"><v>90.5</v></c></row>'  # noqa: E501


def test_a_hand_written_workbook_within_the_limits_is_read():
    parsed = parse_roster(_xlsx(HEADER_ROW + GOOD, "A1:C2"), "r.xlsx")
    assert [(r.building, r.unit, r.registered_area) for r in parsed.rows] == [
        ("1号楼", "101", 9050)
    ]


@pytest.mark.parametrize(
    "data, code",
    [
        (_openpyxl_sparse("XFD1048576"), "too_many_rows"),
        (_openpyxl_sparse("ALL100000"), "too_many_rows"),
        (_openpyxl_sparse("BM2"), "too_many_columns"),  # column 65
        (_openpyxl_sparse("ALL2"), "too_many_columns"),
        (_xlsx(HEADER_ROW + GOOD, "A1:XFD1048576"), "too_many_rows"),  # declared only
        (_xlsx(HEADER_ROW + GOOD + '<row r="1048576"><c r="A1048576"><v>1</v></c></row>'),
         "too_many_rows"),  # used range, nothing declared
        (_xlsx(HEADER_ROW + GOOD + '<row r="3"><c r="ZZ3"><v>1</v></c></row>'),
         "too_many_columns"),
        (_xlsx(HEADER_ROW + "".join(f'<row r="{i}"><c r="A{i}"><v>1</v></c></row>'
                                    for i in range(2, 60))), "too_many_rows"),
    ],
    ids=["XFD1048576", "ALL100000", "BM2", "ALL2", "declared", "used-row", "used-column", "rows"],
)  # fmt: skip
def test_a_workbook_beyond_the_limits_is_refused_before_it_is_read(data, code):
    # 50 rows for the last case; the sparse ones are refused under the default limits too.
    limits = RosterLimits(max_rows=50) if code == "too_many_rows" else RosterLimits()
    with pytest.raises(RosterRejected) as rejected:
        parse_roster(data, "r.xlsx", limits)
    assert [p.code for p in rejected.value.problems] == [code]
    assert rejected.value.problems[0].describe("zh") and rejected.value.problems[0].describe("en")


def test_cells_and_a_used_range_beyond_the_cell_limit_are_refused():
    rows = HEADER_ROW + "".join(
        f'<row r="{i}">' + "".join(f'<c r="{c}{i}"><v>1</v></c>' for c in "ABCDEFGH") + "</row>"
        for i in range(2, 40)
    )
    with pytest.raises(RosterRejected) as rejected:
        parse_roster(_xlsx(rows), "r.xlsx", RosterLimits(max_cells=200))
    assert [p.code for p in rejected.value.problems] == ["too_many_cells"]
    assert "200" in rejected.value.problems[0].describe("zh")


def test_a_zip_bomb_is_refused_by_its_ratio_and_its_unpacked_size():
    filler = HEADER_ROW + '<row r="2"><c r="A2" t="inlineStr"><is><t>' + "x" * (3 * 2**20)
    data = _xlsx(filler + "</t></is></c></row>")
    with pytest.raises(RosterRejected) as rejected:
        parse_roster(data, "r.xlsx")
    assert [p.code for p in rejected.value.problems] == ["xlsx_compression"]
    with pytest.raises(RosterRejected) as rejected:
        parse_roster(data, "r.xlsx", RosterLimits(max_ratio=10_000, max_unzipped_bytes=2**20))
    assert [p.code for p in rejected.value.problems] == ["xlsx_too_large_unzipped"]
    assert "解压后太大（上限 1 MB）" in rejected.value.problems[0].describe("zh")


def test_a_workbook_whose_sheet_is_missing_is_not_a_spreadsheet():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in PARTS.items():
            archive.writestr(name, text)
    with pytest.raises(RosterRejected) as rejected:
        parse_roster(buffer.getvalue(), "r.xlsx")
    assert [p.code for p in rejected.value.problems] == ["not_spreadsheet"]


def test_the_sparse_workbook_is_a_422_through_the_api_and_changes_nothing(app, make, client):
    community = make.community()
    token = make.token(make.user("committee", community=community))
    with app.app_context():
        before = _roster_state(community.id)
    response = _put(client, community, token, _openpyxl_sparse("XFD1048576"), "r.xlsx")
    assert response.status_code == 422
    assert response.get_json()["error"]["message"] == "行数太多（上限 50000 行）。"
    with app.app_context():
        assert _roster_state(community.id) == before


# --- CSV: lines, fields, quotes, line ends --------------------------------------------------

HEADER = (
    "楼栋,房号,类型,登记面积,实测面积,合同面积,业主,表决代表,业主标识,证件号码,手机号,建设单位持有"
)


def _rows(*rows: str, end: str = "\n") -> bytes:
    return end.join([HEADER, *rows, ""]).encode()


def test_a_131072_character_field_is_refused_with_its_row():
    data = _rows("1号楼,101,住宅,90,,," + "x" * 131_072 + ",,,,,")
    with pytest.raises(RosterRejected) as rejected:
        parse_roster(data, "r.csv")
    problem = rejected.value.problems[0]
    assert (problem.code, problem.row) == ("line_too_long", 2)
    assert "超过 10000 个字符" in problem.describe("zh")


def test_a_quoted_field_over_many_lines_is_refused_by_the_field_limit():
    field = '"' + "名\n" * 6000 + '"'
    with pytest.raises(RosterRejected) as rejected:
        parse_roster(_rows(f"1号楼,101,住宅,90,,,{field},,,,,"), "r.csv")
    assert [p.code for p in rejected.value.problems] == ["line_too_long"]


def test_the_field_limit_does_not_leak_to_other_csv_readers():
    before = csv.field_size_limit()
    with pytest.raises(RosterRejected):
        parse_roster(_rows("1号楼,101,住宅,90,,," + "x" * 20_000 + ",,,,,"), "r.csv")
    parse_roster(_rows("1号楼,101,住宅,90,,,刘芳,,,,,"), "r.csv")
    assert csv.field_size_limit() == before


@pytest.mark.parametrize("end", ["\r", "\r\n", "\n"], ids=["CR", "CRLF", "LF"])
def test_every_line_end_reads_the_same_rows(end):
    parsed = parse_roster(
        _rows("1号楼,101,住宅,90,,,刘芳,,,,,", "1号楼,102,住宅,80,,,王五,,,,,", end=end), "r.csv"
    )
    assert [(r.unit, r.owners) for r in parsed.rows] == [("101", ["刘芳"]), ("102", ["王五"])]


def test_a_stray_apostrophe_is_text_and_swallows_no_row():
    parsed = parse_roster(
        _rows("1号楼,101,住宅,90,,,'刘芳,,,,,", "1号楼,102,住宅,80,,,王五',,,,,"), "r.csv"
    )
    assert [(r.unit, r.owners) for r in parsed.rows] == [("101", ["'刘芳"]), ("102", ["王五'"])]


def test_an_unclosed_double_quote_is_refused():
    with pytest.raises(RosterRejected) as rejected:
        parse_roster(
            _rows('1号楼,101,住宅,90,,,"刘芳,,,,,', "1号楼,102,住宅,80,,,王五,,,,,"), "r.csv"
        )
    assert [p.code for p in rejected.value.problems] == ["bad_csv"]


@pytest.mark.parametrize("key", ["+K1", "a+b", "developer", "unit:7"])
def test_an_owner_key_that_could_merge_people_is_refused_with_its_row(key):
    with pytest.raises(RosterRejected) as rejected:
        parse_roster(_rows(f"1号楼,101,住宅,90,,,刘芳,,{key},,,"), "r.csv")
    [problem] = rejected.value.problems
    assert (problem.code, problem.row, problem.column) == ("bad_owner_key", 2, "业主标识")


def test_co_owners_with_a_plus_under_an_owner_key_are_refused():
    with pytest.raises(RosterRejected) as rejected:
        parse_roster(_rows("1号楼,101,住宅,90,,,张三+李四;王五,,K1,,,"), "r.csv")
    assert [(p.code, p.column) for p in rejected.value.problems] == [("plus_in_co_owner", "业主")]


def test_too_many_rows_and_columns_are_refused():
    with pytest.raises(RosterRejected) as rejected:
        parse_roster(_rows(*[f"1号楼,{i},住宅,90,,,刘芳,,,,," for i in range(6)]), "r.csv",
                     RosterLimits(max_rows=5))  # fmt: skip
    assert [p.code for p in rejected.value.problems] == ["too_many_rows"]
    wide = parse_roster(("楼栋,房号,登记面积" + ",x" * 200 + "\n1号楼,101,90\n").encode(), "r.csv")
    assert wide.rows[0].unit == "101"


CSV_CASES = {
    "field-131072": _rows("1号楼,101,住宅,90,,," + "x" * 131_072 + ",,,,,"),
    "owner-key-plus": _rows("1号楼,101,住宅,90,,,刘芳,,+K1,,,"),
    "unclosed-quote": _rows('1号楼,101,住宅,90,,,"刘芳,,,,,'),
}


@pytest.mark.parametrize("case", sorted(CSV_CASES))
def test_csv_edge_cases_are_a_422_through_the_api_and_change_nothing(app, make, client, case):
    community = make.community()
    token = make.token(make.user("committee", community=community))
    with app.app_context():
        before = _roster_state(community.id)
    response = _put(client, community, token, CSV_CASES[case], "r.csv")
    assert response.status_code == 422
    assert response.get_json()["error"]["details"][0]["message"].startswith("第 2 行")
    with app.app_context():
        assert _roster_state(community.id) == before


def test_cr_only_line_ends_import_through_the_api(make, client):
    community = make.community(roster=None)
    token = make.token(make.user("committee", community=community))
    data = _rows("1号楼,101,住宅,90,,,刘芳,,,,,", "1号楼,102,住宅,80,,,王五,,,,,", end="\r")
    response = _put(client, community, token, data, "r.csv")
    assert response.status_code == 200
    assert response.get_json()["units"] == 2
