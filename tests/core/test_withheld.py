"""A failed evaluation withholds every figure that depends on input with an error (DESIGN.md,
"A failed evaluation"), decided per figure in one place (``core.withheld``), in JSON and in the
command line's text alike; figures that do not depend on it stand."""

from __future__ import annotations

import copy
from typing import Any

from addin.cli import headline
from addin.core import Evaluation
from addin.example.data import EXAMPLE_TABLES
from addin.workbook.template import evaluate_tables

Tables = dict[str, list[list[Any]]]


def weighted(weight: Any) -> list[list[Any]]:
    """The example's projects, the first with 执行率分值 ``weight``."""
    projects = copy.deepcopy(EXAMPLE_TABLES["tblProjects"])
    projects[0][3] = weight
    return projects


def evaluate(**changes: list[list[Any]]) -> Evaluation:
    tables: Tables = copy.deepcopy(EXAMPLE_TABLES)
    tables.update(copy.deepcopy(changes))
    return evaluate_tables(tables)


def text(ev: Evaluation) -> str:
    return "\n".join(line for line in headline(ev) if not line.startswith(("错误", "警告")))


def test_a_ledger_and_a_summary_that_disagree_withhold_every_procurement_figure() -> None:
    summary = copy.deepcopy(EXAMPLE_TABLES["tblProcurement"])
    summary[0][1] = 200  # 货物 200 against the ledger's 213.53
    ev = evaluate(tblProcurement=summary)
    assert not ev.ok
    proc = ev.as_json()["procurement"]
    assert all(proc[k] is None for k in ("total", "sme", "sme_share", "small_micro", "small_micro_share_of_sme"))
    assert proc["categories"] == {}
    assert ev.as_json()["budget"]["total"] == "9647.82"  # the budget does not depend on it
    shown = text(ev)
    assert "1,758.16" not in shown and "66.7%" not in shown and "10.8%" not in shown
    assert "政府采购支出总额 不予显示" in shown and "中小企业合同占比 不予显示" in shown
    assert "96.67%" in shown  # the budget's figures stand


def test_a_total_row_off_its_categories_is_flagged_and_the_declared_figures_stand() -> None:
    ev = evaluate(
        tblContracts=[],
        tblProcurement=[
            ["货物", 213.53, 213.53, 86.40],
            ["服务", 1544.63, 958.57, 39.94],
            ["合计", 1758.26, 1172.1, 126.34],
        ],
    )
    assert [f.code for f in ev.findings.errors] == ["procurement_category_sum"]
    error = ev.findings.errors[0]
    assert "1,758.26" in error.message and "1,758.16" in error.message
    proc = ev.as_json()["procurement"]
    # Shares over the declared 合计, as a published statement states them (DESIGN.md).
    assert (proc["total"], proc["sme_share"], proc["small_micro_share_of_sme"]) == ("1758.26", "66.7", "10.8")
    assert proc["categories"]["服务"]["sme_share"] == "62.1"
    assert proc["categories"]["服务"]["share_of_total"] == "87.8"  # 1544.63 / 1758.26
    assert ev.as_json()["score"]["total"] is None
    shown = text(ev)
    assert "政府采购支出总额 1,758.26" in shown and "中小企业合同占比 66.7%" in shown


def test_a_negative_execution_weight_withholds_the_execution_score() -> None:
    ev = evaluate(tblProjects=weighted(-10))
    project = ev.as_json()["projects"][0]
    assert project["execution_score"] is None  # not "-12.36"
    assert project["budget"]["execution_rate"] == "98.92"  # the money does not depend on it
    # one error, at the cell: no follow-on about the indicators' points
    assert [f.location for f in ev.findings.errors] == ["项目!D4"]


def test_a_project_whose_total_contradicts_its_sources_has_its_money_withheld_alone() -> None:
    funds = copy.deepcopy(EXAMPLE_TABLES["tblProjectFunds"])
    funds[0][3] = 1260  # 年度资金总额 全年预算数 against 1150 + 100
    ev = evaluate(tblProjectFunds=funds)
    first, second, _ = ev.as_json()["projects"]
    assert first["budget"]["total"] is None and first["budget"]["execution_rate"] is None
    assert first["execution_score"] is None and first["budget"]["sources"] == []
    assert second["budget"]["execution_rate"] == "105.42" and second["execution_score"] == "10.00"
    assert all(p["score"]["total"] is None for p in ev.as_json()["projects"])  # any error: every score


def test_a_budget_total_row_off_its_units_withholds_the_department_totals_not_the_units() -> None:
    budget = copy.deepcopy(EXAMPLE_TABLES["tblBudget"])
    budget.append(["合计", "", None, 9647.92, 9326.11, 9360.25, ""])
    ev = evaluate(tblBudget=budget)
    assert "budget_units_vs_total" in {f.code for f in ev.findings.errors}
    data = ev.as_json()["budget"]
    assert data["total"] is None and data["execution_rate"] is None
    assert data["units"][0]["total"] == "7215.46"
    assert "9,647.82" not in text(ev) and "预算执行率 不予显示" in text(ev)


def test_a_project_execution_weight_typed_as_a_share_asks_for_points() -> None:
    ev = evaluate(tblProjects=weighted(0.1))
    [error] = ev.findings.errors
    assert error.location == "项目!D4" and "请填写 10" in error.message


def test_a_check_on_withheld_figures_prints_none_of_them() -> None:
    """A unit given twice withholds the department's sums: neither the 执行数/支出数 warning nor
    the 合计-row check runs on the sums counting it twice, and no message carries them."""
    budget = copy.deepcopy(EXAMPLE_TABLES["tblBudget"])
    again = list(budget[-1])
    again[2:6] = [100, 100, 90, 95]  # 广州对外交流发展中心 again: 执行数 9,416.11, 支出数 9,455.25 summed
    budget.append(again)
    budget.append(["合计", None, 9200, 9647.82, 9326.11, 9360.25, None])
    ev = evaluate(tblBudget=budget)
    assert [(f.code, f.location) for f in ev.findings.errors] == [("budget_duplicate_unit", "预算执行!A8")]
    assert ev.as_json()["budget"]["total"] is None
    said = "\n".join(f.message for f in ev.findings)
    for doubled in ("9,416.11", "9,455.25", "9,747.82"):
        assert doubled not in said
    assert not any(f.code in ("budget_executed_vs_spent", "budget_units_vs_total") for f in ev.findings)


def test_an_unreadable_project_indicator_withholds_scores_not_any_projects_money() -> None:
    indicators = copy.deepcopy(EXAMPLE_TABLES["tblProjectIndicators"])
    indicators[0][7] = "#DIV/0!"  # 实际完成值 of the first project's first indicator
    ev = evaluate(tblProjectIndicators=indicators)
    assert not ev.ok and any(f.location.startswith("项目指标!") for f in ev.findings.errors)
    projects = ev.as_json()["projects"]
    assert projects and all(p["budget"]["total"] is not None for p in projects)
    assert all(p["score"]["total"] is None for p in projects)  # every score depends on everything
