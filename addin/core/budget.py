"""Budget execution: 预算执行率, 支出进度 and 预算调整率, by unit and for the department."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from .model import Budget, BudgetLine
from .numbers import ZERO, divide

__all__ = ["BudgetFigures", "ExecutionFigures", "budget_figures", "execution"]

TOTAL_NAME = "合计"


@dataclass(frozen=True, slots=True)
class ExecutionFigures:
    name: str
    level: str
    initial: Decimal | None
    total: Decimal
    executed: Decimal
    spent: Decimal
    execution_rate: Decimal | None  # 执行数 / 全年预算数
    spending_progress: Decimal | None  # 支出数 / 全年预算数
    adjustment_rate: Decimal | None  # (全年预算数 - 年初预算数) / 年初预算数


@dataclass(frozen=True, slots=True)
class BudgetFigures:
    units: tuple[ExecutionFigures, ...]
    department: ExecutionFigures


def execution(
    name: str,
    level: str,
    initial: Decimal | None,
    total: Decimal,
    executed: Decimal,
    spent: Decimal,
) -> ExecutionFigures:
    adjustment = None if initial is None else divide(total - initial, initial)
    return ExecutionFigures(
        name=name,
        level=level,
        initial=initial,
        total=total,
        executed=executed,
        spent=spent,
        execution_rate=divide(executed, total),
        spending_progress=divide(spent, total),
        adjustment_rate=adjustment,
    )


def _unit(line: BudgetLine) -> ExecutionFigures:
    return execution(line.name, line.level, line.initial, line.total, line.executed, line.spent)


def _department(lines: Sequence[BudgetLine]) -> ExecutionFigures:
    # 预算调整率 for the department only when every unit gives 年初预算数: a partial sum
    # would compare unlike bases.
    initial: Decimal | None = None
    if lines and all(line.initial is not None for line in lines):
        initial = sum((line.initial or ZERO for line in lines), ZERO)
    return execution(
        TOTAL_NAME,
        "",
        initial,
        sum((line.total for line in lines), ZERO),
        sum((line.executed for line in lines), ZERO),
        sum((line.spent for line in lines), ZERO),
    )


def budget_figures(budget: Budget) -> BudgetFigures:
    """Figures per unit row and for the department (the sum of the unit rows)."""
    return BudgetFigures(
        units=tuple(_unit(line) for line in budget.lines),
        department=_department(budget.lines),
    )
