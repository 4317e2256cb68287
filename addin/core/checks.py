"""Consistency checks: contradictions are errors (they stop the report), doubts are warnings."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from .budget import BudgetFigures
from .findings import Findings
from .model import Budget, ContractLedger, ProcurementLine, ProcurementSummary
from .numbers import ZERO, format_amount
from .procurement import ProcurementFigures

__all__ = ["check_budget", "check_ledger_units", "check_procurement_sources", "check_summary"]

_BUDGET_COLUMNS = (("全年预算数", "total"), ("执行数", "executed"), ("支出数", "spent"))


def check_budget(budget: Budget, figures: BudgetFigures, unit: str, findings: Findings) -> None:
    if not budget.lines:
        findings.error(
            "budget_empty",
            "预算执行表没有任何单位：请至少填写一个单位的全年预算数、执行数和支出数",
            budget.table.header("单位名称"),
        )
        return
    seen: dict[str, str] = {}
    for line in budget.lines:
        here = line.where.cell("单位名称")
        if line.name in seen:
            findings.error(
                "budget_duplicate_unit",
                f"单位“{line.name}”重复出现（另见 {seen[line.name]}）：请合并为一行或更正单位名称",
                here,
            )
        else:
            seen[line.name] = here
        for column, attr in (("执行数", "executed"), ("支出数", "spent")):
            value: Decimal = getattr(line, attr)
            if value > line.total:
                findings.warning(
                    "budget_over_executed",
                    f"单位“{line.name}”{column} {format_amount(value)} {unit}超过全年预算数 "
                    f"{format_amount(line.total)} {unit}：请核实是否存在超预算支出",
                    line.where.cell(column),
                )

    dept = figures.department
    declared = budget.declared_total
    if declared is not None:
        pairs = [*_BUDGET_COLUMNS]
        if declared.initial is not None and dept.initial is not None:
            pairs.append(("年初预算数", "initial"))
        for column, attr in pairs:
            typed: Decimal = getattr(declared, attr)
            summed: Decimal = getattr(dept, attr)
            if typed != summed:
                findings.error(
                    "budget_units_vs_total",
                    f"各单位{column}之和 {format_amount(summed)} {unit}与合计行 {format_amount(typed)} "
                    f"{unit}不一致（相差 {format_amount(typed - summed)}）：请核对各单位数据或合计行",
                    declared.where.cell(column),
                )

    if dept.executed != dept.spent:
        first = next((line for line in budget.lines if line.executed != line.spent), budget.lines[0])
        findings.warning(
            "budget_executed_vs_spent",
            f"执行数 {format_amount(dept.executed)} {unit}与支出数 {format_amount(dept.spent)} "
            f"{unit}不一致（相差 {format_amount(dept.spent - dept.executed)} {unit}），"
            "报告分别列示预算执行率与支出进度：请确认两个口径",
            first.where.cell("支出数"),
        )


def _line_checks(line: ProcurementLine, label: str, unit: str, findings: Findings) -> None:
    if line.sme > line.amount:
        findings.error(
            "procurement_sme_exceeds_amount",
            f"{label}授予中小企业合同金额 {format_amount(line.sme)} {unit}超过支出金额 "
            f"{format_amount(line.amount)} {unit}：请核对",
            line.where.cell("授予中小企业合同金额"),
        )
    if line.small_micro > line.sme:
        findings.error(
            "procurement_small_micro_exceeds_sme",
            f"{label}授予小微企业合同金额 {format_amount(line.small_micro)} {unit}超过授予中小企业合同金额 "
            f"{format_amount(line.sme)} {unit}：小微企业是中小企业的一部分，请核对",
            line.where.cell("其中授予小微企业合同金额"),
        )


def check_summary(summary: ProcurementSummary, unit: str, findings: Findings) -> None:
    for line in summary.lines:
        _line_checks(line, f"{line.category}类", unit, findings)
    declared = summary.declared_total
    if declared is None:
        return
    _line_checks(declared, "合计行", unit, findings)
    for column, attr in (
        ("支出金额", "amount"),
        ("授予中小企业合同金额", "sme"),
        ("其中授予小微企业合同金额", "small_micro"),
    ):
        summed = sum((getattr(line, attr) for line in summary.lines), ZERO)
        typed: Decimal = getattr(declared, attr)
        if summed != typed:
            findings.error(
                "procurement_category_sum",
                f"各采购类别{column}之和 {format_amount(summed)} {unit}与合计行 {format_amount(typed)} "
                f"{unit}不一致：请核对分类数据或合计行",
                declared.where.cell(column),
            )


def check_procurement_sources(
    ledger: ProcurementFigures,
    summary: ProcurementFigures,
    summary_data: ProcurementSummary,
    unit: str,
    findings: Findings,
) -> None:
    """Both 采购合同 and 采购汇总 filled: they must agree, category by category."""
    where = {line.category: line.where for line in summary_data.lines}
    labels = (("amount", "支出金额"), ("sme", "授予中小企业合同金额"), ("small_micro", "其中授予小微企业合同金额"))
    for from_ledger, from_summary in zip(ledger.categories, summary.categories, strict=True):
        for attr, column in labels:
            a: Decimal = getattr(from_ledger, attr)
            b: Decimal = getattr(from_summary, attr)
            if a != b:
                ref = where.get(from_summary.name)
                findings.error(
                    "procurement_ledger_vs_summary",
                    f"{from_summary.name}类{column}：采购合同合计 {format_amount(a)} {unit}，采购汇总填写 "
                    f"{format_amount(b)} {unit}，两者不一致：请更正其中一张表，或清空采购汇总只保留合同台账",
                    ref.cell(column) if ref else summary_data.table.header(column),
                )


def check_ledger_units(ledger: ContractLedger, units: Sequence[str], findings: Findings) -> None:
    """A contract naming a unit that 预算执行 does not list is probably a typo."""
    known = set(units)
    reported: set[str] = set()
    for position, name in enumerate(ledger.units):
        if name and name not in known and name not in reported:
            reported.add(name)
            findings.warning(
                "contract_unknown_unit",
                f"合同的单位名称“{name}”不在预算执行表中：请核对单位名称是否一致",
                ledger.where(position).cell("单位名称"),
            )
