"""Reading the contract tables from an .xlsx/.xlsm file with python-calamine, bounded.

Tables are found by name (Excel Table names are case-insensitive); a sheet that holds the
data without an Excel Table (pasted, or saved by a tool that dropped the table) is read from
the row that carries the contract's headers.

Before python-calamine sees a sheet, its XML is surveyed (``survey``): a sheet with a cell far
outside its data (a stray cell at XFD1048576 makes python-calamine allocate the whole used range
and abort the process) is handed over without those cells, so reading costs what the data cost.
The rest of what the XML says (hidden rows, formulas without a saved result, percent and scaled
number formats) is learnt while python-calamine reads the tables on a thread of its own
(``calamine_thread``): python-calamine releases the GIL while it parses.

Each contract table's geometry is checked from its XML before python-calamine reads it
(``table_geometry``); any python-calamine panic or reading error is one located message
(``calamine_guard``).
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import python_calamine as calamine

from ..errors import UnusableInput
from ..package.archive import check_whole, check_workbook_file, open_package, read_part
from ..package.file_kinds import PASSWORD_REMEDY
from ..package.parts import TablePart, sheet_parts, styles_part, table_parts
from ..package.sheetscan import MAX_COLUMN, MAX_ROW, number_formats, scan_sheet, styled_cells
from .below import take_rows_below
from .calamine_guard import Handover, calamine_guard, calamine_thread
from .headers import decode_header
from .raw import CellFacts, RawTable, find_sheet, header_row, missing_table_message
from .schema import ALL_TABLES, TableSpec
from .survey import SheetSurvey, Styles, bounded_copy, learn, survey
from .table_geometry import from_geometry, geometry

__all__ = ["read_tables"]

# Rows below a table looked at for data typed outside it (a block pasted or typed there).
_BELOW_ROWS = 1000


def _open_error(path: Path, exc: BaseException) -> UnusableInput:
    # One Chinese line for the clerk; the library's own words stay in the exception's cause
    # (shown with --debug).
    return UnusableInput(
        f"“{path.name}”无法读取，文件可能已损坏：请在 Excel 或 WPS 中打开该文件（按提示修复）并另存后再试"
    )


@contextmanager
def _unreadable(path: Path) -> Iterator[None]:
    """A package that cannot be read (unzipped, parsed) is one line for the clerk."""
    try:
        yield
    except UnusableInput:
        raise
    except (zipfile.BadZipFile, zlib.error, KeyError, ValueError, OSError, EOFError) as exc:
        raise _open_error(path, exc) from exc


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


def _with_facts(raw: RawTable, info: SheetSurvey | None, facts: _Facts, stray_owner: set[str]) -> RawTable:
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
    # The package's integrity (every part's checksum, XML well-formed: 20 ms on the ledger) is
    # checked while python-calamine reads without the GIL; its refusal wins over anything else.
    check_workbook_file(path, whole=False)
    with _unreadable(path):
        package = open_package(path)
    # python-calamine opens the workbook (shared strings, table definitions: 45 ms, without the
    # GIL) on a thread of its own while the sheets are surveyed (110 ms for the 200,000-contract
    # ledger); it reads a sheet's cells only once the survey says no sheet has far cells, and
    # the sheets are learnt (130 ms) while its table reader runs without the GIL (450 ms). A
    # sheet with far cells (rare) is read from a copy without them, made once every sheet is
    # learnt. What ``learn`` refuses wins over what python-calamine read or raised, as when the
    # survey came first.
    handover: Handover[dict[str, SheetSurvey]] = Handover()
    found: dict[str, RawTable | None] | None = None
    with package:
        with _whole_first(package, path), _unreadable(path):
            parts, wanted, located = _plan(package)
        with calamine_thread(lambda: _read_when_safe(path, located, handover), handover) as reading:
            with _whole_first(package, path), _unreadable(path):
                sheets = survey(path, package, wanted)
            careful = any(info.far or info.refusal is not None for info in sheets.values())
            handover.give(None if careful else sheets)
            styles = Styles(package)
            with _whole_first(package, path), _unreadable(path):
                for name, info in sheets.items():
                    learn(path, name, info, styles)
            check_whole(package, path)
            if not careful:
                found = reading()
    if found is None:
        with _unreadable(path):
            bounded = bounded_copy(path, sheets)
        with _open_book(path, bounded) as wb:
            found = _read_all(path, wb, located, sheets)
    facts = _Facts(path, parts)
    stray_owner: set[str] = set()
    for raw in found.values():
        if raw is not None:
            _with_facts(raw, sheets.get(raw.sheet), facts, stray_owner)
    return found


@contextmanager
def _whole_first(package: zipfile.ZipFile, path: Path) -> Iterator[None]:
    """A refusal of the survey is raised as the integrity check's when the package is not whole
    (the part it names, as when that check came first)."""
    try:
        yield
    except Exception:  # any refusal or failure to parse: a damaged package is named as such
        check_whole(package, path)
        raise


def _open_book(path: Path, bounded: io.BytesIO | None) -> calamine.CalamineWorkbook:
    with calamine_guard(path, "工作簿"):
        try:
            if bounded is not None:
                return calamine.CalamineWorkbook.from_filelike(bounded, load_tables=True)
            if path.suffix.lower() not in (".xlsx", ".xlsm"):
                # python-calamine picks its reader by the extension; the package (checked above)
                # is a workbook whatever it is named (an .xlsx renamed .ods), so it reads by content.
                with path.open("rb") as stream:
                    return calamine.CalamineWorkbook.from_filelike(stream, load_tables=True)
            return calamine.CalamineWorkbook.from_path(str(path), load_tables=True)
        except calamine.PasswordError:
            raise UnusableInput(f"“{path.name}”设有打开密码：{PASSWORD_REMEDY}") from None
        except (calamine.CalamineError, OSError, ValueError) as exc:
            raise _open_error(path, exc) from exc


def _read_when_safe(
    path: Path, located: dict[str, tuple[str, TablePart]], handover: Handover[dict[str, SheetSurvey]]
) -> dict[str, RawTable | None] | None:
    """The file opened at once, its tables read once the survey is handed over (None: it found
    far cells or a sheet it cannot read, so nothing is read)."""
    with _open_book(path, None) as wb:
        sheets = handover.take()
        return None if sheets is None else _read_all(path, wb, located, sheets)


def _read_all(
    path: Path, wb: calamine.CalamineWorkbook, located: dict[str, tuple[str, TablePart]], sheets: dict[str, SheetSurvey]
) -> dict[str, RawTable | None]:
    """Every contract table python-calamine reads from ``wb``, keyed by table name, None where
    absent; the sheets' facts are not attached yet. Only ``last_row`` and ``tables`` of
    ``sheets`` are read: ``learn`` may be filling the rest meanwhile."""
    table_names = {n.lower(): n for n in (wb.table_names or [])}
    book_sheets = list(wb.sheet_names)
    found: dict[str, RawTable | None] = {}
    for spec in ALL_TABLES:
        name = table_names.get(spec.table.lower())
        if name is not None:
            raw = _read_table(path, wb, name, spec, located.get(name.lower()), sheets)
        else:
            sheet = find_sheet(book_sheets, spec.sheet)
            if sheet is None:
                found[spec.table] = None
                continue
            with calamine_guard(path, f"工作表“{sheet}”"):
                from_sheet = _from_sheet(wb, sheet, spec)
            if from_sheet is None:  # an optional table's name on a sheet of the clerk's own
                found[spec.table] = None
                continue
            raw = from_sheet
        info = sheets.get(raw.sheet)
        if raw.name and info is not None:
            with calamine_guard(path, f"工作表“{raw.sheet}”"):
                raw.outside_rows = _rows_below(wb, raw, info)
        found[spec.table] = raw
    return found


def _rows_below(wb: calamine.CalamineWorkbook, raw: RawTable, info: SheetSurvey) -> list[int]:
    """Data rows typed below the table (read only when the sheet has rows there); a 合计 row
    that closes the table from right below it is taken into the table (``raw.appended_below``),
    so its amounts are checked as a 合计 row inside it would be."""
    end = raw.first_row + len(raw.rows) - 1
    if info.last_row <= end or len(info.tables) != 1:
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
    return take_rows_below(raw, below)


def _read_table(
    path: Path,
    wb: calamine.CalamineWorkbook,
    name: str,
    spec: TableSpec,
    located: tuple[str, TablePart] | None,
    sheets: dict[str, SheetSurvey],
) -> RawTable:
    if located is None:  # a table python-calamine knows and the package scan did not find
        with calamine_guard(path, f"表格 {name}"):
            return _from_table(wb, name, spec)
    sheet, table = located
    info = sheets.get(sheet)
    geo = geometry(sheet, table, info.last_row if info else 0)
    with calamine_guard(path, f"工作表“{sheet}”的表格 {table.name}（{table.ref}）"):
        if geo.calamine_reads_it and not geo.empty:
            return _from_table(wb, name, spec)
        return from_geometry(wb, sheet, table, geo, spec)
