"""A project's funds as clerks really fill them: the 执行率口径 named wherever the rate is (年初 or
全年), a zero base null with its note everywhere and no contradicting sentence, a fund row that
failed to read not reported again as missing, each message citing the cells of its own column."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pytest

from addin.core import Evaluation
from addin.example.data import EXAMPLE_TABLES
from addin.report.layout import SheetLayout
from addin.report.project_content import project_layouts
from addin.report.sentences import projects_sentence
from addin.workbook.template import evaluate_tables

from ..findings import locations_by_code as codes

A, B = "甲项目", "乙项目"


def project(name: str, weight: Any = 10) -> list[Any]:
    return [name, "某局", "本级", weight, "目标", "完成"]


def indicators(name: str, weight: Any = 90) -> list[list[Any]]:
    return [[name, "产出指标", "数量指标", "数量", weight, "正向", "≥8个", "8个", "比率", None, ""]]


def evaluate(funds: list[list[Any]], basis: str = "全年预算数", names: tuple[str, ...] = (A,)) -> Evaluation:
    tables = copy.deepcopy(EXAMPLE_TABLES)
    tables["tblProjects"] = [project(n) for n in names]
    tables["tblProjectFunds"] = funds
    tables["tblProjectIndicators"] = [row for n in names for row in indicators(n)]
    for row in tables["tblInfo"]:
        if row[0] == "执行率口径":
            row[1] = basis
    return evaluate_tables(tables)


def texts(layout: SheetLayout) -> str:
    return "\n".join(str(c.value) for c in layout.cells.values() if isinstance(c.value, str))


def test_on_the_initial_budget_basis_every_label_says_so_and_overspending_it_is_a_warning() -> None:
    # 年初 100, 全年 120, 执行 110: 110% of the 年初 base (not over the 全年预算数)
    ev = evaluate([[A, "财政拨款", 100, 120, 110]], basis="年初预算数")
    assert ev.ok, [f.as_line() for f in ev.findings.errors]
    p = ev.as_json()["projects"][0]
    assert p["budget"]["execution_rate"] == "110.00" and p["execution_score"] == "10.00"
    over = [f for f in ev.findings if f.code == "project_over_executed"]
    assert [f.location for f in over] == ["项目资金!E4"]
    assert "超过年初预算数 100.00 万元" in over[0].message and "110.00%" in over[0].message
    summary, sheet = project_layouts(ev)
    for layout in (summary, sheet):
        assert "执行率（年初）" in texts(layout)
        assert "÷ 年初预算数" in texts(layout) and "÷ 全年预算数" not in texts(layout)
    sentence = projects_sentence(ev)
    assert "项目年初预算数合计 100.00 万元" in sentence and "执行率（按年初预算数） 110.00%" in sentence
    assert "全年预算数" not in sentence


def test_on_the_full_year_basis_the_labels_are_the_forms() -> None:
    ev = evaluate([[A, "财政拨款", 100, 120, 110]])
    assert ev.ok and not codes(ev).get("project_over_executed")
    summary, sheet = project_layouts(ev)
    assert "执行率（年初）" not in texts(summary) + texts(sheet) and "÷ 全年预算数" in texts(sheet)


def test_on_the_initial_basis_a_missing_initial_budget_is_an_error_at_its_cell_not_a_follow_on() -> None:
    ev = evaluate([[A, "财政拨款", 80, 80, 70], [A, "上年结转", None, 20, 20]], basis="年初预算数")
    found = codes(ev)
    assert found.get("project_missing_initial") == ["项目资金!C5"]  # the source without it
    assert "project_rate_not_comparable" not in found and "score_missing_actual" not in found
    p = ev.as_json()["projects"][0]
    assert p["budget"]["initial"] is None  # a partial sum (80) is no total
    assert p["budget"]["notes"] == {"execution_rate": "未填报"}


@pytest.mark.parametrize("executed", [0, 5])
def test_a_zero_budget_is_null_with_its_note_everywhere_and_no_contradicting_text(executed: int) -> None:
    ev = evaluate([[A, "财政拨款", 0, 0, executed], [B, "财政拨款", 10, 10, 10]], names=(A, B))
    assert ev.ok, [f.as_line() for f in ev.findings.errors]
    p = ev.as_json()["projects"][0]
    assert p["budget"]["execution_rate"] is None and p["execution_score"] is None and p["score"]["total"] is None
    assert p["budget"]["notes"] == {"execution_rate": "基数为0，不可比"}
    assert p["notes"] == {"execution_score": "基数为0，不可比", "total": "基数为0，不可比"}
    assert p["budget"]["sources"][0]["notes"] == {"execution_rate": "基数为0，不可比"}
    found = codes(ev)
    assert found["project_rate_not_comparable"] == ["项目资金!D4"]
    assert "project_over_executed" not in found  # never "执行率得分按 100% 计" beside a null score
    message = next(f.message for f in ev.findings if f.code == "project_rate_not_comparable")
    assert "基数为0，不可比" in message and "100%" not in message
    summary, sheet, _ = project_layouts(ev)
    assert "基数为0，不可比" in texts(sheet) and "基数为0，不可比" in texts(summary)
    assert "序号 1 的项目" in texts(summary)
    rate_cells = [c.value for (r, col), c in sheet.cells.items() if col == 7 and c.style.startswith("total")]
    assert "-" in rate_cells


@pytest.mark.parametrize("executed", [-5, None])
def test_a_fund_row_that_failed_to_read_is_not_also_missing(executed: Any) -> None:
    ev = evaluate([[A, "财政拨款", 100, 100, executed]])
    found = codes(ev)
    assert "项目资金!E4" in [loc for locs in found.values() for loc in locs]
    assert "project_no_funds" not in found


def test_an_indicator_row_that_failed_to_read_is_not_also_missing() -> None:
    tables = copy.deepcopy(EXAMPLE_TABLES)
    tables["tblProjects"] = [project(A)]
    tables["tblProjectFunds"] = [[A, "财政拨款", 100, 100, 100]]
    phrase = [A, "产出指标", "数量指标", "数量", 90, "正向", "≥8个", "基本完成", "比率", None, ""]
    tables["tblProjectIndicators"] = [phrase]
    found = codes(evaluate_tables(tables))
    assert found["input_phrase_actual"] == ["项目指标!H4"]
    assert "project_no_indicators" not in found


def test_a_total_differing_from_its_sources_cites_each_columns_own_cells() -> None:
    ev = evaluate([[A, "年度资金总额", 100, 100, 95], [A, "财政拨款", 80, 80, 75], [A, "上年结转", 10, 10, 10]])
    errors = [f for f in ev.findings.errors if f.code == "project_fund_total"]
    assert [f.location for f in errors] == ["项目资金!C4", "项目资金!D4", "项目资金!E4"]
    for f, column in zip(errors, "CDE", strict=True):
        assert f"项目资金!{column}5" in f.message and f"项目资金!{column}6" in f.message
        assert f.message.count("项目资金!") == 2


def test_a_difference_from_the_declared_total_is_shown_to_the_cent() -> None:
    ev = evaluate([[A, "财政拨款", 100, 100, 95], ["合计", "财政拨款", 100, 969, 95]])
    error = next(f for f in ev.findings.errors if f.code == "project_total_vs_sum")
    assert "相差 869.00 万元" in error.message


def test_without_indicators_the_points_column_adds_up_to_what_it_lists() -> None:
    tables = copy.deepcopy(EXAMPLE_TABLES)
    tables["tblProjects"] = [project(A)]
    tables["tblProjectFunds"] = [[A, "财政拨款", 100, 100, 90]]
    tables["tblProjectIndicators"] = []
    ev = evaluate_tables(tables)
    _, sheet = project_layouts(ev)
    total_row = max(r for (r, c), cell in sheet.cells.items() if cell.value == "总分")
    assert sheet.cells[(total_row, 6)].value == Decimal(10)


def test_a_printed_column_that_does_not_add_up_carries_the_rounding_note() -> None:
    # 执行率得分 9.6666… (9.67) + 指标 81.1777… (81.18) = 90.8444… (90.84), not 90.85
    tables = copy.deepcopy(EXAMPLE_TABLES)
    tables["tblProjects"] = [project(A), project(B)]
    tables["tblProjectFunds"] = [[A, "财政拨款", 300, 300, 290], [B, "财政拨款", 10, 10, 10]]
    tables["tblProjectIndicators"] = [
        [A, "产出指标", "数量指标", "数量", 90, "正向", "≥900个", "811.7777个", "比率", None, "原因"],
        *indicators(B),
    ]
    ev = evaluate_tables(tables)
    assert ev.ok, [f.as_line() for f in ev.findings.errors]
    summary, first, second = project_layouts(ev)
    note = "总分按未舍入的各项得分相加后四舍五入"
    assert note in texts(first) and note not in texts(second) and note in texts(summary)
