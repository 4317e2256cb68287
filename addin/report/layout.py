"""A report sheet described once: cells, styles, merges, sizes, print setup, charts.

The layout is what both writers render; neither knows what a report says, only how to put
this description into a workbook.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

__all__ = ["Cell", "ChartSpec", "PrintSetup", "Series", "SheetLayout", "Value"]

Value = str | Decimal | None


class Cell(NamedTuple):
    """One cell of a layout (a named tuple: sheets of hundreds of projects make many)."""

    value: Value
    style: str
    link: str | None = None  # an in-workbook target such as 预算执行!F4


@dataclass(frozen=True, slots=True)
class PrintSetup:
    paper: int = 9  # A4
    landscape: bool = False
    fit_width: bool = True
    fit_height: bool = False  # also scale down to one page tall (a form that should print on one page)
    repeat_rows: tuple[int, int] | None = None  # 0-based first and last row repeated on each page
    print_area: tuple[int, int, int, int] | None = None  # 0-based first row, first col, last row, last col
    margins: tuple[float, float, float, float] = (0.6, 0.6, 0.75, 0.75)  # left right top bottom, inches
    footer: str = "&C第 &P 页，共 &N 页"
    center_horizontally: bool = True


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    categories: tuple[int, int, int]  # 0-based (first row, last row, column) on this sheet
    values: tuple[int, int, int]
    number_format: str = "General"
    secondary: bool = False  # plotted as a line on a secondary axis


@dataclass(frozen=True, slots=True)
class ChartSpec:
    """A native chart anchored on the sheet, its data read from cells of the same sheet."""

    title: str
    kind: str  # "bar" (clustered columns) or "bar_line" (columns + line on secondary axis)
    series: tuple[Series, ...]
    anchor: tuple[int, int, int, int]  # 0-based (first row, first col, last row, last col)
    y_title: str = ""
    y2_title: str = ""
    y_format: str = "General"
    y2_format: str = "General"


@dataclass(slots=True)
class SheetLayout:
    name: str
    widths: Sequence[float]
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    heights: dict[int, float] = field(default_factory=dict)
    print_setup: PrintSetup = field(default_factory=PrintSetup)
    charts: list[ChartSpec] = field(default_factory=list)
    tab_color: str | None = None
    show_grid: bool = False
    breaks: list[int] = field(default_factory=list)  # rows that start a printed page (manual breaks)

    @property
    def last_row(self) -> int:
        return max((r for r, _ in self.cells), default=0)

    def put(self, row: int, col: int, value: Value, style: str, link: str | None = None) -> None:
        self.cells[(row, col)] = Cell(value, style, link)

    def merge(self, row: int, col: int, last_row: int, last_col: int, value: Value, style: str) -> None:
        """Write the value in the top-left cell and style every cell of the range (borders)."""
        cells = self.cells
        if row == last_row and col == last_col:
            cells[(row, col)] = _new(Cell, (value, style, None))
            return
        covered = _covered(style)  # cells are immutable: the covered ones can be one object
        for r in range(row, last_row + 1):
            for c in range(col, last_col + 1):
                cells[(r, c)] = covered
        cells[(row, col)] = _new(Cell, (value, style, None))
        self.merges.append((row, col, last_row, last_col))

    def remerge(self, row: int, col: int, last_row: int, last_col: int, value: Value, style: str) -> None:
        """``merge`` over a range that holds merges of its own (dropped: merges must not overlap)."""
        self.merges = [
            m for m in self.merges if not (row <= m[0] and m[2] <= last_row and col <= m[1] and m[3] <= last_col)
        ]
        self.merge(row, col, last_row, last_col, value, style)


# Cell(value, style) without the named tuple's Python-level __new__ (half the time, and a
# sheet per project makes a hundred thousand cells).
_new = tuple.__new__


@functools.cache
def _covered(style: str) -> Cell:
    return Cell(None, style)
