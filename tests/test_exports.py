"""Every CSV and XLSX export, read back as a spreadsheet would, holds no formula: text that
could start one (owner names, buildings, keys, comments) is neutralised, numbers stay numbers.
"""

import csv
import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from tests.ballots.support import MeetingKit, motion
from voting.db import db, utcnow
from voting.spreadsheets import FORMULA_STARTS, XlsxSheet, csv_text, new_workbook, xlsx_bytes

#: What owners have been named in rosters handed to committees (OWASP's examples and kin).
HOSTILE = ['=HYPERLINK("http://x","y")', "+1+1", "@SUM(1,1)", "-2+3", "＝1+1", "＋1", "－1",
           "＠SUM(1)", "\t=1+1", "\r=1+1"]  # fmt: skip
#: The names as the roster import keeps them (white space around a cell is trimmed).
NAMES = {text.strip() for text in HOSTILE}


def hostile_roster() -> bytes:
    """A roster whose owner names, buildings and keys all begin like formulas."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["building", "unit", "unit_type", "registered_area", "owner", "owner_key"])
    for n, text in enumerate(HOSTILE):
        building = "=1号楼" if n % 2 else "-2号楼"
        writer.writerow([building, str(101 + n), "dwelling", "90.50", text, f"@k{n}"])
    return buffer.getvalue().encode()


@pytest.fixture
def hostile(app, make):
    """A community with the hostile roster, an open meeting on it, an open consultation with a
    hostile comment, and a committee member's login and API token."""
    from voting.consultations import services as consultations
    from voting.consultations.models import ConsultationParticipant
    from voting.consultations.participation import add_comment
    from voting.rosters.models import Community
    from voting.rosters.services import import_roster

    community = make.community(roster=None)
    with app.app_context():
        import_roster(db.session.get(Community, community.id), hostile_roster(), "roster.csv")
        db.session.commit()
    meeting = MeetingKit(app).open(community.id, [motion("=续聘物业服务企业")])
    with app.test_request_context():
        row = db.session.get(Community, community.id)
        topic = consultations.create_consultation(row, "+充电桩", utcnow() + timedelta(days=7))
        consultations.open_consultation(topic)
        participant = db.session.scalars(
            select(ConsultationParticipant).where(
                ConsultationParticipant.consultation_id == topic.id
            )
        ).first()
        add_comment(topic, '=HYPERLINK("http://evil","点我")', participant=participant)
        db.session.commit()
        topic_id = topic.id
    committee = make.user("committee", community=community)
    return {
        "community": community.id,
        "meeting": meeting.meeting_id,
        "topic": topic_id,
        "committee": committee,
        "token": make.token(committee),
    }


def csv_cells(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def assert_csv_safe(rows: list[list[str]]) -> set[str]:
    """No cell may start a formula; returns the cells that were neutralised (without the ')."""
    cells = [cell for row in rows for cell in row]
    assert cells
    assert not [cell for cell in cells if cell.startswith(FORMULA_STARTS)]
    return {cell[1:] for cell in cells if cell.startswith("'")}


def assert_xlsx_safe(body: bytes) -> dict[str, list]:
    """No cell is a formula; text that looks like one is a string with Excel's quote prefix.
    Returns each sheet's values."""
    book = load_workbook(io.BytesIO(body))
    values: dict[str, list] = {}
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
                    assert cell.data_type == "s" and cell.quotePrefix, cell.coordinate
        values[sheet.title] = [list(r) for r in sheet.iter_rows(values_only=True)]
    return values


def test_roster_exports_hold_no_formula(client, auth, hostile):
    auth.login(hostile["committee"])
    base = f"/communities/{hostile['community']}/roster/export"
    rows = csv_cells(client.get(base + ".csv").data)
    neutralised = assert_csv_safe(rows)
    assert NAMES <= neutralised
    assert {"=1号楼", "-2号楼", "@k0"} <= neutralised
    # Areas stay as the import format writes them: plain decimal text.
    assert [row[3] for row in rows[1:]] == ["90.50"] * len(HOSTILE)

    sheet = assert_xlsx_safe(client.get(base + ".xlsx").data)["花名册"]
    texts = {cell for row in sheet for cell in row}
    assert NAMES <= texts  # kept as the owners' text, only never a formula
    assert [row[3] for row in sheet[1:]] == ["90.50"] * len(HOSTILE)


def test_credential_links_csv_holds_no_formula(client, auth, hostile):
    auth.login(hostile["committee"])
    page = client.get(f"/meetings/{hostile['meeting']}/credentials.csv")
    api = client.get(
        f"/api/v1/meetings/{hostile['meeting']}/credentials.csv",
        headers={"Authorization": f"Bearer {hostile['token']}"},
    )
    for response in (page, api):
        assert response.status_code == 200
        rows = csv_cells(response.data)
        assert len(rows) == 1 + len(HOSTILE)
        neutralised = assert_csv_safe(rows)
        assert {"@k0", "@k9", "=1号楼", "-2号楼"} <= neutralised
        assert all(row[4].startswith("http://localhost/v/") for row in rows[1:])


def test_consultation_export_holds_no_formula(client, auth, hostile):
    auth.login(hostile["committee"])
    url = f"/communities/{hostile['community']}/consultations/{hostile['topic']}/export.xlsx"
    response = client.get(url)
    assert response.status_code == 200
    sheets = assert_xlsx_safe(response.data)
    overview = {row[0]: row[1:] for row in sheets["概况"] if row and row[0]}
    assert overview["议题"][0] == "+充电桩"
    assert overview["花名册（全部业主）"][0] == len(HOSTILE)  # a number, not text
    comments = sheets["评论"][1:]
    assert comments[0][6] == '=HYPERLINK("http://evil","点我")'
    assert isinstance(comments[0][0], int)


@pytest.mark.parametrize("text", HOSTILE)
def test_the_one_helper_neutralises_each_start(text):
    rows = csv_cells(csv_text(["name"], [[text], [3], [-2], ["1号楼"]]).encode())
    assert rows == [["name"], ["'" + text], ["3"], ["-2"], ["1号楼"]]
    book = new_workbook()
    XlsxSheet(book, "s").row(text, -2, 3)
    cells = next(load_workbook(io.BytesIO(xlsx_bytes(book)))["s"].iter_rows())
    # XML reads a carriage return back as a line feed.
    shown = text.replace("\r", "\n")
    assert (cells[0].value, cells[0].data_type, cells[0].quotePrefix) == (shown, "s", True)
    assert (cells[1].value, cells[1].data_type, cells[2].value) == (-2, "n", 3)
