"""Reading the contract tables from an open workbook through xlwings: one read per table.

Error values come back as their text (#DIV/0!, …) and are reported by the same coercion as
the file reader's; everything after the read is shared with the headless door.

A sheet without its Excel Table is read from its header row, bounded like the file reader: the
first rows are searched for the headers, then the data are read in blocks below them until a
block is empty, so a stray cell at XFD1048576 (a used range of billions of cells) costs nothing.
The number formats of 目标值/实际值 and rule bounds are asked per cell where the engine can tell
them (desktop Excel); the remote engine cannot, and reports none.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from ..contract.below import take_rows_below
from ..contract.headers import match_header
from ..contract.raw import HEADER_SCAN_ROWS, RawTable, find_sheet, header_row, missing_table_message
from ..contract.schema import ALL_TABLES, BUDGET, INDICATORS, PROCUREMENT, PROJECT_INDICATORS, RULES, TableSpec
from ..errors import UnusableInput

__all__ = ["read_tables"]

_FALLBACK_COLUMNS = 26
_BLOCK_ROWS = 5000
# Columns whose percent number format the reader reports: on rates it marks a rate row; on
# amounts and points it is an error. The contract ledger (up to 200,000 rows) is left out:
# a format asked per cell costs a round trip each in Excel.
_FORMAT_COLUMNS = {
    INDICATORS.table: ("目标值", "实际值", "分值", "自评得分"),
    RULES.table: ("下限", "上限", "每点扣分"),
    PROJECT_INDICATORS.table: ("年度指标值", "实际完成值", "分值", "自评得分"),
    BUDGET.table: ("年初预算数", "全年预算数", "执行数", "支出数"),
    PROCUREMENT.table: ("支出金额", "授予中小企业合同金额", "其中授予小微企业合同金额"),
}
# Rows below a table read to find data typed outside it.
_BELOW_ROWS = 50
_LAST_ROW = 1_048_576


def _grid(value: Any) -> list[list[Any]]:
    if value is None:
        return []
    if not isinstance(value, list):
        return [[value]]
    if value and not isinstance(value[0], list):
        return [value]
    return value


def _from_table(sheet: Any, table: Any, spec: TableSpec) -> RawTable:
    rng = table.range
    values = _grid(rng.options(ndim=2, err_to_str=True).value)
    rows: Sequence[Sequence[Any]] = values[1:]
    if _try_bool(lambda: table.show_totals) and rows:
        rows = rows[:-1]  # Excel's own totals row is a formula row, not a unit
    return RawTable(
        spec=spec,
        sheet=sheet.name,
        name=table.name,
        header_row=rng.row,
        first_col=rng.column - 1,
        headers=values[0] if values else [],
        rows=rows,
        first_row=rng.row + 1,
    )


def _try_bool(get: Any) -> bool:
    try:
        return bool(get())
    except Exception:  # an engine that does not report it: assume no totals row
        return False


def _block(sheet: Any, first: int, last: int, c1: int, c2: int) -> list[list[Any]]:
    return _grid(sheet.range((first, c1), (last, c2)).options(ndim=2, err_to_str=True).value)


def _blank(row: Sequence[Any]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in row)


def _from_sheet(sheet: Any, spec: TableSpec) -> RawTable | None:
    used = sheet.used_range
    top, left = used.row, used.column
    bottom = used.row + used.shape[0] - 1
    right = min(left + used.shape[1] - 1, left + _FALLBACK_COLUMNS - 1)
    head = _block(sheet, top, min(bottom, top + HEADER_SCAN_ROWS - 1), left, right)
    best = header_row(head, spec)
    if best is None:
        if not spec.required:
            return None  # an optional sheet's name on a sheet of the clerk's own (a 项目 sheet)
        raise UnusableInput(missing_table_message(sheet.name, spec))
    rows: list[Sequence[Any]] = [list(r) for r in head[best + 1 :]]
    start = top + len(head)
    while start <= bottom:
        block = _block(sheet, start, min(bottom, start + _BLOCK_ROWS - 1), left, right)
        if all(_blank(r) for r in block):
            break  # past the data: a used range far beyond it is not read
        rows.extend(block)
        start += _BLOCK_ROWS
    while rows and _blank(rows[-1]):
        rows.pop()
    return RawTable(
        spec=spec,
        sheet=sheet.name,
        name="",
        header_row=top + best,
        first_col=left - 1,
        headers=head[best],
        rows=rows,
        first_row=top + best + 1,
    )


def _percent_cells(sheet: Any, raw: RawTable) -> frozenset[tuple[int, int]]:
    """Cells of 目标值/实际值 (or rule bounds) whose number format shows a percentage."""
    wanted = _FORMAT_COLUMNS.get(raw.spec.table, ())
    columns = [
        raw.first_col + i
        for i, h in enumerate(raw.headers)
        if isinstance(h, str) and (m := match_header(raw.spec, h)) is not None and m.column in wanted
    ]
    found: set[tuple[int, int]] = set()
    last = raw.first_row + len(raw.rows) - 1
    for col in columns:
        if last < raw.first_row:
            break
        try:
            # One question per column: Excel answers the common format, or None when mixed.
            common = sheet.range((raw.first_row, col + 1), (last, col + 1)).number_format
            if isinstance(common, str):
                if _is_percent(common):
                    found.update((row, col) for row in range(raw.first_row, last + 1))
                continue
            for row in range(raw.first_row, last + 1):
                if _is_percent(sheet.range((row, col + 1)).number_format):
                    found.add((row, col))
        except NotImplementedError:  # xlwings' remote engine cannot read formats synchronously
            return frozenset()
    return frozenset(found)


def _is_percent(fmt: Any) -> bool:
    return isinstance(fmt, str) and "%" in re.sub(r'"[^"]*"|\\.', "", fmt)


def _rows_below(sheet: Any, raw: RawTable) -> list[int]:
    """Data rows typed right below the table, outside its range (a bounded read)."""
    end = raw.first_row + len(raw.rows) - 1
    if end >= _LAST_ROW or not raw.headers:
        return []
    first_col = raw.first_col + 1
    block = _block(sheet, end + 1, min(end + _BELOW_ROWS, _LAST_ROW), first_col, first_col + len(raw.headers) - 1)
    return take_rows_below(raw, block)


def read_tables(book: Any) -> dict[str, RawTable | None]:
    """Every contract table of the open workbook, keyed by table name; None where absent."""
    sheets = {sheet.name: sheet for sheet in book.sheets}
    tables: dict[str, tuple[Any, Any]] = {}
    for sheet in sheets.values():
        for table in sheet.tables:
            tables.setdefault(table.name.lower(), (sheet, table))
    found: dict[str, RawTable | None] = {}
    for spec in ALL_TABLES:
        hit = tables.get(spec.table.lower())
        if hit is not None:
            raw = _from_table(hit[0], hit[1], spec)
            sheet = hit[0]
            raw.outside_rows = _rows_below(sheet, raw)
        else:
            name = find_sheet(list(sheets), spec.sheet)
            if name is None:
                found[spec.table] = None
                continue
            sheet = sheets[name]
            from_sheet = _from_sheet(sheet, spec)
            if from_sheet is None:  # an optional table's name on a sheet of the clerk's own
                found[spec.table] = None
                continue
            raw = from_sheet
        if spec.table in _FORMAT_COLUMNS:
            raw.percent_cells = _percent_cells(sheet, raw)
        found[spec.table] = raw
    return found
