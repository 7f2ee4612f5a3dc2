"""Roster export in the import format (FORMATS.md §1), identity data masked."""

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from voting.db import db
from voting.rosters.models import Holding, Unit
from voting.spreadsheets import XlsxSheet, csv_text, new_workbook, xlsx_bytes

HEADER = ["楼栋", "房号", "类型", "登记面积", "实测面积", "合同面积", "业主", "表决代表",
          "业主标识", "建设单位持有", "证件号码（脱敏）", "手机号（脱敏）"]  # fmt: skip
TYPE_LABELS = {"dwelling": "住宅", "commercial": "商业", "parking": "车位", "stall": "摊位"}


def _area(value: int | None) -> str:
    return "" if value is None else f"{value // 100}.{value % 100:02d}"


def roster_rows(community_id: int):
    """One list of cells per unit, in building and number order."""
    units = db.session.scalars(
        select(Unit)
        .where(Unit.community_id == community_id)
        .options(selectinload(Unit.holdings).selectinload(Holding.owner))
        .order_by(Unit.building, Unit.number)
    )
    for unit in units:
        owners = [h.owner for h in unit.holdings]
        representative = next((h.owner.name for h in unit.holdings if h.is_representative), "")
        keys = {o.key for o in owners}
        holder = next((h.owner for h in unit.holdings if h.is_representative), None) or (
            owners[0] if owners else None
        )
        yield [
            unit.building, unit.number, TYPE_LABELS.get(unit.unit_type, unit.unit_type),
            _area(unit.registered_area), _area(unit.surveyed_area), _area(unit.contract_area),
            "、".join(o.name for o in owners), representative,
            keys.pop() if len(keys) == 1 else "",
            "是" if unit.is_developer_held else "",
            (holder.id_masked or "") if holder else "",
            (holder.phone_masked or "") if holder else "",
        ]  # fmt: skip


def export_csv(community_id: int) -> bytes:
    """UTF-8 with a BOM, so that Excel on a Chinese PC opens it correctly."""
    return csv_text(HEADER, roster_rows(community_id)).encode("utf-8")


def export_xlsx(community_id: int) -> bytes:
    """The roster as an XLSX workbook."""
    book = new_workbook()
    sheet = XlsxSheet(book, "花名册")
    sheet.row(*HEADER)
    for row in roster_rows(community_id):
        sheet.row(*row)
    return xlsx_bytes(book)
