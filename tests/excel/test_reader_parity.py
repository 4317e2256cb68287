"""The Excel door reads what the file reader reads: same findings for the same workbook.

Through xlwings' remote engine (payload as its clients send it). That engine cannot report
number formats, merged ranges or hidden rows synchronously, so the cases here are those whose
reading does not depend on them (desktop Excel reports formats to the door; see reader.py).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlwings as xw

from addin.contract.parse import parse_department
from addin.core import Findings, evaluate
from addin.excel.reader import read_tables
from addin.headless import evaluate_file

from ..contract.test_real_input import CASES
from .payload import payload

Tables = dict[str, list[list[Any]]]


def door_findings(path: Path) -> list[tuple[str, str, str]]:
    book = xw.Book(json=copy.deepcopy(payload(path)))
    findings = Findings()
    ev = evaluate(parse_department(read_tables(book), findings), findings)
    return sorted((f.severity.value, f.code, f.location) for f in ev.findings)


def file_findings(path: Path) -> list[tuple[str, str, str]]:
    return sorted((f.severity.value, f.code, f.location) for f in evaluate_file(path).findings)


def _points(t: Tables) -> None:
    t["tblIndicators"][8][6] = 97.3  # target "≥98%": a rate row


def _rule_points(t: Tables) -> None:
    t["tblRules"][4][2] = 95


def _units(t: Tables) -> None:
    t["tblIndicators"][1][5:7] = ["≥60场", "65场"]
    t["tblIndicators"][2][5:7] = ["≥105个", "105次"]


def _phrase(t: Tables) -> None:
    t["tblIndicators"][0][6] = "达成预期指标"


def _totals(t: Tables) -> None:
    t["tblBudget"].append(["小 计", None, 9200, 9647.82, 9326.11, 9360.25, None])
    t["tblContracts"].append(["合计", None, None, 1700, None, None, None])


def _nbsp(t: Tables) -> None:
    t["tblBudget"][0][3] = "7\u00a0215.46"
    t["tblBudget"][1][3] = "986\u202f20"


CHANGES: dict[str, Callable[[Tables], None]] = {
    "points in a rate row": _points,
    "rule bound as points": _rule_points,
    "units and a unit mismatch": _units,
    "phrase as a ratio actual": _phrase,
    "typed total rows": _totals,
    "no-break spaces": _nbsp,
}


@pytest.mark.parametrize("case", sorted(CHANGES))
def test_the_door_gives_the_file_readers_findings(
    case: str, make_workbook: Callable[..., Path], example_tables: Tables
) -> None:
    CHANGES[case](example_tables)
    path = make_workbook(example_tables)
    expected = file_findings(path)
    assert any(code != "budget_executed_vs_spent" for _, code, _ in expected)
    assert door_findings(path) == expected


def test_table_less_sheet_with_unit_headers_and_a_far_stray_cell(make_workbook: Callable[..., Path]) -> None:
    path = make_workbook()
    wb = openpyxl.load_workbook(path)
    ws = wb["预算执行"]
    del ws.tables["tblBudget"]
    ws["D3"] = "全年预算数（元）"
    ws["E3"] = "执行数（万元）"
    ws["K20000"] = "x"  # the door reads blocks below the header until one is empty
    wb.save(path)
    door = door_findings(path)
    assert ("error", "input_header_unit", "预算执行!D3") in door
    file = file_findings(path)
    assert [f for f in door if f[1] != "input_stray_cells"] == [f for f in file if f[1] != "input_stray_cells"]


@pytest.mark.parametrize(
    "name",
    [
        "02d-typed-sum-row-huizong.xlsm",
        "05b-rule-bounds-as-points.xlsm",
        "06a-targets-with-units.xlsm",
        "15-headers-with-unit.xlsm",
    ],
)
def test_shared_cases_read_alike_in_the_door(name: str) -> None:
    path = CASES / name
    if not path.exists():
        pytest.skip(f"shared case missing: {path}")
    assert door_findings(path) == file_findings(path)


def test_a_unit_name_merged_over_rows_gets_advice_that_works_in_the_door(
    make_workbook: Callable[..., Path], example_tables: Tables
) -> None:
    """办本级 as 基本支出 and 项目支出 rows under one merged 单位名称: the file reader sums them as
    one unit; the remote engine sees no merged range, so the door reads the second name blank
    and advises what it can read (the rows summed into one), never to unmerge."""
    parts = [
        ["办本级", "本级", 5000.00, 5215.46, 5000.00, 5010.12, "基本支出"],
        [None, "本级", 1850.00, 2000.00, 1968.33, 1980.00, "项目支出"],
    ]
    path = make_workbook(tblBudget=[*parts, *example_tables["tblBudget"][1:]])
    wb = openpyxl.load_workbook(path)
    wb["预算执行"].merge_cells("A4:A5")
    wb.save(path)
    assert ("warning", "input_merged_unit", "预算执行!A4:A5") in file_findings(path)
    book = xw.Book(json=copy.deepcopy(payload(path)))
    findings = Findings()
    evaluate(parse_department(read_tables(book), findings), findings)
    [error] = [f for f in findings.errors]
    assert (error.code, error.location) == ("input_missing", "预算执行!A5")
    assert "合计为一行" in error.message and "取消合并" not in error.message
