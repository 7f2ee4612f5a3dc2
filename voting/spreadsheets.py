"""CSV and XLSX exports that a spreadsheet opens without running anything in them.

Text from owners and rosters may begin like a formula (``=HYPERLINK(...)``, ``+1+1``,
``@SUM(1,1)``). Following OWASP's advice on CSV injection, such a CSV cell gets a leading
single quote; in XLSX the text is written as a string cell with Excel's quote prefix, which
keeps the text as it is and stays text when someone edits the cell. Numbers stay numbers.
"""

import csv
import io
from collections.abc import Iterable
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

#: What a spreadsheet may read as the start of a formula, in ASCII and full width.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def is_formula_like(value: object) -> bool:
    """Whether a cell's value is text that a spreadsheet could take for a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def neutralise(value: object) -> object:
    """A CSV cell's value, with a single quote before text that could start a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_text(header: Iterable[object], rows: Iterable[Iterable[object]]) -> str:
    """A CSV file (CRLF line ends) with a BOM, so that Excel on a Chinese PC reads UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(cell) for cell in header])
    writer.writerows([neutralise(cell) for cell in row] for row in rows)
    return "\ufeff" + buffer.getvalue()


class XlsxSheet:
    """A sheet of a write-only workbook whose text cells are strings, never formulas."""

    def __init__(self, book: Workbook, title: str):
        self.sheet = book.create_sheet(title)

    def row(self, *values: object) -> None:
        """Append one row: text as string cells, numbers as numbers (decimals with 0.00)."""
        cells = []
        for value in values:
            cell = WriteOnlyCell(self.sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"
                if is_formula_like(value):
                    cell.quotePrefix = True
            elif isinstance(value, Decimal):
                cell.number_format = "0.00"
            cells.append(cell)
        self.sheet.append(cells)


def new_workbook() -> Workbook:
    """An empty write-only workbook; add sheets with ``XlsxSheet``."""
    return Workbook(write_only=True)


def xlsx_bytes(book: Workbook) -> bytes:
    """The workbook as the bytes of an .xlsx file."""
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
