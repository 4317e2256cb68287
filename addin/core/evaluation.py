"""One pass over a department's data: every figure of the report and every finding."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .budget import BudgetFigures, ExecutionFigures, budget_figures
from .checks import check_budget, check_ledger_units, check_procurement_sources, check_summary
from .findings import Findings
from .model import DepartmentData, Indicator
from .numbers import percent_text, round_half_up
from .procurement import (
    NOT_COMPARABLE_NOTE,
    ProcurementFigures,
    from_amounts,
    from_ledger,
    from_summary,
)
from .projects import NO_PROJECTS, ProjectFigures, ProjectsFigures, evaluate_projects
from .rules import compile_rules
from .scoring import IndicatorScore, ScoreFigures, score_indicators

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
    projects: ProjectsFigures = NO_PROJECTS

    @property
    def ok(self) -> bool:
        return not self.findings.has_errors

    @property
    def untrusted(self) -> frozenset[str]:
        """Which groups of figures ("budget", "procurement", "score") depend on input that had
        errors: they are not shown (null in JSON). The score depends on everything it may draw
        from, so any error withholds it (never a score rescaled from surviving indicators)."""
        if self.ok:
            return frozenset()
        errors = self.findings.errors
        sheets = {f.location.partition("!")[0] for f in errors}
        data = self.data
        unit_wrong = data.info.locations.get("金额单位") in {f.location for f in errors}
        out = {"score"}
        if unit_wrong or data.budget.table.sheet in sheets:
            out.add("budget")
        procurement_sheets = {t.table.sheet for t in (data.contracts, data.procurement) if t is not None}
        if unit_wrong or sheets & procurement_sheets:
            out.add("procurement")
        if unit_wrong or sheets & _project_sheets(data):
            out.add("projects")
        return frozenset(out)

    def as_json(self) -> dict[str, Any]:
        return _summary_json(self)


def _procurement(data: DepartmentData, findings: Findings) -> ProcurementFigures:
    basis = data.info.small_micro_basis
    unit = data.info.amount_unit
    ledger = data.contracts if data.contracts is not None and len(data.contracts) else None
    summary = data.procurement if data.procurement is not None and data.procurement.lines else None
    if summary is not None:
        check_summary(summary, unit, findings)
    if ledger is not None:
        check_ledger_units(ledger, [line.name for line in data.budget.lines], findings)
        figures = from_ledger(ledger, basis=basis)
        if summary is not None:
            check_procurement_sources(figures, from_summary(summary, basis=basis), summary, unit, findings)
        return figures
    if summary is not None:
        return from_summary(summary, basis=basis)
    return from_amounts({}, source="none", basis=basis)


def _sources(
    budget: BudgetFigures, procurement: ProcurementFigures, projects: ProjectsFigures
) -> dict[str, Decimal | None]:
    dept = budget.department
    figures: dict[str, Decimal | None] = {
        "预算执行率": dept.execution_rate,
        "支出进度": dept.spending_progress,
        "中小企业合同占比": procurement.sme_share,
        "小微企业合同占比": procurement.small_micro_share,
        "小微企业占中小企业比": procurement.small_micro_share_of_sme,
        "政府采购支出总额": procurement.total,
    }
    # Without 年初预算数 there is no adjustment rate; the clerk's typed 实际值 is used instead.
    if dept.initial is not None:
        figures["预算调整率"] = dept.adjustment_rate
    # Without project tables the clerk's typed 实际值 of 项目绩效自评完成率 stands.
    if projects.listed:
        figures["项目绩效自评完成率"] = projects.completion_rate
    return figures


def evaluate(data: DepartmentData, findings: Findings | None = None) -> Evaluation:
    """Compute every figure and run every check. ``findings`` may carry the reader's findings.

    When the reader already found errors, rows were left out, so checks that compare totals
    would only report the gap those rows left: they are skipped until the input is fixed.
    """
    findings = Findings() if findings is None else findings
    complete = not findings.has_errors
    budget = budget_figures(data.budget)
    check = Findings()
    check_budget(data.budget, budget, data.info.amount_unit, check)
    procurement = _procurement(data, check)
    findings.extend(f for f in check if complete or f.code in _ROW_CHECKS)
    if complete and procurement.source == "none":
        findings.warning(
            "procurement_empty",
            "采购合同和采购汇总均未填写：政府采购支出按 0 计；如有采购请填写其中一张表",
            "采购合同!A1",
        )
    rules = compile_rules(data.rules, findings)
    # Projects first (the department's 项目绩效自评完成率 counts them); their findings follow
    # the department's.
    project_findings = Findings()

    def score_project(indicators: Sequence[Indicator], points: Decimal, found: Findings) -> ScoreFigures:
        return score_indicators(indicators, data.rules, {}, points, found, check_weights=False, rules=rules)

    # 执行率口径 applies to projects too: the workbook cannot name it yet (tblInfo 执行率口径),
    # so the basis is evaluate_projects' default, 全年预算数 (pass basis= once it can).
    projects = evaluate_projects(
        data.projects, score_project, project_findings, unit=data.info.amount_unit, complete_input=complete
    )
    score = score_indicators(
        data.indicators,
        data.rules,
        _sources(budget, procurement, projects),
        data.info.total_weight,
        findings,
        check_weights=complete,
        rules=rules,
    )
    findings.extend(project_findings)
    return Evaluation(data, budget, procurement, score, findings, projects)


def _amount(value: Decimal | None) -> str | None:
    return None if value is None else str(round_half_up(value, 2))


def _execution_json(fig: ExecutionFigures) -> dict[str, Any]:
    return {
        "name": fig.name,
        "level": fig.level,
        "total": _amount(fig.total),
        "executed": _amount(fig.executed),
        "execution_rate": percent_text(fig.execution_rate, 2),
        "spent": _amount(fig.spent),
        "spending_progress": percent_text(fig.spending_progress, 2),
        "initial": _amount(fig.initial),
        "adjustment_rate": percent_text(fig.adjustment_rate, 2),
    }


def _summary_json(ev: Evaluation) -> dict[str, Any]:
    out = _figures_json(ev)
    withheld = ev.untrusted
    if "budget" in withheld:
        out["budget"] = {key: None for key in out["budget"]} | {"units": []}
    if "procurement" in withheld:
        out["procurement"] = {key: None for key in out["procurement"]} | {"categories": {}}
    if "score" in withheld:
        out["score"] = {key: None for key in out["score"]} | {"dimensions": [], "indicators": []}
    for project in out["projects"]:
        if "projects" in withheld:  # amounts (and so every figure) depend on rows with errors
            budget = project["budget"]
            project["budget"] = {key: None for key in budget} | {"sources": []}
            project["execution_score"] = None
        if "score" in withheld:  # as the department's: any error withholds every score
            project["score"] = {"total": None, "grade": None, "indicators": []}
    out["interpretations"] = [f.as_json() for f in ev.findings.interpretations]
    return out


def _figures_json(ev: Evaluation) -> dict[str, Any]:
    info = ev.data.info
    dept = ev.budget.department
    proc = ev.procurement
    categories: dict[str, Any] = {}
    for c in proc.categories:
        entry: dict[str, Any] = {
            "amount": _amount(c.amount),
            "sme": _amount(c.sme),
            "small_micro": _amount(c.small_micro),
            "sme_share": percent_text(c.sme_share, 1),
        }
        if c.sme_share is None:
            entry["note"] = NOT_COMPARABLE_NOTE
        categories[c.name] = entry
    score = ev.score
    return {
        "department": info.department,
        "year": info.year,
        "amount_unit": info.amount_unit,
        "ok": ev.ok,
        "budget": {
            "total": _amount(dept.total),
            "executed": _amount(dept.executed),
            "execution_rate": percent_text(dept.execution_rate, 2),
            "spent": _amount(dept.spent),
            "spending_progress": percent_text(dept.spending_progress, 2),
            "initial": _amount(dept.initial),
            "adjustment_rate": percent_text(dept.adjustment_rate, 2),
            "units": [_execution_json(u) for u in ev.budget.units],
        },
        "procurement": {
            "source": proc.source,
            "total": _amount(proc.total),
            "sme": _amount(proc.sme),
            "sme_share": percent_text(proc.sme_share, 1),
            "small_micro": _amount(proc.small_micro),
            "small_micro_share_of_sme": percent_text(proc.small_micro_share_of_sme, 1),
            "small_micro_share_of_total": percent_text(proc.small_micro_share_of_total, 1),
            "small_micro_basis": proc.basis,
            "categories": categories,
        },
        "score": {
            "total": _amount(score.total),
            "grade": score.grade,
            "declared_total": _amount(score.declared_total),
            "dimensions": [
                {"name": d.name, "weight": _amount(d.weight), "score": _amount(d.score)} for d in score.dimensions
            ],
            "indicators": [_indicator_json(r) for r in score.indicators],
        },
        "projects": [_project_json(p) for p in ev.projects.projects],
        "checks": [f.as_json() for f in ev.findings],
    }


def _project_sheets(data: DepartmentData) -> frozenset[str]:
    """The sheets the projects are read from (项目, 项目资金, 项目指标)."""
    return frozenset() if data.projects is None else data.projects.sheets


def _indicator_json(r: IndicatorScore) -> dict[str, Any]:
    return {
        "dimension": r.indicator.level1,
        "category": r.indicator.level2,
        "name": r.indicator.level3,
        "method": r.indicator.method,
        "weight": _amount(r.weight),
        "score": _amount(r.score),
        "applicable": r.applicable,
    }


def _project_json(p: ProjectFigures) -> dict[str, Any]:
    """DESIGN.md, "Project self-evaluation": one project, amounts and rates as strings."""
    funds = p.funds
    return {
        "name": p.project.name,
        "budget": {
            "initial": _amount(funds.initial),
            "total": _amount(funds.total),
            "executed": _amount(funds.executed),
            "execution_rate": percent_text(funds.execution_rate, 2),
            "sources": [
                {
                    "source": s.source,
                    "initial": _amount(s.initial),
                    "total": _amount(s.total),
                    "executed": _amount(s.executed),
                    "execution_rate": percent_text(s.execution_rate, 2),
                }
                for s in p.sources
            ],
        },
        "execution_score": _amount(p.execution_score),
        "score": {
            "total": _amount(p.total),
            "grade": p.grade,
            "indicators": [] if p.score is None else [_indicator_json(r) for r in p.score.indicators],
        },
    }
