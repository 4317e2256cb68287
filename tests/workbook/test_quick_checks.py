"""使用说明's quick checks state the report's own figures, in Excel and in the share copy.

Each kind of table a clerk really fills (a 小计 row, a 其中 row, a wrong 合计 row, an SME amount
given only on a total row labelled 总计/汇总/合 计, a ledger without 采购汇总, 执行率口径 年初预算数)
is made from the example as a script edits it (openpyxl: the formulas keep no saved result), and
each quick check must equal ``summary --json``: called as Excel calls it (xlwings' server-side
custom function call, with the tables as the file holds them), and frozen in the share copy (the
same functions, from the file's cells). A figure the report withholds is the error instead.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import python_calamine

from addin.cli import main
from addin.contract import schema
from addin.example.data import EXAMPLE_NOTE
from addin.jx_values import table_formula_value
from addin.quick_checks import current_form, earlier_lines
from addin.share import share_copy
from addin.workbook.builder import BuildOptions, QuickCheck, build_workbook

from ..excel.test_udfs import call
from ..libreoffice import convert, pdf_text

Edit = Callable[[openpyxl.Workbook], None]

_FIRST_ROW = 4  # the template's tables: headers on row 3


def _put(wb: openpyxl.Workbook, table: str, rows: Sequence[Sequence[Any]]) -> None:
    """Replace ``table``'s data rows (an empty table keeps one blank row, as Excel's does)."""
    ws = next(ws for ws in wb.worksheets if table in ws.tables)
    ref = ws.tables[table].ref
    first, last = ref.split(":")
    width = openpyxl.utils.column_index_from_string(re.sub(r"[0-9]", "", last))
    for row in ws.iter_rows(min_row=_FIRST_ROW, max_row=ws.max_row, max_col=width):
        for cell in row:
            cell.value = None
    for r, values in enumerate(rows, start=_FIRST_ROW):
        for c, value in enumerate(values, start=1):
            ws.cell(r, c, value)
    bottom = _FIRST_ROW + max(len(rows), 1) - 1
    ws.tables[table].ref = f"{first}:{re.sub(r'[0-9]+', '', last)}{bottom}"
    if ws.tables[table].autoFilter is not None:
        ws.tables[table].autoFilter.ref = ws.tables[table].ref


def _rows(wb: openpyxl.Workbook, table: str) -> list[list[Any]]:
    ws = next(ws for ws in wb.worksheets if table in ws.tables)
    return [list(r) for r in ws[ws.tables[table].ref]]


def _budget(extra: Sequence[Any], at: int | None = None) -> Edit:
    def edit(wb: openpyxl.Workbook) -> None:
        rows = [[c.value for c in r] for r in _rows(wb, "tblBudget")[1:]]
        rows.insert(len(rows) if at is None else at, list(extra))
        _put(wb, "tblBudget", rows)

    return edit


def _sme_only_on_total(label: str, *, ledger: bool = False) -> Edit:
    """采购汇总 with the categories' amounts only and the SME figures on the total row alone."""

    def edit(wb: openpyxl.Workbook) -> None:
        rows = [["货物", 213.53], ["工程", 0], ["服务", 1544.63], [label, 1758.16, 1172.10, 126.34]]
        _put(wb, "tblProcurement", rows)
        if not ledger:
            _put(wb, "tblContracts", [])

    return edit


def _initial_basis(wb: openpyxl.Workbook) -> None:
    ws = wb["基本信息"]
    row = next(r for r in ws.iter_rows(min_row=_FIRST_ROW) if r[0].value == "执行率口径")
    row[1].value = "年初预算数"


KINDS: dict[str, Edit] = {
    # 二级单位小计 over the three 二级 units: it agrees with them (no error), and is not a unit.
    "subtotal": _budget(["二级单位小计", "二级", 2350, 2432.36, 2357.78, 2370.13]),
    "sub-item": _budget(["其中：基本支出", None, 3000, 3100, 3050, 3060], at=1),
    # A 合计 row off its units: the report withholds the department's sums.
    "wrong-total": _budget(["合计", None, 9200, 9647.82, 9300, 9360.25]),
    "total-zongji": _sme_only_on_total("总计"),
    "total-huizong": _sme_only_on_total("汇总"),
    "total-he-ji": _sme_only_on_total("合 计"),
    "total-zongji-with-ledger": _sme_only_on_total("总计", ledger=True),
    "ledger-only": lambda wb: _put(wb, "tblProcurement", []),
    "initial-basis": _initial_basis,
}
FIGURES = {  # the quick checks by the start of their label → the report's figure (JSON group, key)
    "预算执行率": ("budget", "execution_rate"),
    "支出进度": ("budget", "spending_progress"),
    "中小企业合同占比": ("procurement", "sme_share"),
    "自评总分": ("score", "total"),
}


def _edited(example_path: Path, tmp_path: Path, kind: str) -> Path:
    wb = openpyxl.load_workbook(example_path, keep_vba=True)
    KINDS[kind](wb)
    target = tmp_path / f"{kind}.xlsm"
    wb.save(target)
    return target


def _report(path: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    capsys.readouterr()
    main(["summary", "--json", str(path)])
    report: dict[str, Any] = json.loads(capsys.readouterr().out)
    return report


def _expected(report: dict[str, Any], figure: str) -> float | None:
    """What the quick check must show: the report's figure as the cell's number (a percentage as
    its fraction); None where the report withholds it (null): the quick check gives a reason."""
    group, key = FIGURES[figure]
    value = (report[group] or {}).get(key)
    if value is None:
        return None
    return float(Decimal(value) / 100) if group != "score" else float(value)


def _quick_cells(path: Path) -> dict[str, tuple[str, str]]:
    """使用说明's quick checks: figure (as FIGURES names it) → (cell, formula)."""
    ws = openpyxl.load_workbook(path)["使用说明"]
    found = {}
    for row in ws.iter_rows(min_col=2, max_col=3):
        label, value = row[0].value, row[1]
        figure = next((f for f in FIGURES if isinstance(label, str) and label.startswith(f)), None)
        if figure is not None and isinstance(value.value, str) and value.value.startswith("="):
            found[figure] = (value.coordinate, value.value)
    assert sorted(found) == sorted(FIGURES)
    return found


def _live(path: Path, formula: str) -> Any:
    """The formula as Excel with the add-in computes it: a JX function of whole tables, each
    tblX[#All] argument the table's cells as the file holds them."""
    called = re.fullmatch(r"=(JX_\w+)\(((?:tbl\w+\[#All\],?)+)\)", formula)
    assert called is not None, formula
    wb = openpyxl.load_workbook(path, data_only=True)
    args = [_rows(wb, name) for name in re.findall(r"(tbl\w+)\[#All\]", called.group(2))]
    return call(called.group(1), *[[[c.value for c in r] for r in rows] for rows in args])


def _shown(path: Path) -> dict[str, Any]:
    with python_calamine.CalamineWorkbook.from_path(str(path)) as wb:
        rows = wb.get_sheet_by_name("使用说明").to_python(skip_empty_area=False)
    return {f"{chr(65 + c)}{r + 1}": v for r, row in enumerate(rows) for c, v in enumerate(row) if c < 26}


def _agrees(shown: Any, expected: float | None) -> bool:
    if expected is None:
        return isinstance(shown, str) and shown.startswith("错误：")
    return isinstance(shown, float) and shown == pytest.approx(expected, abs=1e-12)


# Where a sum of every row (the quick checks before) showed 96.72%, 97.08%, 33.3%, "-" or 96.67%
# on 年初: the report's 预算执行率, 支出进度 and 中小企业合同占比, pinned so the comparison with
# the report cannot pass on a figure both got wrong.
PINNED = {
    "subtotal": (0.9667, 0.9702, 0.667),
    "sub-item": (0.9667, 0.9702, 0.667),
    "total-he-ji": (0.9667, 0.9702, 0.667),
    "ledger-only": (0.9667, 0.9702, 0.667),
    "initial-basis": (1.0137, 0.9702, 0.667),
}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_each_quick_check_is_the_reports_figure_in_excel_and_in_the_share_copy(
    kind: str, example_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = _edited(example_path, tmp_path, kind)
    report = _report(source, capsys)
    copy = tmp_path / f"{kind}-share.xlsx"
    summary = share_copy(source, copy)
    assert summary.formulas_computed == 4 and summary.formulas_kept == ()
    frozen = _shown(copy)
    cells = _quick_cells(source)
    wrong = {
        figure: (frozen[cell], _expected(report, figure))
        for figure, (cell, _) in cells.items()
        if not _agrees(frozen[cell], _expected(report, figure))
    }
    assert not wrong, kind
    for figure, (cell, formula) in cells.items():
        assert _live(source, formula) == frozen[cell], (kind, figure)
    if kind in PINNED:
        shown = tuple(frozen[cells[f][0]] for f in ("预算执行率", "支出进度", "中小企业合同占比"))
        assert shown == PINNED[kind]


def test_what_the_report_withholds_is_its_error_in_the_quick_checks(
    example_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A 合计 row off its units: the department's rates are null in the report; the quick checks
    name the error (as JX_TOTAL_SCORE does), and the copy freezes that, never a rate."""
    source = _edited(example_path, tmp_path, "wrong-total")
    report = _report(source, capsys)
    assert report["ok"] is False and report["budget"]["execution_rate"] is None
    share_copy(source, copy := tmp_path / "copy.xlsx")
    frozen = _shown(copy)
    cells = _quick_cells(source)
    for figure in ("预算执行率", "支出进度", "自评总分"):
        shown = frozen[cells[figure][0]]
        assert shown.startswith("错误：各单位执行数之和 9,326.11 万元与合计行 9,300.00 万元不一致"), shown
    assert frozen[cells["中小企业合同占比"][0]] == 0.667  # procurement does not rest on the budget


def test_libreoffice_shows_the_reports_figures_in_the_share_copy(example_path: Path, tmp_path: Path) -> None:
    """A budget with a 小计 and a 其中 row, and SME only on a 汇总 row without a ledger: the copy
    colleagues open shows the report's 96.67%, 97.02% and 66.7% (a sum of every row gave 33.3%)."""
    wb = openpyxl.load_workbook(example_path, keep_vba=True)
    for kind in ("subtotal", "sub-item", "total-huizong"):
        KINDS[kind](wb)
    wb.save(source := tmp_path / "clerk.xlsm")
    share_copy(source, copy := tmp_path / "copy.xlsx")
    text = pdf_text(convert(copy, "pdf", tmp_path)).replace(" ", "")
    for figure in ("96.67%", "97.02%", "66.7%"):
        assert figure in text, figure
    assert "33.3%" not in text


# 使用说明's quick checks as the template wrote them before they were the report's figures.
EARLIER_CHECKS = (
    ("预算执行率", "=JX_EXEC_RATE(tblBudget[执行数],tblBudget[全年预算数])", "0.00%"),
    ("支出进度", "=JX_EXEC_RATE(tblBudget[支出数],tblBudget[全年预算数])", "0.00%"),
    (
        "中小企业合同占比（采购汇总）",
        '=IF(COUNTIF(tblProcurement[采购类别],"合计")>0,'
        'JX_SHARE(SUMIFS(tblProcurement[授予中小企业合同金额],tblProcurement[采购类别],"合计"),'
        'SUMIFS(tblProcurement[支出金额],tblProcurement[采购类别],"合计")),'
        "JX_SHARE(tblProcurement[授予中小企业合同金额],tblProcurement[支出金额]))",
        "0.0%",
    ),
)


def test_an_earlier_templates_quick_checks_are_frozen_to_the_reports_figures(
    example_tables: dict[str, list[list[Any]]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A workbook made from the earlier template, as Excel saved it: its sums of whole columns
    cached 96.72% / 97.10% with a 小计 row and 33.3% with SME only on a 总计 row. The copy holds
    the report's 96.67% / 97.02% / 66.7% and says which cells it changed and why."""
    tables = example_tables
    tables["tblBudget"].append(["二级单位小计", "二级", 2350, 2432.36, 2357.78, 2370.13, None])
    tables["tblProcurement"] = [["货物", 213.53], ["工程", 0], ["服务", 1544.63], ["总计", 1758.16, 1172.10, 126.34]]
    tables["tblContracts"] = []
    with_headers = {s.table: [list(s.headers), *tables.get(s.table, [])] for s in schema.ALL_TABLES}
    checks = [QuickCheck(label, f, table_formula_value(f, with_headers), fmt) for label, f, fmt in EARLIER_CHECKS]
    assert [c.value for c in checks] == [0.9672, 0.971, 0.333]  # what colleagues were sent
    source = tmp_path / "earlier.xlsm"
    build_workbook(source, tables, BuildOptions(note=EXAMPLE_NOTE, instructions=True, quick_checks=checks))
    report = _report(source, capsys)
    target = tmp_path / "copy.xlsx"
    assert main(["share", str(source), "-o", str(target)]) == 0
    out = capsys.readouterr().out
    cells = {label: cell for cell, label in _labelled(source).items()}
    frozen = _shown(target)
    figures = {label: frozen[cells[label]] for label, _, _ in EARLIER_CHECKS}
    assert figures == {
        "预算执行率": _expected(report, "预算执行率"),
        "支出进度": _expected(report, "支出进度"),
        "中小企业合同占比（采购汇总）": _expected(report, "中小企业合同占比"),
    }
    assert list(figures.values()) == [0.9667, 0.9702, 0.667]
    named = "、".join(f"使用说明!{cells[label]}" for label, _, _ in EARLIER_CHECKS)
    assert f"注意 {named}：旧版模板的快速核对公式把整列相加（合计、小计、“其中”行也计入）" in out


def _labelled(path: Path) -> dict[str, str]:
    """使用说明's formula cells → the label beside them."""
    ws = openpyxl.load_workbook(path)["使用说明"]
    return {
        row[1].coordinate: row[0].value
        for row in ws.iter_rows(min_col=2, max_col=3)
        if isinstance(row[1].value, str) and row[1].value.startswith("=")
    }


def test_an_earlier_quick_check_is_known_as_a_file_stores_it_and_the_rest_is_not() -> None:
    sme = EARLIER_CHECKS[2][1].replace('"', "&quot;").replace(">", "&gt;").replace("JX_SHARE", "_xludf.jx_share")
    assert current_form(sme) == "=JX_SME_SHARE(tblContracts[#All],tblProcurement[#All],tblInfo[#All])"
    assert current_form(" jx_exec_rate( tblBudget[支出数], tblBudget[全年预算数] )") == (
        "=JX_SPENDING_PROGRESS(tblBudget[#All],tblInfo[#All])"
    )
    # A clerk's own sum over other columns, or over cells, is theirs to keep.
    assert current_form("JX_EXEC_RATE(tblBudget[执行数],tblBudget[年初预算数])") is None
    assert current_form("JX_EXEC_RATE(预算执行!E4:E7,预算执行!D4:D7)") is None
    # Not computable (no tblInfo in the workbook): the copy keeps the saved sum, and says so.
    lines = earlier_lines([("使用说明!C18", "=JX_EXECUTION_RATE(tblBudget[#All],tblInfo[#All])", "没有表格 tblInfo")])
    assert lines == [
        "警告 使用说明!C18：旧版模板的快速核对公式把整列相加（合计、小计、“其中”行也计入），其结果可能与报告不同，"
        "且无法按报告的算法重新计算（没有表格 tblInfo）：请在原工作簿中改用 "
        "=JX_EXECUTION_RATE(tblBudget[#All],tblInfo[#All]) 后保存，再导出共享副本"
    ]
