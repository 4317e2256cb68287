"""Values of JX_* formulas that carry no saved result, computed from the workbook file itself.

A workbook written by a program (openpyxl, a script, a converter) and never opened in Excel keeps
its JX_* formulas without the value Excel would show. The shareable copy replaces each JX_*
formula by its value; here that value is computed by the same functions Excel runs
(``addin.udfs``), from the cells the formula names, read with python-calamine. The formula may
combine them with the small part of Excel's language the template's own formulas use
(``formula_expr``: IF, SUM, COUNTIF, SUMIF(S), arithmetic, comparisons); its references are
cells and ranges (A1, B2:C9, 'Sheet'!A1) and tables (tblBudget[执行数], tblRules[#All],
T[[#Data],[Col]]). Anything else, a referenced cell that is itself a formula without a saved
result, JX_PROCUREMENT's dynamic array, or a sheet whose used range is too large to read raises
``NotComputable`` with the reason.
"""

from __future__ import annotations

import html
import re
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import python_calamine as calamine

from .contract.table_geometry import table_bounds
from .core.model import column_letter
from .errors import is_native_panic
from .formula_expr import NotComputable, evaluate, parse
from .package.archive import read_part
from .package.parts import TablePart, sheet_parts, table_parts
from .package.sheetscan import cell_index, last_row, out_of_grid, scan_facts, scan_sheet

__all__ = ["FormulaValues", "NotComputable", "table_formula_value"]

# Reading a referenced sheet allocates its used range: refuse beyond this many cells.
MAX_CELLS = 20_000_000

_SHEET = r"(?:'(?P<quoted>(?:[^']|'')+)'|(?P<plain>[^\s!'(),\[\]:]+))!"
_RANGE = re.compile(
    rf"^(?:{_SHEET})?\$?(?P<c1>[A-Z]{{1,3}})\$?(?P<r1>\d+)(?::\$?(?P<c2>[A-Z]{{1,3}})\$?(?P<r2>\d+))?$", re.I
)
_TABLE = re.compile(r"^(?P<name>(?:[^\W\d]|\\)[\w.\\]*)(?P<spec>\[.*\])?$", re.S)  # names may be Chinese
_SPECIALS = {"#all", "#data", "#headers", "#totals"}


@dataclass(frozen=True, slots=True)
class _Function:
    call: Callable[..., Any]
    grids: tuple[bool, ...]  # per parameter: takes a range (xlwings ndim=2)
    required: int  # parameters without a default: an omitted one is passed as a blank


def _functions() -> dict[str, _Function]:
    from . import udfs  # imports xlwings: only when a formula needs computing

    return {
        "JX_EXEC_RATE": _Function(udfs.JX_EXEC_RATE, (True, True), 2),
        "JX_SHARE": _Function(udfs.JX_SHARE, (True, True), 2),
        "JX_ROUND": _Function(udfs.JX_ROUND, (False, False), 2),
        "JX_GRADE": _Function(udfs.JX_GRADE, (False,), 1),
        "JX_SCORE": _Function(udfs.JX_SCORE, (False, False, False, False, False, True, False, False), 4),
        "JX_TOTAL_SCORE": _Function(udfs.JX_TOTAL_SCORE, (True,) * 9, 1),
        "JX_EXECUTION_RATE": _Function(udfs.JX_EXECUTION_RATE, (True, True), 1),
        "JX_SPENDING_PROGRESS": _Function(udfs.JX_SPENDING_PROGRESS, (True, True), 1),
        "JX_SME_SHARE": _Function(udfs.JX_SME_SHARE, (True, True, True), 1),
    }


def _calling(name: str, function: _Function) -> Callable[[list[Any]], Any]:
    """The UDF called as Excel calls it through xlwings: a one-cell range where the parameter
    takes a value is that value, an omitted required argument is a blank."""

    def call(args: list[Any]) -> Any:
        if len(args) > len(function.grids):
            raise NotComputable(f"{name} 的参数过多")
        values = [
            a[0][0] if not grid and isinstance(a, list) and len(a) == 1 and len(a[0]) == 1 else a
            for a, grid in zip(args, function.grids, strict=False)
        ]
        values += [None] * (function.required - len(values))
        return function.call(*values)

    return call


def _jx_functions() -> dict[str, Callable[[list[Any]], Any]]:
    functions = {name: _calling(name, f) for name, f in _functions().items()}
    functions["JX_PROCUREMENT"] = _dynamic_array
    return functions


def _single(value: Any) -> Any:
    if isinstance(value, list):
        if len(value) != 1 or len(value[0]) != 1:
            raise NotComputable("公式的结果是多个值")
        return value[0][0]
    return value


def table_formula_value(formula: str, tables: Mapping[str, Sequence[Sequence[Any]]]) -> Any:
    """The value Excel shows for ``formula`` over in-memory tables (name → header row, then the
    data rows), referenced as ``tblX[#All]``, ``tblX[#Data]`` or ``tblX[列]``: the value a
    workbook built from those tables caches for the formula (the template's quick checks)."""

    def resolve(text: str) -> list[list[Any]]:
        table = _TABLE.match(text)
        if table is None or table.group("name") not in tables:
            raise NotComputable(f"参数“{text}”不是表格引用")
        rows = [list(r) for r in tables[table.group("name")]]
        items = _bracket_items(table.group("spec") or "[#Data]")
        if items == ["#All"]:
            return rows
        if items == ["#Data"]:
            return rows[1:]
        if len(items) == 1 and items[0] in rows[0]:
            i = rows[0].index(items[0])
            return [[r[i] if i < len(r) else None] for r in rows[1:]]
        raise NotComputable(f"表格引用“{text}”的写法无法识别")

    return _single(evaluate(parse(formula.removeprefix("=")), resolve, _jx_functions()))


def _dynamic_array(args: list[Any]) -> Any:
    raise NotComputable("JX_PROCUREMENT 返回动态数组，无法在副本中直接计算")


def _bracket_items(spec: str) -> list[str]:
    """ "[[#Data],[执行数]]" → ["#Data", "执行数"]; "[执行数]" → ["执行数"]; ' escapes [ ] # '."""
    inner = spec[1:-1]
    if not inner.startswith("["):
        return [_unescape(inner)]
    items = re.findall(r"\[((?:[^\]']|'.)*)\]", inner)
    rest = re.sub(r"\[((?:[^\]']|'.)*)\]", "", inner).replace(",", "").strip()
    if rest:
        raise NotComputable(f"表格引用“{spec}”的写法无法识别")
    return [_unescape(item) for item in items]


def _unescape(item: str) -> str:
    return re.sub(r"'(.)", r"\1", item).strip()


class FormulaValues:
    """Computes JX_* formulas of one workbook file; python-calamine is opened on first need."""

    def __init__(self, path: Path, package: zipfile.ZipFile) -> None:
        self.path = path
        self.package = package
        self.sheets = {s.name: s.part for s in sheet_parts(package)}
        self.tables: dict[str, tuple[str, TablePart]] = {}
        names = set(package.namelist())
        for name, part in self.sheets.items():
            if part in names:
                for table in table_parts(package, part):
                    self.tables.setdefault(table.name.lower(), (name, table))
        self._book: calamine.CalamineWorkbook | None = None
        self._grids: dict[str, tuple[tuple[int, int], list[list[Any]], dict[tuple[int, int], str], set[Any]]] = {}
        self._functions: dict[str, Callable[[list[Any]], Any]] | None = None

    def close(self) -> None:
        if self._book is not None:
            self._book.close()

    def compute(self, sheet: str, formula: str) -> Any:
        """The value the formula on ``sheet`` shows in Excel (float, text or None); NotComputable
        when it cannot be computed here."""
        node = parse(html.unescape(formula))
        if self._functions is None:
            self._functions = _jx_functions()
        return _single(evaluate(node, lambda text: self._reference(sheet, text), self._functions))

    def _reference(self, sheet: str, text: str) -> list[list[Any]]:
        cells = _RANGE.match(text)
        if cells is not None:
            target = cells.group("quoted") or cells.group("plain")
            target = target.replace("''", "'") if cells.group("quoted") else target
            r1, c1 = int(cells.group("r1")), cell_index(cells.group("c1").upper())
            r2 = int(cells.group("r2") or r1)
            c2 = cell_index((cells.group("c2") or cells.group("c1")).upper())
            return self._block(target or sheet, min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2))
        table = _TABLE.match(text)
        if table is not None and table.group("name").lower() in self.tables:
            return self._table(table.group("name"), table.group("spec") or "[#Data]")
        raise NotComputable(f"参数“{text}”不是单元格、区域或表格引用")

    def _table(self, name: str, spec: str) -> list[list[Any]]:
        sheet, table = self.tables[name.lower()]
        r1, c1, r2, c2 = table_bounds(sheet, table)
        items = _bracket_items(spec)
        special = [i.lower() for i in items if i.startswith("#")]
        columns = [i for i in items if not i.startswith("#")]
        if any(s not in _SPECIALS for s in special) or len(special) > 1 or len(columns) > 2:
            raise NotComputable(f"表格引用“{name}{spec}”的写法无法识别")
        area = special[0] if special else "#data"
        top, bottom = r1, r2
        if area == "#data":
            top, bottom = r1 + table.header_rows, r2 - table.totals_rows
        elif area == "#headers":
            bottom = r1 if table.header_rows else r1 - 1
        elif area == "#totals":
            top = r2 - table.totals_rows + 1
        left, right = c1, c2
        if columns:
            lowered = [c.lower() for c in table.columns]
            positions = []
            for column in columns:
                if column.lower() not in lowered:
                    raise NotComputable(f"表格 {table.name} 中没有列“{column}”")
                positions.append(c1 + lowered.index(column.lower()))
            left, right = min(positions), max(positions)
        if bottom < top:
            return []
        return self._block(sheet, top, left, bottom, right)

    # -- cells ---------------------------------------------------------------------------------
    def _block(self, sheet: str, r1: int, c1: int, r2: int, c2: int) -> list[list[Any]]:
        if sheet not in self.sheets:
            raise NotComputable(f"没有工作表“{sheet}”")
        if (r2 - r1 + 1) * (c2 - c1 + 1) > MAX_CELLS:
            raise NotComputable("引用的区域过大")
        (r0, k0), grid, errors, uncached = self._grid(sheet)
        rows = []
        for r in range(r1, r2 + 1):
            row = grid[r - 1 - r0] if 0 <= r - 1 - r0 < len(grid) else []
            values = []
            for c in range(c1, c2 + 1):
                if (r, c) in uncached:
                    ref = f"{column_letter(c)}{r}"
                    raise NotComputable(f"引用的 {sheet}!{ref} 也是没有保存结果的公式")
                value = errors.get((r, c))
                if value is None and 0 <= c - k0 < len(row):
                    value = row[c - k0]
                values.append(None if value == "" else value)
            rows.append(values)
        return rows

    def _grid(self, sheet: str) -> tuple[tuple[int, int], list[list[Any]], dict[tuple[int, int], str], set[Any]]:
        cached = self._grids.get(sheet)
        if cached is not None:
            return cached
        xml = read_part(self.package, self.sheets[sheet])
        if out_of_grid(xml):  # a damaged reference: python-calamine would abort the process
            raise NotComputable(f"工作表“{sheet}”含有超出工作表范围的单元格，无法安全读取")
        # python-calamine allocates from the first to the last cell: bound that before asking.
        columns = 16384 if re.search(rb'\br="[A-Z]{3}\d', xml) else 702 if re.search(rb'\br="[A-Z]{2}\d', xml) else 26
        if last_row(xml) * columns > MAX_CELLS:
            raise NotComputable(f"工作表“{sheet}”含有远离数据的单元格，无法安全读取")
        errors = scan_sheet(xml)[0]
        uncached = set(scan_facts(xml, 0, 0).uncached)
        try:
            if self._book is None:
                self._book = calamine.CalamineWorkbook.from_path(str(self.path))
            data = self._book.get_sheet_by_name(sheet)
            origin = data.start or (0, 0)
            grid = data.to_python() if data.start is not None else []
        except BaseException as exc:
            # A damaged part (a shared-string index with no string, a panic in python-calamine):
            # the cells cannot be read, so the formula is not computed here (its saved result,
            # if any, stands).
            if not isinstance(exc, calamine.CalamineError | OSError | ValueError) and not is_native_panic(exc):
                raise
            raise NotComputable(f"工作表“{sheet}”的单元格无法读取（文件可能已损坏）") from exc
        self._grids[sheet] = (origin, grid, errors, uncached)
        return self._grids[sheet]
