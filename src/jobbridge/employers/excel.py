"""Vacancy spreadsheets: the fill-in template, reading an upload, and writing an export (openpyxl, no database)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation

from jobbridge.errors import DomainError
from jobbridge.vocab import BENEFITS, EDUCATION_LEVELS, EMPLOYMENT_TYPES, PAY_KINDS

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATA_SHEET = "岗位"
HELP_SHEET = "填写说明"
LISTS_SHEET = "选项"
MAX_ROWS = 2000
PUSH_SCOPE_LABELS = ("全区", "指定镇街", "指定村居")


@dataclass(frozen=True)
class SheetColumn:
    """One column of the template: the field it fills, its Chinese header and how to fill it."""

    key: str
    header: str
    required: bool = False
    help: str = ""
    choices: tuple[str, ...] = ()
    width: int = 14


COLUMNS: tuple[SheetColumn, ...] = (
    SheetColumn("title", "岗位名称", True, "2到40个字，如“电焊工”", width=16),
    SheetColumn("occupation_code", "职业代码", False, "可不填，系统按岗位名称自动识别；如 6-18-02-04"),
    SheetColumn("headcount", "招聘人数", False, "整数，不填按1人", width=10),
    SheetColumn("employment_type", "用工形式", True, "从下拉框选择", EMPLOYMENT_TYPES, width=12),
    SheetColumn("pay_kind", "薪酬方式", True, "从下拉框选择：月薪、日薪或计件", PAY_KINDS, width=10),
    SheetColumn("pay_low", "薪酬下限（元）", True, "数字；下限和上限至少填一个", width=12),
    SheetColumn("pay_high", "薪酬上限（元）", False, "数字，不低于下限", width=12),
    SheetColumn("pay_unit", "计件单位", False, "计件工资必填，如“元/件”", width=10),
    SheetColumn("min_education", "最低学历", False, "从下拉框选择，不填为不限", EDUCATION_LEVELS, width=10),
    SheetColumn("experience", "工作经验", False, "如“1年以上”，不填为不限", width=10),
    SheetColumn("age_min", "最低年龄", False, "16到70的整数，可不填", width=9),
    SheetColumn("age_max", "最高年龄", False, "16到70的整数，可不填", width=9),
    SheetColumn("skills", "技能要求", False, "最多500字", width=20),
    SheetColumn("description", "岗位描述", True, "至少10个字，写清工作内容", width=36),
    SheetColumn("benefits", "福利待遇", False, "多个用顿号分隔，可选：" + "、".join(BENEFITS), width=20),
    SheetColumn("town", "工作镇街", True, "从下拉框选择", width=14),
    SheetColumn("village", "工作村居", False, "村居名称，须在所填镇街内，可不填", width=14),
    SheetColumn("address", "工作地址", False, "最多200字", width=20),
    SheetColumn("working_hours", "工作时间", False, "如“8:00-17:00，月休4天”", width=18),
    SheetColumn("valid_until", "有效期至", True, "日期，如 2026-12-31；今天起90天以内", width=12),
    SheetColumn("push_scope", "推送范围", False, "全区、指定镇街或指定村居，不填为全区", PUSH_SCOPE_LABELS, width=10),
    SheetColumn("push_targets", "推送目标", False, "推送范围为指定镇街/村居时必填：名称用顿号分隔，村居可写“镇街/村居”",
                width=20),
)
# Export-only columns appended after the template's.
EXPORT_EXTRA: tuple[SheetColumn, ...] = (
    SheetColumn("id", "岗位编号", width=9), SheetColumn("status", "状态", width=9),
    SheetColumn("interests", "报名人数", width=9), SheetColumn("published_at", "发布时间", width=16),
)
EMPLOYER_COLUMN = SheetColumn("employer", "用工单位", width=24)

_HEADER_FILL = PatternFill("solid", fgColor="B3261E")
_HEADER_FONT = Font(bold=True, color="FFFFFF")


class SheetError(DomainError):
    """The upload is not a usable vacancy sheet."""

    def __init__(self, message: str, *, code: str = "excel.invalid") -> None:
        super().__init__(message, code=code, field="file")


def header_label(column: SheetColumn) -> str:
    """The header cell text: required columns carry a star."""
    return f"{column.header}*" if column.required else column.header


def _normalise_header(text: object) -> str:
    return "".join(str(text or "").split()).rstrip("*＊").replace("(", "（").replace(")", "）")


_BY_HEADER = {_normalise_header(c.header): c for c in COLUMNS} | {
    _normalise_header(c.header.split("（")[0]): c for c in COLUMNS
}


def _save(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _style_header(sheet, columns: Sequence[SheetColumn]) -> None:  # noqa: ANN001
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index, value=header_label(column))
        cell.fill, cell.font = _HEADER_FILL, _HEADER_FONT
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    sheet.row_dimensions[1].height = 30


def build_template(*, town_names: Sequence[str], example: dict[str, str] | None = None) -> bytes:
    """The fill-in workbook: one Chinese header row with drop-downs, an instructions sheet and the choice lists."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = DATA_SHEET
    _style_header(sheet, COLUMNS)
    lists = workbook.create_sheet(LISTS_SHEET)
    choices = {c.key: c.choices for c in COLUMNS if c.choices} | {"town": tuple(town_names)}
    for list_index, (key, values) in enumerate(choices.items(), start=1):
        letter = get_column_letter(list_index)
        lists.cell(row=1, column=list_index, value=next(c.header for c in COLUMNS if c.key == key))
        for row, value in enumerate(values, start=2):
            lists.cell(row=row, column=list_index, value=value)
        column_index = next(i for i, c in enumerate(COLUMNS, start=1) if c.key == key)
        target = get_column_letter(column_index)
        validation = DataValidation(
            type="list", formula1=f"'{LISTS_SHEET}'!${letter}$2:${letter}${len(values) + 1}", allow_blank=True,
            showErrorMessage=True, errorTitle="请从下拉框选择", error=f"请从下拉框选择{COLUMNS[column_index - 1].header}",
        )
        validation.add(f"{target}2:{target}{MAX_ROWS + 1}")
        sheet.add_data_validation(validation)
    lists.sheet_state = "hidden"
    for key, kind, low, high in (("headcount", "whole", 1, 999), ("age_min", "whole", 16, 70),
                                 ("age_max", "whole", 16, 70)):
        column_index = next(i for i, c in enumerate(COLUMNS, start=1) if c.key == key)
        letter = get_column_letter(column_index)
        validation = DataValidation(type=kind, operator="between", formula1=str(low), formula2=str(high),
                                    allow_blank=True, showErrorMessage=True, errorTitle="数字不正确",
                                    error=f"请填写{low}到{high}之间的整数")
        validation.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
        sheet.add_data_validation(validation)
    until = get_column_letter(next(i for i, c in enumerate(COLUMNS, start=1) if c.key == "valid_until"))
    sheet.column_dimensions[until].number_format = "yyyy-mm-dd"
    dates = DataValidation(type="date", operator="greaterThan", formula1="DATE(2000,1,1)", allow_blank=True,
                           showErrorMessage=True, errorTitle="日期不正确", error="请填写日期，如 2026-12-31")
    dates.add(f"{until}2:{until}{MAX_ROWS + 1}")
    sheet.add_data_validation(dates)
    _help_sheet(workbook.create_sheet(HELP_SHEET, 1), example=example or {})
    return _save(workbook)


def _help_sheet(sheet, *, example: dict[str, str]) -> None:  # noqa: ANN001
    sheet["A1"] = "岗位批量导入填写说明"
    sheet["A1"].font = Font(bold=True, size=14)
    notes = (
        "1. 在“岗位”工作表中每行填写一个岗位，不要修改第一行表头；带 * 的列必须填写。",
        "2. 上传后系统会逐行检查，列出每个有问题的行号、列名和原因；确认后才会导入没有问题的行。",
        "3. 同一份表格重复上传不会重复导入：内容完全相同的行会自动跳过。",
        "4. 岗位描述中不得含有性别、户籍、民族、婚育、健康等歧视性要求，不得收取押金或任何费用。",
        "5. 导入后的岗位可以先保存为草稿，也可以直接提交审核；审核通过后才会对求职者公开。",
    )
    for row, note in enumerate(notes, start=3):
        sheet.cell(row=row, column=1, value=note)
    start = len(notes) + 4
    for index, text in enumerate(("列名", "是否必填", "填写要求", "示例"), start=1):
        cell = sheet.cell(row=start, column=index, value=text)
        cell.fill, cell.font = _HEADER_FILL, _HEADER_FONT
    for offset, column in enumerate(COLUMNS, start=1):
        sheet.cell(row=start + offset, column=1, value=column.header)
        sheet.cell(row=start + offset, column=2, value="必填" if column.required else "选填")
        sheet.cell(row=start + offset, column=3, value=column.help)
        sheet.cell(row=start + offset, column=4, value=example.get(column.key, ""))
    for letter, width in (("A", 16), ("B", 10), ("C", 60), ("D", 30)):
        sheet.column_dimensions[letter].width = width


def _cell_text(value: object) -> str | date:
    """A cell as text (dates stay dates; whole floats lose their ".0")."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_rows(content: bytes) -> list[tuple[int, dict[str, str | date]]]:
    """The filled rows of an upload as (sheet row number, column key → text); raises SheetError in Chinese."""
    if not content:
        raise SheetError("上传的文件是空的，请选择填写好的表格", code="excel.empty")
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise SheetError("无法读取该文件，请上传用模板填写的 .xlsx 文件（不支持 .xls 和 .csv）",
                         code="excel.unreadable") from exc
    try:
        names = workbook.sheetnames
        sheet = workbook[DATA_SHEET] if DATA_SHEET in names else workbook[names[0]]
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None) or ()
        positions: dict[str, int] = {}
        for index, text in enumerate(header):
            column = _BY_HEADER.get(_normalise_header(text))
            if column is not None and column.key not in positions:
                positions[column.key] = index
        missing = [header_label(c) for c in COLUMNS if c.required and c.key not in positions]
        if missing:
            raise SheetError(f"表格第1行缺少这些列：{'、'.join(missing)}。请下载最新模板，不要修改表头。",
                             code="excel.columns")
        found: list[tuple[int, dict[str, str | date]]] = []
        for number, values in enumerate(rows, start=2):
            record = {key: _cell_text(values[i]) if i < len(values) else "" for key, i in positions.items()}
            if not any(v for v in record.values()):
                continue
            if len(found) >= MAX_ROWS:
                raise SheetError(f"一次最多导入{MAX_ROWS}行，请分成几个文件上传", code="excel.too_many")
            found.append((number, record))
    finally:
        workbook.close()
    if not found:
        raise SheetError("表格中没有填写任何岗位（从第2行开始填写）", code="excel.no_rows")
    return found


def write_rows(*, rows: Iterable[dict[str, object]], columns: Sequence[SheetColumn], title: str = DATA_SHEET) -> bytes:
    """A workbook with one header row and one row per dict (keys are column keys)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    _style_header(sheet, columns)
    for row_index, row in enumerate(rows, start=2):
        for col_index, column in enumerate(columns, start=1):
            value = row.get(column.key, "")
            cell = sheet.cell(row=row_index, column=col_index, value=value if value is not None else "")
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"  # text typed by employers is never a formula in staff's spreadsheet
            if isinstance(value, date):
                cell.number_format = "yyyy-mm-dd"
    return _save(workbook)
