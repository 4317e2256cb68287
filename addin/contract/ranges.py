"""Contract tables handed to a worksheet function as ranges (``tblIndicators[#All]``, …).

A JX_* function receives a table as a grid of values, not as a sheet: it is given to the same
reader as a file's table (``RawTable`` → ``parse``), so a function reads every cell exactly as
``check``/``generate`` read it. A grid whose first row carries the contract's headers (``[#All]``)
is read by those headers; a grid without one (``tblRules``, the data alone) in the contract's
column order. Neither the position of the range nor the cells' number formats reach a
worksheet function: the rows are placed where the template puts its tables (headers on row 3,
from column A), so a message names the cell the template would hold.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .headers import match_header
from .raw import RawTable
from .schema import TableSpec

__all__ = ["TEMPLATE_HEADER_ROW", "grid", "range_table"]

TEMPLATE_HEADER_ROW = 3  # where the template's tables start (workbook/builder.py)


def grid(value: Any) -> list[list[Any]]:
    """A range's values as rows: one cell, one row (a list) or already rows (lists of lists)."""
    if value is None:
        return []
    if not isinstance(value, list | tuple):
        return [[value]]
    if value and not isinstance(value[0], list | tuple):
        return [list(value)]
    return [list(row) for row in value]


def _has_headers(row: Sequence[Any], spec: TableSpec) -> bool:
    names = {m.column for v in row if isinstance(v, str) and (m := match_header(spec, v)) is not None}
    return len(names) >= min(2, len(spec.headers))


def range_table(spec: TableSpec, value: Any) -> RawTable:
    """The table ``spec`` from a range's values (with or without its header row)."""
    rows = grid(value)
    if rows and _has_headers(rows[0], spec):
        headers: Sequence[Any] = rows[0]
        body = rows[1:]
    else:
        headers = list(spec.headers)
        body = [row + [None] * (len(headers) - len(row)) for row in rows]
    body = [[None if v == "" else v for v in row] for row in body]
    return RawTable(spec, spec.sheet, spec.table, TEMPLATE_HEADER_ROW, 0, headers, body, TEMPLATE_HEADER_ROW + 1)
