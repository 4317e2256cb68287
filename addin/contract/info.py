"""基本信息 (tblInfo): 项目 → 内容 rows read into ``Info``.

A label is read as the contract names it when a form decorates it ("金额单位：", "金额单位（万元/
元/亿元）"), with a warning at its cell; a label the product reads, given twice, is an error at the
later cell naming the earlier one (which of the two the clerk meant decides a figure).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from ..core.findings import Findings
from ..core.model import Info
from ..core.numbers import to_decimal
from ..core.withheld import DUPLICATE_UNIT
from . import schema
from .coerce import Coercer, clean_text
from .headers import amount_unit_alias
from .labels import SAMPLE_MARK, is_blank, label_key
from .rows import ContractTable

__all__ = ["read_info"]

# A label's trailing hint: "金额单位（万元/元/亿元）", "报告日期(YYYY-MM-DD)" (NFKC: brackets ASCII).
_LABEL_HINT = re.compile(r"\([^()]*\)$")


def _info_key(typed: str) -> str:
    """A 基本信息 label as the contract names it: "金额单位：" and "金额单位（万元/元/亿元）" are
    金额单位 (the colon of a form, the template's list of options); other labels as typed."""
    key = clean_text(typed).replace(" ", "")
    bare = key
    while True:
        stripped = _LABEL_HINT.sub("", bare.rstrip(":")).rstrip(":")
        if stripped == bare:
            break
        bare = stripped
    return bare if bare in schema.INFO_ITEMS else key


def read_info(table: ContractTable, findings: Findings) -> Info:
    items: dict[str, tuple[Any, str]] = {}
    labels: dict[str, str] = {}  # key → the 项目 cell it was read from
    for r, row in table.rows():
        cells = table.cells(r, row, Coercer(findings))
        typed = cells.coercer.text(cells.raw("项目"))
        key = _info_key(typed)
        if not key:
            continue
        where = cells.where("项目")
        if key in items and key in schema.INFO_ITEMS:
            # Which of the two the clerk meant decides a figure (金额单位, 评价年度): never guessed.
            findings.error(
                # A second 金额单位 leaves every amount's unit unsure (core.withheld).
                DUPLICATE_UNIT if key == "金额单位" else "info_duplicate_key",
                f"基本信息中“{key}”填写了两次（{labels[key]} 和 {where}）：请删除多余的一行，只保留正确的一行",
                where,
            )
            continue
        if key != clean_text(typed).replace(" ", ""):
            findings.interpretation(
                "info_label_read",
                f"基本信息的项目“{typed.strip()}”已按“{key}”读取：建议只填写“{key}”",
                where,
                typed.strip(),
                key,
            )
        items.setdefault(key, (cells.raw("内容"), cells.where("内容")))
        labels.setdefault(key, where)
    locations = {key: where for key, (_, where) in items.items()}
    coercer = Coercer(findings)
    header = table.header_cell(0)

    def text(key: str) -> str:
        value = items.get(key, (None, ""))[0]
        return "" if is_blank(value) else coercer.text(value)

    department = text("部门名称")
    if SAMPLE_MARK in department:
        # The report's title would carry it: an error, as a sample row of any other table is.
        findings.error(
            "input_sample_row",
            f"部门名称“{department}”仍是模板中的示例：请填写本部门全称",
            locations.get("部门名称", header),
        )
    if not department and "部门名称" in locations:
        findings.error(
            "info_missing",
            f"基本信息的部门名称未填写：请在 {locations['部门名称']} 填写部门全称",
            locations["部门名称"],
        )
    elif not department:
        findings.error(
            "info_missing",
            "基本信息缺少“部门名称”：请在项目列写“部门名称”并在内容列填写部门全称",
            header,
        )
    year = _year(items, locations, header, coercer)

    def choice(key: str, choices: Sequence[str], unknown: str | None = None) -> str:
        value = text(key)
        if not value:
            return choices[0]
        got = coercer.choice(value, locations[key], key, choices)
        if got is not None:
            return got
        return choices[0] if unknown is None else unknown

    # An unknown unit stays unknown (""): one located error, and every figure is still
    # computed in whatever unit the amounts share; nothing is printed as 万元 by default.
    unit = _amount_unit(text("金额单位"), locations.get("金额单位", header), coercer) or choice(
        "金额单位", schema.AMOUNT_UNITS, unknown=""
    )
    if not text("金额单位"):
        _unit_assumed(unit, locations.get("金额单位", ""), header, coercer)
    basis = choice("小微占比口径", schema.BASES)
    execution_basis = choice("执行率口径", schema.EXECUTION_BASES)
    total_weight = Decimal(100)
    weight_value = items.get("指标总分", (None, ""))[0]
    if not is_blank(weight_value):
        got = coercer.number(weight_value, locations["指标总分"], "指标总分", kind="points")
        if got is not None and got > 0:
            total_weight = got
        elif got is not None:
            findings.error("info_total_weight", "指标总分须大于 0：请填写如 100", locations["指标总分"])
    return Info(
        department=department,
        year=year,
        amount_unit=unit,
        small_micro_basis=basis,
        preparer=text("填报人"),
        phone=text("联系电话"),
        report_date=_report_date(items, coercer) if "报告日期" in items else "",
        total_weight=total_weight,
        locations=locations,
        execution_basis=execution_basis,
    )


# Excel's serial day numbers of 2000-01-01 and 2100-12-31 (the 1900 date system, day 0 being
# 1899-12-30 once Excel's phantom 1900-02-29 is counted): a date pasted as a plain number.
_SERIAL_FIRST, _SERIAL_LAST = 36526, 73415
_SERIAL_ZERO = dt.date(1899, 12, 30)


def _report_date(items: dict[str, tuple[Any, str]], coercer: Coercer) -> str:
    """报告日期 as the report prints it: a date cell as 2024-03-15, text as typed; a number that
    is an Excel date serial (45366, a date pasted as a value) read as that date with a warning;
    any other number an error (the report would print it as the date)."""
    value, where = items["报告日期"]
    if is_blank(value):
        return ""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return coercer.text(value)
    if value == int(value) and _SERIAL_FIRST <= value <= _SERIAL_LAST:
        date = (_SERIAL_ZERO + dt.timedelta(days=int(value))).isoformat()
        coercer.findings.interpretation(
            "info_date_serial",
            f"报告日期 {int(value)} 是一个数字，已按 Excel 日期读取为 {date}：建议把该单元格格式设为日期",
            where,
            str(int(value)),
            date,
        )
        return date
    coercer.findings.error("info_date", f"报告日期“{coercer.text(value)}”不是日期：请填写如 2024-03-15 的日期", where)
    return ""


def _year(items: dict[str, tuple[Any, str]], locations: dict[str, str], header: str, coercer: Coercer) -> int:
    """评价年度: a four-digit year; "2023年" or "2024年度" (or "2023" as text) is read with a warning
    naming the cell; anything else is an error there (0)."""
    value, where = items.get("评价年度", (None, locations.get("评价年度", header)))
    where = where or header
    parsed = None
    if (type(value) is float and math.isfinite(value)) or type(value) is int:
        parsed = to_decimal(value)
    elif isinstance(value, str):
        digits = clean_text(value).replace(" ", "").removesuffix("年度").removesuffix("年")
        parsed = Decimal(digits) if digits.isdigit() else None
    if parsed is not None and parsed == parsed.to_integral() and 2000 <= parsed <= 2100:
        year = int(parsed)
        if isinstance(value, str):
            coercer.findings.interpretation(
                "input_year_text",
                f"评价年度“{value.strip()}”已按 {year} 读取：建议填写数字 {year}",
                where,
                value.strip(),
                str(year),
            )
        return year
    shown = "" if value is None else coercer.text(value)
    coercer.findings.error("info_year", f"基本信息的评价年度“{shown}”无效：请填写四位年份，如 2023", where)
    return 0


def _unit_assumed(unit: str, where: str, header: str, coercer: Coercer) -> None:
    """金额单位 left blank (or its row missing): read as the contract's default, said at the
    cell, since every amount is 10,000 times off if the department typed 元."""
    if where:
        message = f"金额单位未填写，已按“{unit}”读取：如金额按元或亿元填写，请在 {where} 选择金额单位"
    else:
        message = f"基本信息没有“金额单位”一行，已按“{unit}”读取：请增加一行“金额单位”并选择 元、万元 或 亿元"
    coercer.findings.interpretation("input_unit_default", message, where or header, "", unit)


def _amount_unit(typed: str, where: str, coercer: Coercer) -> str:
    """万 for 万元, 亿 for 亿元 (as statements print them), read with a warning; "" otherwise."""
    unit = amount_unit_alias(label_key(typed))
    if typed == unit or unit not in schema.AMOUNT_UNITS:
        return ""
    coercer.findings.interpretation(
        "input_unit_alias",
        f"金额单位“{typed}”已按“{unit}”读取：建议从下拉列表中选择",
        where,
        typed,
        unit,
    )
    return unit
