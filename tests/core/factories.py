"""Small builders of core model objects for unit tests."""

from __future__ import annotations

from decimal import Decimal

from addin.contract import schema
from addin.core.model import (
    Budget,
    BudgetLine,
    ContractLedger,
    Indicator,
    ProcurementLine,
    ProcurementSummary,
    RowRef,
    RuleRow,
    TableRef,
)

D = Decimal


def table(spec: schema.TableSpec) -> TableRef:
    return TableRef(spec.sheet, spec.table, {name: i for i, name in enumerate(spec.headers)}, 3)


BUDGET = table(schema.BUDGET)
CONTRACTS = table(schema.CONTRACTS)
PROCUREMENT = table(schema.PROCUREMENT)
INDICATORS = table(schema.INDICATORS)
RULES = table(schema.RULES)


def dec(value: str | int | None) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def budget_line(
    name: str,
    total: str,
    executed: str,
    spent: str | None,
    initial: str | None = None,
    row: int = 4,
    level: str = "本级",
) -> BudgetLine:
    return BudgetLine(name, level, dec(initial), D(total), D(executed), dec(spent), "", RowRef(BUDGET, row))


def budget(*lines: BudgetLine, total: BudgetLine | None = None) -> Budget:
    return Budget(BUDGET, list(lines), total)


def ledger(*contracts: tuple[str, str, str]) -> ContractLedger:
    """Contracts as (category, amount, size)."""
    n = len(contracts)
    return ContractLedger(
        CONTRACTS,
        [f"C{i}" for i in range(n)],
        ["办本级"] * n,
        [c[0] for c in contracts],
        [D(c[1]) for c in contracts],
        [c[2] for c in contracts],
        list(range(4, 4 + n)),
    )


Stated = tuple[str, str, str | None, str | None]


def summary(*lines: Stated, total: Stated | None = None) -> ProcurementSummary:
    """采购汇总 rows as (category, amount, SME, small-micro); None: left blank."""

    def line(values: Stated, row: int) -> ProcurementLine:
        return ProcurementLine(values[0], D(values[1]), dec(values[2]), dec(values[3]), RowRef(PROCUREMENT, row))

    items = [line(v, 4 + i) for i, v in enumerate(lines)]
    return ProcurementSummary(PROCUREMENT, items, line(total, 4 + len(lines)) if total else None)


def indicator(
    name: str = "指标",
    weight: str = "10",
    *,
    method: str = "比率",
    direction: str = "正向",
    target: str | None = "1",
    actual: str | None = "1",
    manual: str | None = None,
    source: str = "",
    dimension: str = "履职效能",
    row: int = 4,
    actual_text: str = "",
    target_text: str = "",
    coefficient: str | None = None,
) -> Indicator:
    return Indicator(
        dimension,
        "二级",
        name,
        D(weight),
        direction,
        dec(target),
        target_text or target or "",
        dec(actual),
        actual_text or (actual or ""),
        source,
        method,
        dec(manual),
        "",
        RowRef(INDICATORS, row),
        dec(coefficient),
    )


def rule(
    name: str,
    kind: str,
    lower: str | None = None,
    upper: str | None = None,
    ratio: str | None = None,
    points: str | None = None,
    row: int = 4,
    *,
    step: str | None = None,
    lower_target: bool = False,
    upper_target: bool = False,
) -> RuleRow:
    return RuleRow(
        name,
        kind,
        dec(lower),
        dec(upper),
        dec(ratio),
        dec(points),
        RowRef(RULES, row),
        dec(step),
        lower_target,
        upper_target,
    )
