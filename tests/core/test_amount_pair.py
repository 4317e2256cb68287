"""Messages that compare two amounts show them differing (core/amount_pair.py): a department in
亿元 whose sums differ from its 合计 rows in the 4th decimal once read "0.59 亿元与合计行 0.59 亿元不一致
（相差 0.00）". Every check that sets two amounts side by side goes through one helper; the kind is
tested over every finding of workbooks with differences below the cent of their unit."""

from __future__ import annotations

import copy
import re
from decimal import Decimal as D
from typing import Any

import pytest

from addin.core.amount_pair import amount_pair
from addin.core.findings import Finding
from addin.example.data import EXAMPLE_TABLES
from addin.workbook.template import evaluate_tables


def test_two_amounts_read_differently_and_their_difference_is_more_than_zero() -> None:
    shown = amount_pair(D("0.5925"), D("0.59"), "亿元")
    assert (shown.first, shown.second, shown.difference) == ("0.5925 亿元", "0.5900 亿元", "0.0025 亿元")
    shown = amount_pair(D("32000000"), D("31999999.996"), "元")
    assert (shown.first, shown.second, shown.difference) == ("32,000,000.000 元", "31,999,999.996 元", "0.004 元")
    shown = amount_pair(D("9647.82"), D("9326.11"), "万元")
    assert (shown.first, shown.second, shown.difference) == ("9,647.82 万元", "9,326.11 万元", "321.71 万元")
    # a formula's long result: to the first decimal where the two differ
    shown = amount_pair(D("1") / D("3"), D("0.3334"), "")
    assert (shown.first, shown.second, shown.difference) == ("0.3333", "0.3334", "0.0001")
    assert amount_pair(D("5"), D("5.00"), "万元").first == amount_pair(D("5"), D("5.00"), "万元").second


_AMOUNT = re.compile(r"(-?[\d,]+(?:\.\d+)?) (?:亿元|万元|元)")
_GAP = re.compile(r"(?:相差|超出) (-?[\d,]+(?:\.\d+)?) (?:亿元|万元|元)")


def _unreadable(findings: list[Finding]) -> list[str]:
    """Messages comparing two amounts that read the same, or whose difference reads zero."""
    bad = []
    for f in findings:
        if not re.search("不一致|超过|大于", f.message):
            continue
        amounts = _AMOUNT.findall(f.message)
        gap = _GAP.search(f.message)
        same = len(amounts) >= 2 and amounts[0] == amounts[1]
        if same or (gap is not None and D(gap.group(1).replace(",", "")) == 0):
            bad.append(f.message)
    return bad


def _in_yi(tables: dict[str, Any]) -> dict[str, Any]:
    """The example's tables in 亿元 (amounts ÷ 10,000)."""
    tables = copy.deepcopy(tables)
    info = dict(tables["tblInfo"])
    tables["tblInfo"] = [[k, "亿元" if k == "金额单位" else v] for k, v in info.items()]

    def yi(value: Any) -> Any:
        number = isinstance(value, (int, float)) and not isinstance(value, bool)
        return float(D(str(value)) / 10_000) if number else value

    tables["tblBudget"] = [[*row[:2], *(yi(v) for v in row[2:6]), *row[6:]] for row in tables["tblBudget"]]
    tables["tblContracts"] = [[*row[:3], yi(row[3]), *row[4:]] for row in tables["tblContracts"]]
    tables["tblProcurement"] = [[row[0], *(yi(v) for v in row[1:])] for row in tables["tblProcurement"]]
    tables["tblProjectFunds"] = [[*row[:2], *(yi(v) for v in row[2:])] for row in tables["tblProjectFunds"]]
    return tables


@pytest.mark.parametrize("unit", ["亿元", "万元"])
def test_every_message_comparing_amounts_differing_below_the_cent_reads_them_apart(unit: str) -> None:
    tables = _in_yi(EXAMPLE_TABLES) if unit == "亿元" else copy.deepcopy(EXAMPLE_TABLES)
    step = 0.0001 if unit == "亿元" else 0.001  # below the cent of the unit
    budget = tables["tblBudget"]
    sums = [round(sum(row[i] for row in budget), 6) for i in (2, 3, 4, 5)]
    budget.append(["合计", "", sums[0], round(sums[1] + step, 6), sums[2], sums[3], ""])  # 合计 off by a step
    budget[0][4] = round(budget[0][3] + step / 10, 7)  # 执行数 just over 全年预算数
    budget[0][5] = budget[0][4]
    procurement = tables["tblProcurement"]
    procurement[0][1] = round(procurement[0][1] + step, 6)  # the summary off the ledger by a step
    procurement.append(["合计", round(sum(r[1] for r in procurement) + step, 6), None, None])
    funds = tables["tblProjectFunds"]
    total_row = next(r for r in funds if r[1] == "年度资金总额")
    total_row[3] = round(total_row[3] + step, 6)  # 年度资金总额 off its sources
    ev = evaluate_tables(tables)
    codes = {f.code for f in ev.findings}
    compared = {"budget_units_vs_total", "budget_over_executed", "procurement_ledger_vs_summary"}
    assert compared <= codes, codes
    assert codes & {"procurement_category_sum"} and codes & {"project_fund_total", "project_fund_subtotal"}, codes
    assert _unreadable(list(ev.findings)) == []
