"""Reading the contract tables from an .xlsx/.xlsm file with python-calamine.

Tables are found by name (Excel Table names are case-insensitive); a sheet that holds the
data without an Excel Table (pasted, or saved by a tool that dropped the table) is read from
the row that carries the contract's headers.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import python_calamine as calamine

from ..errors import UnusableInput
from ..package.archive import check_workbook_file, open_package, read_part
from ..package.cellscan import scan_sheet
from ..package.parts import sheet_parts
from .raw import CellFacts, RawTable, find_sheet, header_row, missing_table_message
from .schema import ALL_TABLES, TableSpec

__all__ = ["read_tables"]


class _Facts:
    """Lazy per-sheet error/merge scans over the package (opened only if ever needed)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._parts: dict[str, str] | None = None

    def parts(self, package: zipfile.ZipFile) -> dict[str, str]:
        if self._parts is None:
            self._parts = {s.name: s.part for s in sheet_parts(package)}
        return self._parts

    def for_sheet(self, sheet: str) -> CellFacts:
        def load() -> tuple[dict[tuple[int, int], str], Sequence[tuple[int, int, int, int]]]:
            with open_package(self.path) as package:
                part = self.parts(package).get(sheet)
                if not part or part not in package.namelist():
                    return {}, ()
                return scan_sheet(read_part(package, part))

        return CellFacts(load)


def _from_table(wb: calamine.CalamineWorkbook, name: str, spec: TableSpec, facts: _Facts) -> RawTable:
    table = wb.get_table_by_name(name)
    start = table.start or (1, 0)
    data = table.to_python()
    return RawTable(
        spec=spec,
        sheet=table.sheet,
        name=name,
        header_row=start[0],  # start is the first data row (0-based), so the header is row start[0] (1-based)
        first_col=start[1],
        headers=list(table.columns),
        rows=data,
        first_row=start[0] + 1,
        facts=facts.for_sheet(table.sheet),
    )


def _compact_rows(rows: Iterator[list[Any]]) -> list[Sequence[Any]]:
    """Rows with every blank row shared as one empty tuple and trailing blanks dropped, so a
    sheet whose used range reaches row 1,048,576 costs a pointer per row, not a list."""
    kept: list[Sequence[Any]] = []
    last = 0
    blank: tuple[Any, ...] = ()
    for row in rows:
        if any(row) or any(v is not None and v != "" for v in row):
            kept.append(row)
            last = len(kept)
        else:
            kept.append(blank)
    del kept[last:]
    return kept


def _from_sheet(wb: calamine.CalamineWorkbook, sheet: str, spec: TableSpec, facts: _Facts) -> RawTable | None:
    data = wb.get_sheet_by_name(sheet)
    # iter_rows starts at row 1 but at the first used column: keep that column's offset.
    first_col = data.start[1] if data.start else 0
    values = _compact_rows(iter(data.iter_rows()))
    best = header_row(values, spec)
    if best is None:
        if not spec.required:
            return None  # an optional sheet's name on a sheet of the clerk's own (a 项目 sheet)
        raise UnusableInput(missing_table_message(sheet, spec))
    return RawTable(
        spec=spec,
        sheet=sheet,
        name="",
        header_row=best + 1,
        first_col=first_col,
        headers=list(values[best]),
        rows=values[best + 1 :],
        first_row=best + 2,
        facts=facts.for_sheet(sheet),
    )


def read_tables(path: Path) -> dict[str, RawTable | None]:
    """Every contract table found in the file, keyed by table name; None where absent."""
    check_workbook_file(path)
    try:
        wb = calamine.CalamineWorkbook.from_path(str(path), load_tables=True)
    except calamine.PasswordError:
        raise UnusableInput(f"“{path.name}”设有打开密码：请取消密码后再试") from None
    except (calamine.CalamineError, OSError, ValueError) as exc:
        raise UnusableInput(
            f"“{path.name}”无法读取，文件可能已损坏（{type(exc).__name__}）：请用 Excel 打开并另存为 .xlsx 后再试"
        ) from None
    facts = _Facts(path)
    with wb:
        table_names = {n.lower(): n for n in (wb.table_names or [])}
        sheets = list(wb.sheet_names)
        found: dict[str, RawTable | None] = {}
        for spec in ALL_TABLES:
            name = table_names.get(spec.table.lower())
            if name is not None:
                found[spec.table] = _from_table(wb, name, spec, facts)
                continue
            sheet = find_sheet(sheets, spec.sheet)
            found[spec.table] = _from_sheet(wb, sheet, spec, facts) if sheet else None
    return found
