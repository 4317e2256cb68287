"""Reading the contract tables from an open workbook through xlwings: one read per table.

Error values come back as their text (#DIV/0!, …) and are reported by the same coercion as
the file reader's; everything after the read is shared with the headless door.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..contract.raw import RawTable, find_sheet, header_row, missing_table_message
from ..contract.schema import ALL_TABLES, TableSpec
from ..errors import UnusableInput

__all__ = ["read_tables"]


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


def _from_sheet(sheet: Any, spec: TableSpec) -> RawTable | None:
    used = sheet.used_range
    values = _grid(used.options(ndim=2, err_to_str=True).value)
    best = header_row(values, spec)
    if best is None:
        if not spec.required:
            return None  # an optional sheet's name on a sheet of the clerk's own (a 项目 sheet)
        raise UnusableInput(missing_table_message(sheet.name, spec))
    return RawTable(
        spec=spec,
        sheet=sheet.name,
        name="",
        header_row=used.row + best,
        first_col=used.column - 1,
        headers=values[best],
        rows=values[best + 1 :],
        first_row=used.row + best + 1,
    )


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
            found[spec.table] = _from_table(hit[0], hit[1], spec)
            continue
        name = find_sheet(list(sheets), spec.sheet)
        found[spec.table] = _from_sheet(sheets[name], spec) if name else None
    return found
