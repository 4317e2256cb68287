"""The clerk's declared totals in the project tables, checked against the sums (DESIGN.md,
"Project self-evaluation"; "Total rows"): each error at the total row's own cell.

* 项目指标: the form's 总分 row (合计/总计/汇总/总分 in a label column) declares the project's points,
  either of its indicators alone (90 beside 执行率分值 10) or with its 执行率分值 (100); its 自评得分
  is the clerk's own total. A 小计 row declares the points of the rows above it (or of its 一级指标).
* 项目资金: a project's own 合计/小计 row (the label in 资金来源) declares the sum of its sources; a
  合计 row over every project (the label in 项目名称) the sum over the projects, per 资金来源.

Amounts in 金额单位, points as typed; nothing rounded but what a message shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from .amount_pair import amount_pair
from .findings import Findings
from .model import Indicator
from .numbers import ZERO
from .project_model import DEFAULT_PROJECT_TOTAL, FUND_SOURCES, SOURCE_TOTAL, ProjectFund, ProjectTotalRow

if TYPE_CHECKING:
    from .projects import FundFigures

__all__ = ["DeclaredPoints", "check_fund_subtotals", "check_over_projects", "declared_points"]


def _fmt(value: Decimal) -> str:
    return f"{value.normalize():f}"


@dataclass(frozen=True, slots=True)
class DeclaredPoints:
    """What a project's total rows declare: the form's 总分, whether its typed 自评得分 is the
    indicators' alone, and whether the rows settled the points (no other check of their sum)."""

    total: Decimal = DEFAULT_PROJECT_TOTAL
    score_of_indicators: bool = False
    checked: bool = False
    row: ProjectTotalRow | None = None  # the 总分 row, whose 自评得分 is compared with the score


def declared_points(
    name: str,
    rows: Sequence[ProjectTotalRow],
    indicators: Sequence[Indicator],
    execution_weight: Decimal,
    found: Findings,
) -> DeclaredPoints:
    """The project's 总分 from its total rows; every total and 小计 row checked against its sum."""
    summed = sum((ind.weight for ind in indicators), ZERO)
    for sub in (r for r in rows if r.subtotal and r.weight is not None):
        covered = [
            ind.weight for ind in indicators if (ind.level1 == sub.level1 if sub.level1 else ind.where.row in sub.rows)
        ]
        part = sum(covered, ZERO)
        if sub.weight != part:
            found.error(
                "project_subtotal_points",
                f"项目“{name}”小计行的分值 {_fmt(sub.weight or ZERO)} 与其上各指标分值之和 {_fmt(part)} 不一致："
                "请核对小计行或各指标分值",
                sub.where.cell("分值"),
            )
    total = next((r for r in rows if not r.subtotal), None)
    if total is None:
        return DeclaredPoints()
    if total.weight is None or not indicators:
        return DeclaredPoints(row=total)
    with_execution = summed + execution_weight
    if total.weight == summed and execution_weight:
        # 90 beside 执行率分值 10: the indicators' points; the form's 总分 is 100.
        return DeclaredPoints(with_execution, score_of_indicators=True, checked=True, row=total)
    if total.weight == with_execution:
        return DeclaredPoints(total.weight, checked=True, row=total)
    found.error(
        "project_total_points",
        f"项目“{name}”合计行的分值 {_fmt(total.weight)} 与各指标分值之和 {_fmt(summed)}"
        f"（加执行率分值 {_fmt(execution_weight)} 为 {_fmt(with_execution)}）不一致：请核对合计行或各指标分值",
        total.where.cell("分值"),
    )
    return DeclaredPoints(checked=True, row=total)


def check_fund_subtotals(
    name: str, rows: Sequence[ProjectFund], sources: dict[str, ProjectFund], unit: str, found: Findings
) -> None:
    """A project's own 合计/小计 rows of 项目资金 against the sum of its 资金来源 rows (or its
    年度资金总额 row when it gives no sources)."""
    parts = [sources[s] for s in FUND_SOURCES[1:] if s in sources] or (
        [sources[SOURCE_TOTAL]] if SOURCE_TOTAL in sources else []
    )
    if not parts:
        return
    for row in rows:
        for column, typed, summed in (
            ("年初预算数", row.initial, _sum_optional([p.initial for p in parts])),
            ("全年预算数", row.total, sum((p.total for p in parts), ZERO)),
            ("全年执行数", row.executed, sum((p.executed for p in parts), ZERO)),
        ):
            if typed is None or summed is None or typed == summed:
                continue
            shown = amount_pair(typed, summed, unit)
            cells = "、".join(p.where.cell(column) for p in parts)
            found.error(
                "project_fund_subtotal",
                f"项目“{name}”{row.source}行的{column} {shown.first}与各资金来源之和 {shown.second}"
                f"（{cells}）不一致（相差 {shown.difference}）：请核对",
                row.where.cell(column),
            )


def _sum_optional(values: Sequence[Decimal | None]) -> Decimal | None:
    return None if not values or None in values else sum((v or ZERO for v in values), ZERO)


def check_over_projects(
    rows: Sequence[ProjectFund],
    totals: Sequence[FundFigures],
    sources: Sequence[FundFigures],
    unit: str,
    findings: Findings,
) -> None:
    """合计 rows of 项目资金 over every project (per 资金来源) against the projects' sums;
    ``totals`` are the projects' 年度资金总额 figures, ``sources`` their source rows."""
    for row in rows:
        picked = list(totals) if row.source == SOURCE_TOTAL else [s for s in sources if s.source == row.source]
        for column, typed, summed in (
            ("全年预算数", row.total, sum((f.total for f in picked), ZERO)),
            ("全年执行数", row.executed, sum((f.executed for f in picked), ZERO)),
        ):
            if typed != summed:
                shown = amount_pair(typed, summed, unit)
                findings.error(
                    "project_total_vs_sum",
                    f"合计行{row.source}的{column} {shown.first}与各项目之和 "
                    f"{shown.second}不一致（相差 {shown.difference}）："
                    "请核对各项目数据或合计行",
                    row.where.cell(column),
                )
