"""Amounts of a 亿元 department keep what was typed (core/units.amount_places): as many decimals
as its amounts carry, 2 to 6, the same in the report and project sheets, the sentences, the
Word report, the headline figures and the web preview, so rows add up to the printed totals;
万元 and 元 stay at 2 (the example's report is the reference and does not change)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pytest

from addin.core.units import amount_places
from addin.docx_report import write_docx
from addin.example.data import EXAMPLE_TABLES
from addin.headless import evaluate_file, generate
from addin.report.content import report_layout
from addin.report.headline import headline_figures
from addin.web.render import sheet_html

D = Decimal


def test_the_places_are_one_decision_per_department() -> None:
    assert amount_places("万元", [D("9647.8249"), D("0.0001")]) == 2  # 万元 and 元: always 2
    assert amount_places("元", [D("0.005")]) == 2
    assert amount_places("亿元", [D("0.92"), D("0.1")]) == 2
    assert amount_places("亿元", [D("0.92"), D("0.0143"), D("1.50")]) == 4
    assert amount_places("亿元", [D("0.12345678")]) == 6  # 6: to the 元
    assert amount_places("亿元", []) == 2


def _in_yi(scale: str = "0.0001") -> dict[str, list[list[Any]]]:
    """The example's department stated in 亿元 (every amount ÷ 10,000): 0.932611, 0.001434 …"""
    tables = copy.deepcopy(EXAMPLE_TABLES)

    def s(v: Any) -> Any:
        return float(D(str(v)) * D(scale)) if isinstance(v, (int, float)) else v

    for row in tables["tblInfo"]:
        if row[0] == "金额单位":
            row[1] = "亿元"
    for row in tables["tblBudget"]:
        row[2:6] = [s(v) for v in row[2:6]]
    for row in tables["tblContracts"]:
        row[3] = s(row[3])
    for row in tables["tblProcurement"]:
        row[1:4] = [s(v) for v in row[1:4]]
    for row in tables["tblProjectFunds"]:
        row[2:5] = [s(v) for v in row[2:5]]
    return tables


@pytest.fixture
def yi(make_workbook: Callable[..., Path]) -> Path:
    return make_workbook(_in_yi(), name="yi.xlsx")


def _shown(cell: Any) -> str:
    places = cell.number_format.partition(".")[2].count("0")
    return f"{round(D(str(cell.value)), places):,.{places}f}"


def test_a_yi_departments_report_keeps_its_decimals_everywhere(yi: Path, tmp_path: Path) -> None:
    ev = evaluate_file(yi)
    assert ev.ok and ev.amount_places == 6
    out = tmp_path / "out.xlsx"
    generate(yi, out)
    wb = openpyxl.load_workbook(out)
    report = wb["自评报告"]
    text = "".join(str(c.value) for row in report.iter_rows() for c in row if isinstance(c.value, str))
    assert "全年预算数 0.964782 亿元，执行数 0.932611 亿元" in text
    assert "政府采购货物支出 0.021353 亿元" in text and "政府采购工程支出 0.000000 亿元" in text
    amounts = [
        c for row in report.iter_rows() for c in row if isinstance(c.value, (int, float)) and "#,##0" in c.number_format
    ]
    assert amounts and {c.number_format for c in amounts} == {"#,##0.000000"}
    # The procurement table's rows add up to its 合计 as printed (2 decimals printed 0.02 + 0.00 + 0.15 ≠ 0.18).
    label = next(c for row in report.iter_rows() for c in row if c.value == "采购类别")
    rows = [report.cell(label.row + k, label.column + 1) for k in (1, 2, 3, 4)]
    assert [_shown(c) for c in rows] == ["0.021353", "0.000000", "0.154463", "0.175816"]
    assert sum(D(_shown(c)) for c in rows[:3]) == D(_shown(rows[3]))
    # The project sheets too (其他资金 of a few 万元 no longer reads 0.00).
    project = wb["项目自评-1"]
    shown = [
        _shown(c)
        for row in project.iter_rows()
        for c in row
        if isinstance(c.value, (int, float)) and "#,##0" in c.number_format
    ]
    assert shown and all(len(s.partition(".")[2]) == 6 for s in shown)
    # The headline figures (command line and web cards), the web preview and the Word report.
    notes = {f.key: f.note for f in headline_figures(ev)}
    assert notes["execution_rate"] == "执行数 0.932611 亿元 / 全年预算数 0.964782 亿元"
    assert "0.021353" in sheet_html(report_layout(ev)) and "0.175816" in sheet_html(report_layout(ev))
    write_docx(ev, tmp_path / "r.docx")
    document = docx.Document(str(tmp_path / "r.docx"))
    words = "\n".join(p.text for p in document.paragraphs)
    cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    assert "执行数 0.932611 亿元" in words
    assert "0.032050" in cells  # a project's 财政拨款 全年预算数 in the annex form


def test_a_yi_department_typed_to_two_decimals_and_the_example_stay_at_two(
    make_workbook: Callable[..., Path], example_path: Path
) -> None:
    assert evaluate_file(example_path).amount_places == 2
    assert evaluate_file(make_workbook(_in_yi("1"), name="yi2.xlsx")).amount_places == 2
