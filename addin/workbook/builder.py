"""Building contract workbooks (the template and the example) with XlsxWriter, deterministically.

The same inputs give the same bytes: fixed document dates, no volatile metadata, and
XlsxWriter's fixed zip timestamps.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from ..contract import schema
from ..contract.schema import Kind, TableSpec
from ..core.rules import KIND_LINEAR
from ..package.save import FIXED_CREATED
from ..report.metrics import PAD, text_units

__all__ = ["AMOUNT_INPUT_FORMAT", "BuildOptions", "Formula", "QuickCheck", "build_workbook"]

_TITLE_ROW = 0
_NOTE_ROW = 1
_HEADER_ROW = 2  # 0-based: tables start on sheet row 3

_WIDTHS: Mapping[str, float] = {
    "项目": 16,
    "内容": 44,
    "单位名称": 26,
    "单位级次": 10,
    "合同编号": 16,
    "采购类别": 10,
    "供应商规模": 11,
    "签订日期": 12,
    "备注": 16,
    "一级指标": 11,
    "二级指标": 11,
    "三级指标": 24,
    "分值": 7,
    "指标方向": 9,
    "目标值": 11,
    "实际值": 11,
    "数据来源": 20,
    "计分方法": 12,
    "自评得分": 9,
    "偏差原因": 30,
    "规则名称": 14,
    "规则类型": 9,
    "下限": 10,
    "上限": 10,
    "得分比例": 10,
    "每点扣分": 10,
    "每档": 8,
    "得分系数": 9,
    "章节": 22,
    "项目名称": 26,
    "主管部门": 22,
    "实施单位": 20,
    "执行率分值": 10,
    "年度总体目标": 40,
    "实际完成情况": 40,
    "资金来源": 13,
    "全年执行数": 12,
    "年度指标值": 11,
    "实际完成值": 11,
    "偏差原因分析及改进措施": 30,
}
# An amount column shows a 元 department's amounts whole, up to 13 digits before the point
# (a narrower one prints 6,850,000,000.00 as ###), measured as the report measures its cells;
# its format shows the decimals typed beyond the cents (0.001434 亿元 is not 0.00).
AMOUNT_INPUT_FORMAT = "#,##0.00####"
_AMOUNT_WIDTH = float(math.ceil(text_units("9,999,999,999,999.99") + PAD))
_WIDE: Mapping[tuple[str, str], float] = {("tblNarrative", "内容"): 90}
_TITLES: Mapping[str, str] = {
    "tblInfo": "基本信息（请先填写：部门名称、评价年度、金额单位（万元/元/亿元）；执行率口径默认全年预算数）",
    "tblBudget": "预算执行（每个预算单位一行，金额单位见基本信息；没有支出数的可留空）",
    "tblContracts": "采购合同台账（有合同台账时填写；没有台账可只填采购汇总）",
    "tblProcurement": "采购汇总（按类别填写，中小企业金额只有合计数的留空并加“合计”行；只有总额的只填“合计”行）",
    "tblIndicators": "绩效指标（分值合计应等于指标总分；计分方法为 比率/定性/不适用/得分系数 或计分规则中的规则名称）",
    "tblRules": "计分规则（区间：同名多行，下限含、上限不含；扣分：区间外每点（每档）扣分，上下限可写“目标值”；"
    "超额：上限为允许超过目标值的比例；线性：（1 − 得分比例 × 实际值）× 分值，超过上限不得分）",
    "tblNarrative": "文字材料（报告中的叙述段落，按章节填写）",
    "tblProjects": "项目（每个项目一行；执行率分值默认 10，生成报告时每个项目生成一张项目支出绩效自评表）",
    "tblProjectFunds": "项目资金（每个项目每个资金来源一行；年度资金总额行须等于各资金来源之和，不填则按各来源合计）",
    "tblProjectIndicators": (
        "项目指标（指标分值合计 = 100 − 执行率分值；计分方法与绩效指标相同；未达目标须填写偏差原因分析及改进措施）"
    ),
}
_CHOICES: Mapping[str, Sequence[str]] = {
    "单位级次": schema.LEVELS,
    "采购类别": schema.CATEGORIES,
    "供应商规模": schema.SIZES,
    "指标方向": schema.DIRECTIONS,
    "规则类型": schema.RULE_KINDS,
    "资金来源": schema.FUND_SOURCES,
}
_PERCENT_COLUMNS = frozenset({"下限", "上限", "得分比例", "得分系数"})
# Numbers a clerk may type in these columns, checked as they type (a hint, not a refusal).
_NUMBER_CHECKS: Mapping[str, tuple[str, dict[str, Any]]] = {
    "得分系数": ("得分系数应为 0～100% 之间的百分比（如 76%）。", {"criteria": "between", "minimum": 0, "maximum": 1}),
    "每档": ("每档为每次扣分对应的点数（如“每相差3%扣1分”填 3），应大于 0。", {"criteria": ">", "value": 0}),
}


@dataclass(frozen=True, slots=True)
class Formula:
    """A formula cell with the value Excel would have cached for it."""

    formula: str
    value: str | float = 0


@dataclass(frozen=True, slots=True)
class QuickCheck:
    """A computed cell on the instructions sheet: a JX_* formula with the value it shows."""

    label: str
    formula: str
    value: float | str
    number_format: str = "0.00%"


@dataclass(frozen=True, slots=True)
class BuildOptions:
    """What goes into a built workbook besides the contract tables."""

    note: str = ""
    vba_project: bytes | None = None
    instructions: bool = False  # the 使用说明 sheet with the four buttons
    quick_checks: Sequence[QuickCheck] = ()
    udf_modules: str | None = None  # an xlwings.conf sheet naming the UDF module


class _Formats:
    def __init__(self, wb: xlsxwriter.Workbook) -> None:
        base = {"font_name": "宋体", "font_size": 10, "valign": "vcenter"}
        self.title = wb.add_format({**base, "bold": True, "font_size": 14})
        self.note = wb.add_format({**base, "font_color": "#9C5700", "italic": True})
        self.text = wb.add_format({**base, "bg_color": "#FFFDE7"})
        self.wrap = wb.add_format({**base, "bg_color": "#FFFDE7", "text_wrap": True})
        self.amount = wb.add_format({**base, "num_format": AMOUNT_INPUT_FORMAT, "bg_color": "#FFFDE7"})
        self.number = wb.add_format({**base, "bg_color": "#FFFDE7"})
        self.percent = wb.add_format({**base, "num_format": "0.00%", "bg_color": "#FFFDE7"})
        self.date = wb.add_format({**base, "num_format": "yyyy-mm-dd", "bg_color": "#FFFDE7"})

    def for_column(self, spec: TableSpec, name: str) -> Format:
        column = spec.column(name)
        if column.kind is Kind.AMOUNT:
            return self.amount
        if column.kind is Kind.DATE:
            return self.date
        if name in _PERCENT_COLUMNS:
            return self.percent
        if column.kind in (Kind.NUMBER, Kind.POINTS, Kind.RATIO):
            return self.number
        if name in ("内容", "偏差原因", "年度总体目标", "实际完成情况", "偏差原因分析及改进措施"):
            return self.wrap
        return self.text


def _rule_names(rows: Sequence[Sequence[Any]]) -> list[str]:
    names: list[str] = []
    for row in rows:
        if row and isinstance(row[0], str) and row[0] not in names:
            names.append(row[0])
    return names


def _write_table(
    wb: xlsxwriter.Workbook,
    ws: Worksheet,
    spec: TableSpec,
    rows: Sequence[Sequence[Any]],
    fmt: _Formats,
    note: str,
    rows_by_table: Mapping[str, Sequence[Sequence[Any]]],
) -> None:
    headers = spec.headers
    ws.write(_TITLE_ROW, 0, _TITLES.get(spec.table, spec.sheet), fmt.title)
    if note:
        ws.write(_NOTE_ROW, 0, note, fmt.note)
    data_rows = list(rows) or [[None] * len(headers)]
    last_row = _HEADER_ROW + len(data_rows)
    columns = [{"header": h, "format": fmt.for_column(spec, h)} for h in headers]
    ws.add_table(
        _HEADER_ROW,
        0,
        last_row,
        len(headers) - 1,
        {"name": spec.table, "columns": columns, "style": "Table Style Medium 2"},
    )
    for r, row in enumerate(data_rows, start=_HEADER_ROW + 1):
        for c, value in enumerate(row):
            if value is None or value == "":
                continue
            name = headers[c]
            cell_format = columns[c]["format"]
            if name in ("目标值", "实际值", "年度指标值", "实际完成值") and isinstance(value, float):
                cell_format = fmt.percent
            if name == "得分比例" and row[1] == KIND_LINEAR:
                cell_format = fmt.number  # a slope (10 in 1 − 10 × 调剂率), not a share
            if isinstance(value, Formula):
                ws.write_formula(r, c, value.formula, cell_format, value.value)
            elif isinstance(value, dt.date):
                ws.write_datetime(r, c, dt.datetime.combine(value, dt.time()), fmt.date)
            else:
                ws.write(r, c, value, cell_format)
    for c, name in enumerate(headers):
        width = _WIDE.get((spec.table, name)) or _WIDTHS.get(name, 12)
        if spec.column(name).kind is Kind.AMOUNT:
            width = max(width, _AMOUNT_WIDTH)
        ws.set_column(c, c, width)
        if name == "计分方法":
            # Rule names are the clerk's own: offer the usual ones, accept any with a hint.
            ws.data_validation(
                _HEADER_ROW + 1,
                c,
                max(last_row, _HEADER_ROW + 500),
                c,
                {
                    "validate": "list",
                    "source": [*schema.BUILT_IN_METHODS, *_rule_names(rows_by_table.get("tblRules", []))],
                    "error_type": "information",
                    "error_title": "计分方法",
                    "error_message": "计分方法应为 比率/定性/不适用，或“计分规则”表中的规则名称。",
                },
            )
        check = _NUMBER_CHECKS.get(name)
        if check is not None:
            message, criteria = check
            ws.data_validation(
                _HEADER_ROW + 1,
                c,
                max(last_row, _HEADER_ROW + 500),
                c,
                {
                    "validate": "decimal",
                    **criteria,
                    "error_type": "information",
                    "error_title": name,
                    "error_message": message,
                },
            )
        choices = _CHOICES.get(name)
        if choices:
            ws.data_validation(
                _HEADER_ROW + 1,
                c,
                max(last_row, _HEADER_ROW + 500),
                c,
                {
                    "validate": "list",
                    "source": list(choices),
                    "error_title": "输入有误",
                    "error_message": f"{name}只能是：{'/'.join(choices)}",
                },
            )
    ws.freeze_panes(_HEADER_ROW + 1, 0)
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(_HEADER_ROW)


def _info_validation(ws: Worksheet, rows: Sequence[Sequence[Any]]) -> None:
    lists = {"金额单位": schema.AMOUNT_UNITS, "小微占比口径": schema.BASES, "执行率口径": schema.EXECUTION_BASES}
    for r, row in enumerate(rows, start=_HEADER_ROW + 1):
        choices = lists.get(str(row[0]))
        if choices:
            ws.data_validation(r, 1, r, 1, {"validate": "list", "source": list(choices)})


def build_workbook(path: Path, tables: Mapping[str, Sequence[Sequence[Any]]], options: BuildOptions) -> None:
    """Write a contract workbook with every table of the contract, filled from ``tables``."""
    from .instructions import write_config_sheet, write_instructions

    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False})
    wb.set_properties({"created": FIXED_CREATED, "author": "", "company": "", "title": "部门整体支出绩效自评"})
    wb.set_custom_property("jixiao_contract", "1")
    if options.vba_project is not None:
        wb.add_vba_project(io.BytesIO(options.vba_project), is_stream=True)
        wb.set_vba_name("ThisWorkbook")
    fmt = _Formats(wb)
    if options.instructions:
        write_instructions(wb, wb.add_worksheet("使用说明"), options)
    for spec in schema.ALL_TABLES:
        ws = wb.add_worksheet(spec.sheet)
        rows = tables.get(spec.table, [])
        _write_table(wb, ws, spec, rows, fmt, options.note if spec.table != "tblInfo" else "", tables)
        if spec.table == "tblInfo":
            _info_validation(ws, rows)
    if options.udf_modules is not None:
        write_config_sheet(wb.add_worksheet("xlwings.conf"), options.udf_modules)
    wb.close()
