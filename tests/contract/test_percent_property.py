"""Property: typing a rate as percent points (95 for 95%) never changes the score silently.

For any indicator row and rule, typing one rate of it as points instead of a fraction either
gives the same score with a warning naming that cell, or an error naming that cell.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from addin.contract.percent import read_percent_points
from addin.core.findings import Findings
from addin.core.model import Indicator, RowRef, RuleRow
from addin.core.scoring import score_indicators
from tests.core.factories import INDICATORS, RULES

HUNDRED = Decimal(100)
# Rates a clerk types, 10% … 100%. Below that a rate typed as points cannot always be told
# from a count or a fraction (3 beside 1: three events, or 3% beside 100%?) and is read as typed.
rates = st.integers(min_value=100, max_value=1000).map(lambda n: Decimal(n) / 1000)


def indicator(
    target: Decimal, target_text: str, actual: Decimal, method: str, source: str, direction: str
) -> Indicator:
    return Indicator(
        "履职效能",
        "重点工作",
        "完成率",
        Decimal(10),
        direction,
        target,
        target_text,
        actual,
        f"{actual.normalize():f}",
        source,
        method,
        None,
        "",
        RowRef(INDICATORS, 4),
    )


def rules_for(method: str, bound: Decimal) -> list[RuleRow]:
    if method == "扣分规则":
        return [RuleRow(method, "扣分", bound, None, None, Decimal("0.5"), RowRef(RULES, 4))]
    if method == "区间规则":
        return [
            RuleRow(method, "区间", bound, None, Decimal(1), None, RowRef(RULES, 4)),
            RuleRow(method, "区间", None, bound, Decimal("0.6"), None, RowRef(RULES, 5)),
        ]
    return []


def total(indicators: list[Indicator], rules: list[RuleRow], figures: dict[str, Decimal | None]) -> Decimal | None:
    findings = Findings()
    result = score_indicators(indicators, rules, figures, Decimal(10), findings)
    return None if findings.has_errors else result.total


@settings(max_examples=500)
@given(
    target=rates,
    actual=rates,
    bound=rates,
    method=st.sampled_from(["比率", "扣分规则", "区间规则"]),
    direction=st.sampled_from(["正向", "反向"]),
    evidence=st.sampled_from(["none", "target_percent", "target_format", "actual_format", "source", "rule_format"]),
    typed=st.sampled_from(["target", "actual", "bound"]),
)
def test_points_instead_of_a_fraction_never_change_the_score_silently(
    target: Decimal, actual: Decimal, bound: Decimal, method: str, direction: str, evidence: str, typed: str
) -> None:
    if method == "比率":
        typed = "actual" if typed == "bound" else typed
        if evidence == "rule_format":
            evidence = "none"
    if method != "比率" and direction == "反向":
        direction = "正向"
    source = "预算执行率" if evidence == "source" else "台账"
    figures: dict[str, Decimal | None] = {"预算执行率": actual}
    target_text = f"≥{(target * HUNDRED).normalize():f}%" if evidence == "target_percent" else f"{target.normalize():f}"
    units = {(INDICATORS.sheet, 4): ("%" if evidence == "target_percent" else "", "")}
    percent_cells: set[tuple[str, int, int]] = set()
    if evidence == "target_format":
        percent_cells.add((INDICATORS.sheet, 4, INDICATORS.columns["目标值"]))
    if evidence == "actual_format":
        percent_cells.add((INDICATORS.sheet, 4, INDICATORS.columns["实际值"]))
    if evidence == "rule_format":
        percent_cells.add((RULES.sheet, 4, RULES.columns["下限"]))

    right = indicator(target, target_text, actual, method, source, direction)
    right_rules = rules_for(method, bound)
    truth = total([right], right_rules, figures)

    wrong, wrong_rules, cell = right, right_rules, ""
    if typed == "target":
        text = f"{(target * HUNDRED).normalize():f}"
        wrong = dataclasses.replace(right, target=target * HUNDRED, target_text=text)
        units = {(INDICATORS.sheet, 4): ("", "")}
        cell = "绩效指标!F4"
    elif typed == "actual":
        wrong = dataclasses.replace(right, actual=actual * HUNDRED, actual_text=f"{(actual * HUNDRED).normalize():f}")
        cell = "绩效指标!G4"
    else:
        wrong_rules = [dataclasses.replace(right_rules[0], lower=bound * HUNDRED), *right_rules[1:]]
        cell = "计分规则!C4"

    findings = Findings()
    read, read_rules, _ = read_percent_points([wrong], units, wrong_rules, frozenset(percent_cells), findings)
    if any(f.location == cell for f in findings.errors):
        return  # an error naming the cell: the clerk is asked which was meant
    assert not findings.has_errors, [f.as_line() for f in findings]
    got = total(read, read_rules, figures)
    assert got == truth, (got, truth, [f.as_line() for f in findings])
    assert any(f.location == cell for f in findings.warnings), [f.as_line() for f in findings]
