"""Budget execution: 预算执行率, 支出进度 and 预算调整率, by unit and for the department.

预算执行率 is taken on the base the clerk names (执行率口径): 执行数 / 全年预算数 by default, or
执行数 / 年初预算数 where published forms take the initial budget (a project whose budget was
raised mid-year reads 100.00% on the full-year base and 105.42% on the initial one). Both
rates are kept, so a typed rate can be matched against the other base. 支出数 is optional
(project forms have no such column): without it 支出进度 is ``None``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from .model import Budget, BudgetLine
from .numbers import ZERO, divide

__all__ = [
    "BASIS_FULL_YEAR",
    "BASIS_INITIAL",
    "EXECUTION_BASES",
    "BudgetFigures",
    "ExecutionFigures",
    "budget_figures",
    "execution",
    "execution_rate",
]

TOTAL_NAME = "合计"
BASIS_FULL_YEAR = "全年预算数"
BASIS_INITIAL = "年初预算数"
EXECUTION_BASES = (BASIS_FULL_YEAR, BASIS_INITIAL)


def execution_rate(
    executed: Decimal, total: Decimal, initial: Decimal | None, basis: str = BASIS_FULL_YEAR
) -> Decimal | None:
    """执行数 / the base named by 执行率口径 (a fraction, uncapped); ``None`` when the base is
    zero or, on 年初预算数, not given."""
    if basis == BASIS_INITIAL:
        return None if initial is None else divide(executed, initial)
    return divide(executed, total)


@dataclass(frozen=True, slots=True)
class ExecutionFigures:
    name: str
    level: str
    initial: Decimal | None
    total: Decimal
    executed: Decimal
    spent: Decimal | None  # None: 支出数 not given
    rate_full_year: Decimal | None  # 执行数 / 全年预算数
    rate_initial: Decimal | None  # 执行数 / 年初预算数
    spending_progress: Decimal | None  # 支出数 / 全年预算数
    adjustment_rate: Decimal | None  # (全年预算数 - 年初预算数) / 年初预算数
    basis: str = BASIS_FULL_YEAR

    @property
    def execution_rate(self) -> Decimal | None:
        """预算执行率 on the base of 执行率口径."""
        return self.rate_initial if self.basis == BASIS_INITIAL else self.rate_full_year

    def rate_on(self, basis: str) -> Decimal | None:
        return self.rate_initial if basis == BASIS_INITIAL else self.rate_full_year


@dataclass(frozen=True, slots=True)
class BudgetFigures:
    units: tuple[ExecutionFigures, ...]
    department: ExecutionFigures
    basis: str = BASIS_FULL_YEAR


def execution(
    name: str,
    level: str,
    initial: Decimal | None,
    total: Decimal,
    executed: Decimal,
    spent: Decimal | None,
    basis: str = BASIS_FULL_YEAR,
) -> ExecutionFigures:
    """The figures of one budget line (a unit, a project or a department total)."""
    adjustment = None if initial is None else divide(total - initial, initial)
    return ExecutionFigures(
        name=name,
        level=level,
        initial=initial,
        total=total,
        executed=executed,
        spent=spent,
        rate_full_year=execution_rate(executed, total, initial, BASIS_FULL_YEAR),
        rate_initial=execution_rate(executed, total, initial, BASIS_INITIAL),
        spending_progress=None if spent is None else divide(spent, total),
        adjustment_rate=adjustment,
        basis=basis,
    )


def _unit(line: BudgetLine, basis: str) -> ExecutionFigures:
    return execution(line.name, line.level, line.initial, line.total, line.executed, line.spent, basis)


def _department(lines: Sequence[BudgetLine], basis: str) -> ExecutionFigures:
    # 年初预算数 and 支出数 for the department only when every unit gives them: a partial sum
    # would compare unlike bases.
    initial: Decimal | None = None
    if lines and all(line.initial is not None for line in lines):
        initial = sum((line.initial or ZERO for line in lines), ZERO)
    spent: Decimal | None = None
    if all(line.spent is not None for line in lines):
        spent = sum((line.spent or ZERO for line in lines), ZERO)
    return execution(
        TOTAL_NAME,
        "",
        initial,
        sum((line.total for line in lines), ZERO),
        sum((line.executed for line in lines), ZERO),
        spent,
        basis,
    )


def budget_figures(budget: Budget, basis: str = BASIS_FULL_YEAR) -> BudgetFigures:
    """Figures per unit row and for the department (the sum of the unit rows)."""
    return BudgetFigures(
        units=tuple(_unit(line, basis) for line in budget.lines),
        department=_department(budget.lines, basis),
        basis=basis,
    )
