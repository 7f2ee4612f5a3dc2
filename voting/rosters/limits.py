"""Bounds on a roster file, checked before it is read, so that no upload within the size limit
can make a worker allocate more than a few hundred megabytes or work for long.

Pure: no Flask, no database. An XLSX file is a zip of XML parts; its first sheet is scanned as
a stream (never whole in memory) for its declared dimension, the used range of its cells and
their number, and every part's uncompressed size and compression ratio is checked, before
the reader (calamine, which allocates the whole used range at once) sees it. A CSV file is
read line by line with a bound on the line, the field, the rows and the columns.
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
import threading
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from voting.rosters.messages import Problem, RosterRejected

MB = 2**20


@dataclass(frozen=True)
class RosterLimits:
    """What a roster file may hold; the defaults suit a community of 50,000 units."""

    max_bytes: int = 10 * MB
    max_rows: int = 50_000
    max_columns: int = 64
    max_cells: int = 1_000_000
    max_unzipped_bytes: int = 100 * MB
    max_ratio: int = 100
    max_line: int = 10_000
    max_problems: int = 200


def _refuse(code: str, row: int | None = None, **params) -> RosterRejected:
    return RosterRejected([Problem(code, row, params=params)])


# --- XLSX ------------------------------------------------------------------------------------

#: A tag that opens a row or a cell, with or without a namespace prefix; group 2 its attributes.
_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c)(?=[\s/>])([^>]*)>")
_REF = re.compile(rb'\sr="([A-Z]{0,3})(\d{1,7})"')
_DIMENSION = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?dimension\s[^>]*?ref="([^"]{1,40})"')
_CELL_REF = re.compile(r"^\$?([A-Z]{1,3})\$?(\d{1,7})$")
_SHEET = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?sheet\s([^>]*)>")
_SHEET_RELATION = re.compile(rb'(?:^|\s)(?:[A-Za-z_][\w.-]*:)?id="([^"]{1,100})"')
_RELATIONSHIP = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?Relationship\s([^>]*)>")
_ATTRIBUTE = re.compile(rb'\b(Id|Target)="([^"]{1,300})"')
#: Parts read whole to find the first sheet (workbook.xml and its relationships) are small.
_SMALL_PART = 4 * MB
_CHUNK = MB


def column_number(letters: str) -> int:
    """``A`` -> 1, ``XFD`` -> 16384."""
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def check_xlsx(data: bytes, limits: RosterLimits) -> None:
    """Refuse an XLSX file that is not a workbook or is larger, once read, than the limits."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        parts = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise _refuse("not_spreadsheet") from None
    limit_mb = limits.max_unzipped_bytes // MB
    if len(parts) > 10_000 or sum(p.file_size for p in parts) > limits.max_unzipped_bytes:
        raise _refuse("xlsx_too_large_unzipped", limit=limit_mb)
    for part in parts:
        # Small parts compress well and are harmless; a large part this compressed is a bomb.
        if part.file_size > MB and part.file_size > limits.max_ratio * max(part.compress_size, 1):
            raise _refuse("xlsx_compression", ratio=limits.max_ratio)
    sheet = _first_sheet(archive)
    try:
        _scan_sheet(archive, sheet, limits)
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError):
        # A part that does not decompress to what its entry declares (or is encrypted).
        raise _refuse("not_spreadsheet") from None


def _read_small(archive: zipfile.ZipFile, name: str) -> bytes:
    try:
        info = archive.getinfo(name)
    except KeyError:
        raise _refuse("not_spreadsheet") from None
    if info.file_size > _SMALL_PART:
        raise _refuse("not_spreadsheet")
    try:
        return archive.read(info)
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError):
        raise _refuse("not_spreadsheet") from None


def _first_sheet(archive: zipfile.ZipFile) -> str:
    """The path of the workbook's first sheet, as a reader opens it."""
    workbook = _read_small(archive, "xl/workbook.xml")
    first = _SHEET.search(workbook)
    relation = _SHEET_RELATION.search(first.group(1)) if first else None
    if relation is None:
        raise _refuse("not_spreadsheet")
    rel_id = relation.group(1)
    for match in _RELATIONSHIP.finditer(_read_small(archive, "xl/_rels/workbook.xml.rels")):
        attributes = dict(_ATTRIBUTE.findall(match.group(1)))
        if attributes.get(b"Id") == rel_id and b"Target" in attributes:
            target = attributes[b"Target"].decode("utf-8", "replace")
            return target.lstrip("/") if target.startswith("/") else "xl/" + target
    raise _refuse("not_spreadsheet")


def _scan_sheet(archive: zipfile.ZipFile, name: str, limits: RosterLimits) -> None:
    """Stream the sheet's XML: declared dimension, used range and number of cells."""
    try:
        stream = archive.open(name)
    except KeyError:
        raise _refuse("not_spreadsheet") from None
    max_row = max_column = cells = rows = loose_rows = loose_cells = 0
    carry, seen, first = b"", 0, True
    with stream:
        while chunk := stream.read(_CHUNK):
            seen += len(chunk)
            if seen > limits.max_unzipped_bytes:
                raise _refuse("xlsx_too_large_unzipped", limit=limits.max_unzipped_bytes // MB)
            text = carry + chunk
            cut = text.rfind(b"<")
            text, carry = (text[:cut], text[cut:]) if cut >= 0 else (text, b"")
            if len(carry) > 64 * 1024:  # one tag cannot be this long in a real sheet
                raise _refuse("not_spreadsheet")
            if first:
                _check_dimension(text, limits)
                first = False
            for tag, attributes in _TAG.findall(text):
                ref = _REF.search(attributes)
                if tag == b"c":
                    cells += 1
                    if ref is None or not ref.group(1):
                        loose_cells += 1
                    else:
                        max_column = max(max_column, column_number(ref.group(1).decode()))
                        max_row = max(max_row, int(ref.group(2)))
                else:
                    rows += 1
                    if ref is None:
                        loose_rows += 1
                    else:
                        max_row = max(max_row, int(ref.group(2)))
            # Stop at the first chunk that goes beyond a limit, not at the end of the sheet.
            if cells > limits.max_cells:
                raise _refuse("too_many_cells", limit=limits.max_cells)
            _check_range(max(max_row, rows), max_column, limits)
    # Rows and cells without a reference follow the one before: bound them from above.
    height = max(max_row, rows) + loose_rows
    width = max_column + loose_cells
    _check_range(height, width, limits)


def _check_dimension(head: bytes, limits: RosterLimits) -> None:
    """The ``<dimension ref="A1:L5000"/>`` a writer declares, if any, within the limits."""
    found = _DIMENSION.search(head[: 64 * 1024])
    if found is None:
        return
    last = found.group(1).decode("ascii", "replace").split(":")[-1]
    match = _CELL_REF.match(last)
    if match is None:
        raise _refuse("not_spreadsheet")
    _check_range(int(match.group(2)), column_number(match.group(1)), limits)


def _check_range(height: int, width: int, limits: RosterLimits) -> None:
    if height > limits.max_rows + 1:  # the header is one more row
        raise _refuse("too_many_rows", limit=limits.max_rows)
    if width > limits.max_columns:
        raise _refuse("too_many_columns", limit=limits.max_columns)
    if height * width > limits.max_cells:
        raise _refuse("too_many_cells", limit=limits.max_cells)


# --- CSV -------------------------------------------------------------------------------------

#: The csv module's field limit is one setting for the whole process: it is changed only
#: under this lock, for the time one roster is read, and put back afterwards.
_FIELD_LIMIT_LOCK = threading.Lock()


@contextlib.contextmanager
def csv_field_limit(limit: int) -> Iterator[None]:
    """Let csv readers in this block refuse fields longer than ``limit`` characters."""
    with _FIELD_LIMIT_LOCK:
        previous = csv.field_size_limit(limit)
        try:
            yield
        finally:
            csv.field_size_limit(previous)


def guess_delimiter(text: str) -> str:
    """Comma, tab or semicolon: whichever the header line holds most of (comma on a tie).

    The quote character is always ``"`` (RFC 4180): guessing it from the data would let one
    stray ``'`` in a name swallow the rows after it.
    """
    header = text[: text.find("\n")] if "\n" in text[:65536] else text[:65536]
    header = header.split("\r", 1)[0]
    counts = {d: header.count(d) for d in (",", "\t", ";")}
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


def read_csv_rows(text: str, limits: RosterLimits) -> list[list[str]]:
    """The non-empty rows of a CSV text, each cut to ``max_columns`` cells; refused when a
    line or field is too long, a quote is never closed, or there are too many rows."""
    delimiter = guess_delimiter(text)

    def lines() -> Iterator[str]:
        # newline="" keeps CR, LF and CRLF line ends alike for the csv reader.
        for number, line in enumerate(io.StringIO(text, newline=""), start=1):
            if len(line) > limits.max_line:
                raise _refuse("line_too_long", number, limit=limits.max_line)
            yield line

    rows: list[list[str]] = []
    reader = csv.reader(lines(), delimiter=delimiter, quotechar='"', strict=True)
    with csv_field_limit(limits.max_line):
        try:
            for row in reader:
                if not any(cell.strip() for cell in row):
                    continue
                if len(rows) > limits.max_rows:  # the header is one more row
                    raise _refuse("too_many_rows", limit=limits.max_rows)
                rows.append(row[: limits.max_columns])
        except csv.Error as error:
            code = "line_too_long" if "field larger" in str(error) else "bad_csv"
            raise _refuse(code, reader.line_num or 1, limit=limits.max_line) from None
    return rows
