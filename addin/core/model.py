"""The department's data as the contract defines it, already typed and located.

Every row keeps a ``RowRef`` so a check can name the cell a clerk must fix. The contract ledger,
which runs to hundreds of thousands of rows, is held column-wise.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .project_model import ProjectData

__all__ = [
    "Budget",
    "BudgetLine",
    "ContractLedger",
    "DepartmentData",
    "Indicator",
    "Info",
    "NarrativeItem",
    "ProcurementLine",
    "ProcurementSummary",
    "RowRef",
    "RuleRow",
    "TableRef",
    "column_letter",
]


@functools.cache  # at most 16,384 columns; asked for every cell a finding may name
def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


@dataclass(frozen=True, slots=True)
class TableRef:
    """Where a contract table sits: its sheet and the column index of each header."""

    sheet: str
    name: str
    columns: Mapping[str, int]
    header_row: int = 1  # 1-based sheet row of the header

    def cell(self, column: str, row: int) -> str:
        index = self.columns.get(column)
        if index is None:
            return f"{self.sheet}!{row}:{row}"
        return f"{self.sheet}!{column_letter(index)}{row}"

    def header(self, column: str) -> str:
        return self.cell(column, self.header_row)


@dataclass(frozen=True, slots=True)
class RowRef:
    table: TableRef
    row: int  # 1-based sheet row

    def cell(self, column: str) -> str:
        return self.table.cell(column, self.row)


@dataclass(frozen=True, slots=True)
class Info:
    department: str
    year: int
    amount_unit: str = "万元"
    small_micro_basis: str = "中小企业合同金额"
    preparer: str = ""
    phone: str = ""
    report_date: str = ""
    total_weight: Decimal = Decimal(100)
    locations: Mapping[str, str] = field(default_factory=dict)
    execution_basis: str = "全年预算数"  # 执行率口径: 全年预算数 or 年初预算数


@dataclass(frozen=True, slots=True)
class BudgetLine:
    name: str
    level: str
    initial: Decimal | None
    total: Decimal
    executed: Decimal
    spent: Decimal | None  # None: 支出数 not given (project-style forms have no such column)
    note: str
    where: RowRef


@dataclass(frozen=True, slots=True)
class Budget:
    table: TableRef
    lines: Sequence[BudgetLine]
    declared_total: BudgetLine | None = None  # a 合计 row, when the clerk typed one


@dataclass(frozen=True, slots=True)
class ContractLedger:
    """采购合同, column-wise: one list per column, aligned by position."""

    table: TableRef
    numbers: Sequence[str]
    units: Sequence[str]
    categories: Sequence[str]
    amounts: Sequence[Decimal]
    sizes: Sequence[str]
    rows: Sequence[int]

    def __len__(self) -> int:
        return len(self.amounts)

    def where(self, position: int) -> RowRef:
        return RowRef(self.table, self.rows[position])


@dataclass(frozen=True, slots=True)
class ProcurementLine:
    """One row of 采购汇总; SME and small-micro amounts may be left blank (``None``): many
    published statements give them only in total, on the 合计 row."""

    category: str
    amount: Decimal
    sme: Decimal | None
    small_micro: Decimal | None
    where: RowRef


@dataclass(frozen=True, slots=True)
class ProcurementSummary:
    table: TableRef
    lines: Sequence[ProcurementLine]
    declared_total: ProcurementLine | None = None


@dataclass(frozen=True, slots=True)
class Indicator:
    level1: str
    level2: str
    level3: str
    weight: Decimal
    direction: str  # 正向 / 反向 / 定性
    target: Decimal | None
    target_text: str
    actual: Decimal | None
    actual_text: str
    source: str
    method: str
    manual_score: Decimal | None
    deviation_reason: str
    where: RowRef
    coefficient: Decimal | None = None  # 得分系数 as a fraction (0.76 for 76%)
    # Whether the reader found the row to be a rate (a % or percent format, a computed rate) or
    # a count (a unit word); None: not evident from the cells (core.measures then decides).
    rate: bool | None = None


@dataclass(frozen=True, slots=True)
class RuleRow:
    name: str
    kind: str  # 区间 / 扣分 / 超额 / 线性
    lower: Decimal | None
    upper: Decimal | None
    ratio: Decimal | None
    points: Decimal | None
    where: RowRef
    step: Decimal | None = None  # 每档: points per deduction step (blank: pro rata per point)
    lower_is_target: bool = False  # 下限 typed as the word 目标值
    upper_is_target: bool = False  # 上限 typed as the word 目标值
    rate: bool = False  # the reader found the rule applied to rates: its bounds read as percentages


@dataclass(frozen=True, slots=True)
class NarrativeItem:
    section: str
    content: str


@dataclass(frozen=True, slots=True)
class DepartmentData:
    info: Info
    budget: Budget
    contracts: ContractLedger | None
    procurement: ProcurementSummary | None
    indicators: Sequence[Indicator]
    rules: Sequence[RuleRow]
    narrative: Sequence[NarrativeItem] = ()
    projects: ProjectData | None = None  # None: the workbook has no project tables
    # Rules the reader found unusable (a row it could not read; one shared by rate and count
    # rows): reported at their cells, and the indicators using them get no second error.
    unusable_rules: frozenset[str] = frozenset()
    # Where 绩效指标 sits (None: not known), so a table without indicators is reported there.
    indicator_table: TableRef | None = None
