"""The bureau's batch: every department's figures, ranked and counted; a broken file named."""

from __future__ import annotations

import copy
import os
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from addin.batch import batch
from addin.example.data import EXAMPLE_TABLES
from addin.headless import evaluate_file
from addin.workbook.builder import BuildOptions, build_workbook


def _department(folder: Path, name: str, executed_factor: float, score_cut: int, projects: int = 3) -> Path:
    tables: dict[str, Any] = copy.deepcopy(EXAMPLE_TABLES)
    tables["tblInfo"][0][1] = name
    kept = {row[0] for row in tables["tblProjects"][:projects]}
    for table in ("tblProjects", "tblProjectFunds", "tblProjectIndicators"):
        tables[table] = [row for row in tables[table] if row[0] in kept]
    for row in tables["tblBudget"]:
        row[4] = round(row[4] * executed_factor, 2)
    tables["tblIndicators"][4][9] = 5 - score_cut  # the qualitative score moves the total
    path = folder / f"{name}.xlsx"
    build_workbook(path, tables, BuildOptions())
    return path


def run_batch(folder: Path, out: Path) -> subprocess.CompletedProcess[str]:
    """The command as a clerk's script runs it."""
    return subprocess.run(
        [sys.executable, "-m", "addin", "batch", str(folder), "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def bureau(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    _department(folder, "甲局", 1.0, 0)
    _department(folder, "乙局", 0.9, 3, projects=0)
    _department(folder, "丙局", 0.95, 5)
    (folder / "损坏的文件.xlsx").write_bytes(b"PK\x03\x04broken")
    (folder / "~$甲局.xlsx").write_bytes(b"lock")  # Excel's lock file is not a workbook to read
    return folder


@pytest.mark.parametrize("workers", [1, 2])
def test_totals_ranks_and_grades(bureau: Path, tmp_path: Path, workers: int) -> None:
    out = tmp_path / "汇总.xlsx"
    rows = batch(bureau, out, workers=workers).rows
    assert [r.file for r in rows] == ["丙局.xlsx", "乙局.xlsx", "损坏的文件.xlsx", "甲局.xlsx"]
    ws = openpyxl.load_workbook(out)["汇总"]
    table = {r[1]: r for r in ws.iter_rows(min_row=4, values_only=True) if r[1]}
    assert set(table) == {"甲局.xlsx", "乙局.xlsx", "丙局.xlsx"}
    for name, row in table.items():
        ev = evaluate_file(bureau / name)
        assert row[2] == ev.data.info.department
        assert row[4] == 9647.82
        assert abs(row[6] - float(round(ev.budget.department.execution_rate, 4))) < 1e-9  # type: ignore[arg-type]
        assert row[12] == float(round(ev.score.total, 2))  # type: ignore[arg-type]
        assert row[15] == len(ev.findings.errors) and row[16] == len(ev.findings.warnings)
        assert row[18] == len(ev.projects.projects) and row[19] == ev.projects.completed  # 项目数, 完成自评项目数
    assert [table[n][18] for n in ("甲局.xlsx", "乙局.xlsx", "丙局.xlsx")] == [3, 0, 3]
    assert [table[n][7] for n in ("甲局.xlsx", "丙局.xlsx", "乙局.xlsx")] == [1, 2, 3]  # execution-rate rank
    by_score = sorted(table, key=lambda n: table[n][12], reverse=True)
    assert [table[n][13] for n in by_score] == [1, 2, 3]  # score rank
    assert by_score[0] == "甲局.xlsx"
    assert len({table[n][11] for n in table}) == 1  # equal SME shares share rank 1
    grades = {r[0]: r[1] for r in openpyxl.load_workbook(out)["等级统计"].iter_rows(min_row=2, values_only=True)}
    assert grades["合计"] == 3 and sum(grades[g] for g in "优良中差") == 3
    failed = list(openpyxl.load_workbook(out)["未能读取"].iter_rows(min_row=2, values_only=True))
    assert [f[0] for f in failed] == ["损坏的文件.xlsx"] and "损坏" in failed[0][1]


def test_the_command_names_the_broken_file_and_goes_on(bureau: Path, tmp_path: Path) -> None:
    out = tmp_path / "汇总.xlsx"
    result = run_batch(bureau, out)
    assert result.returncode == 0, result.stderr
    assert "已汇总 3 个部门" in result.stdout and "未能读取 损坏的文件.xlsx" in result.stdout
    assert "读取工作簿" in result.stderr and "4/4" in result.stderr  # the progress bar
    assert out.is_file()


def test_copies_of_one_department_and_year_are_ranked_and_counted_once(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    original = _department(folder, "外办", 1.0, 0)
    copies = [folder / "外办(1).xlsx", folder / "外办-另存.xlsx"]
    for i, copy_path in enumerate(copies):
        copy_path.write_bytes(original.read_bytes())
        os.utime(copy_path, (1_700_000_000 + i, 1_700_000_000 + i))
    os.utime(original, (1_800_000_000, 1_800_000_000))  # the latest save is the one kept
    _department(folder, "乙局", 0.9, 3)
    out = tmp_path / "汇总.xlsx"
    rows = batch(folder, out, workers=1).rows
    assert {r.file: r.duplicate_of for r in rows if r.duplicate_of} == {
        "外办(1).xlsx": "外办.xlsx",
        "外办-另存.xlsx": "外办.xlsx",
    }
    wb = openpyxl.load_workbook(out)
    table = {r[1]: r for r in wb["汇总"].iter_rows(min_row=4, values_only=True) if r[1]}
    assert table["外办.xlsx"][13] in (1, 2) and table["外办(1).xlsx"][13] == "-"  # listed, not ranked
    assert table["外办(1).xlsx"][12] == table["外办.xlsx"][12]
    assert "外办.xlsx" in table["外办(1).xlsx"][20]
    grades = {r[0]: r[1] for r in wb["等级统计"].iter_rows(min_row=2, values_only=True)}
    assert grades["合计"] == 2


def _year(folder: Path, name: str, department: str, year: int, basis: str, score_cut: int = 0) -> Path:
    path = folder / name
    tables: dict[str, Any] = copy.deepcopy(EXAMPLE_TABLES)
    info = {row[0]: row for row in tables["tblInfo"]}
    info["部门名称"][1], info["评价年度"][1], info["小微占比口径"][1] = department, year, basis
    tables["tblIndicators"][4][9] = 5 - score_cut
    build_workbook(path, tables, BuildOptions())
    return path


def test_several_years_are_ranked_and_counted_per_year_and_a_changed_base_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A department's 2023 and 2024 workbooks: each year ranked and counted on its own (never
    against itself, never twice); their different 小微占比口径 named with both shares."""
    from addin.cli import main

    folder = tmp_path / "in"
    folder.mkdir()
    _year(folder, "民政局2023.xlsx", "民政局", 2023, "中小企业合同金额")
    _year(folder, "民政局2024.xlsx", "民政局", 2024, "政府采购支出总额", score_cut=2)
    _year(folder, "外办2024.xlsx", "外办", 2024, "中小企业合同金额", score_cut=4)
    out = tmp_path / "汇总.xlsx"
    assert main(["batch", str(folder), "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    note = (
        "“民政局”各年度的小微占比口径不同（2023 年按中小企业合同金额口径，小微占中小企业比 10.8%；"
        "2024 年按政府采购支出总额口径，小微占政府采购支出比 7.2%），两年的小微企业占比不可直接比较"
    )
    assert f"警告：{note}" in printed
    wb = openpyxl.load_workbook(out)
    ws = wb["汇总"]
    assert "按评价年度（2023、2024）分别排名和统计等级" in ws["A1"].value
    assert ws["N3"].value == "得分排名（年度内）"
    table = {r[1]: r for r in ws.iter_rows(min_row=4, values_only=True) if r[1]}
    assert table["民政局2023.xlsx"][13] == 1  # alone in 2023
    assert [table["民政局2024.xlsx"][13], table["外办2024.xlsx"][13]] == [1, 2]
    assert table["民政局2023.xlsx"][20] == note and table["民政局2024.xlsx"][20] == note
    assert not table["外办2024.xlsx"][20]
    grades = list(wb["等级统计"].iter_rows(values_only=True))
    assert grades[0][:3] == ("等级", "2023年部门数", "2024年部门数")
    assert grades[-1][:3] == ("合计", 1, 2)  # three workbooks, each counted once in its year


def test_a_workbook_without_a_score_is_not_counted_valid(tmp_path: Path) -> None:
    """A department with no indicators has no score: an error, so the title's valid count and
    the grade count agree (before: "2 个部门有效" over a grade total of 1)."""
    folder = tmp_path / "in"
    folder.mkdir()
    _department(folder, "甲局", 1.0, 0)
    tables: dict[str, Any] = copy.deepcopy(EXAMPLE_TABLES)
    tables["tblInfo"][0][1] = "乙局"
    tables["tblIndicators"] = []
    build_workbook(folder / "乙局.xlsx", tables, BuildOptions())
    out = tmp_path / "汇总.xlsx"
    rows = batch(folder, out, workers=1).rows
    assert {r.file: r.errors > 0 for r in rows} == {"甲局.xlsx": False, "乙局.xlsx": True}
    wb = openpyxl.load_workbook(out)
    assert "1 个部门有效，1 个有错误未计分" in wb["汇总"]["A1"].value
    grades = {r[0]: r[1] for r in wb["等级统计"].iter_rows(min_row=2, values_only=True)}
    assert grades["合计"] == 1


def test_every_file_passed_over_is_named_and_subfolders_are_read(tmp_path: Path) -> None:
    """An .xls, .et, .ods or .csv department (or one in a subfolder) never drops out unnamed."""
    folder = tmp_path / "in"
    (folder / "二级单位").mkdir(parents=True)
    (folder / ".git").mkdir()
    _department(folder, "甲局", 1.0, 0, projects=0)
    _department(folder / "二级单位", "乙局", 0.9, 0, projects=0)
    foreign = Path(__file__).parent / "data" / "foreign"
    for name in ("旧版部门.xls", "WPS部门.et", "二级单位/信创部门.ods"):
        (folder / name).write_bytes((foreign / ("base.ods" if name.endswith(".ods") else "base.xls")).read_bytes())
    (folder / "统计.csv").write_text("部门,执行数\n", encoding="utf-8")
    (folder / ".git" / "config").write_text("hidden", encoding="utf-8")
    (folder / "Thumbs.db").write_bytes(b"system")
    out = tmp_path / "汇总.xlsx"
    result = run_batch(folder, out)
    assert result.returncode == 0, result.stderr
    # Other spreadsheets in the reader's own words (package/file_kinds.py), the rest by kind.
    passed = {
        "WPS部门.et": "WPS 表格文件（.et）",
        "二级单位/信创部门.ods": ".ods",
        "旧版部门.xls": "旧版 .xls",
        "统计.csv": "CSV",
    }
    for name, says in passed.items():
        line = next(x for x in result.stdout.splitlines() if x.startswith(f"未能读取 {name}："))
        assert says in line and "另存为" in line, line
    wb = openpyxl.load_workbook(out)
    failed = {r[0]: r[1] for r in wb["未能读取"].iter_rows(min_row=2, values_only=True)}
    assert set(failed) == set(passed)  # the hidden folder's and the system file are no department
    files = {r[1] for r in wb["汇总"].iter_rows(min_row=4, values_only=True) if r[1]}
    assert files == {"甲局.xlsx", "二级单位/乙局.xlsx"}
    assert "4 个文件未能读取" in str(wb["汇总"]["A1"].value)


def test_a_folder_with_only_old_formats_names_them(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "旧版部门.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    out = tmp_path / "汇总.xlsx"
    result = run_batch(folder, out)
    assert result.returncode == 2 and "没有 .xlsx/.xlsm 工作簿（其中只有 旧版部门.xls：" in result.stderr
    assert not out.exists()


def test_a_wps_file_among_the_departments_is_listed_with_the_readers_own_words(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The CLI's batch names a WPS .et (an OLE file, as WPS writes it) and a password-protected
    workbook as every door does (package/file_kinds.py), and counts departments, not files."""
    from addin.cli import main

    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copyfile(_department(folder, "外办", 1.0, 0), folder / "外办(1).xlsx")
    foreign = Path(__file__).parent / "data" / "foreign"
    shutil.copyfile(foreign / "base.xls", folder / "预算表.et")
    shutil.copyfile(foreign / "password.xlsx", folder / "加密.xlsx")
    assert main(["batch", str(folder), "-o", str(tmp_path / "汇总.xlsx")]) == 0
    printed = capsys.readouterr().out
    assert "已汇总 1 个部门，4 个文件（其中 1 个是同一部门同一年度的副本" in printed, printed
    assert "未能读取 预算表.et：“预算表.et”是 WPS 表格文件（.et）：请在 WPS 中“另存为”" in printed
    assert "WPS：文件→文档加密→密码加密" in printed


def test_the_summary_prints_on_a4_readable_and_shows_every_figure_and_text_whole(tmp_path: Path) -> None:
    """A provincial department's 96,478,200.00 万元 in the summary's amount columns prints whole
    (no ###), its headers and long 说明 wrap in rows tall enough for them; 汇总 prints landscape
    with its header row on each page, its 21 columns over pages across at a readable scale (not
    fitted to one page at some 40%) with 序号/文件/部门名称 repeated on each."""
    import re

    from addin.batch_summary import SUMMARY_SCALE_FLOOR
    from addin.report.fit import shown_width
    from addin.report.grid import paragraph_height

    from .libreoffice import convert, pdf_text

    folder = tmp_path / "in"
    folder.mkdir()
    path = _department(folder, "省厅", 1.0, 0)
    tables: dict[str, Any] = copy.deepcopy(EXAMPLE_TABLES)
    tables["tblInfo"][0][1] = "省厅"
    for row in tables["tblBudget"]:
        for c in range(2, 6):
            row[c] = round(row[c] * 10000, 2)
    build_workbook(path, tables, BuildOptions())
    _department(folder, "乙局", 0.9, 3)
    shutil.copyfile(folder / "乙局.xlsx", folder / "乙局（最终版）.xlsx")  # a copy: a long 说明
    (folder / "损坏的文件.xlsx").write_bytes(b"PK\x03\x04broken")
    out = tmp_path / "汇总.xlsx"
    batch(folder, out, workers=1)
    wb = openpyxl.load_workbook(out)
    for name, landscape, titles in (("汇总", True, "$3:$3"), ("未能读取", True, "$1:$1"), ("等级统计", False, "$1:$1")):
        ws = wb[name]
        assert ws.page_setup.paperSize == 9 and ws.page_setup.orientation == ("landscape" if landscape else "portrait")
        assert ws.print_title_rows == titles and "&P" in (ws.oddFooter.center.text or ""), name
        if name != "汇总":  # fitted to one page wide (1: the default), as tall as it takes
            assert ws.sheet_properties.pageSetUpPr.fitToPage and (ws.page_setup.fitToWidth or 1) == 1
            assert ws.page_setup.fitToHeight == 0
    ws = wb["汇总"]
    assert int(ws.page_setup.scale) >= SUMMARY_SCALE_FLOOR * 100 and ws.print_title_cols == "$A:$C"
    assert not (ws.sheet_properties.pageSetUpPr and ws.sheet_properties.pageSetUpPr.fitToPage)
    # Excel's measure (report.metrics: LibreOffice's column unit is wider, so it shows a number
    # Excel would print as ###): every figure's column holds it as its format shows it, and
    # every row is as tall as its wrapped text (the header's too).
    widths = {c: d.width for d in ws.column_dimensions.values() for c in range(d.min, d.max + 1)}
    for row in ws.iter_rows(min_row=3):
        for cell in row:
            if isinstance(cell.value, (int, float)) and cell.row > 3:
                need = shown_width(Decimal(str(cell.value)), cell.number_format)
                assert widths[cell.column] >= need, cell.coordinate
            if isinstance(cell.value, str):
                height = ws.row_dimensions[cell.row].height
                assert height and height >= paragraph_height(cell.value, widths[cell.column], 10), cell.coordinate
    long_note = next(c.value for c in ws["U"] if isinstance(c.value, str) and len(c.value) > 60)
    pdf = convert(out, "pdf", tmp_path)
    text = pdf_text(pdf)
    assert "###" not in text
    squashed = "".join(text.split())
    assert "96,478,200.00" in squashed
    assert "全年预算数（万元）" in squashed and "".join(long_note.split()) in squashed
    # Printed at a readable size: the header's glyph boxes (13 pt for 10 pt 宋体 at 100%).
    bbox = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True, text=True)
    word = re.search(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">序号<', bbox.stdout)
    assert word is not None
    assert float(word.group(2)) - float(word.group(1)) >= 13 * SUMMARY_SCALE_FLOOR * 0.95


@pytest.mark.parametrize("debug", [False, True])
def test_a_workers_internal_error_shows_its_traceback_only_with_debug(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str], debug: bool
) -> None:
    from addin import headless
    from addin.cli import main

    folder = tmp_path / "depts"
    folder.mkdir()
    _department(folder, "甲局.xlsx", 0.95, 0)

    def broken(path: Path, **_: Any) -> Any:  # forked workers run this: a defect of ours
        raise RuntimeError("a defect")

    monkeypatch.setattr(headless, "evaluate_file", broken)
    code = main(["batch", str(folder), "-o", str(tmp_path / "汇总.xlsx"), *(["--debug"] if debug else [])])
    out, err = capfd.readouterr()
    assert code == 0 and "程序内部错误，未能读取该文件" in out + err  # the summary is written
    assert ("Traceback" in err) is debug
