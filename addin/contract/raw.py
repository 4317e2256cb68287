"""A contract table as any reader delivers it: header texts, data rows, and where they sit.

Readers (python-calamine on a file, xlwings on an open workbook) produce ``RawTable``; the
parser turns it into the typed model. Error values and merged cells are looked up lazily,
only for cells that read blank, because finding them can mean a second pass over the sheet.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .coerce import clean_text
from .headers import match_header
from .schema import TableSpec

__all__ = [
    "HEADER_SCAN_ROWS",
    "CellFacts",
    "RawTable",
    "find_sheet",
    "header_row",
    "missing_table_message",
    "no_facts",
    "second_table",
]

HEADER_SCAN_ROWS = 30


@dataclass(slots=True)
class CellFacts:
    """Error values and merged ranges of one sheet, computed on first use."""

    load: Callable[[], tuple[Mapping[tuple[int, int], str], Sequence[tuple[int, int, int, int]]]]
    _loaded: tuple[Mapping[tuple[int, int], str], Sequence[tuple[int, int, int, int]]] | None = None
    # The number format code of each cell that has one other than General, (row, col) as above;
    # loaded only when asked (the web page's excerpt shows values as the sheet shows them).
    load_formats: Callable[[], Mapping[tuple[int, int], str]] = dict
    _formats: Mapping[tuple[int, int], str] | None = None

    def _facts(self) -> tuple[Mapping[tuple[int, int], str], Sequence[tuple[int, int, int, int]]]:
        if self._loaded is None:
            self._loaded = self.load()
        return self._loaded

    def error_at(self, row: int, col: int) -> str | None:
        """The Excel error text (#DIV/0!, …) of the cell at 1-based row, 0-based column."""
        return self._facts()[0].get((row, col))

    def number_format(self, row: int, col: int) -> str:
        """The cell's number format code ("#,##0.00", "0.0%"), "General" when it has none."""
        if self._formats is None:
            self._formats = self.load_formats()
        return self._formats.get((row, col), "General")

    def merged_ranges(self) -> Sequence[tuple[int, int, int, int]]:
        """(row1, col1, row2, col2) of every merged range: 1-based rows, 0-based columns."""
        return self._facts()[1]

    def merged_at(self, row: int, col: int) -> bool:
        """True when the cell is inside a merged range but not its top-left cell."""
        for r1, c1, r2, c2 in self._facts()[1]:
            if r1 <= row <= r2 and c1 <= col <= c2 and (row, col) != (r1, c1):
                return True
        return False


def no_facts() -> CellFacts:
    return CellFacts(lambda: ({}, ()))


@dataclass(slots=True)
class RawTable:
    spec: TableSpec
    sheet: str
    name: str  # the Excel Table's name, "" when found by its header row
    header_row: int  # 1-based sheet row of the headers
    first_col: int  # 0-based sheet column of the table's first column
    headers: Sequence[Any]
    rows: Sequence[Sequence[Any]]  # data rows, left to right from first_col
    first_row: int  # 1-based sheet row of rows[0]
    facts: CellFacts = field(default_factory=no_facts)
    # What the reader could tell beyond the values (empty when it could not):
    hidden_rows: frozenset[int] = frozenset()  # 1-based sheet rows hidden or filtered out
    uncached: Mapping[tuple[int, int], str] = field(default_factory=dict)  # formula without a saved result
    percent_cells: frozenset[tuple[int, int]] = frozenset()  # (row, col) with a percent number format
    scaled_cells: Mapping[tuple[int, int], int] = field(default_factory=dict)  # (row, col) → divisor shown
    stray: Sequence[str] = ()  # far cells of the sheet left unread (A1 references)
    outside_rows: Sequence[int] = ()  # data rows typed directly below the Excel Table, outside it
    # Sheet rows taken into ``rows`` from right below the Excel Table: a 合计 row closing it from
    # outside (and a blank row before it), read as inside it; a blank one is no blank row of its.
    appended_below: Sequence[int] = ()


def header_row(rows: Sequence[Sequence[Any]], spec: TableSpec) -> int | None:
    """Index of the row (among the first 30) carrying most of the contract's headers."""
    best, best_hits = None, 1
    for r, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        hits = len({m.column for v in row if isinstance(v, str) and (m := match_header(spec, v)) is not None})
        if hits > best_hits:
            best, best_hits = r, hits
    return best


def _hits(row: Sequence[Any], spec: TableSpec) -> int:
    return len({m.column for v in row if isinstance(v, str) and (m := match_header(spec, v)) is not None})


def _caption(row: Sequence[Any]) -> bool:
    """A blank row, or one text alone (a caption such as "附：2022年度预算执行情况")."""
    filled = [v for v in row if v is not None and not (isinstance(v, str) and not v.strip())]
    return len(filled) <= 1 and all(isinstance(v, str) for v in filled)


def _blank(row: Sequence[Any]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in row)


def second_table(raw: RawTable) -> tuple[int, int] | None:
    """Where a second table begins below the one read by its header row (a sheet without an
    Excel Table): (index in ``raw.rows`` of its first row, counting the caption and blank rows
    right above it; sheet row of its repeated header), or None. Its rows are another table's
    (last year's, another unit's), never this one's data."""
    needed = max(2, _hits(raw.headers, raw.spec))
    for i, row in enumerate(raw.rows):
        if i > 0 and _hits(row, raw.spec) >= needed:  # right under the header: a two-level header
            start = i
            while start > 1 and i - start < 3 and _caption(raw.rows[start - 1]):
                start -= 1
            while _blank(raw.rows[start]):  # blank rows between the two tables belong to neither
                start += 1
            return start, raw.first_row + i
    return None


def missing_table_message(sheet: str, spec: TableSpec) -> str:
    return (
        f"工作表“{sheet}”中找不到表头行（应为：{'、'.join(spec.headers)}）：请把表头改回模板中的写法，"
        f"或从空白模板（部门整体支出绩效自评模板.xlsm）复制该工作表后重新填写（Excel 表格名称 {spec.table}）"
    )


def find_sheet(names: Sequence[str], wanted: str) -> str | None:
    """The sheet called ``wanted``, tolerating stray spaces and full-width characters."""
    if wanted in names:
        return wanted
    for name in names:
        if clean_text(name).replace(" ", "") == wanted:
            return name
    return None
