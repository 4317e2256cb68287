"""The project tables as official 项目支出绩效自评表 print them: merged 项目名称 filled down (one warning
per range), total rows (合计/总计/汇总/小计/总分) in any label column read as declared totals checked
against the sum at their own row, and the template's 示例 project never counted."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from addin.core import Evaluation
from addin.example.data import EXAMPLE_TABLES, MEETINGS, SISTER_CITIES, TRANSLATION
from addin.headless import evaluate_file
from addin.workbook.template import TEMPLATE_TABLES, evaluate_tables

from ..findings import locations_by_code as codes

A = "甲项目"


def _merge(ws: Any, column: int, first: int, last: int) -> None:
    for r in range(first + 1, last + 1):
        ws.cell(r, column).value = None
    ws.merge_cells(start_row=first, start_column=column, end_row=last, end_column=column)


@pytest.mark.parametrize("as_tables", [True, False])
def test_merged_project_names_are_filled_down_with_one_warning_per_range(
    make_workbook: Callable[..., Path], as_tables: bool
) -> None:
    path = make_workbook()
    wb = openpyxl.load_workbook(path)
    indicators, funds = wb["项目指标"], wb["项目资金"]
    if not as_tables:  # as a form pasted in: the sheet's own header row, no Table objects
        del indicators.tables["tblProjectIndicators"]
        del funds.tables["tblProjectFunds"]
    for first, last in ((4, 10), (11, 16), (17, 21)):  # the example's three projects
        _merge(indicators, 1, first, last)
    for first, last in ((4, 6), (8, 10)):
        _merge(funds, 1, first, last)
    wb.save(path)
    ev = evaluate_file(path)
    assert ev.ok, [f.as_line() for f in ev.findings.errors]
    merged = [f for f in ev.findings if f.code == "input_merged_filled"]
    assert sorted(f.location for f in merged) == [
        "项目指标!A11:A16",
        "项目指标!A17:A21",
        "项目指标!A4:A10",
        "项目资金!A4:A6",
        "项目资金!A8:A10",
    ]
    projects = {p.project.name: p for p in ev.projects.projects}
    assert set(projects) == {MEETINGS, SISTER_CITIES, TRANSLATION}
    assert [len(p.score.indicators) for p in projects.values()] == [7, 6, 5]  # type: ignore[union-attr]
    assert ev.as_json()["projects"] == evaluate_tables(copy.deepcopy(EXAMPLE_TABLES)).as_json()["projects"]


def one_project(indicator_rows: list[list[Any]], funds: list[list[Any]] | None = None) -> Evaluation:
    tables = copy.deepcopy(EXAMPLE_TABLES)
    tables["tblProjects"] = [[A, "某局", "本级", 10, "目标", "完成"]]
    tables["tblProjectFunds"] = funds or [[A, "财政拨款", 100, 100, 90]]
    tables["tblProjectIndicators"] = indicator_rows
    return evaluate_tables(tables)


ROWS = [
    [A, "产出指标", "数量指标", "数量", 50, "正向", "≥8个", "8个", "比率", None, ""],
    [A, "效益指标", "社会效益指标", "效益", 40, "定性", "好", "好", "定性", 40, ""],
]


def total_row(label_at: int, label: str, points: Any, score: Any = None) -> list[Any]:
    row: list[Any] = [A, None, None, None, points, None, None, None, None, score, None]
    row[label_at] = label
    return row


@pytest.mark.parametrize("label", ["合计", "总计", "汇总", "总分", "合　计"])
@pytest.mark.parametrize("label_at", [0, 1, 3])  # 项目名称, 一级指标, 三级指标
@pytest.mark.parametrize("points", [90, 100])  # the indicators' points, or with 执行率分值 10
def test_a_total_row_of_the_indicators_is_a_declared_total_checked_against_the_sum(
    label: str, label_at: int, points: int
) -> None:
    ev = one_project([*ROWS, total_row(label_at, label, points)])
    assert ev.ok, [f.as_line() for f in ev.findings]
    project = ev.projects.projects[0]
    assert project.declared_total == 100 and project.total == 99  # 9 (90%) + 50 + 40
    assert not codes(ev).get("project_total_differs")


def test_a_wrong_total_row_is_one_error_at_its_own_cell() -> None:
    ev = one_project([*ROWS, total_row(1, "合计", 95)])
    assert codes(ev).get("project_total_points") == ["项目指标!E6"]
    assert not codes(ev).get("project_weights_total")  # no second error at the first indicator
    [error] = ev.findings.errors
    assert "95" in error.message and "90" in error.message


def test_the_typed_total_score_is_compared_with_what_the_row_sums() -> None:
    # 90 points: the indicators alone, so its 自评得分 is theirs (90), not the project's 99
    assert not codes(one_project([*ROWS, total_row(1, "合计", 90, 90)])).get("project_total_differs")
    differs = codes(one_project([*ROWS, total_row(1, "总分", 100, 95)]))
    assert differs.get("project_total_differs") == ["项目指标!J6"]


def test_a_subtotal_row_is_checked_against_the_rows_it_sums() -> None:
    rows = [ROWS[0], [A, "产出指标", "小计", None, 50, None, None, None, None, None, None], ROWS[1]]
    assert one_project([*rows, [A, "效益指标", "小计", None, 40, None, None, None, None, None, None]]).ok
    ev = one_project([*rows, [A, "效益指标", "小计", None, 30, None, None, None, None, None, None]])
    assert codes(ev).get("project_subtotal_points") == ["项目指标!E7"]


@pytest.mark.parametrize(
    "funds",
    [
        [[A, "财政拨款", 100, 100, 90], [A, "上年结转", 10, 10, 5], [A, "小计", 110, 110, 95]],
        [[A, "财政拨款", 100, 100, 90], [A, "合计", 100, 100, 90]],
        [[A, "财政拨款", 100, 100, 90], ["合计", None, 100, 100, 90]],
        [[A, "财政拨款", 100, 100, 90], [None, "合计", 100, 100, 90]],
    ],
)
def test_total_rows_of_the_funds_are_declared_totals(funds: list[list[Any]]) -> None:
    ev = one_project(
        [*ROWS[:1], [A, "效益指标", "社会效益指标", "效益", 40, "定性", "好", "好", "定性", 40, ""]], funds
    )
    assert ev.ok, [f.as_line() for f in ev.findings]
    wrong = copy.deepcopy(funds)
    wrong[-1][4] += 1
    found = codes(one_project(ROWS, wrong))
    assert [loc for code, locs in found.items() if code.startswith("project_") for loc in locs] == [
        f"项目资金!E{3 + len(funds)}"
    ]


def test_the_template_sample_project_produces_no_figure() -> None:
    tables = copy.deepcopy(EXAMPLE_TABLES)
    for name in ("tblProjects", "tblProjectFunds", "tblProjectIndicators"):
        tables[name] = tables[name] + copy.deepcopy(TEMPLATE_TABLES[name])
    ev = evaluate_tables(tables)
    assert not ev.ok  # an error at each sample row: the clerk replaces or deletes it
    assert set(codes(ev)["input_sample_row"]) == {"项目!7:7", "项目资金!11:11", "项目指标!22:22"}
    assert [p.project.name for p in ev.projects.projects] == [MEETINGS, SISTER_CITIES, TRANSLATION]
    assert all(p["budget"]["total"] is None for p in ev.as_json()["projects"])  # withheld, not summed


def test_a_sample_row_of_any_table_is_an_error_and_counts_nowhere() -> None:
    ev = evaluate_tables(copy.deepcopy(TEMPLATE_TABLES))
    rows = codes(ev)["input_sample_row"]
    assert {loc.split("!")[0] for loc in rows} >= {"预算执行", "采购合同", "绩效指标", "项目", "项目资金", "项目指标"}
    assert not ev.data.budget.lines and not ev.projects.projects


@pytest.mark.parametrize(
    ("column", "value", "outcome"),
    [
        ("分值", "40分", "warning"),  # read as 40 points, said so
        ("自评得分", "90%", "error"),  # 90% of 分值, or 0.9 points?
        ("执行率分值", "10%", "error"),
        ("执行率分值", 0.1, "error"),  # a share where the form has points: 10 is asked for
    ],
)
def test_project_points_fields_read_as_the_departments_do(column: str, value: Any, outcome: str) -> None:
    tables = copy.deepcopy(EXAMPLE_TABLES)
    tables["tblProjects"] = [[A, "某局", "本级", value if column == "执行率分值" else 10, "目标", "完成"]]
    tables["tblProjectFunds"] = [[A, "财政拨款", 100, 100, 90]]
    rows = copy.deepcopy(ROWS)
    if column == "分值":
        rows[1][4] = "40分"
    if column == "自评得分":
        rows[1][9] = value
    tables["tblProjectIndicators"] = rows
    ev = evaluate_tables(tables)
    cell = {"分值": "项目指标!E5", "自评得分": "项目指标!J5", "执行率分值": "项目!D4"}[column]
    at = [f for f in ev.findings if f.location == cell]
    assert at and all(f.severity.value == outcome for f in at), [f.as_line() for f in ev.findings]
    if outcome == "error":
        assert "95%" not in at[0].message  # no percentage offered as an example of points
    else:
        assert ev.ok and ev.projects.projects[0].total == 99
