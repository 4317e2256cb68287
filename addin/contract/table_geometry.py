"""Where an Excel Table's header and data rows are, from its XML, before python-calamine reads it.

python-calamine's table reader takes the range from the table part as written: a table with only
its header row (or a header and a totals row, or a one-cell range) makes it panic ("invalid range
bounds"), so does a reversed range; a table over whole columns (A1:G1048576, what Ctrl+T on
selected columns makes) makes it allocate every row of the range. Such tables are read here: an
empty table as no rows, the others as their range of the sheet, cut at the sheet's last cell.
Its totals-row handling takes headerRowCount off the end, right only when both counts are 1.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import python_calamine as calamine

from ..errors import UnusableInput
from ..package.parts import TablePart
from ..package.sheetscan import parse_ref
from .headers import decode_header
from .raw import RawTable
from .schema import TableSpec

__all__ = ["ROW_GAP", "Geometry", "from_geometry", "geometry", "table_bounds"]

# Rows after a gap this long below the data are strays: left unread by the table-less reader, and
# a table reaching this far below its sheet's last row is cut there.
ROW_GAP = 1000


def _corners(ref: str) -> tuple[int, int, int, int]:
    """(row, col, row, col) of the two corners of "A3:G12" (or of "A3"), as written."""
    first, _, last = ref.partition(":")
    r1, c1 = parse_ref(first)
    r2, c2 = parse_ref(last or first)
    return r1, c1, r2, c2


def _bounds(ref: str) -> tuple[int, int, int, int]:
    """(first row, first col, last row, last col): 1-based rows, 0-based columns."""
    r1, c1, r2, c2 = _corners(ref)
    return min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)


def table_bounds(sheet: str, table: TablePart) -> tuple[int, int, int, int]:
    """(first row, first col, last row, last col) of the table's range, corners in either order;
    UnusableInput naming the sheet and table when the range is not a cell range."""
    try:
        return _bounds(table.ref)
    except ValueError:
        raise UnusableInput(
            f"工作表“{sheet}”的表格 {table.name} 的区域“{table.ref}”无效：请在 Excel 中打开该文件，"
            "选中表格后用“表设计→调整表格大小”重新指定区域，保存后再试"
        ) from None


@dataclass(frozen=True, slots=True)
class Geometry:
    """Where a table's header and data rows are (1-based rows, 0-based columns)."""

    header_row: int
    first_col: int
    last_col: int
    first_data: int
    last_data: int  # below first_data when the table has no data row
    calamine_reads_it: bool  # python-calamine's own table reader gives exactly these rows

    @property
    def empty(self) -> bool:
        return self.last_data < self.first_data


def geometry(sheet: str, table: TablePart, sheet_last_row: int) -> Geometry:
    """The table's rows; ``sheet_last_row`` is the sheet's last <row> (0 when unknown)."""
    r1, c1, r2, c2 = table_bounds(sheet, table)
    first_data = r1 + table.header_rows
    last_data = r2 - table.totals_rows
    standard = (
        _corners(table.ref) == (r1, c1, r2, c2)  # a reversed range makes calamine panic
        and table.header_rows == 1
        and table.totals_rows <= 1  # calamine takes headerRowCount off the end for any totals row
        and (sheet_last_row == 0 or r2 <= sheet_last_row + ROW_GAP)
    )
    return Geometry(first_data - 1, c1, c2, first_data, last_data, standard)


def from_geometry(
    wb: calamine.CalamineWorkbook, sheet: str, table: TablePart, geo: Geometry, spec: TableSpec
) -> RawTable:
    """The table's rows cut from its sheet: rows below the sheet's last cell are not produced
    (they would only be blank), so a table over whole columns costs what its data cost."""
    rows: list[list[Any]] = []
    if not geo.empty:
        data = wb.get_sheet_by_name(sheet)
        if data.start is not None:
            r0, c0 = data.start
            values = data.to_python()
            for r in range(geo.first_data, min(geo.last_data, r0 + len(values)) + 1):
                i = r - 1 - r0
                src: Sequence[Any] = values[i] if i >= 0 else ()
                rows.append(
                    [src[c - c0] if 0 <= c - c0 < len(src) else "" for c in range(geo.first_col, geo.last_col + 1)]
                )
    return RawTable(
        spec=spec,
        sheet=sheet,
        name=table.name,
        header_row=geo.header_row,
        first_col=geo.first_col,
        headers=[decode_header(c) if isinstance(c, str) else c for c in table.columns],
        rows=rows,
        first_row=geo.first_data,
    )
