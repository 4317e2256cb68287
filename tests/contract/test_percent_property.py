"""Property: typing a rate as percent points (95 for 95%) never changes the score silently.

For any indicator row and rule, typing one rate of it as points instead of a fraction either
gives the same score with a warning naming that cell, or an error naming that cell.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from addin.contract.percent import read_percent_points
from addin.core.findings import Findings
from addin.core.model import Indicator, RowRef, RuleRow
from addin.core.scoring import score_indicators
from tests.core.factories import INDICATORS, RULES

HUNDRED = Decimal(100)
# Rates a clerk types, 1% … 100% (complaint rates ≤5% among them). Typed as points the small ones
# are 1 … 2: 1.5 beside ≤5% is 1.5%, 2 beside ≥95% is 2% or 200% (an error asks); 1 beside rates of
# 10% or more is 100%, as Excel stores it. Below 1%, a rate typed as points cannot be told from a
# fraction and is read as typed. Actuals of 100%–200% have their own property below.
rates = st.integers(min_value=10, max_value=1000).map(lambda n: Decimal(n) / 1000)


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


@settings(max_examples=800)
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
    sign = "≤" if direction == "反向" else "≥"
    percent = f"{sign}{(target * HUNDRED).normalize():f}%"
    target_text = percent if evidence == "target_percent" else f"{target.normalize():f}"
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
        points = target * HUNDRED
        wrong = dataclasses.replace(right, target=points, target_text=f"{points.normalize():f}")
        units = {(INDICATORS.sheet, 4): ("", "")}
        cell = "绩效指标!F4"
    elif typed == "actual":
        points = actual * HUNDRED
        wrong = dataclasses.replace(right, actual=points, actual_text=f"{points.normalize():f}")
        cell = "绩效指标!G4"
    else:
        points = bound * HUNDRED
        wrong_rules = [dataclasses.replace(right_rules[0], lower=points), *right_rules[1:]]
        cell = "计分规则!C4"

    # Without any evidence that the row is a rate, only a number ten times larger than every
    # fraction beside it is evidently points (2.1 beside 0.211 are just two numbers).
    # (A target typed as points has lost its %: the row then has no evidence either.)
    assume(points >= 10 or evidence not in ("none", f"{typed}_percent"))
    findings = Findings()
    read, read_rules, _ = read_percent_points([wrong], units, wrong_rules, frozenset(percent_cells), findings)
    if findings.has_errors:
        # The clerk is asked which was meant (at this cell, or at another one that reads as
        # 100% or 1%: a target of 1 beside an actual of 5%), and no figure is computed.
        return
    got = total(read, read_rules, figures)
    if not any(f.location == cell for f in findings) and points <= 2:
        # 1 is 100% as Excel stores it, and a percent format shows the clerk 100%–200%: read as
        # typed. (Never 1.5 or 2 unformatted: those are points, with a warning, or an error.)
        shown = evidence == {"target": "target_format", "actual": "actual_format", "bound": "rule_format"}[typed]
        assert points == 1 or shown, (points, got, truth)
        assert got == total([wrong], wrong_rules, figures)
        return
    assert got == truth, (got, truth, [f.as_line() for f in findings])
    assert any(f.location == cell for f in findings.warnings), [f.as_line() for f in findings]


@settings(max_examples=300)
@given(
    target=rates,
    actual=st.integers(min_value=1000, max_value=2000).map(lambda n: Decimal(n) / 1000),
    direction=st.sampled_from(["正向", "反向"]),
    evidence=st.sampled_from(["target_percent", "target_format", "actual_format"]),
)
def test_a_rate_of_100_to_200_percent_typed_as_a_fraction_is_never_misread_silently(
    target: Decimal, actual: Decimal, direction: str, evidence: str
) -> None:
    """1.2 typed for 120% on a rate row: read as 120%, or a finding names the cell (1.2 beside
    ≤5% reads as 1.2% with a warning; 1.2 beside ≥95% is asked about)."""
    sign = "≤" if direction == "反向" else "≥"
    percent = evidence == "target_percent"
    target_text = f"{sign}{(target * HUNDRED).normalize():f}%" if percent else f"{target.normalize():f}"
    units = {(INDICATORS.sheet, 4): ("%" if percent else "", "")}
    column = {"target_format": "目标值", "actual_format": "实际值"}.get(evidence)
    cells = frozenset() if column is None else frozenset({(INDICATORS.sheet, 4, INDICATORS.columns[column])})
    row = indicator(target, target_text, actual, "比率", "台账", direction)
    findings = Findings()
    read, _, _ = read_percent_points([row], units, [], cells, findings)
    named = any(f.location == "绩效指标!G4" for f in findings)
    assert named or read[0].actual == actual, ([f.as_line() for f in findings], read[0].actual)
