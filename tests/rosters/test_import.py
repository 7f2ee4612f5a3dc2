"""Roster import (FORMATS.md §1): the samples, and every kind of bad file, all or nothing."""

import io

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from tests.conftest import ROSTERS
from voting.db import db
from voting.rosters.messages import RosterRejected
from voting.rosters.models import Community, Holding, Owner, Unit
from voting.rosters.services import import_roster, roster_totals_by_policy, unit_records

SMALL = ("roster-small.csv", "roster-small-gbk.csv", "roster-small.xlsx")
HEADER = (
    "楼栋,房号,类型,登记面积,实测面积,合同面积,业主,表决代表,业主标识,证件号码,手机号,建设单位持有"
)


def _roster_state(community_id: int) -> list[tuple]:
    """Everything an import could change, to compare before and after a refusal."""
    units = db.session.execute(
        select(Unit.building, Unit.number, Unit.unit_type, Unit.registered_area,
               Unit.surveyed_area, Unit.contract_area, Unit.is_developer_held)
        .where(Unit.community_id == community_id).order_by(Unit.building, Unit.number)
    ).all()  # fmt: skip
    owners = db.session.execute(
        select(Owner.key, Owner.name).where(Owner.community_id == community_id).order_by(Owner.key)
    ).all()
    holdings = db.session.scalar(select(func.count()).where(Holding.community_id == community_id))
    return [tuple(units), tuple(owners), holdings]


@pytest.mark.parametrize("name", SMALL)
def test_small_sample_gives_the_documented_totals(app, make, name):
    community = make.community(roster=name)
    with app.app_context():
        totals = roster_totals_by_policy(db.session.get(Community, community.id))
    assert (totals["include"].units, totals["include"].owners, totals["include"].area) == (
        10,
        7,
        81380,
    )
    assert (totals["exclude_entirely"].owners, totals["exclude_entirely"].area) == (6, 78880)


def test_utf8_gbk_and_xlsx_give_the_same_roster(app, make):
    states = []
    for name in SMALL:
        community = make.community(roster=name, name=name)
        with app.app_context():
            units, owners, holdings = _roster_state(community.id)
            states.append((units, sorted(n for _, n in owners), holdings))
    assert states[0] == states[1] == states[2]


def test_small_sample_persons_follow_the_law(app, make):
    """刘芳's two flats are one head; the co-owned flat counts its surveyed area; 2-202 stays."""
    from voting.rules.persons import build_persons
    from voting.rules.procedure import Procedure

    community = make.community()
    with app.app_context():
        records = unit_records(community.id)
        labels = {
            str(u.id): f"{u.building}-{u.number}"
            for u in db.session.scalars(select(Unit).where(Unit.community_id == community.id))
        }
    persons = build_persons(records, Procedure(parking_policy="include"))
    by_units = {tuple(sorted(labels[i] for i in p.unit_ids)): p for p in persons}
    assert by_units[("1号楼-101", "1号楼-102")].area == 18000
    assert by_units[("1号楼-201", "地下车库-B1-001")].area == 11250
    assert by_units[("1号楼-202",)].area == 10000  # surveyed, not contract 101.20
    assert by_units[("2号楼-101",)].area == 12030
    assert by_units[("2号楼-102", "2号楼-201")].area == 20000  # the developer, one head
    unknown = by_units[("2号楼-202",)]
    assert unknown.area == 8850 and not unknown.can_vote


def test_guanlan_imports_and_reports_merges(app, make):
    community = make.community(roster="roster-guanlan.csv")
    with app.app_context():
        report = import_roster(
            db.session.get(Community, community.id),
            (ROSTERS / "roster-guanlan.xlsx").read_bytes(),
            "roster-guanlan.xlsx",
        )
        db.session.commit()
    assert report["units"] == 328
    assert report["merges"], "owners with several units are listed for confirmation"
    assert all(len(m["units"]) > 1 for m in report["merges"])


def test_identity_data_is_stored_only_hashed_and_masked(app, make):
    community = make.community()
    with app.app_context():
        owner = db.session.scalar(
            select(Owner).where(Owner.community_id == community.id, Owner.name == "刘芳")
        )
        row = {c.name: getattr(owner, c.name) for c in Owner.__table__.columns}
    dump = repr(row)
    assert "110108198003030021" not in dump and "13800000001" not in dump
    assert owner.id_masked.startswith("110") and owner.id_masked.endswith("****")
    assert owner.id_hash and owner.phone_last4_hash


def _csv(*rows: str) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode()


GOOD_ROW = "1号楼,101,住宅,90.00,,,刘芳,,,,,"
BAD_FILES = {
    "missing-column": ((ROSTERS / "bad/missing-column.csv").read_bytes(), "missing_column"),
    "no-area": ((ROSTERS / "bad/no-area.csv").read_bytes(), "no_area"),
    "bad-areas": ((ROSTERS / "bad/bad-areas.csv").read_bytes(), "bad_area"),
    "duplicate-unit": ((ROSTERS / "bad/duplicate-unit.csv").read_bytes(), "duplicate_unit"),
    "empty": ((ROSTERS / "bad/empty.csv").read_bytes(), "empty_file"),
    "not-a-spreadsheet": ((ROSTERS / "bad/not-a-spreadsheet.xlsx").read_bytes(), "not_spreadsheet"),
    "area-zero": (_csv(GOOD_ROW, "1号楼,102,住宅,0,,,张三,,,,,"), "bad_area"),
    "area-negative": (_csv(GOOD_ROW, "1号楼,102,住宅,-5,,,张三,,,,,"), "bad_area"),
    "area-three-decimals": (_csv(GOOD_ROW, "1号楼,102,住宅,12.345,,,张三,,,,,"), "bad_area"),
    "area-text": (_csv(GOOD_ROW, "1号楼,102,住宅,abc,,,张三,,,,,"), "bad_area"),
    "owner-key-two-names": (
        _csv("1号楼,101,住宅,90,,,刘芳,,K1,,,", "1号楼,102,住宅,90,,,王五,,K1,,,"),
        "owner_key_conflict",
    ),
    "header-only": (_csv(), "no_rows"),
    "bad-type": (_csv("1号楼,101,别墅,90,,,刘芳,,,,,"), "bad_unit_type"),
    "representative-not-owner": (
        _csv("1号楼,101,住宅,90,,,刘芳,张三,,,,"), "representative_not_owner"
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_file_is_rejected_whole_and_changes_nothing(app, make, case):
    data, code = BAD_FILES[case]
    community = make.community()
    with app.app_context():
        before = _roster_state(community.id)
        with pytest.raises(RosterRejected) as rejected:
            import_roster(db.session.get(Community, community.id), data, f"{case}.csv")
        db.session.rollback()
        assert _roster_state(community.id) == before
    problems = rejected.value.problems
    assert code in {p.code for p in problems}
    for problem in problems:
        assert problem.describe("zh") and problem.describe("en")
        if problem.code not in ("empty_file", "not_spreadsheet", "too_large", "no_rows",
                                "missing_area_column"):  # fmt: skip
            assert problem.row is not None and problem.column


def test_bad_areas_file_names_every_row_and_column():
    from voting.rosters.importer import parse_roster

    with pytest.raises(RosterRejected) as rejected:
        parse_roster((ROSTERS / "bad/bad-areas.csv").read_bytes(), "bad-areas.csv")
    where = {(p.row, p.column) for p in rejected.value.problems if p.code == "bad_area"}
    assert where == {(4, "登记面积"), (6, "合同面积"), (8, "登记面积")}
    messages = [p.describe("zh") for p in rejected.value.problems]
    assert any("第 4 行「登记面积」" in m and "12.345" in m for m in messages)
    english = [p.describe("en") for p in rejected.value.problems]
    assert any(m.startswith("row 4, column") for m in english)


def test_xlsx_with_a_float_area_of_three_decimals_is_rejected():
    from voting.rosters.importer import parse_roster

    book = Workbook()
    sheet = book.active
    sheet.append(["楼栋", "房号", "登记面积", "业主"])
    sheet.append(["1号楼", 101, 90.5, "刘芳"])
    sheet.append(["1号楼", 102, 12.345, "王五"])
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(RosterRejected) as rejected:
        parse_roster(buffer.getvalue(), "r.xlsx")
    assert [(p.row, p.code) for p in rejected.value.problems] == [(3, "bad_area")]


def test_unknown_columns_are_ignored_with_a_warning():
    from voting.rosters.importer import parse_roster

    parsed = parse_roster("楼栋,房号,面积备注,登记面积\n1号楼,101,朝南,90.5\n".encode())
    assert [w.code for w in parsed.warnings] == ["unknown_column"]
    assert parsed.rows[0].registered_area == 9050 and parsed.rows[0].unit == "101"


def test_upload_of_20_mb_is_refused_with_a_clear_message(app, make, client, auth):
    community = make.community()
    user = make.user("committee", community=community)
    auth.login(user)
    head = b'--b\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n\r\n'
    body = head + b"x" * (20 * 1024 * 1024) + b"\r\n--b--\r\n"
    response = client.post(
        f"/communities/{community.id}/roster/import",
        data=body,
        content_type="multipart/form-data; boundary=b",
    )
    assert response.status_code == 413
    assert "文件太大" in response.get_data(as_text=True)
    with app.app_context():
        assert (
            db.session.scalar(select(func.count()).where(Unit.community_id == community.id)) == 10
        )


def test_import_page_lists_problems_and_keeps_the_roster(app, make, client, auth):
    community = make.community()
    user = make.user("committee", community=community)
    auth.login(user)
    with app.app_context():
        before = _roster_state(community.id)
    response = client.post(
        f"/communities/{community.id}/roster/import",
        data={"file": (io.BytesIO((ROSTERS / "bad/bad-areas.csv").read_bytes()), "bad.csv")},
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "第 4 行「登记面积」" in page and "花名册没有任何改变" in page
    with app.app_context():
        assert _roster_state(community.id) == before


def test_import_page_accepts_a_good_file_and_logs_it(app, make, client, auth):
    from voting.audit.models import AuditEvent

    community = make.community(roster=None)
    user = make.user("committee", community=community)
    auth.login(user)
    response = client.post(
        f"/communities/{community.id}/roster/import",
        data={"file": (io.BytesIO((ROSTERS / "roster-small.xlsx").read_bytes()), "r.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    assert "导入成功" in response.get_data(as_text=True)
    with app.app_context():
        event = db.session.scalar(
            select(AuditEvent).where(AuditEvent.type == "roster.imported",
                                     AuditEvent.community_id == community.id)
        )  # fmt: skip
        assert event.data["units"] == 10 and event.actor == f"user:{user.username}"


def test_a_zip_that_is_not_a_workbook_is_not_a_spreadsheet():
    import zipfile

    from voting.rosters.importer import parse_roster

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    with pytest.raises(RosterRejected) as rejected:
        parse_roster(buffer.getvalue(), "roster.xlsx")
    assert [p.code for p in rejected.value.problems] == ["not_spreadsheet"]


@pytest.mark.parametrize(
    ("typed", "cents"),
    [("１,234.5 ", 123450), ("88", 8800), ("0.01", 1), ("12.34", 1234), ("", None)],
)
def test_unit_area_reads_what_people_type(typed, cents):
    from voting.rosters.importer import unit_area

    assert unit_area(typed) == cents


@pytest.mark.parametrize("typed", ["0", "0.00", "1.234", "-5", "1e2", "abc", "  ", "1."])
def test_unit_area_refuses_what_is_not_an_area_above_zero(typed):
    from voting.rosters.importer import unit_area

    with pytest.raises(ValueError):
        unit_area(typed)
