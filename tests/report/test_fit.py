"""Column widths that hold what the cells show: a 元 department's amounts print whole (no ###)
in every sheet the product writes, and a text that does not wrap is not cut."""

from __future__ import annotations

import copy
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl

from addin.example.data import EXAMPLE_TABLES
from addin.headless import generate
from addin.report.fit import fitted, fitted_widths, shown_width
from addin.report.layout import SheetLayout

from ..libreoffice import convert, pdf_text


def _yuan_tables() -> dict[str, list[list[Any]]]:
    """The example as a department that keeps its books in 元: every amount 10,000 times (the
    budget of 72,154,600.00 元 in a column laid out for 7,215.46 万元)."""
    tables = copy.deepcopy(EXAMPLE_TABLES)
    for row in tables["tblInfo"]:
        if row[0] == "金额单位":
            row[1] = "元"
    scaled = {
        "tblBudget": range(2, 6),
        "tblContracts": (3,),
        "tblProcurement": range(1, 4),
        "tblProjectFunds": range(2, 5),
    }
    for name, columns in scaled.items():
        for row in tables[name]:
            for c in columns:
                row[c] = round(row[c] * 10000, 2)
    return tables


def test_a_large_amount_widens_its_column_and_wrapped_text_does_not() -> None:
    layout = SheetLayout("t", (10.0, 10.0, 10.0, 10.0))
    layout.put(0, 0, Decimal("32000000.00"), "td_amount")  # "32,000,000.00": 13 characters
    layout.put(0, 1, "很长的说明文字在单元格内自动换行，不需要更宽的列", "td")
    layout.merge(1, 2, 1, 3, Decimal("3200000000.00"), "td_amount")  # a merged span shares the need
    widths = fitted_widths(layout)
    assert widths[0] >= shown_width(Decimal("32000000.00"), "#,##0.00") > 10
    assert widths[1] == 10.0
    assert widths[2] + widths[3] >= shown_width(Decimal("3200000000.00"), "#,##0.00")
    assert widths[2] == widths[3]  # in proportion to their widths
    # What fits is laid out once, on its own widths.
    calls: list[tuple[float, ...]] = []

    def build(w: Any) -> SheetLayout:
        calls.append(tuple(w))
        small = SheetLayout("t", w)
        small.put(0, 0, Decimal("1.00"), "td_amount")
        return small

    assert fitted(build, (10.0,)).widths == (10.0,) and calls == [(10.0,)]


def test_a_yuan_department_prints_every_amount_whole(make_workbook: Any, tmp_path: Path) -> None:
    source = make_workbook(_yuan_tables(), "yuan.xlsx")
    out = tmp_path / "报告.xlsx"
    generate(source, out)
    text = pdf_text(convert(out, "pdf", tmp_path))  # every sheet: report, checks, projects, summary
    assert "###" not in text
    squashed = "".join(text.split())
    for amount in ("72,154,600.00", "96,478,200.00", "17,581,600.00", "12,364,800.00"):
        assert amount in squashed, amount
    # The sheets keep the widths the layouts planned: wider where the 元 amounts are.
    wb = openpyxl.load_workbook(out)
    assert wb["自评报告"].column_dimensions["E"].width > 10
    assert wb["项目自评汇总"].column_dimensions["D"].width > 11
