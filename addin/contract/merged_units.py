"""预算执行 rows whose 单位名称 is one merged cell over several rows: parts of that one unit.

Published budget tables split a unit into 基本支出 and 项目支出 rows and merge its name over
them. Each such row is a part of the unit named in the merged cell's first row: the parts are
summed into one unit line, with one warning naming the merged range and its rows. (Unmerged
rows repeating a unit's name stay an error in the core: two units typed alike, or one unit
twice, cannot be told apart.) A reader that cannot see merged ranges (the Excel door on the
remote engine) reads such a row's name as blank and says so at the cell.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from ..core.findings import Findings
from ..core.model import BudgetLine, column_letter
from ..core.numbers import format_amount
from .labels import is_blank
from .rows import Cells

__all__ = ["MergedUnits"]

_COLUMN = "单位名称"


def _amount(value: Decimal, unit: str) -> str:
    """An amount with all the decimals it has (at least 2): a sum of parts is shown exactly."""
    exponent = value.as_tuple().exponent
    places = max(2, -exponent if isinstance(exponent, int) else 2)
    return f"{format_amount(value, places)} {unit}".rstrip()


def _plus(a: Decimal | None, b: Decimal | None) -> Decimal | None:
    """Two parts' optional amounts: a part without one adds nothing; both without, none."""
    if a is None:
        return b
    return a if b is None else a + b


class MergedUnits:
    """The unit lines read so far by sheet row, and the parts added to them."""

    def __init__(self) -> None:
        self._by_row: dict[int, int] = {}  # sheet row of a unit's first row → its index in lines
        self._parts: dict[int, tuple[str, list[int]]] = {}  # index → (merged range, rows)

    def read(self, row: int, index: int) -> None:
        """A unit line read from sheet ``row`` at ``index`` of the lines."""
        self._by_row[row] = index

    def part_of(self, cells: Cells) -> tuple[int, str] | None:
        """(index of the unit, merged range) when the row's 单位名称 is blank inside a merged cell
        whose first row was read as a unit; None otherwise (then the blank is reported)."""
        if not is_blank(cells.raw(_COLUMN)):
            return None
        col = cells.table.ref.columns.get(_COLUMN)
        if col is None:
            return None
        for r1, c1, r2, c2 in cells.table.raw.facts.merged_ranges():
            if c1 <= col <= c2 and r1 < cells.r <= r2 and r1 in self._by_row:
                return self._by_row[r1], f"{column_letter(c1)}{r1}:{column_letter(c2)}{r2}"
        return None

    def add(self, lines: list[BudgetLine], index: int, merged: str, part: BudgetLine) -> None:
        """Add ``part`` (a row under the merged name) to the unit line at ``index``."""
        unit = lines[index]
        lines[index] = replace(
            unit,
            initial=_plus(unit.initial, part.initial),
            total=unit.total + part.total,
            executed=unit.executed + part.executed,
            spent=_plus(unit.spent, part.spent),
        )
        self._parts.setdefault(index, (merged, [unit.where.row]))[1].append(part.where.row)

    def report(self, lines: list[BudgetLine], sheet: str, unit: str, findings: Findings) -> None:
        """One warning per merged unit, naming the range, its rows and the sums."""
        for index, (merged, rows) in self._parts.items():
            line = lines[index]
            findings.interpretation(
                "input_merged_unit",
                f"单位名称“{line.name}”为合并单元格 {merged}，第 {'、'.join(str(r) for r in rows)} 行"
                f"按同一单位合计（全年预算数 {_amount(line.total, unit)}，执行数 {_amount(line.executed, unit)}）："
                "如这几行不是同一单位，请分别填写单位名称",
                f"{sheet}!{merged}",
                f"合并单元格 {merged}",
                f"“{line.name}”的 {len(rows)} 行合计",
            )
