"""Roster problems in the user's language: zh-CN first, English available."""

from dataclasses import dataclass, field

from voting.errors import DomainError

MESSAGES: dict[str, tuple[str, str]] = {
    "empty_file": ("文件是空的。", "The file is empty."),
    "not_spreadsheet": (
        "无法读取：文件不是 CSV 或 XLSX 表格（旧版 .xls 请在 Excel 中另存为 .xlsx）。",
        "Cannot read the file: it is not a CSV or XLSX spreadsheet "
        "(save an old .xls file as .xlsx in Excel).",
    ),
    "too_large": (
        "文件太大（上限 {limit} MB）。",
        "The file is too large (limit {limit} MB).",
    ),
    "bad_encoding": (
        "无法识别文件编码，请保存为 UTF-8 或 GBK 编码的 CSV。",
        "Cannot tell the file's encoding; save it as CSV in UTF-8 or GBK.",
    ),
    "no_rows": ("表格只有表头，没有任何房屋。", "The sheet has a header but no units."),
    "missing_column": ("缺少必需的列「{column}」。", "The required column “{column}” is missing."),
    "missing_area_column": (
        "缺少面积列：需要「登记面积」「实测面积」「合同面积」中的至少一列。",
        "No area column: at least one of registered_area, surveyed_area, contract_area "
        "is required.",
    ),
    "duplicate_column": ("列「{column}」出现了两次。", "The column “{column}” appears twice."),
    "unknown_column": (
        "未识别的列「{column}」已忽略。",
        "The unknown column “{column}” was ignored.",
    ),
    "required": ("此项必填。", "This field is required."),
    "no_area": (
        "没有任何面积：登记面积、实测面积、合同面积至少填一项。",
        "No area at all: give a registered, surveyed or contract area.",
    ),
    "bad_area": (
        "面积「{value}」无效：必须是大于 0 的数字，最多两位小数。",
        "The area “{value}” is not valid: it must be a number above 0 with at most two decimals.",
    ),
    "bad_unit_type": (
        "类型「{value}」无效：应为 住宅、商业、车位 或 摊位。",
        "The type “{value}” is not valid: use dwelling, commercial, parking or stall.",
    ),
    "bad_flag": ("「{value}」无效：请填 是 或 否。", "“{value}” is not valid: use yes or no."),
    "duplicate_unit": (
        "房屋 {building} {unit} 重复（另见第 {other} 行）。",
        "The unit {building} {unit} appears twice (see also row {other}).",
    ),
    "representative_not_owner": (
        "表决代表「{value}」不在该房屋的业主中。",
        "The representative “{value}” is not one of the unit's owners.",
    ),
    "representative_without_owner": (
        "填写了表决代表，但没有业主。",
        "A representative is given but no owner.",
    ),
    "owner_key_conflict": (
        "业主标识「{key}」在第 {other} 行对应「{other_name}」，此处却是「{name}」。",
        "The owner key “{key}” is “{other_name}” in row {other} but “{name}” here.",
    ),
    "id_conflict": (
        "同一证件号码在第 {other} 行对应「{other_name}」，此处却是「{name}」。",
        "The same ID number belongs to “{other_name}” in row {other} but to “{name}” here.",
    ),
    "bad_id_number": (
        "证件号码格式不正确（应为 18 位身份证号或其他证件号）。",
        "The ID number is not valid (18-character resident ID or another ID number).",
    ),
    "bad_phone": ("手机号格式不正确。", "The phone number is not valid."),
    "too_long": ("内容太长（最多 {limit} 个字符）。", "Too long (at most {limit} characters)."),
    "more_problems": (
        "另有 {count} 个问题未列出；请先修改以上问题，再重新上传。",
        "{count} more problems are not listed; fix the ones above and upload again.",
    ),
    "identity_as_number": (
        "「{value}」是数字格式：Excel 的数字只保留 15 位有效数字，证件号码或手机号会被改动"
        "（如 1.10105E+17）。请把「{column}」列的单元格格式设为文本格式（文本），"
        "重新填入完整号码后再上传。",
        "“{value}” is stored as a number: spreadsheets keep only 15 significant digits of a "
        "number, so ID and phone numbers get changed (e.g. 1.10105E+17). Format the column "
        "“{column}” as text, enter the full numbers again, then upload.",
    ),
    "bad_owner_key": (
        "业主标识「{value}」无效：不能包含「+」，也不能是 developer 或以 unit: 开头。",
        "The owner key “{value}” is not valid: it may not contain “+”, be “developer” or "
        "start with “unit:”.",
    ),
    "plus_in_co_owner": (
        "填写了业主标识时，共有人姓名「{value}」中不能有「+」；请用 、 或 ; 分隔共有人。",
        "With an owner key, the co-owners “{value}” may not contain “+”; separate co-owners "
        "with 、 or ;.",
    ),
    "too_many_rows": (
        "行数太多（上限 {limit} 行）。",
        "Too many rows (at most {limit}).",
    ),
    "too_many_columns": (
        "列数太多（上限 {limit} 列）；请删除多余的列后再上传。",
        "Too many columns (at most {limit}); delete the extra columns and upload again.",
    ),
    "too_many_cells": (
        "表格的单元格太多或使用范围太大（上限 {limit} 个单元格）；请只保留花名册所在的区域，"
        "删除其余单元格后再上传。",
        "The sheet has too many cells or too large a used range (at most {limit} cells); keep "
        "only the roster's area, delete every other cell and upload again.",
    ),
    "xlsx_too_large_unzipped": (
        "XLSX 文件解压后太大（上限 {limit} MB）。",
        "The XLSX file is too large once unpacked (limit {limit} MB).",
    ),
    "xlsx_compression": (
        "XLSX 文件的压缩比异常（超过 {ratio} 倍），已拒绝读取。",
        "The XLSX file is compressed more than {ratio} times: it was not read.",
    ),
    "line_too_long": (
        '一行或一个单元格超过 {limit} 个字符（也可能是某个引号 " 没有配对）。',
        'A line or a cell is longer than {limit} characters (or a quote " is not closed).',
    ),
    "bad_csv": (
        'CSV 格式有误：引号 " 没有配对或位置不对。',
        'The CSV is malformed: a quote " is not closed or is misplaced.',
    ),
    "unit_needs_area": (
        "面积至少填一项，且必须大于 0、最多两位小数。",
        "Give at least one area, above 0 with at most two decimals.",
    ),
}


@dataclass(frozen=True)
class Problem:
    """One problem in a roster file; ``row`` is the spreadsheet row (header is row 1)."""

    code: str
    row: int | None = None
    column: str | None = None
    params: dict = field(default_factory=dict)

    def message(self, lang: str = "zh") -> str:
        """The message alone, in zh or en."""
        zh, en = MESSAGES[self.code]
        return (en if lang.startswith("en") else zh).format(**self.params)

    def describe(self, lang: str = "zh") -> str:
        """Row, column and message, e.g. ``第 4 行「登记面积」：…``."""
        english = lang.startswith("en")
        where = []
        if self.row is not None:
            where.append(f"row {self.row}" if english else f"第 {self.row} 行")
        if self.column:
            where.append(f"column “{self.column}”" if english else f"「{self.column}」")
        prefix = (", ".join(where) + ": ") if english and where else ("".join(where) + "：")
        return (prefix if where else "") + self.message(lang)

    def as_dict(self, lang: str = "zh") -> dict:
        """For the API's error details."""
        return {
            "code": self.code,
            "row": self.row,
            "column": self.column,
            "message": self.describe(lang),
        }


class ProblemList(list):
    """Problems found so far: the first ``limit`` kept, the rest only counted.

    A hostile or broken file can have a problem on each of a million rows; the answer and
    the memory it takes stay bounded.
    """

    def __init__(self, limit: int = 200):
        super().__init__()
        self.limit = limit
        self.more = 0

    def append(self, problem: Problem) -> None:
        """Keep the problem, or only count it once ``limit`` are kept."""
        if len(self) < self.limit:
            super().append(problem)
        else:
            self.more += 1


class RosterRejected(DomainError):
    """The whole file is refused; ``problems`` lists the reasons (capped, with a count of the
    rest as a last ``more_problems`` entry)."""

    api_code = "roster_rejected"

    def __init__(self, problems: list[Problem]):
        more = getattr(problems, "more", 0)
        Exception.__init__(self, f"{len(problems) + more} problem(s) in the roster file")
        self.problems = list(problems)
        if more:
            self.problems.append(Problem("more_problems", params={"count": more}))
        self.code = "roster_rejected"

    def error_details(self, lang: str = "zh") -> list[dict]:
        """Each problem as the roster format states it."""
        return [p.as_dict(lang) for p in self.problems]

    def text(self, lang: str = "zh") -> str:
        """The first problem's message."""
        return self.error_details(lang)[0]["message"]
