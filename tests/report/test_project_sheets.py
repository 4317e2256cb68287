"""The project sheets as the headless writer puts them in the workbook: the 项目自评汇总 and one
项目支出绩效自评表 per project; re-runs replace them and remove the ones no longer wanted;
workbooks without project tables are read and written as before."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import python_calamine

from addin.example.data import EXAMPLE_TABLES
from addin.headless import evaluate_file, generate
from addin.package.archive import open_package
from addin.package.package import Package
from addin.share import share_copy

from ..core import project_forms as forms
from ..libreoffice import convert

Make = Callable[..., Path]
PROJECT_SHEETS = ["项目自评汇总", "项目自评-1", "项目自评-2", "项目自评-3"]


@pytest.fixture(scope="module")
def written(example_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("projects") / "example.xlsm"
    generate(example_path, out)
    return out


def _rows(path: Path, sheet: str) -> list[list[Any]]:
    with python_calamine.CalamineWorkbook.from_path(str(path)) as wb:
        return [list(row) for row in wb.get_sheet_by_name(sheet).to_python()]


def _row(rows: list[list[Any]], first: str) -> list[Any]:
    return next(row for row in rows if (row and row[0] == first) or (len(row) > 1 and row[1] == first))


def test_the_summary_sheet_lists_every_project_with_totals(written: Path) -> None:
    wb = openpyxl.load_workbook(written)
    assert wb.sheetnames[-4:] == PROJECT_SHEETS
    ws = wb["项目自评汇总"]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    assert "项目 3 个，完成自评 3 个，项目绩效自评完成率 100.00%" in rows[1][0]
    projects = [row for row in rows if isinstance(row[0], int | float) and row[1]]
    assert [row[1] for row in projects] == [
        "重要国际会议及活动保障经费",
        "国际友好城市交流合作项目",
        "外事翻译服务采购项目",
    ]
    assert [row[6] for row in projects] == [0.9892, 1.0542, 0.9563]  # 执行率, uncapped
    assert [row[7] for row in projects] == [9.89, 10, 9.56]  # 执行率得分, capped at its 分值
    assert [row[9] for row in projects] == [99.89, 99.44, 98.96]
    assert [row[10] for row in projects] == ["优", "优", "优"]
    assert projects[2][11] == "翻译稿件按时交付率（14.40/15.00）"
    total = next(row for row in rows if row[0] == "合计")
    assert total[3:7] == [1680, 1762.5, 1757.94, 0.9974]  # Σ 年初, Σ 全年, Σ 执行, Σ执行 ÷ Σ全年
    assert total[11] == "未达成目标的指标 2 项"
    total_row = next(r for r in ws.iter_rows() if r[0].value == "合计")
    assert [c.number_format for c in total_row[3:7]] == ["#,##0.00", "#,##0.00", "#,##0.00", "0.00%"]
    links = {c.value: c.hyperlink.location for r in ws.iter_rows() for c in r if c.hyperlink}
    assert links == {
        "重要国际会议及活动保障经费": "'项目自评-1'!A1",
        "国际友好城市交流合作项目": "'项目自评-2'!A1",
        "外事翻译服务采购项目": "'项目自评-3'!A1",
    }


def test_each_project_sheet_is_the_official_form(written: Path) -> None:
    rows = _rows(written, "项目自评-2")
    texts = [str(v) for row in rows for v in row if v not in (None, "")]
    for label in (
        "项目名称",
        "主管部门",
        "实施单位",
        "年初预算数",
        "全年预算数",
        "全年执行数",
        "分值",
        "执行率",
        "得分",
    ):
        assert label in texts, label
    for label in ("年度资金总额", "其中：财政拨款", "上年结转资金", "其他资金", "年度总体目标", "预期目标"):
        assert label in texts, label
    for label in ("一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "总分"):
        assert label in texts, label
    total = _row(rows, "年度资金总额")
    assert [v for v in total if v not in ("", None)] == ["年度资金总额", 300, 320.5, 337.86, 10, 1.0542, 10]
    score = _row(rows, "总分")
    assert [v for v in score if v not in ("", None)] == ["总分", 100, 99.44, "评价等级：优"]
    assert (
        "不适用" in texts
        and "个别交流活动因对方行程调整延期，满意度略低于目标；下一步提前确认行程并预留备选方案。" in texts
    )
    ws = openpyxl.load_workbook(written)["项目自评-2"]
    assert ws.page_setup.paperSize == 9 and ws.page_setup.fitToHeight == 1
    assert ws.sheet_properties.pageSetUpPr is not None and ws.sheet_properties.pageSetUpPr.fitToPage
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert any(r.startswith("B") and ":B" in r for r in merged)  # 一级指标 merged down its rows


def test_public_forms_present_amounts_to_the_cent(make_workbook: Make, tmp_path: Path) -> None:
    path = make_workbook(**forms.public_forms())
    out = tmp_path / "forms.xlsx"
    generate(path, out)
    ws = openpyxl.load_workbook(out)["项目自评-1"]
    total = next(r for r in ws.iter_rows() if r[1].value == "年度资金总额")
    assert [c.value for c in total[3:9]] == [90, 89.97, 89.97, 10, 1, 10]  # 89.974 → 89.97, 100.00%
    assert [c.number_format for c in total[3:8]] == ["#,##0.00", "#,##0.00", "#,##0.00", "0.00", "0.00%"]
    assert openpyxl.load_workbook(out)["项目自评-2"]["B2"].value is None  # the title row is merged A:J


def _data(path: Path, projects: int) -> Path:
    """A data workbook with the example's first ``projects`` projects."""
    from addin.workbook.builder import BuildOptions, build_workbook

    tables = copy.deepcopy(EXAMPLE_TABLES)
    kept = {row[0] for row in tables["tblProjects"][:projects]}
    for name in ("tblProjects", "tblProjectFunds", "tblProjectIndicators"):
        tables[name] = [row for row in tables[name] if row[0] in kept]
    build_workbook(path, tables, BuildOptions())
    return path


def _owned(path: Path, sheets: set[str]) -> set[str]:
    with open_package(path) as package:
        pkg = Package(package)
        return {part for s in pkg.sheets if s.name in sheets for part in pkg.owned_parts(s.part)}


def test_a_rerun_with_fewer_projects_removes_their_sheets_and_nothing_else(written: Path, tmp_path: Path) -> None:
    work = tmp_path / "book.xlsm"
    work.write_bytes(written.read_bytes())
    generate(work, None, _data(tmp_path / "one.xlsx", 1))
    wb = openpyxl.load_workbook(work)
    assert wb.sheetnames[-2:] == ["项目自评汇总", "项目自评-1"] and "项目自评-3" not in wb.sheetnames
    generated = {"自评报告", "校验结果", *PROJECT_SHEETS}
    ours = _owned(written, generated) | _owned(work, generated)
    bookkeeping = {"xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml", "docProps/app.xml"}
    with zipfile.ZipFile(written) as before, zipfile.ZipFile(work) as after:
        for name in set(before.namelist()) - ours - bookkeeping - {"xl/styles.xml"}:
            assert before.read(name) == after.read(name), name
        assert not set(after.namelist()) - set(before.namelist()) - ours
        workbook = after.read("xl/workbook.xml").decode()
        app = after.read("docProps/app.xml").decode()
    sheets = openpyxl.load_workbook(work).sheetnames
    # every print area still belongs to the sheet it prints (local names follow the removals)
    areas = {ws.title: ws.print_area for ws in openpyxl.load_workbook(work).worksheets if ws.print_area}
    assert set(areas) == {"自评报告", "项目自评汇总", "项目自评-1"}
    assert all(area.startswith(f"'{title}'!") for title, area in areas.items()), areas
    assert "项目自评-2" not in workbook and "项目自评-2" not in app
    assert f"<vt:i4>{len(sheets)}</vt:i4>" in app
    resaved = convert(work, "xlsx", tmp_path)  # LibreOffice opens it and keeps every sheet
    assert openpyxl.load_workbook(resaved).sheetnames == sheets
    generate(work, None, _data(tmp_path / "none.xlsx", 0))
    assert not [n for n in openpyxl.load_workbook(work).sheetnames if n.startswith("项目自评")]


def _without_project_sheets(path: Path, extra: str | None = None) -> Path:
    wb = openpyxl.load_workbook(path)
    for name in ("项目", "项目资金", "项目指标"):
        wb.remove(wb[name])
    if extra is not None:  # a sheet of the clerk's own that happens to be called 项目
        ws = wb.create_sheet(extra)
        ws.append(["本局重点项目清单"])
        ws.append(["序号", "名称", "负责人"])
        ws.append([1, "某某工程", "张三"])
    wb.save(path)
    return path


@pytest.mark.parametrize("extra", [None, "项目"])
def test_a_workbook_without_project_tables_works_as_before(
    make_workbook: Make, tmp_path: Path, extra: str | None
) -> None:
    full = evaluate_file(make_workbook(name="full.xlsx")).as_json()
    path = _without_project_sheets(make_workbook(name="old.xlsx"), extra)
    ev = evaluate_file(path)
    assert ev.ok and ev.projects.projects == ()
    summary = ev.as_json()
    assert summary["projects"] == []
    assert [c["code"] for c in summary["checks"]] == ["budget_executed_vs_spent"]
    for key in ("budget", "procurement", "score"):
        assert summary[key] == full[key], key
    out = tmp_path / "out.xlsx"
    generate(path, out)
    names = openpyxl.load_workbook(out).sheetnames
    assert names[-2:] == ["自评报告", "校验结果"] and not [n for n in names if n.startswith("项目自评")]


def test_summary_json_from_the_command_line(written: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "addin", "summary", str(written), "--json"], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    projects = json.loads(result.stdout)["projects"]
    assert [p["budget"]["execution_rate"] for p in projects] == ["98.92", "105.42", "95.63"]
    assert [p["execution_score"] for p in projects] == ["9.89", "10.00", "9.56"]
    assert projects[1]["score"]["indicators"][-2]["applicable"] is False


def test_the_share_copy_keeps_the_project_sheets(written: Path, tmp_path: Path) -> None:
    target = tmp_path / "shared.xlsx"
    share_copy(written, target)
    assert openpyxl.load_workbook(target).sheetnames[-4:] == PROJECT_SHEETS
    for sheet in PROJECT_SHEETS:
        assert _rows(target, sheet) == _rows(written, sheet), sheet


def test_removing_project_sheets_keeps_later_sheets_print_settings(written: Path, tmp_path: Path) -> None:
    work = tmp_path / "book.xlsx"
    wb = openpyxl.load_workbook(written)
    ws = wb.create_sheet("备注")  # a sheet of the clerk's own after the project sheets
    ws["A1"] = "备注"
    ws.print_area = "A1:C9"
    ws.print_title_rows = "1:1"
    wb.active = wb.sheetnames.index("备注")
    wb.save(work)
    generate(work, None, _data(tmp_path / "one.xlsx", 1))
    wb = openpyxl.load_workbook(work)
    assert wb.sheetnames[-3:] == ["项目自评汇总", "项目自评-1", "备注"]
    assert wb["备注"].print_area == "'备注'!$A$1:$C$9" and wb["备注"].print_title_rows == "$1:$1"
    assert wb.active is not None and wb.active.title == "备注"  # the active tab follows its sheet


def test_a_long_form_flows_onto_pages_with_its_header_repeated() -> None:
    from addin.report.project_content import project_layout
    from addin.workbook.template import evaluate_tables

    tables = copy.deepcopy(EXAMPLE_TABLES)
    name = tables["tblProjects"][0][0]
    rows = [r for r in tables["tblProjectIndicators"] if r[0] != name]
    long_form = [
        [name, "产出指标", "数量指标", f"指标{i:02d}", 1.5, "正向", 1.0, 1.0, "比率", None, ""] for i in range(60)
    ]
    tables["tblProjectIndicators"] = long_form + rows
    ev = evaluate_tables(tables)
    assert ev.ok
    short = project_layout(ev, ev.projects.projects[1]).print_setup
    assert short.fit_height and short.repeat_rows is None  # one page
    long = project_layout(ev, ev.projects.projects[0]).print_setup
    assert not long.fit_height and long.repeat_rows is not None  # sixty indicators: pages, header repeated


def test_project_indicators_read_as_printed_forms_write_them(make_workbook: Make) -> None:
    """一级指标 merged down its rows, as published 自评表 print it: filled down, as in 绩效指标."""
    path = make_workbook(**forms.public_forms())
    wb = openpyxl.load_workbook(path)
    ws = wb["项目指标"]
    for row in range(5, 10):  # 产出指标 over rows 4–9 of 委托业务项目
        ws.cell(row, 2).value = None
    ws.merge_cells("B4:B9")
    wb.save(path)
    ev = evaluate_file(path)
    assert ev.ok, [f.as_line() for f in ev.findings.errors]
    merged = [f for f in ev.findings if f.code == "input_merged_filled"]
    assert [f.location for f in merged] == ["项目指标!B4:B9"]
    assert ev.as_json()["projects"][0]["score"]["total"] == "100.00"
