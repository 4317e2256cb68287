"""Formula results as Excel saves them (to 17 significant digits: =958.57+14.34 is stored as
972.9100000000001) are read as the cells show them, 15 digits: a 合计 row holding SUM's result
agrees with its rows, and a 0.005 edge rounds as the shown value does."""

from __future__ import annotations

import copy
import math
from typing import Any

from addin.example.data import EXAMPLE_TABLES
from addin.workbook.template import evaluate_tables


def _tables() -> dict[str, list[list[Any]]]:
    return copy.deepcopy(EXAMPLE_TABLES)


def test_a_budget_total_row_holding_sums_result_agrees_with_its_units() -> None:
    tables = _tables()
    rows = tables["tblBudget"]
    total: list[Any] = ["合计", ""]
    for c in range(2, 6):
        s = 0.0
        for row in rows:
            s += row[c]  # the float sum Excel's SUM stores (9326.109999999999 for 执行数)
        total.append(s)
    assert repr(total[4]) != "9326.11"  # the noise this test is about is really there
    rows.append([*total, ""])
    ev = evaluate_tables(tables)
    assert not ev.findings.errors
    assert ev.as_json()["budget"]["execution_rate"] == "96.67"


def test_a_procurement_category_holding_a_formula_result_agrees_with_the_ledger() -> None:
    tables = _tables()
    tables["tblProcurement"][2][2] = math.nextafter(958.57, math.inf)  # a sum stored one bit off
    assert repr(tables["tblProcurement"][2][2]) != "958.57"
    ev = evaluate_tables(tables)
    assert not ev.findings.errors
    assert ev.as_json()["procurement"]["sme_share"] == "66.7"


def test_a_project_fund_total_holding_a_formula_result_agrees_with_its_sources() -> None:
    tables = _tables()
    funds = tables["tblProjectFunds"]
    funds[0][4] = math.nextafter(1236.48, 0.0)  # 年度资金总额 =C+D as stored, 17 digits
    assert repr(funds[0][4]) != "1236.48"
    ev = evaluate_tables(tables)
    assert not ev.findings.errors


def test_an_executed_amount_on_a_half_cent_edge_rounds_as_shown() -> None:
    tables = _tables()
    tables["tblBudget"] = [["办本级", "本级", 100.0, 100.0, 90.02 + 0.005, 90.02 + 0.005, ""]]
    tables["tblContracts"] = []
    ev = evaluate_tables(tables)
    budget = ev.as_json()["budget"]
    assert budget["executed"] == "90.03"
    assert budget["execution_rate"] == "90.03"  # 90.025 / 100 half-up, not 90.02%
