"""Read a roster file (FORMATS.md §1) into checked rows, or list every problem in it.

Pure: no Flask, no database. The service turns the rows into units, owners and holdings.
"""

import io
import re
from dataclasses import dataclass, field

from voting.rosters.limits import RosterLimits, check_xlsx, read_csv_rows
from voting.rosters.messages import Problem, ProblemList, RosterRejected
from voting.rules.numbers import parse_area
from voting.typed import area_text

#: Column name -> the header spellings accepted for it (compared without spaces, lower case).
COLUMNS: dict[str, tuple[str, ...]] = {
    "building": ("building", "楼栋", "楼号", "楼栋号"),
    "unit": ("unit", "房号", "房间号", "户号"),
    "unit_type": ("unit_type", "类型", "房屋类型"),
    "registered_area": ("registered_area", "登记面积", "专有部分面积", "area", "产权面积"),
    "surveyed_area": ("surveyed_area", "实测面积"),
    "contract_area": ("contract_area", "合同面积"),
    "owner": ("owner", "业主", "业主姓名"),
    "representative": ("representative", "表决代表"),
    "owner_key": ("owner_key", "业主标识"),
    "id_number": ("id_number", "证件号码", "身份证号", "身份证号码"),
    "phone": ("phone", "手机号", "手机", "联系电话"),
    "developer_held": ("developer_held", "建设单位持有"),
}
#: Chinese header shown in messages for each column.
LABELS = {
    "building": "楼栋",
    "unit": "房号",
    "unit_type": "类型",
    "registered_area": "登记面积",
    "surveyed_area": "实测面积",
    "contract_area": "合同面积",
    "owner": "业主",
    "representative": "表决代表",
    "owner_key": "业主标识",
    "id_number": "证件号码",
    "phone": "手机号",
    "developer_held": "建设单位持有",
}
AREA_COLUMNS = ("registered_area", "surveyed_area", "contract_area")
UNIT_TYPES = {
    "": "dwelling", "住宅": "dwelling", "dwelling": "dwelling", "商业": "commercial",
    "commercial": "commercial", "车位": "parking", "parking": "parking", "摊位": "stall",
    "stall": "stall",
}  # fmt: skip
YES = {"是", "yes", "y", "true", "1", "√"}
NO = {"", "否", "no", "n", "false", "0"}
_HEADER_INDEX = {alias.lower(): name for name, aliases in COLUMNS.items() for alias in aliases}
_ID_RE = re.compile(r"^(\d{17}[\dXx]|\d{15}|[A-Za-z0-9]{6,20})$")
_SPLIT_RE = re.compile(r"[、;；]")
_SCIENTIFIC_RE = re.compile(r"^[+-]?\d+(\.\d*)?[eE][+-]?\d+$")
#: Columns of digits that must be read as text, never as numbers.
IDENTITY_COLUMNS = ("id_number", "phone")
#: Owner keys are joined with "+" and these mark the developer and unknown owners
#: (voting.rules.persons): a key like them could silently merge two different people.
_RESERVED_KEY_RE = re.compile(r"^(developer|unit:.*)$|\+", re.IGNORECASE)
MAX_TEXT = 200
#: Magic bytes of files people upload by mistake: PDF, old .xls (OLE2), images, gzip.
NOT_TABLES = (b"%PDF", b"\xd0\xcf\x11\xe0", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\x1f\x8b")


@dataclass
class RosterRow:
    """One checked unit row of a roster file."""

    row: int
    building: str
    unit: str
    unit_type: str
    registered_area: int | None
    surveyed_area: int | None
    contract_area: int | None
    owners: list[str]
    representative: str | None
    owner_key: str | None
    id_number: str | None
    phone: str | None
    is_developer_held: bool


@dataclass
class ParsedRoster:
    """The rows of an accepted file and the warnings to show with the import report."""

    rows: list[RosterRow]
    warnings: list[Problem] = field(default_factory=list)


def parse_roster(
    data: bytes, filename: str = "", limits: RosterLimits | None = None
) -> ParsedRoster:
    """Read and check a whole CSV or XLSX file within ``limits``; raise RosterRejected listing
    its problems (the first ``limits.max_problems`` and a count of the rest)."""
    limits = limits or RosterLimits()
    if len(data) > limits.max_bytes:
        raise RosterRejected([Problem("too_large", params={"limit": limits.max_bytes // 2**20})])
    if not data.strip(b"\xef\xbb\xbf \r\n\t,"):
        raise RosterRejected([Problem("empty_file")])
    table = _read_table(data, filename, limits)
    if not table:
        raise RosterRejected([Problem("empty_file")])
    return _check_table(table, limits.max_problems)


def _read_table(data: bytes, filename: str, limits: RosterLimits) -> list[list]:
    """The non-empty rows, the header first: text, or for XLSX the cells' values."""
    if data[:4] == b"PK\x03\x04":
        return _read_xlsx(data, limits)
    if (
        filename.lower().endswith((".xlsx", ".xls", ".xlsm"))
        or data.startswith(NOT_TABLES)
        or b"\x00" in data[:4096]
    ):
        raise RosterRejected([Problem("not_spreadsheet")])
    return read_csv_rows(_decode(data), limits)


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise RosterRejected([Problem("bad_encoding")])


def _read_xlsx(data: bytes, limits: RosterLimits) -> list[list]:
    """The first sheet's non-empty rows, read with calamine (fast enough for 50,000 rows) once
    check_xlsx has made sure that its used range fits the limits."""
    from python_calamine import CalamineWorkbook

    check_xlsx(data, limits)
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = book.get_sheet_by_index(0)
        # Row by row: only the non-empty rows, cut to the column limit, become Python lists.
        return [row[: limits.max_columns] for row in sheet.iter_rows() if any(map(_filled, row))]
    except Exception:  # calamine raises its own error types for every unreadable file
        raise RosterRejected([Problem("not_spreadsheet")]) from None


def _filled(value) -> bool:
    return value is not None and (not isinstance(value, str) or bool(value.strip()))


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        # repr() keeps what Excel stored: 12.345 stays 12.345 and is then refused.
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _identity_text(value) -> str | None:
    """An ID number or phone cell as text; None when the cell cannot hold the exact number.

    Excel keeps 15 significant digits of a number: an 18-digit ID number typed into a number
    cell is already changed (110105198001011234 becomes 110105198001011000, shown as
    1.10105E+17), and a CSV saved from it carries the scientific notation.
    """
    if isinstance(value, bool):
        return _cell_text(value)
    if isinstance(value, float):
        if not value.is_integer() or abs(value) >= 10**15:
            return None
        return str(int(value))
    if isinstance(value, int):
        return str(value) if abs(value) < 10**15 else None
    text = _cell_text(value)
    return None if _SCIENTIFIC_RE.match(text.strip()) else text


def _check_table(table: list[list], max_problems: int) -> ParsedRoster:
    header, body = [_cell_text(cell) for cell in table[0]], table[1:]
    problems = ProblemList(max_problems)
    warnings: list[Problem] = []
    positions: dict[str, int] = {}
    for index, raw in enumerate(header):
        name = _HEADER_INDEX.get(re.sub(r"\s+", "", raw).lower())
        if name is None:
            if raw.strip():
                warnings.append(Problem("unknown_column", 1, raw.strip(), {"column": raw.strip()}))
        elif name in positions:
            problems.append(Problem("duplicate_column", 1, raw.strip(), {"column": raw.strip()}))
        else:
            positions[name] = index
    for required in ("building", "unit"):
        if required not in positions:
            label = LABELS[required]
            problems.append(Problem("missing_column", 1, label, {"column": label}))
    if not any(col in positions for col in AREA_COLUMNS):
        problems.append(Problem("missing_area_column", 1))
    if problems:
        raise RosterRejected(problems)
    if not body:
        raise RosterRejected([Problem("no_rows", 2)])

    columns = [(name, positions.get(name)) for name in COLUMNS]
    rows = [
        _check_row(number, cells, columns, problems) for number, cells in enumerate(body, start=2)
    ]
    _check_across_rows(rows, problems)
    if problems:
        raise RosterRejected(problems)
    return ParsedRoster(rows=rows, warnings=warnings)


def _check_row(number: int, cells: list, columns: list, problems: list) -> RosterRow:
    def fail(name: str, code: str, **params) -> None:
        problems.append(Problem(code, number, LABELS[name], params))

    width = len(cells)
    values = {}
    for name, index in columns:
        cell = cells[index] if index is not None and index < width else None
        text = _identity_text(cell) if name in IDENTITY_COLUMNS else _cell_text(cell)
        if text is None:
            fail(name, "identity_as_number", value=_cell_text(cell)[:40], column=LABELS[name])
            text = ""
        values[name] = text.strip()
    for name, value in values.items():
        if len(value) > MAX_TEXT:
            fail(name, "too_long", limit=MAX_TEXT)
            values[name] = value[:MAX_TEXT]
    for name in ("building", "unit"):
        if not values[name]:
            fail(name, "required")
    areas: dict[str, int | None] = {}
    for name in AREA_COLUMNS:
        areas[name] = _area(values[name])
        if areas[name] == -1:
            fail(name, "bad_area", value=values[name])
    if all(areas[name] is None for name in AREA_COLUMNS):
        fail("registered_area", "no_area")
    unit_type = UNIT_TYPES.get(values["unit_type"].lower())
    if unit_type is None:
        fail("unit_type", "bad_unit_type", value=values["unit_type"])
    flag = values["developer_held"].lower()
    if flag not in YES and flag not in NO:
        fail("developer_held", "bad_flag", value=values["developer_held"])
    owners = [name.strip() for name in _SPLIT_RE.split(values["owner"]) if name.strip()]
    representative = values["representative"] or None
    if representative and not owners:
        fail("representative", "representative_without_owner")
    elif representative and representative not in owners:
        fail("representative", "representative_not_owner", value=representative)
    if values["owner_key"] and _RESERVED_KEY_RE.search(values["owner_key"]):
        fail("owner_key", "bad_owner_key", value=values["owner_key"])
    if values["owner_key"] and len(owners) > 1 and any("+" in name for name in owners):
        # With an owner key, each co-owner's key is "<key>/<name>": "+" is reserved there too.
        fail("owner", "plus_in_co_owner", value=values["owner"])
    id_number = values["id_number"].replace(" ", "") or None
    if id_number and not _ID_RE.match(id_number):
        fail("id_number", "bad_id_number")
    phone = re.sub(r"[\s\-+()]", "", values["phone"]) or None
    if phone and not (phone.isdigit() and 7 <= len(phone) <= 15):
        fail("phone", "bad_phone")
    return RosterRow(
        row=number,
        building=values["building"],
        unit=values["unit"],
        unit_type=unit_type or "dwelling",
        registered_area=_valid(areas["registered_area"]),
        surveyed_area=_valid(areas["surveyed_area"]),
        contract_area=_valid(areas["contract_area"]),
        owners=owners,
        representative=representative,
        owner_key=values["owner_key"] or None,
        id_number=id_number.upper() if id_number else None,
        phone=phone,
        is_developer_held=flag in YES,
    )


def _area(text: str) -> int | None:
    """Hundredths of a square metre; None when empty, -1 when not a valid area."""
    try:
        return unit_area(text)
    except ValueError:
        return -1


def _valid(value: int | None) -> int | None:
    return value if value is not None and value > 0 else None


def unit_area(text: str) -> int | None:
    """A unit's area as typed in a roster cell or on the unit form, in hundredths of m²
    (``parse_area`` of its document form); None when nothing is typed; ValueError when it is
    not an area above 0 with at most two decimals."""
    if not text:
        return None
    cents = parse_area(area_text(text))
    if cents <= 0:
        raise ValueError(f"not an area above 0: {text!r}")
    return cents


def _check_across_rows(rows: list[RosterRow], problems: list[Problem]) -> None:
    seen_units: dict[tuple[str, str], int] = {}
    seen_keys: dict[str, tuple[int, list[str]]] = {}
    seen_ids: dict[str, tuple[int, list[str]]] = {}
    for row in rows:
        where = (row.building, row.unit)
        if where in seen_units:
            problems.append(
                Problem(
                    "duplicate_unit",
                    row.row,
                    LABELS["unit"],
                    {"building": row.building, "unit": row.unit, "other": seen_units[where]},
                )
            )
        else:
            seen_units[where] = row.row
        for value, seen, code, column in (
            (row.owner_key, seen_keys, "owner_key_conflict", "owner_key"),
            (row.id_number, seen_ids, "id_conflict", "id_number"),
        ):
            if not value:
                continue
            # An ID number belongs to one person: the representative or the sole owner.
            names = sorted(row.owners) if column == "owner_key" else [_holder(row)]
            if value not in seen:
                seen[value] = (row.row, names)
            elif seen[value][1] != names:
                other_row, other_names = seen[value]
                params = {"key": value, "other": other_row, "other_name": "、".join(other_names),
                          "name": "、".join(names)}  # fmt: skip
                problems.append(Problem(code, row.row, LABELS[column], params))


def _holder(row: RosterRow) -> str:
    """Whose ID number and phone a row gives: the representative, else the first owner."""
    return row.representative or (row.owners[0] if row.owners else "")
