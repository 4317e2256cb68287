"""The ``summary --json`` object of DESIGN.md: every figure as a string, ``null`` where a figure
is missing, with the reason beside it (``notes``: 未填报 or 基数为0，不可比)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .budget import BASIS_INITIAL, EXECUTION_BASES, ExecutionFigures
from .numbers import percent_text, round_half_up
from .procurement import NOT_COMPARABLE_NOTE, NOT_GIVEN_NOTE, ProcurementFigures
from .projects import ProjectFigures
from .scoring import METHOD_COEFFICIENT, IndicatorScore
from .withheld import (
    BUDGET,
    BUDGET_TOTALS,
    PROCUREMENT,
    PROJECT_BUDGET,
    PROJECT_EXECUTION_SCORE,
    SCORE,
)

if TYPE_CHECKING:
    from .evaluation import Evaluation

__all__ = ["summary_json"]


def _amount(value: Decimal | None) -> str | None:
    return None if value is None else str(round_half_up(value, 2))


def _execution_notes(fig: ExecutionFigures) -> dict[str, str]:
    notes: dict[str, str] = {}
    if fig.spent is None:
        notes["spent"] = NOT_GIVEN_NOTE
        notes["spending_progress"] = NOT_GIVEN_NOTE
    elif fig.spending_progress is None:
        notes["spending_progress"] = NOT_COMPARABLE_NOTE
    if fig.execution_rate is None:
        missing = fig.initial is None and fig.basis == BASIS_INITIAL
        notes["execution_rate"] = NOT_GIVEN_NOTE if missing else NOT_COMPARABLE_NOTE
    return notes


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
        "notes": _execution_notes(fig),
    }


def _procurement_json(proc: ProcurementFigures) -> dict[str, Any]:
    categories: dict[str, Any] = {}
    for c in proc.categories:
        entry: dict[str, Any] = {
            "amount": _amount(c.amount),
            "sme": _amount(c.sme),
            "small_micro": _amount(c.small_micro),
            "sme_share": percent_text(c.sme_share, 1),
        }
        if c.sme_note:
            entry["note"] = c.sme_note
        entry["share_of_total"] = percent_text(c.share_of_total, 1)
        entry["notes"] = c.notes()
        categories[c.name] = entry
    return {
        "source": proc.source,
        "total": _amount(proc.total),
        "sme": _amount(proc.sme),
        "sme_share": percent_text(proc.sme_share, 1),
        "small_micro": _amount(proc.small_micro),
        "small_micro_share_of_sme": percent_text(proc.small_micro_share_of_sme, 1),
        "small_micro_share_of_total": percent_text(proc.small_micro_share_of_total, 1),
        "small_micro_basis": proc.basis,
        "categories": categories,
        "granularity": proc.granularity,
        "category_sum": _amount(proc.category_sum),
        "notes": proc.notes(),
    }


_BUDGET_TOTALS = ("total", "executed", "execution_rate", "spent", "spending_progress", "initial", "adjustment_rate")


def summary_json(ev: Evaluation) -> dict[str, Any]:
    """The figures, with those that depend on input with an error withheld (null), as
    ``Evaluation.withheld`` decides."""
    out = _figures_json(ev)
    withheld = ev.withheld
    budget, procurement = out["budget"], out["procurement"]
    if BUDGET in withheld:
        out["budget"] = {key: None for key in budget} | {"units": []}
    elif BUDGET_TOTALS in withheld:
        budget.update(dict.fromkeys(_BUDGET_TOTALS))
        budget["execution_rate_by_basis"] = dict.fromkeys(budget["execution_rate_by_basis"])
    if PROCUREMENT in withheld:
        out["procurement"] = {key: None for key in procurement} | {"categories": {}}
    if SCORE in withheld:
        out["score"] = {key: None for key in out["score"]} | {"dimensions": [], "indicators": []}
    for figures, project in zip(ev.projects.projects, out["projects"], strict=True):
        mine = withheld.project(figures.number)
        if PROJECT_BUDGET in mine:  # amounts (and so every figure) depend on the faulty input
            project["budget"] = {key: None for key in project["budget"]} | {"sources": []}
        if PROJECT_EXECUTION_SCORE in mine:
            project["execution_score"] = None
        if SCORE in withheld:  # as the department's: any error withholds every score
            project["score"] = {"total": None, "grade": None, "indicators": []}
    out["interpretations"] = [f.as_json() for f in ev.findings.interpretations]
    return out


def _indicator_json(r: IndicatorScore) -> dict[str, Any]:
    """One scored indicator: the same keys for the department's and for a project's."""
    return {
        "dimension": r.indicator.level1,
        "category": r.indicator.level2,
        "name": r.indicator.level3,
        "method": r.indicator.method,
        "weight": _amount(r.weight),
        "score": _amount(r.score),
        "applicable": r.applicable,
        # Only where it scores the row (a coefficient typed beside 比率 is unused, with a warning).
        "coefficient": percent_text(r.indicator.coefficient, 2) if r.indicator.method == METHOD_COEFFICIENT else None,
    }


def _rate_note(initial: Decimal | None, total: Decimal, rate: Decimal | None, basis: str) -> dict[str, str]:
    """Why a project's (or a source's) 执行率 is null: 未填报 (no 年初预算数 on that basis) or
    基数为0，不可比."""
    if rate is not None:
        return {}
    missing = basis == BASIS_INITIAL and initial is None
    return {"execution_rate": NOT_GIVEN_NOTE if missing else NOT_COMPARABLE_NOTE}


def _project_json(p: ProjectFigures, basis: str) -> dict[str, Any]:
    """DESIGN.md, "Project self-evaluation": one project, amounts and rates as strings; a null
    figure has its reason beside it (``notes``), as the department's do."""
    funds = p.funds
    rate_notes = _rate_note(funds.initial, funds.total, funds.execution_rate, basis)
    notes: dict[str, str] = {}
    if rate_notes:
        notes["execution_score"] = notes["total"] = rate_notes["execution_rate"]
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
                    "notes": _rate_note(s.initial, s.total, s.execution_rate, basis),
                }
                for s in p.sources
            ],
            "notes": rate_notes,
        },
        "execution_score": _amount(p.execution_score),
        "notes": notes,
        "score": {
            "total": _amount(p.total),
            "grade": p.grade,
            "indicators": [] if p.score is None else [_indicator_json(r) for r in p.score.indicators],
        },
    }


def _figures_json(ev: Evaluation) -> dict[str, Any]:
    info = ev.data.info
    dept = ev.budget.department
    score = ev.score
    budget: dict[str, Any] = {
        "total": _amount(dept.total),
        "executed": _amount(dept.executed),
        "execution_rate": percent_text(dept.execution_rate, 2),
        "spent": _amount(dept.spent),
        "spending_progress": percent_text(dept.spending_progress, 2),
        "initial": _amount(dept.initial),
        "adjustment_rate": percent_text(dept.adjustment_rate, 2),
        "units": [_execution_json(u) for u in ev.budget.units],
        "execution_basis": ev.budget.basis,
        "execution_rate_by_basis": {basis: percent_text(dept.rate_on(basis), 2) for basis in EXECUTION_BASES},
        "notes": _execution_notes(dept),
    }
    return {
        "department": info.department,
        "year": info.year or None,  # 0: 评价年度 missing or invalid (an error at its cell)
        "amount_unit": info.amount_unit or None,
        "ok": ev.ok,
        "budget": budget,
        "procurement": _procurement_json(ev.procurement),
        "score": {
            "total": _amount(score.total),
            "grade": score.grade,
            "declared_total": _amount(score.declared_total),
            "dimensions": [
                {"name": d.name, "weight": _amount(d.weight), "score": _amount(d.score)} for d in score.dimensions
            ],
            "indicators": [_indicator_json(r) for r in score.indicators],
        },
        "projects": [_project_json(p, ev.projects.basis) for p in ev.projects.projects],
        "checks": [f.as_json() for f in ev.findings],
    }
