"""Which figures a failed evaluation withholds (DESIGN.md, "A failed evaluation"): the one place
that decides, per figure, whether it depends on input with an error.

A figure is withheld (``null`` in JSON, left out of the command line's text) when an input it is
computed from could not be read, or when two inputs it rests on contradict each other: then
neither is sure (a ledger and a summary that disagree on 货物; a budget 合计 row off its units).
Figures that do not rest on the faulty input stand: one project's contradiction withholds that
project's money, not the others'. A procurement 合计 row off the sum of its categories is the one
contradiction that withholds nothing: DESIGN.md ("Real report forms") takes every share over the
declared 合计, which is what a published statement states (the national 2023 disclosure's
categories add up to 0.1 more than its total, and its stated shares are over the total), so the
declared figures are shown and the error names both sums. Every score depends on everything it
may draw from, so any error withholds every score (never a score rescaled from the survivors).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .findings import Finding

if TYPE_CHECKING:
    from .evaluation import Evaluation

__all__ = [
    "BUDGET",
    "BUDGET_TOTALS",
    "DUPLICATE_UNIT",
    "PROCUREMENT",
    "PROJECTS",
    "PROJECT_BUDGET",
    "PROJECT_EXECUTION_SCORE",
    "SCORE",
    "Withheld",
    "withheld",
    "withheld_by",
]

BUDGET = "budget"  # every budget figure, the units' too
BUDGET_TOTALS = "budget.totals"  # the department's sums and rates; each unit's own row stands
PROCUREMENT = "procurement"  # every procurement figure
SCORE = "score"  # the department's score and every project's indicator scores, totals, grades
PROJECTS = "projects"  # every project's money
PROJECT_BUDGET = "budget"  # one project's amounts and rates, and so its 执行率得分
PROJECT_EXECUTION_SCORE = "execution_score"  # one project's 执行率得分

# 金额单位 given twice in 基本信息: every amount's unit is unsure, as with an unknown 金额单位.
DUPLICATE_UNIT = "info_duplicate_unit"

# An error's code → the department's figures it leaves unsure.
_DEPARTMENT: Mapping[str, frozenset[str]] = {
    "budget_empty": frozenset({BUDGET}),
    "budget_duplicate_unit": frozenset({BUDGET_TOTALS}),  # summed twice, or two different units
    "budget_units_vs_total": frozenset({BUDGET_TOTALS}),  # the 合计 row and the units disagree
    "procurement_ledger_vs_summary": frozenset({PROCUREMENT}),  # two sources disagree: neither is sure
    "procurement_sme_exceeds_amount": frozenset({PROCUREMENT}),
    "procurement_small_micro_exceeds_sme": frozenset({PROCUREMENT}),
}

# An error's code, found on one project → that project's figures it leaves unsure.
_PROJECT: Mapping[str, frozenset[str]] = {
    "project_duplicate": frozenset({PROJECT_BUDGET}),
    "project_fund_total": frozenset({PROJECT_BUDGET}),  # 年度资金总额 vs its sources
    "project_fund_repeated": frozenset({PROJECT_BUDGET}),
    "project_execution_weight": frozenset({PROJECT_EXECUTION_SCORE}),
}


@dataclass(frozen=True, slots=True)
class Withheld:
    """What a failed evaluation does not show: department-level groups, and per project (by
    序号) the project's own figures."""

    department: frozenset[str] = frozenset()
    projects: Mapping[int, frozenset[str]] = field(default_factory=dict)

    def __contains__(self, group: object) -> bool:
        return group in self.department

    def __bool__(self) -> bool:
        return bool(self.department or any(self.projects.values()))

    def project(self, number: int) -> frozenset[str]:
        """The figures of project ``number`` withheld (PROJECT_BUDGET, PROJECT_EXECUTION_SCORE)."""
        if PROJECTS in self.department:
            return frozenset({PROJECT_BUDGET, PROJECT_EXECUTION_SCORE})
        return self.projects.get(number, frozenset())


NOTHING = Withheld()


def withheld_by(codes: Iterable[str]) -> frozenset[str]:
    """The department's figure groups that errors with these codes withhold (BUDGET_TOTALS for
    a unit given twice, …): a check comparing those figures must not run, or it would print
    them (a unit summed twice gives a doubled 执行数 in the 执行数/支出数 warning)."""
    out: set[str] = set()
    for code in codes:
        out |= _DEPARTMENT.get(code, frozenset())
    return frozenset(out)


def _from_codes(errors: list[Finding], table: Mapping[str, frozenset[str]]) -> set[str]:
    out: set[str] = set()
    for f in errors:
        out |= table.get(f.code, frozenset())
    return out


def withheld(ev: Evaluation) -> Withheld:
    """The figures of ``ev`` that depend on input with an error (nothing when ``ev.ok``)."""
    if ev.ok:
        return NOTHING
    errors = list(ev.findings.errors)
    data = ev.data
    unit_wrong = data.info.locations.get("金额单位") in {f.location for f in errors}
    unit_wrong = unit_wrong or any(f.code == DUPLICATE_UNIT for f in errors)
    out = {SCORE} | _from_codes(errors, _DEPARTMENT)
    # Input left out by the reader: whatever was computed from the rest of its sheet.
    if unit_wrong or data.budget.table.sheet in ev.unreadable or not data.budget.lines:
        out.add(BUDGET)
    procurement_sheets = {t.table.sheet for t in (data.contracts, data.procurement) if t is not None}
    if unit_wrong or ev.unreadable & procurement_sheets:
        out.add(PROCUREMENT)
    money_sheets = frozenset() if data.projects is None else data.projects.money_sheets
    if unit_wrong or ev.unreadable & money_sheets:
        out.add(PROJECTS)
    projects: dict[int, frozenset[str]] = {}
    for p in ev.projects.projects:
        mine: set[str] = set()
        for code in p.error_codes:
            mine |= _PROJECT.get(code, frozenset())
        if PROJECT_BUDGET in mine:
            mine.add(PROJECT_EXECUTION_SCORE)  # 执行率 × 分值
        if mine:
            projects[p.number] = frozenset(mine)
    return Withheld(frozenset(out), projects)
