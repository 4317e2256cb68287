"""The bureau's batch: every department's figures, ranked and counted; a broken file named."""

from __future__ import annotations

import copy
import os
import subprocess
import sys
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
    result = subprocess.run(
        [sys.executable, "-m", "addin", "batch", str(bureau), "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )
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
