"""One pass over a department's data: every figure of the report and every finding."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .budget import BASIS_FULL_YEAR, BASIS_INITIAL, EXECUTION_BASES, BudgetFigures, budget_figures
from .checks import (
    COMPLETION_RATE,
    check_budget,
    check_ledger_units,
    check_procurement_sources,
    check_summary,
    check_typed_completion,
)
from .findings import Findings
from .model import BudgetLine, DepartmentData, Indicator
from .plausibility import check_magnitudes
from .procurement import NOT_GIVEN_NOTE, ProcurementFigures, from_amounts, from_ledger, from_summary
from .projects import NO_PROJECTS, ProjectsFigures, evaluate_projects
from .rulebook import compile_rulebook
from .scoring import Alternative, ScoreFigures, score_indicators
from .units import AMOUNT_PLACES, amount_places
from .withheld import BUDGET, BUDGET_TOTALS, PROCUREMENT, withheld_by

if TYPE_CHECKING:
    from .withheld import Withheld

__all__ = ["FIGURE_SOURCES", "Evaluation", "evaluate"]

# 绩效指标.数据来源 may name one of these; the indicator's actual value then comes from the data.
FIGURE_SOURCES = (
    "预算执行率",
    "支出进度",
    "预算调整率",
    "中小企业合同占比",
    "小微企业合同占比",
    "小微企业占中小企业比",
    "政府采购支出总额",
    "项目绩效自评完成率",
)


# Checks about one row stand on their own, whatever else failed to read.
_ROW_CHECKS = frozenset(
    {
        "budget_duplicate_unit",
        "budget_over_executed",
        "budget_missing_initial",
        "procurement_sme_exceeds_amount",
        "procurement_small_micro_exceeds_sme",
    }
)


@dataclass(frozen=True, slots=True)
class Evaluation:
    data: DepartmentData
    budget: BudgetFigures
    procurement: ProcurementFigures
    score: ScoreFigures
    findings: Findings
    unreadable: frozenset[str] = frozenset()  # sheets where the reader left input out
    projects: ProjectsFigures = NO_PROJECTS
    # The decimals every amount is presented with (units.amount_places): 2, or in 亿元 as
    # many as the department's typed amounts carry (2 to 6).
    amount_places: int = AMOUNT_PLACES

    @property
    def ok(self) -> bool:
        return not self.findings.has_errors

    @property
    def withheld(self) -> Withheld:
        """The figures that depend on input with an error, withheld from every output (null in
        JSON): decided in one place, ``withheld.withheld``."""
        from .withheld import withheld

        return withheld(self)

    def as_json(self) -> dict[str, Any]:
        from .summary_json import summary_json

        return summary_json(self)


def _broken_sheets(findings: Findings) -> set[str]:
    """Sheets where the reader left cells out (an error located there). Checks comparing the
    totals of such a sheet would only report the gap those cells left; checks of other sheets
    still run (an unknown 金额单位 in 基本信息 does not stop the procurement checks)."""
    return {f.location.split("!", 1)[0] for f in findings.errors if "!" in f.location}


def _keep(checks: Findings, complete: bool) -> list[Any]:
    return [f for f in checks if complete or f.code in _ROW_CHECKS]


def _procurement(data: DepartmentData, findings: Findings, broken: set[str]) -> ProcurementFigures:
    basis = data.info.small_micro_basis
    unit = data.info.amount_unit
    ledger = data.contracts if data.contracts is not None and len(data.contracts) else None
    summary = data.procurement
    if summary is not None and not summary.lines and summary.declared_total is None:
        summary = None
    summary_ok = summary is None or summary.table.sheet not in broken
    ledger_ok = ledger is None or ledger.table.sheet not in broken
    if summary is not None:
        checks = Findings()
        check_summary(summary, unit, checks)
        findings.extend(_keep(checks, summary_ok))
    if ledger is not None:
        if data.budget.table.sheet not in broken:  # units that failed to read are not missing
            check_ledger_units(ledger, [line.name for line in data.budget.lines], findings)
        figures = from_ledger(ledger, basis=basis)
        if summary is not None:
            checks = Findings()
            check_procurement_sources(figures, summary, unit, checks)
            findings.extend(_keep(checks, summary_ok and ledger_ok))
        return figures
    if summary is not None:
        return from_summary(summary, basis=basis)
    return from_amounts({}, source="none", basis=basis)


def _project_sheets(data: DepartmentData) -> frozenset[str]:
    """The sheets the projects are read from (项目, 项目资金, 项目指标)."""
    return frozenset() if data.projects is None else data.projects.sheets


def _sources(
    budget: BudgetFigures,
    procurement: ProcurementFigures,
    projects: ProjectsFigures,
    budget_lines: Sequence[BudgetLine],
) -> tuple[dict[str, Decimal | None], dict[str, str], dict[str, list[Alternative]], dict[str, str]]:
    """数据来源 figures, why any is missing, 预算执行率 on the other base, and the input cell
    to fill for a figure that is not given."""
    dept = budget.department
    figures: dict[str, Decimal | None] = {
        "预算执行率": dept.execution_rate,
        "支出进度": dept.spending_progress,
        "中小企业合同占比": procurement.sme_share,
        "小微企业合同占比": procurement.small_micro_share,
        "小微企业占中小企业比": procurement.small_micro_share_of_sme,
        "政府采购支出总额": procurement.total,
    }
    # Without any 年初预算数 there is no adjustment rate; the clerk's typed 实际值 is used
    # instead. With some units missing it, the rate is not given, and the cell to fill is named.
    lines = budget_lines
    missing_initial = [line for line in lines if line.initial is None]
    if dept.initial is not None or len(missing_initial) < len(lines):
        figures["预算调整率"] = dept.adjustment_rate
    # Without project tables the clerk's typed 实际值 of 项目绩效自评完成率 stands.
    if projects.listed:
        figures["项目绩效自评完成率"] = projects.completion_rate
    notes: dict[str, str] = {}
    cells: dict[str, str] = {}
    if dept.adjustment_rate is None and missing_initial and len(missing_initial) < len(lines):
        notes["预算调整率"] = f"{NOT_GIVEN_NOTE}（预算执行表有单位未填写年初预算数）"
        cells["预算调整率"] = missing_initial[0].where.cell("年初预算数")
    if dept.spent is None:
        partly = any(line.spent is not None for line in lines)
        notes["支出进度"] = f"{NOT_GIVEN_NOTE}（预算执行表{'有单位' if partly else ''}未填写支出数）"
        missing = next((line for line in lines if line.spent is None), None)
        if missing is not None and "支出数" in missing.where.table.columns:
            cells["支出进度"] = missing.where.cell("支出数")
    if dept.execution_rate is None and dept.basis == BASIS_INITIAL and dept.initial is None:
        notes["预算执行率"] = f"{NOT_GIVEN_NOTE}（执行率口径为年初预算数，但年初预算数未填写完整）"
    for name, part in (
        ("中小企业合同占比", procurement.sme),
        ("小微企业合同占比", procurement.small_micro),
        ("小微企业占中小企业比", procurement.small_micro),
    ):
        if part is None:
            notes[name] = f"{NOT_GIVEN_NOTE}（采购汇总未填写相应的中小企业或小微企业金额）"
    other = BASIS_INITIAL if dept.basis == BASIS_FULL_YEAR else BASIS_FULL_YEAR
    alternatives = {"预算执行率": [(other, dept.rate_on(other))]}
    return figures, notes, alternatives, cells


def evaluate(data: DepartmentData, findings: Findings | None = None) -> Evaluation:
    """Compute every figure and run every check. ``findings`` may carry the reader's findings.

    Where the reader already found errors in a sheet, rows of it were left out, so checks that
    compare that sheet's totals would only report the gap those rows left: they wait until the
    input is fixed. Checks of the other sheets run whatever failed elsewhere.
    """
    findings = Findings() if findings is None else findings
    broken = _broken_sheets(findings)
    basis = data.info.execution_basis if data.info.execution_basis in EXECUTION_BASES else BASIS_FULL_YEAR
    budget = budget_figures(data.budget, basis)
    check = Findings()
    check_budget(data.budget, budget, data.info.amount_unit, check)
    findings.extend(_keep(check, data.budget.table.sheet not in broken))
    procurement = _procurement(data, findings, broken)
    if procurement.source == "none" and not broken & {_sheet(data.contracts), _sheet(data.procurement)}:
        findings.warning(
            "procurement_empty",
            "采购合同和采购汇总均未填写：政府采购支出按 0 计；如有采购请填写其中一张表",
            "采购合同!A1",
        )
    check_magnitudes(
        data.budget.lines,
        budget,
        data.contracts,
        data.procurement,
        procurement.total,
        data.info.amount_unit,
        findings,
        complete_budget=data.budget.table.sheet not in broken,
        funds=() if data.projects is None else data.projects.funds,
    )
    rules, unusable = compile_rulebook(data.rules, findings, data.unusable_rules)
    # Projects first (the department's 项目绩效自评完成率 counts them), on the same 执行率口径
    # and by the same engine and rules; their findings follow the department's.
    project_findings = Findings()

    def score_project(indicators: Sequence[Indicator], points: Decimal, found: Findings) -> ScoreFigures:
        return score_indicators(
            indicators, data.rules, {}, points, found, check_weights=False, rules=rules, unusable_rules=unusable
        )

    projects = evaluate_projects(
        data.projects,
        score_project,
        project_findings,
        unit=data.info.amount_unit,
        basis=basis,
        complete_input=not broken & _project_sheets(data),
    )
    figures, notes, alternatives, cells = _sources(budget, procurement, projects, data.budget.lines)
    table = data.indicators[0].where.table if data.indicators else data.indicator_table
    # Rows of a sheet with unreadable cells were left out: its weights are not checked.
    indicators_ok = table is not None and table.sheet not in broken
    score = score_indicators(
        data.indicators,
        data.rules,
        figures,
        data.info.total_weight,
        findings,
        check_weights=indicators_ok,
        notes=notes,
        alternatives=alternatives,
        rules=rules,
        unusable_rules=unusable,
        withheld=_withheld(data, broken) | _withheld_sources(findings),
        note_cells=cells,
        table=table,
    )
    if projects.listed and COMPLETION_RATE not in _withheld(data, broken):
        check_typed_completion(
            data.indicators, projects.completion_rate, projects.completed, len(projects.projects), findings
        )
    findings.extend(project_findings)
    if score.total is None and not findings.has_errors:
        # Every path to a missing score reports why; should one not, the clerk still learns
        # that there is no score, never sees a report without one and no error.
        findings.error(
            "score_not_computed",
            "无法计算自评得分：请检查绩效指标表的分值、计分方法和实际值",
            table.header("分值") if table is not None else "",
        )
    places = amount_places(data.info.amount_unit, _typed_amounts(data))
    return Evaluation(data, budget, procurement, score, findings, frozenset(broken), projects, places)


def _typed_amounts(data: DepartmentData) -> Iterator[Decimal]:
    """Every amount the clerk typed (budget, contracts, 采购汇总, 项目资金, their 合计 rows)."""
    budget = [*data.budget.lines, *([data.budget.declared_total] if data.budget.declared_total else [])]
    for line in budget:
        yield from (v for v in (line.initial, line.total, line.executed, line.spent) if v is not None)
    if data.contracts is not None:
        yield from data.contracts.amounts
    if data.procurement is not None:
        stated = data.procurement
        for row in [*stated.lines, *([stated.declared_total] if stated.declared_total else [])]:
            yield from (v for v in (row.amount, row.sme, row.small_micro) if v is not None)
    if data.projects is not None:
        for fund in [*data.projects.funds, *data.projects.declared_funds]:
            yield from (v for v in (fund.initial, fund.total, fund.executed) if v is not None)


_BUDGET_SOURCES = frozenset({"预算执行率", "支出进度", "预算调整率"})


def _withheld(data: DepartmentData, broken: set[str]) -> frozenset[str]:
    """数据来源 figures computed from a sheet where cells failed to read: an indicator drawing
    on one is not scored and gets no error of its own (the error is at the cell to fix; a
    figure computed from the rows that did read would be wrong, and "基数为0" misleading)."""
    out: set[str] = set()
    if data.budget.table.sheet in broken:
        out |= _BUDGET_SOURCES
    if broken & {_sheet(data.contracts), _sheet(data.procurement)}:
        out |= _PROCUREMENT_SOURCES
    if broken & _project_sheets(data):
        out.add("项目绩效自评完成率")
    return frozenset(out)


_PROCUREMENT_SOURCES = frozenset({"中小企业合同占比", "小微企业合同占比", "小微企业占中小企业比", "政府采购支出总额"})


def _withheld_sources(findings: Findings) -> frozenset[str]:
    """数据来源 figures an error withholds (a unit given twice doubles 预算执行率's sums): the
    indicator is not scored (every score is withheld then) and no message prints them."""
    groups = withheld_by(f.code for f in findings.errors)
    out: set[str] = set()
    if groups & {BUDGET, BUDGET_TOTALS}:
        out |= _BUDGET_SOURCES
    if PROCUREMENT in groups:
        out |= _PROCUREMENT_SOURCES
    return frozenset(out)


def _sheet(table: Any) -> str:
    return "" if table is None else str(table.table.sheet)
