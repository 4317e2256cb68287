"""小计 rows in 预算执行, 采购合同 and 采购汇总: a subtotal, never a unit and never the whole total.

Clerks close each unit's block with a subtotal: "小计" after 局本级's contracts, "局本级 小计",
"小计：局本级", "其中：局本级小计"; or a group of a kind: "二级单位合计", "二级单位小计" (a 单位级次),
"服务小计" (a 采购类别). Any label with 小计, or with 合计/汇总/总计 naming a part, is one, whatever
its other cells say (a 单位级次 typed beside "二级单位合计" does not make it a unit). Such a row
declares the sum of its group: the rows of the unit it names (when the table has rows of that
unit); else the rows of the 单位级次 or 采购类别 it names ("二级单位" → 二级); else the rows of the
单位级次 typed in its own row ("所属单位合计 | 二级"); else the rows above it back to the previous
subtotal or the table's start. Each amount it states is checked against that sum (an error at its cell
when they differ); it is never read as a unit (no "未填写" errors for its blank columns) and never
compared with the whole table, which a 合计 row declares (DESIGN.md, "Total rows").
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from ..core.findings import Findings
from ..core.numbers import format_amount, round_half_up

__all__ = ["SubtotalGroups"]

# What may follow a kind in a subtotal's label: 二级单位合计, 服务类小计, 货物类别小计.
_KIND_WORDS = frozenset({"", "单位", "类", "类别", "类合同", "合同", "项目", "采购"})


def _fmt(value: Decimal) -> str:
    shown = format_amount(value)
    return shown if round_half_up(value, 2) == value else f"{value.normalize():f}"


@dataclass(slots=True)
class _Subtotal:
    label: str
    unit: str
    kind: str  # the 单位级次 typed in the subtotal's own row ("" when none)
    row: int
    first: int  # the group above: data-row positions first..end-1
    end: int
    declared: Mapping[str, tuple[Decimal, str]]  # column → (amount typed, its cell)


@dataclass(slots=True)
class SubtotalGroups:
    """The data rows of one table as they are read (each with its unit and amounts) and the
    小计 rows among them; ``check`` compares each 小计 with its group."""

    table: str  # the table's name in messages (tblBudget, …)
    kind_column: str = ""  # the column that groups rows by kind: 单位级次 (budget), 采购类别 (ledger)
    units: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)  # each data row's value in ``kind_column``
    rows: list[int] = field(default_factory=list)
    amounts: dict[str, list[Decimal | None]] = field(default_factory=dict)
    subtotals: list[_Subtotal] = field(default_factory=list)
    _since: int = 0

    def add_row(self, row: int, unit: str, amounts: Mapping[str, Decimal | None], kind: str = "") -> None:
        for column, value in amounts.items():
            values = self.amounts.get(column)
            if values is None:  # not setdefault: its default list would be built on every row
                values = self.amounts[column] = [None] * len(self.rows)
            values.append(value)
        self.units.append(unit)
        self.kinds.append(kind)
        self.rows.append(row)

    def add_subtotal(
        self, label: str, unit: str, row: int, declared: Mapping[str, tuple[Decimal, str]], kind: str = ""
    ) -> None:
        self.subtotals.append(_Subtotal(label.strip(), unit, kind, row, self._since, len(self.rows), declared))
        self._since = len(self.rows)

    def _group(self, sub: _Subtotal) -> tuple[list[int], str]:
        """The data-row positions a subtotal sums, and how a message names them."""
        named = [i for i, u in enumerate(self.units) if sub.unit and u == sub.unit]
        if named:
            return named, f"单位“{sub.unit}”各行"
        kinds = {k for k in self.kinds if k}
        # "二级单位" names 二级, "服务类" 服务: the kind itself, or it followed by a generic word.
        kind = next((k for k in kinds if sub.unit.startswith(k) and sub.unit[len(k) :] in _KIND_WORDS), "")
        kind = kind or (sub.kind if sub.kind in kinds else "")
        if kind:
            return [i for i, k in enumerate(self.kinds) if k == kind], f"{self.kind_column}为“{kind}”的各行"
        group = list(range(sub.first, sub.end))
        if len(group) > 1:
            return group, f"其上第 {self.rows[group[0]]}–{self.rows[group[-1]]} 行"
        return group, (f"其上第 {self.rows[group[0]]} 行" if group else "")

    def check(self, findings: Findings, sheet: str, amounts: Callable[[str], Sequence[Decimal]] | None = None) -> None:
        """Each 小计 against its group; ``amounts`` gives a column's values per data row when the
        rows were collected elsewhere (the ledger's fast path) instead of through ``add_row``."""
        for sub in self.subtotals:
            group, scope = self._group(sub)
            if not group:
                findings.error(
                    "input_subtotal_empty",
                    f"表格 {self.table} 第 {sub.row} 行“{sub.label}”是小计行，但其上方没有可小计的明细行："
                    "请把小计行放在所属明细行之后，或删除该行",
                    f"{sheet}!{sub.row}:{sub.row}",
                )
                continue
            for column, (typed, where) in sub.declared.items():
                values = amounts(column) if amounts is not None else self.amounts.get(column, [])
                summed = sum((v for i in group if i < len(values) and (v := values[i]) is not None), Decimal(0))
                if typed != summed:
                    findings.error(
                        "input_subtotal_mismatch",
                        f"表格 {self.table} 第 {sub.row} 行“{sub.label}”是小计行：{column} {_fmt(typed)} 与{scope}之和 "
                        f"{_fmt(summed)} 不一致（相差 {_fmt(abs(typed - summed))}）：请核对小计行或明细",
                        where,
                    )
