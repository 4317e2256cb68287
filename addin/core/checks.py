"""Consistency checks: contradictions are errors (they stop the report), doubts are warnings.

Each check compares only figures that were stated: a blank 支出数 or a category SME amount
given only in total is not a contradiction (DESIGN.md, "Real report forms").
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from .amount_pair import amount_pair
from .budget import BASIS_INITIAL, BudgetFigures
from .findings import Findings
from .model import Budget, ContractLedger, Indicator, ProcurementLine, ProcurementSummary, RowRef
from .numbers import ZERO, percent_text
from .procurement import ProcurementFigures, Split, from_summary, summary_splits
from .withheld import BUDGET, BUDGET_TOTALS, withheld_by

__all__ = [
    "COMPLETION_RATE",
    "check_budget",
    "check_ledger_units",
    "check_procurement_sources",
    "check_summary",
    "check_typed_completion",
]

_BUDGET_COLUMNS = (("全年预算数", "total"), ("执行数", "executed"), ("支出数", "spent"))
_SUMMARY_COLUMNS = (
    ("支出金额", "amount"),
    ("授予中小企业合同金额", "sme"),
    ("其中授予小微企业合同金额", "small_micro"),
)


def check_budget(budget: Budget, figures: BudgetFigures, unit: str, findings: Findings) -> None:
    """Each unit's row, then the department's sums (合计 row, 执行数 vs 支出数) unless an error
    in the rows withholds them (``withheld.withheld_by``); ``findings`` holds this check's own."""
    if not budget.lines:
        findings.error(
            "budget_empty",
            "预算执行表没有任何单位：请至少填写一个单位的全年预算数和执行数",
            budget.table.header("单位名称"),
        )
        return
    seen: dict[str, str] = {}
    for line in budget.lines:
        here = line.where.cell("单位名称")
        if line.name in seen:
            findings.error(
                "budget_duplicate_unit",
                f"单位“{line.name}”重复出现（另见 {seen[line.name]}）：如为同一单位分行填写（如基本支出、项目支出），"
                "请把这几行合计为一行，或只在第一行填写单位名称并把该单元格向下合并到这几行（按同一单位合计）；"
                "如为不同单位，请更正单位名称",
                here,
            )
        else:
            seen[line.name] = here
        for column, value in (("执行数", line.executed), ("支出数", line.spent)):
            if value is not None and value > line.total:
                shown = amount_pair(value, line.total, unit)
                findings.warning(
                    "budget_over_executed",
                    f"单位“{line.name}”{column} {shown.first}超过全年预算数 {shown.second}"
                    f"（超出 {shown.difference}）：请核实是否存在超预算支出",
                    line.where.cell(column),
                )
        if figures.basis == BASIS_INITIAL and line.initial is None:
            findings.error(
                "budget_missing_initial",
                f"执行率口径为年初预算数，但单位“{line.name}”未填写年初预算数：请填写，"
                "或在基本信息中把执行率口径改为全年预算数",
                line.where.cell("年初预算数"),
            )

    if withheld_by(f.code for f in findings.errors) & {BUDGET, BUDGET_TOTALS}:
        return  # the department's sums are withheld (a unit given twice): no check prints them
    dept = figures.department
    declared = budget.declared_total
    if declared is not None:
        pairs = [*_BUDGET_COLUMNS]
        if declared.initial is not None and dept.initial is not None:
            pairs.append(("年初预算数", "initial"))
        for column, attr in pairs:
            typed: Decimal | None = getattr(declared, attr)
            summed: Decimal | None = getattr(dept, attr)
            if typed is not None and summed is not None and typed != summed:
                shown = amount_pair(summed, typed, unit)
                findings.error(
                    "budget_units_vs_total",
                    f"各单位{column}之和 {shown.first}与合计行 {shown.second}"
                    f"不一致（相差 {shown.difference}）：请核对各单位数据或合计行",
                    declared.where.cell(column),
                )
    _check_executed_vs_spent(budget, unit, findings)


def _check_executed_vs_spent(budget: Budget, unit: str, findings: Findings) -> None:
    """执行数 vs 支出数 over the units that give both (a project form has no 支出数)."""
    both = [line for line in budget.lines if line.spent is not None]
    if not both:
        return
    executed = sum((line.executed for line in both), ZERO)
    spent = sum((line.spent or ZERO for line in both), ZERO)
    if len(both) < len(budget.lines):
        missing = next(line for line in budget.lines if line.spent is None)
        findings.warning(
            "budget_spent_partial",
            f"部分单位未填写支出数（如“{missing.name}”）：部门支出进度不计算；执行数与支出数只在两者都填写的单位间比较",
            missing.where.cell("支出数"),
        )
    if executed != spent:
        first = next((line for line in both if line.executed != line.spent), both[0])
        shown = amount_pair(executed, spent, unit)
        findings.warning(
            "budget_executed_vs_spent",
            f"执行数 {shown.first}与支出数 {shown.second}不一致"
            f"（相差 {shown.difference}），报告分别列示预算执行率与支出进度：请确认两个口径",
            first.where.cell("支出数"),
        )


def _line_checks(line: ProcurementLine, label: str, unit: str, findings: Findings) -> None:
    """SME ≤ amount, small-micro ≤ SME (≤ amount when SME is not stated), where stated."""
    if line.sme is not None and line.sme > line.amount:
        shown = amount_pair(line.sme, line.amount, unit)
        findings.error(
            "procurement_sme_exceeds_amount",
            f"{label}授予中小企业合同金额 {shown.first}超过支出金额 {shown.second}（超出 {shown.difference}）：请核对",
            line.where.cell("授予中小企业合同金额"),
        )
    if line.small_micro is None:
        return
    if line.sme is not None and line.small_micro > line.sme:
        shown = amount_pair(line.small_micro, line.sme, unit)
        findings.error(
            "procurement_small_micro_exceeds_sme",
            f"{label}授予小微企业合同金额 {shown.first}超过授予中小企业合同金额 "
            f"{shown.second}（超出 {shown.difference}）：小微企业是中小企业的一部分，请核对",
            line.where.cell("其中授予小微企业合同金额"),
        )
    elif line.sme is None and line.small_micro > line.amount:
        shown = amount_pair(line.small_micro, line.amount, unit)
        findings.error(
            "procurement_sme_exceeds_amount",
            f"{label}授予小微企业合同金额 {shown.first}超过支出金额 {shown.second}（超出 {shown.difference}）：请核对",
            line.where.cell("其中授予小微企业合同金额"),
        )


def check_summary(summary: ProcurementSummary, unit: str, findings: Findings) -> None:
    """Rows of 采购汇总 on their own, and the category rows against the 合计 row."""
    for line in summary.lines:
        _line_checks(line, f"{line.category}类", unit, findings)
    declared = summary.declared_total
    if declared is not None:
        _line_checks(declared, "合计行", unit, findings)
    if declared is None or not summary.lines:
        _check_partial_split(summary, findings)
        return
    for column, attr in _SUMMARY_COLUMNS:
        typed: Decimal | None = getattr(declared, attr)
        values: list[Decimal | None] = [getattr(line, attr) for line in summary.lines]
        stated = [v for v in values if v is not None]
        if typed is None or not stated:
            continue
        summed = sum(stated, ZERO)
        shown = amount_pair(summed, typed, unit)
        if len(stated) == len(values) and summed != typed:
            findings.error(
                "procurement_category_sum",
                f"各采购类别{column}之和 {shown.first}与合计行 {shown.second}不一致"
                f"（相差 {shown.difference}）：请核对分类数据或合计行",
                declared.where.cell(column),
            )
        elif summed > typed:
            findings.error(
                "procurement_category_sum",
                f"已填写的各采购类别{column}之和 {shown.first}已超过合计行 {shown.second}"
                f"（超出 {shown.difference}）：请核对",
                declared.where.cell(column),
            )
    _check_partial_split(summary, findings)


def _check_partial_split(summary: ProcurementSummary, findings: Findings) -> None:
    """Some category rows with their SME (or small-micro) amount, some without: probably a
    forgotten cell. (All without is a form that states it only in total: no finding.)"""
    figures = from_summary(summary)  # a blank that follows from the 合计 row is no doubt
    sme_blank = {line.category for line in summary.lines if figures.category(line.category).sme is None}
    for attr, column in (("sme", "授予中小企业合同金额"), ("small_micro", "其中授予小微企业合同金额")):
        given = [line for line in summary.lines if getattr(line, attr) is not None]
        blank = [line for line in summary.lines if getattr(figures.category(line.category), attr) is None]
        if attr == "small_micro":  # a row without its SME amount is named once, for that
            blank = [line for line in blank if line.category not in sme_blank]
        if given and blank:
            findings.warning(
                "procurement_partial_split",
                f"{blank[0].category}类未填写{column}，其他类别已填写：未填的按“未填报”处理，不推算其占比；如有请补填",
                blank[0].where.cell(column),
            )


def check_procurement_sources(
    ledger: ProcurementFigures,
    summary_data: ProcurementSummary,
    unit: str,
    findings: Findings,
) -> None:
    """Both 采购合同 and 采购汇总 filled: what the summary states must agree with the ledger,
    category by category (or on the 合计 row when the summary states only totals)."""
    pairs: list[tuple[str, Split, Split, RowRef]] = []
    rows = {line.category: line.where for line in summary_data.lines}
    for name, stated in summary_splits(summary_data).items():
        c = ledger.category(name)
        pairs.append((f"{name}类", Split(c.amount, c.sme, c.small_micro), stated, rows[name]))
    declared = summary_data.declared_total
    if not summary_data.lines and declared is not None:
        stated = Split(declared.amount, declared.sme, declared.small_micro)
        pairs.append(("合计行", Split(ledger.total, ledger.sme, ledger.small_micro), stated, declared.where))
    for label, from_ledger, stated, where in pairs:
        for column, attr in _SUMMARY_COLUMNS:
            a: Decimal | None = getattr(from_ledger, attr)
            b: Decimal | None = getattr(stated, attr)
            if a is not None and b is not None and a != b:
                shown = amount_pair(a, b, unit)
                findings.error(
                    "procurement_ledger_vs_summary",
                    f"{label}{column}：采购合同合计 {shown.first}，采购汇总填写 {shown.second}，"
                    f"两者不一致（相差 {shown.difference}）："
                    "请更正其中一张表，或清空采购汇总只保留合同台账",
                    where.cell(column),
                )


def check_ledger_units(ledger: ContractLedger, units: Sequence[str], findings: Findings) -> None:
    """A contract naming a unit that 预算执行 does not list is probably a typo."""
    known = set(units)
    if not set(ledger.units) - known - {""}:
        return  # the common case, settled in C (a ledger holds up to hundreds of thousands)
    reported: set[str] = set()
    for position, name in enumerate(ledger.units):
        if name and name not in known and name not in reported:
            reported.add(name)
            findings.warning(
                "contract_unknown_unit",
                f"合同的单位名称“{name}”不在预算执行表中：请核对单位名称是否一致",
                ledger.where(position).cell("单位名称"),
            )


COMPLETION_RATE = "项目绩效自评完成率"


def check_typed_completion(
    indicators: Sequence[Indicator], computed: Decimal | None, completed: int, listed: int, findings: Findings
) -> None:
    """A department indicator named 项目绩效自评完成率 whose 实际值 is typed (its 数据来源 a 台账,
    not the projects) while the workbook's projects give another figure: both are printed (the
    typed one scored, the computed one in 项目自评汇总 and the Word annex), so the clerk is told,
    at the typed cell, with both figures as presented (percent, 2 decimals)."""
    if computed is None:
        return
    shown = percent_text(computed, 2)
    for ind in indicators:
        if ind.level3.replace(" ", "") != COMPLETION_RATE or ind.source == COMPLETION_RATE or ind.actual is None:
            continue
        if percent_text(ind.actual, 2) == shown:
            continue
        typed = f"{(ind.actual * 100).normalize():f}%"
        findings.warning(
            "score_completion_typed_differs",
            # Two lines in the report's findings table: the example's report stays on two pages.
            f"实际值填写为 {typed}，按项目表计算为 {shown}%（{listed} 个项目中 {completed} 个完成自评）："
            f"评分按填写值计；如以项目表为准，请把数据来源改为“{COMPLETION_RATE}”",
            ind.where.cell("实际值"),
        )
