"""JX_* formulas saved without a result (a workbook written by a program, never opened in Excel)
are computed for the shareable copy by the same functions Excel runs, or kept with a warning
naming the cell; never frozen to an empty cell."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import python_calamine

from addin.cli import main
from addin.headless import generate
from addin.jx_values import FormulaValues, NotComputable
from addin.share import share_copy

# 使用说明's quick checks (预算执行率, 支出进度, 中小企业合同占比, 自评总分) as the example saves them.
QUICK_VALUES = [0.9667, 0.9702, 0.667, 97.96]
_JX_CELL = re.compile(r'<c r="([A-Z]+\d+)"[^>]*><f>([^<]*JX_[^<]*)</f><v>([^<]*)</v>')


def quick_checks(path: Path) -> dict[str, float]:
    """Cell → saved value of each JX_* formula on 使用说明 (the first sheet) of ``path``."""
    with zipfile.ZipFile(path) as z:
        found = _JX_CELL.findall(z.read("xl/worksheets/sheet1.xml").decode())
    checks = {cell: float(value) for cell, _, value in found}
    assert sorted(checks.values()) == sorted(QUICK_VALUES)
    return checks


@pytest.fixture
def with_report(example_copy: Path, tmp_path: Path) -> Path:
    target = tmp_path / "report.xlsm"
    generate(example_copy, target)
    return target


def resaved_by_openpyxl(source: Path, edit: Callable[[openpyxl.Workbook], None] | None = None) -> Path:
    """What a script does: load and save with openpyxl, which keeps formulas but not their results."""
    wb = openpyxl.load_workbook(source, keep_vba=True)
    if edit is not None:
        edit(wb)
    target = source.with_name("by-script.xlsm")
    wb.save(target)
    return target


def values(path: Path, sheet: str) -> dict[str, Any]:
    with python_calamine.CalamineWorkbook.from_path(str(path)) as wb:
        rows = wb.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    return {f"{chr(65 + c)}{r + 1}": v for r, row in enumerate(rows) for c, v in enumerate(row) if c < 26}


def formulas(path: Path, part: str = "xl/worksheets/sheet1.xml") -> list[str]:
    with zipfile.ZipFile(path) as z:
        return re.findall(r"<f[^>]*>([^<]*)</f>", z.read(part).decode())


def test_formulas_without_results_are_computed_from_the_cells(with_report: Path, tmp_path: Path) -> None:
    checks = quick_checks(with_report)
    source = resaved_by_openpyxl(with_report)
    assert all(values(source, "使用说明").get(cell, "") == "" for cell in checks)  # no saved results
    target = tmp_path / "shared.xlsx"
    summary = share_copy(source, target)
    assert summary.formulas_frozen == 4 and summary.formulas_computed == 4 and summary.formulas_kept == ()
    shown = values(target, "使用说明")
    assert {cell: shown[cell] for cell in checks} == checks
    assert not [f for f in formulas(target) if "JX_" in f.upper()]


def test_the_computed_values_are_the_ones_excel_saved(with_report: Path) -> None:
    # The example carries the values its builder saved; computing each formula gives the same.
    with zipfile.ZipFile(with_report) as package:
        computed = FormulaValues(with_report, package)
        try:
            found = {
                cell: computed.compute("使用说明", formula)
                for cell, formula in re.findall(
                    r'<c r="([A-Z]+\d+)"[^>]*><f>([^<]*JX_[^<]*)</f>', package.read("xl/worksheets/sheet1.xml").decode()
                )
            }
        finally:
            computed.close()
    assert found == quick_checks(with_report)


def _jx_cells(wb: openpyxl.Workbook) -> None:
    ws = wb["使用说明"]
    ws["E1"] = 9326.11
    ws["E2"] = "=E1*2"  # a formula openpyxl saves without a result
    ws["E3"] = "#DIV/0!"
    ws["F1"] = "=JX_ROUND(E1,1)"
    ws["F2"] = "=JX_ROUND(VLOOKUP(1,E1:E2,1,FALSE),1)"  # a function outside the subset: not computed
    ws["F3"] = "=JX_GRADE(E2)"  # refers to a formula without a result
    ws["F4"] = "=JX_EXEC_RATE(预算执行!E4:E7,'预算执行'!D4:D7)"
    ws["F5"] = '=JX_SCORE("比率",10,0.98,0.9667,"正向",tblRules[#All])'
    ws["F6"] = "=JX_TOTAL_SCORE(tblIndicators[#All],tblRules[#All])"
    ws["F7"] = "=JX_PROCUREMENT(tblContracts[#All])"  # a dynamic array
    ws["F8"] = '=JX_GRADE("91")'


def test_what_can_be_computed_is_and_the_rest_is_kept_and_named(
    with_report: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = resaved_by_openpyxl(with_report, _jx_cells)
    target = tmp_path / "shared.xlsx"
    assert main(["share", str(source), "-o", str(target)]) == 0
    out = capsys.readouterr().out
    shown = values(target, "使用说明")
    assert shown["F1"] == 9326.1
    assert shown["F4"] == pytest.approx(0.9667)
    assert shown["F5"] == 9.86
    # What the function shows in Excel too: 预算调整率's 实际值 is computed from tblBudget.
    assert str(shown["F6"]).startswith("错误：指标“预算调整率”的数据来源“预算调整率”要由 tblBudget[#All] 计算")
    assert shown["F8"] == "优"
    kept = {f for f in formulas(target) if "JX_" in f.upper()}
    assert kept == {"JX_ROUND(VLOOKUP(1,E1:E2,1,FALSE),1)", "JX_GRADE(E2)", "JX_PROCUREMENT(tblContracts[#All])"}
    for cell in ("使用说明!F2", "使用说明!F3", "使用说明!F7"):
        assert re.search(rf"警告 {cell}：JX 公式没有保存的计算结果", out), cell
    assert "使用说明!E2 也是没有保存结果的公式" in out
    assert "JX 公式转为数值 9 个，其中 9 个没有保存的结果" in out  # 3 quick checks + F1 F4 F5 F6 F8
    assert "3 个未能转换" in out


def test_a_saved_name_error_is_computed_again(with_report: Path, tmp_path: Path) -> None:
    # Excel without the add-in shows #NAME? and saves it as the result.
    cell, saved = next(iter(quick_checks(with_report).items()))
    source = tmp_path / "no-addin.xlsm"
    with zipfile.ZipFile(with_report) as src, zipfile.ZipFile(source, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                start = rf'(<c r="{cell}" s="\d+")'.encode()
                data, n = re.subn(start + rb"(><f>[^<]*</f>)<v>[^<]*</v>", rb'\1 t="e"\2<v>#NAME?</v>', data)
                assert n == 1
            out.writestr(info, data)
    target = tmp_path / "shared.xlsx"
    summary = share_copy(source, target)
    assert summary.formulas_computed == 1
    assert values(target, "使用说明")[cell] == saved


@pytest.mark.parametrize(
    ("formula", "expected"),
    [
        ("JX_EXEC_RATE(tblBudget[执行数],tblBudget[全年预算数])", 0.9667),
        ("jx_exec_rate(tblBudget[[#Data],[执行数]],tblBudget[[#Data],[全年预算数]])", 0.9667),
        ("_xludf.JX_SHARE(tblProcurement[授予中小企业合同金额],tblProcurement[支出金额])", 0.667),
        ("JX_EXEC_RATE(1,0)", "-"),
        ("JX_ROUND(2.675,2)", 2.68),
        ("JX_GRADE()", None),
        ('IF(COUNTIF(tblProcurement[采购类别],"合计")>0,1,JX_ROUND(SUM(tblBudget[执行数]),2))', 9326.11),
        ('SUMIFS(tblProcurement[支出金额],tblProcurement[采购类别],"货物")', 213.53),
        ('JX_ROUND(SUMIF(tblBudget[单位级次],"<>本级",tblBudget[执行数]),2)', 2357.78),
        ('COUNTIF(tblBudget[单位级次],"二级")', 3.0),
        ("JX_EXEC_RATE(tblBudget[&#25191;&#34892;&#25968;],tblBudget[全年预算数])", 0.9667),
    ],
)
def test_formula_forms(with_report: Path, formula: str, expected: Any) -> None:
    with zipfile.ZipFile(with_report) as package:
        computed = FormulaValues(with_report, package)
        try:
            assert computed.compute("使用说明", formula) == expected
        finally:
            computed.close()


@pytest.mark.parametrize(
    "formula",
    [
        "JX_EXEC_RATE(VLOOKUP(1,A1:B2,2),B1)",
        "JX_ROUND(1/0,2)",
        'JX_GRADE(IF("x",1,2))',
        "SUM(A1)+JX_GRADE(1)",
        "JX_EXEC_RATE(tblBudget[@执行数],tblBudget[全年预算数])",
        "JX_EXEC_RATE(tblBudget[没有这列],tblBudget[全年预算数])",
        "JX_EXEC_RATE(没有这张表!A1,A2)",
        "JX_GRADE(A1:XFD1048576)",
    ],
)
def test_formula_forms_that_are_not_computed(with_report: Path, formula: str) -> None:
    with zipfile.ZipFile(with_report) as package:
        computed = FormulaValues(with_report, package)
        try:
            with pytest.raises(NotComputable):
                computed.compute("使用说明", formula)
        finally:
            computed.close()


def test_a_saved_result_the_data_no_longer_give_is_replaced_and_said(with_report: Path, tmp_path: Path) -> None:
    # Excel set to 手动计算 (or a program writing cells): 预算执行!D4 changed, the quick checks'
    # saved results left as they were. Colleagues must not see 96.67% beside a report of 87.59%.
    source = tmp_path / "stale.xlsm"
    with zipfile.ZipFile(with_report) as src, zipfile.ZipFile(source, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/worksheets/sheet3.xml":  # 预算执行
                data = re.sub(rb'(<c r="D4"[^>]*><v>)7215.46(</v>)', rb"\g<1>8215.46\g<2>", data)
            out.writestr(info, data)
    summary = share_copy(source, tmp_path / "shared.xlsx")
    shown = values(tmp_path / "shared.xlsx", "使用说明")
    checks = quick_checks(with_report)
    rate_cell = next(cell for cell, value in checks.items() if value == 0.9667)
    assert shown[rate_cell] == 0.8759  # the data's 预算执行率 now, as the regenerated report says
    said = {cell for cell, _, _ in summary.formulas_recomputed}
    assert f"使用说明!{rate_cell}" in said
    assert any("与当前数据不符" in line and "0.8759" in line for line in summary.warnings())


def test_saved_results_that_are_the_datas_are_kept_without_a_word(with_report: Path, tmp_path: Path) -> None:
    summary = share_copy(with_report, tmp_path / "shared.xlsx")
    assert summary.formulas_recomputed == ()
    assert {cell: values(tmp_path / "shared.xlsx", "使用说明")[cell] for cell in quick_checks(with_report)} == (
        quick_checks(with_report)
    )
