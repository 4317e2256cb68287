"""Reading the contract tables from an .xlsx/.xlsm file with python-calamine, bounded.

Tables are found by name (Excel Table names are case-insensitive); a sheet that holds the
data without an Excel Table (pasted, or saved by a tool that dropped the table) is read from
the row that carries the contract's headers.

Before python-calamine sees a sheet, its XML is scanned once (``package.sheetscan``): a sheet
with a cell far outside its data (a stray cell at XFD1048576 makes python-calamine allocate
the whole used range and abort the process) is handed over without those cells, so reading
costs what the data cost. The same pass finds hidden rows, formulas without a saved result
and, on the indicator and rule sheets, the cells with a percent number format.

Each contract table's geometry is checked from its XML before python-calamine reads it
(``table_geometry``); any python-calamine panic or reading error is one located message
(``calamine_guard``).
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import python_calamine as calamine

from ..errors import UnusableInput
from ..package.archive import check_workbook_file, open_package, read_part
from ..package.file_kinds import PASSWORD_REMEDY
from ..package.integrity import complete, damaged
from ..package.parts import SheetPart, TablePart, sheet_parts, styles_part, table_parts
from ..package.sheetscan import (
    MAX_COLUMN,
    MAX_ROW,
    SheetScan,
    bounded_sheet,
    last_row,
    number_formats,
    percent_styles,
    scaled_styles,
    scan_facts,
    scan_sheet,
    styled_cells,
)
from ..package.zipcopy import ZipLayoutError, rewrite_zip
from .calamine_guard import calamine_guard
from .headers import decode_header
from .labels import rows_below
from .raw import CellFacts, RawTable, find_sheet, header_row, missing_table_message
from .schema import ALL_TABLES, TableSpec
from .table_geometry import ROW_GAP, from_geometry, geometry, table_bounds

__all__ = ["read_tables"]

# A sheet read by its header row keeps this many columns (contract tables are ≤ 11 wide).
_FALLBACK_COLUMNS = 26
# Rows below a table looked at for data typed outside it (a block pasted or typed there).
_BELOW_ROWS = 1000


def _open_error(path: Path, exc: BaseException) -> UnusableInput:
    # One Chinese line for the clerk; the library's own words stay in the exception's cause
    # (shown with --debug).
    return UnusableInput(
        f"“{path.name}”无法读取，文件可能已损坏：请在 Excel 或 WPS 中打开该文件（按提示修复）并另存后再试"
    )


@dataclass(slots=True)
class _Sheet:
    """What the XML pass learnt about one input sheet."""

    part: str
    tables: list[TablePart]
    scan: SheetScan = field(default_factory=SheetScan)
    stray: list[str] = field(default_factory=list)
    bounded: bytes | None = None  # the sheet without its far cells, when it has any
    percent: frozenset[tuple[int, int]] = frozenset()
    scaled: dict[tuple[int, int], int] = field(default_factory=dict)  # cell → the divisor its format shows


def _fallback_rows(xml: bytes) -> int:
    """The last row of a table-less sheet's data: rows after a gap of ROW_GAP are strays."""

    last = 0
    for match in re.finditer(rb'<(?:\w+:)?row\b[^>]*?\br="(\d+)"[^>]*?(/?)>', xml):
        if match.group(2):
            continue  # an empty <row/> holds no cell
        row = int(match.group(1))
        if last and row - last > ROW_GAP:
            break
        last = row
    return last


def _survey(path: Path, package: zipfile.ZipFile, wanted: dict[str, list[TablePart] | None]) -> dict[str, _Sheet]:
    """Scan each wanted sheet (name → its contract tables, None for a header-row sheet);
    UnusableInput naming the sheet and cell when the sheet is damaged in a way python-calamine
    would read silently or abort on (``sheetscan``)."""
    parts = {s.name: s for s in sheet_parts(package)}
    names = set(package.namelist())
    styles: tuple[frozenset[int], dict[int, int]] | None = None
    out: dict[str, _Sheet] = {}
    for name, tables in wanted.items():
        sheet: SheetPart | None = parts.get(name)
        if sheet is None or sheet.part not in names:
            continue
        xml = read_part(package, sheet.part)
        if not complete(xml):  # a large sheet's ending is checked here, on bytes read anyway
            raise damaged(path.name, f"工作表“{name}”不完整（XML 在结尾前中断）")
        if tables:
            bounds = [table_bounds(name, t) for t in tables]
            keep_rows = max(b[2] for b in bounds)
            keep_cols = max(b[3] for b in bounds) + 1
            if last_row(xml) > keep_rows:  # rows below a table: read up to the data's end
                keep_rows = max(keep_rows, _fallback_rows(xml))
        else:
            keep_rows, keep_cols = _fallback_rows(xml), _FALLBACK_COLUMNS
        info = _Sheet(sheet.part, tables or [], scan_facts(xml, keep_rows, keep_cols))
        if info.scan.bad_string:
            raise damaged(path.name, f"工作表“{name}”的单元格 {info.scan.bad_string} 引用的共享字符串编号无效")
        if info.scan.far:
            bounded = bounded_sheet(xml, keep_rows, keep_cols)
            if bounded.beyond:
                raise damaged(path.name, f"工作表“{name}”的单元格位置“{bounded.beyond}”超出工作表范围（A1:XFD1048576）")
            info.bounded, info.stray = bounded.xml, bounded.dropped
        # Percent formats: on rates they say the row is a rate; on amounts and points they
        # are an error (the clerk typed a percentage where none belongs).
        if styles is None:
            styles = _styles(package)
        percent_xfs, scaled_xfs = styles
        if percent_xfs:
            info.percent = styled_cells(xml, percent_xfs, keep_rows, keep_cols)
        # Formats that show a number scaled down (0!.0000: 元 shown as 万元): said at the cells.
        for divisor in set(scaled_xfs.values()):
            xfs = frozenset(i for i, d in scaled_xfs.items() if d == divisor)
            info.scaled.update(dict.fromkeys(styled_cells(xml, xfs, keep_rows, keep_cols), divisor))
        out[name] = info
        del xml
    return out


def _styles(package: zipfile.ZipFile) -> tuple[frozenset[int], dict[int, int]]:
    """The cell formats showing a percentage, and those showing a number scaled down."""
    part = styles_part(package)
    if not part:
        return frozenset(), {}
    xml = read_part(package, part)
    return percent_styles(xml), scaled_styles(xml)


def _bounded_copy(path: Path, survey: dict[str, _Sheet]) -> io.BytesIO | None:
    """The package with far cells removed from the sheets that have them, in memory."""
    replace = {info.part: info.bounded for info in survey.values() if info.bounded is not None}
    if not replace:
        return None
    out = io.BytesIO()
    try:
        with path.open("rb") as source:
            rewrite_zip(source, path.stat().st_size, out, replace, ())
    except ZipLayoutError:
        raise UnusableInput(
            f"“{path.name}”使用了不常见的压缩格式（ZIP64），且含有远离数据的单元格："
            "请在 Excel 中另存为 .xlsx/.xlsm 后再试"
        ) from None
    out.seek(0)
    return out


class _Facts:
    """Lazy per-sheet error/merge scans over the package (opened only if ever needed)."""

    def __init__(self, path: Path, parts: dict[str, str]) -> None:
        self.path = path
        self.parts = parts

    def for_sheet(self, sheet: str) -> CellFacts:
        def load() -> tuple[dict[tuple[int, int], str], Sequence[tuple[int, int, int, int]]]:
            with open_package(self.path) as package:
                part = self.parts.get(sheet)
                if not part or part not in package.namelist():
                    return {}, ()
                return scan_sheet(read_part(package, part))

        def load_formats() -> dict[tuple[int, int], str]:
            try:
                return formats()
            except (OSError, UnusableInput, zipfile.BadZipFile, zlib.error, KeyError, ValueError):
                # Asked after the evaluation: a recalculated copy is gone by then, and a file
                # changed meanwhile is not this one; the values then show as General.
                return {}

        def formats() -> dict[tuple[int, int], str]:
            with open_package(self.path) as package:
                part = self.parts.get(sheet)
                styles = styles_part(package)
                if not part or part not in package.namelist() or not styles:
                    return {}
                by_code: dict[str, set[int]] = {}
                for xf, code in number_formats(read_part(package, styles)).items():
                    by_code.setdefault(code, set()).add(xf)
                xml = read_part(package, part)
            return {
                cell: code
                for code, xfs in by_code.items()
                for cell in styled_cells(xml, frozenset(xfs), MAX_ROW, MAX_COLUMN)
            }

        return CellFacts(load, load_formats=load_formats)


def _with_facts(raw: RawTable, info: _Sheet | None, facts: _Facts, stray_owner: set[str]) -> RawTable:
    if info is None:
        raw.facts = facts.for_sheet(raw.sheet)
        return raw
    last = raw.first_row + len(raw.rows) - 1
    width = len(raw.headers)
    raw.facts = facts.for_sheet(raw.sheet)
    raw.hidden_rows = frozenset(r for r in info.scan.hidden_rows if raw.first_row <= r <= last)
    raw.uncached = {
        (r, c): f
        for (r, c), f in info.scan.uncached.items()
        if raw.first_row <= r <= last and raw.first_col <= c < raw.first_col + width
    }
    raw.percent_cells = info.percent
    raw.scaled_cells = info.scaled
    if info.stray and raw.sheet not in stray_owner:
        stray_owner.add(raw.sheet)  # one warning per sheet, carried by its first table
        raw.stray = tuple(info.stray)
    return raw


def _from_table(wb: calamine.CalamineWorkbook, name: str, spec: TableSpec) -> RawTable:
    """The table through python-calamine's own table reader (the fast path)."""
    table = wb.get_table_by_name(name)
    start = table.start or (1, 0)
    data = table.to_python()
    return RawTable(
        spec=spec,
        sheet=table.sheet,
        name=name,
        header_row=start[0],  # start is the first data row (0-based), so the header is row start[0] (1-based)
        first_col=start[1],
        headers=[decode_header(c) if isinstance(c, str) else c for c in table.columns],
        rows=data,
        first_row=start[0] + 1,
    )


def _compact_rows(rows: Iterator[list[Any]]) -> list[Sequence[Any]]:
    """Rows with every blank row shared as one empty tuple and trailing blanks dropped."""
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


def _from_sheet(wb: calamine.CalamineWorkbook, sheet: str, spec: TableSpec) -> RawTable | None:
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
    )


def _plan(
    package: zipfile.ZipFile,
) -> tuple[dict[str, str], dict[str, list[TablePart] | None], dict[str, tuple[str, TablePart]]]:
    """(sheet → part, sheet → contract tables or None for a header-row sheet,
    lower-case table name → (sheet, table) for every table of the workbook)."""
    sheets = sheet_parts(package)
    parts = {s.name: s.part for s in sheets}
    names = set(package.namelist())
    by_table: dict[str, tuple[str, TablePart]] = {}
    for s in sheets:
        if s.part not in names:
            continue
        for t in table_parts(package, s.part):
            by_table.setdefault(t.name.lower(), (s.name, t))
    wanted: dict[str, list[TablePart] | None] = {}
    for spec in ALL_TABLES:
        hit = by_table.get(spec.table.lower())
        if hit is not None:
            existing = wanted.get(hit[0])
            wanted[hit[0]] = [*(existing or []), hit[1]]
            continue
        sheet = find_sheet(list(parts), spec.sheet)
        if sheet is not None and sheet not in wanted:
            wanted[sheet] = None
    return parts, wanted, by_table


def read_tables(path: Path) -> dict[str, RawTable | None]:
    """Every contract table found in the file, keyed by table name; None where absent."""
    check_workbook_file(path)
    try:
        with open_package(path) as package:
            parts, wanted, located = _plan(package)
            survey = _survey(path, package, wanted)
        bounded = _bounded_copy(path, survey)
    except UnusableInput:
        raise
    except (zipfile.BadZipFile, zlib.error, KeyError, ValueError, OSError, EOFError) as exc:
        raise _open_error(path, exc) from exc
    with calamine_guard(path, "工作簿"):
        try:
            if bounded is not None:
                wb = calamine.CalamineWorkbook.from_filelike(bounded, load_tables=True)
            elif path.suffix.lower() not in (".xlsx", ".xlsm"):
                # python-calamine picks its reader by the extension; the package (checked above)
                # is a workbook whatever it is named (an .xlsx renamed .ods), so it reads by content.
                with path.open("rb") as stream:
                    wb = calamine.CalamineWorkbook.from_filelike(stream, load_tables=True)
            else:
                wb = calamine.CalamineWorkbook.from_path(str(path), load_tables=True)
        except calamine.PasswordError:
            raise UnusableInput(f"“{path.name}”设有打开密码：{PASSWORD_REMEDY}") from None
        except (calamine.CalamineError, OSError, ValueError) as exc:
            raise _open_error(path, exc) from exc
    facts = _Facts(path, parts)
    stray_owner: set[str] = set()
    with wb:
        table_names = {n.lower(): n for n in (wb.table_names or [])}
        sheets = list(wb.sheet_names)
        found: dict[str, RawTable | None] = {}
        for spec in ALL_TABLES:
            name = table_names.get(spec.table.lower())
            if name is not None:
                raw = _read_table(path, wb, name, spec, located.get(name.lower()), survey)
            else:
                sheet = find_sheet(sheets, spec.sheet)
                if sheet is None:
                    found[spec.table] = None
                    continue
                with calamine_guard(path, f"工作表“{sheet}”"):
                    from_sheet = _from_sheet(wb, sheet, spec)
                if from_sheet is None:  # an optional table's name on a sheet of the clerk's own
                    found[spec.table] = None
                    continue
                raw = from_sheet
            info = survey.get(raw.sheet)
            if raw.name and info is not None:
                with calamine_guard(path, f"工作表“{raw.sheet}”"):
                    raw.outside_rows = _rows_below(wb, raw, info)
            found[spec.table] = _with_facts(raw, info, facts, stray_owner)
    return found


def _rows_below(wb: calamine.CalamineWorkbook, raw: RawTable, info: _Sheet) -> list[int]:
    """Data rows typed right below the table: read only when the sheet has rows there."""
    end = raw.first_row + len(raw.rows) - 1
    if info.scan.last_row <= end or len(info.tables) != 1:
        return []
    data = wb.get_sheet_by_name(raw.sheet)
    left = data.start[1] if data.start else 0  # iter_rows starts at row 1, at the first used column
    c1 = raw.first_col - left
    c2 = c1 + len(raw.headers)
    below: list[list[Any]] = []
    for i, row in enumerate(data.iter_rows()):
        r = i + 1
        if r <= end:
            continue
        if r > end + _BELOW_ROWS:
            break
        below.append(list(row[max(c1, 0) : c2]))
    return rows_below(below, end + 1)


def _read_table(
    path: Path,
    wb: calamine.CalamineWorkbook,
    name: str,
    spec: TableSpec,
    located: tuple[str, TablePart] | None,
    survey: dict[str, _Sheet],
) -> RawTable:
    if located is None:  # a table python-calamine knows and the package scan did not find
        with calamine_guard(path, f"表格 {name}"):
            return _from_table(wb, name, spec)
    sheet, table = located
    info = survey.get(sheet)
    geo = geometry(sheet, table, info.scan.last_row if info else 0)
    with calamine_guard(path, f"工作表“{sheet}”的表格 {table.name}（{table.ref}）"):
        if geo.calamine_reads_it and not geo.empty:
            return _from_table(wb, name, spec)
        return from_geometry(wb, sheet, table, geo, spec)
