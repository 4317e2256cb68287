"""The clerk's own cells around a finding's location, as a small sheet-like HTML table.

A finding names ``sheet!cell`` (预算执行!E5, 绩效指标!A5:A7, 预算执行!12:12). In Excel the
校验结果 sheet links there; the web page has no workbook to jump into, so the location links
to this excerpt instead: the table's header row and the rows around the location, column
letters and row numbers as in Excel, the cell itself highlighted. It is cut from the tables
the reader already read for the evaluation (no second read of the file). A formula whose
result was never saved shows its text, marked 无计算结果; a location far from the table (a
stray cell at XFD60000) is shown beyond a gap, at its own column and row.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from html import escape, unescape

from ..contract.raw import RawTable
from ..core.model import column_letter
from ..core.numbers import to_decimal
from ..report.numfmt import format_number

__all__ = ["excerpts", "parse_location"]

_CONTEXT = 2  # rows shown before and after the location
_MAX_ROWS = 12
_MAX_COLS = 16
_MAX_EXCERPTS = 200  # a ledger with thousands of bad rows: the first are shown, the rest listed
_REF = re.compile(r"^\$?([A-Za-z]{1,3})?\$?(\d+)$")


def _column_index(letters: str) -> int:
    index = 0
    for ch in letters.upper():
        index = index * 26 + ord(ch) - 64
    return index - 1


def parse_location(location: str) -> tuple[str, int, int, int | None, int | None] | None:
    """``sheet!A5`` / ``sheet!A5:C7`` / ``sheet!5:5`` → (sheet, first row, last row, first
    column, last column), rows 1-based, columns 0-based (None: the whole row). None when the
    text is not a cell address."""
    sheet, bang, ref = location.rpartition("!")
    if not bang or not sheet:
        return None
    sheet = sheet.strip("'").replace("''", "'")
    first, _, last = ref.partition(":")
    a, b = _REF.match(first), _REF.match(last or first)
    if a is None or b is None:
        return None
    rows = sorted((int(a.group(2)), int(b.group(2))))
    if a.group(1) and b.group(1):
        cols = sorted((_column_index(a.group(1)), _column_index(b.group(1))))
        return sheet, rows[0], rows[1], cols[0], cols[1]
    return sheet, rows[0], rows[1], None, None


def _shown(value: object, code: str = "General") -> str:
    """The value as the sheet shows it under its number format ``code`` (6850 under
    #,##0.00 is 6,850.00)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        try:
            return format_number(to_decimal(value), code)
        except (TypeError, ValueError, ArithmeticError):
            return str(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _span(first: int, last: int, wanted: tuple[int, int], limit: int) -> list[int | None]:
    """Indexes to show from ``first``..``last`` (the table's), then, when the location
    ``wanted`` lies beyond them, a gap (None) and the location itself, whatever its distance
    (a stray cell at XFD60000 is shown as XFD60000). A gap never hides a single index."""
    lo, hi = wanted
    shown: list[int | None]
    if lo - 1 <= last and hi <= first + limit - 1:
        shown = list(range(min(first, lo), max(last, hi) + 1))
        return shown[:limit]
    near = range(first, min(last, first + limit // 2) + 1)
    far = range(lo, min(hi, lo + limit // 2) + 1)
    shown = [*near, *([None] if far[0] > near[-1] + 1 else []), *far]
    return shown


def _cell_text(table: RawTable, row: Sequence[object], sheet_row: int, col: int) -> str:
    formula = table.uncached.get((sheet_row, col))
    if formula is not None:  # shown as the clerk wrote it: the value it stands for is not saved
        return f"={unescape(formula)}（无计算结果）" if formula else "（公式，无计算结果）"
    value = _at(row, table, col)
    code = table.facts.number_format(sheet_row, col) if isinstance(value, int | float) else "General"
    return _shown(value, code)


def _excerpt(table: RawTable, where: tuple[str, int, int, int | None, int | None]) -> str:
    _, row1, row2, col1, col2 = where
    width = max(len(table.headers), max((len(r) for r in table.rows[:200]), default=0), 1)
    last_col = table.first_col + width - 1
    columns = _span(
        table.first_col,
        last_col,
        (col1, col2) if col1 is not None and col2 is not None else (table.first_col, table.first_col),
        _MAX_COLS,
    )
    data_last = table.first_row + len(table.rows) - 1
    if row1 <= table.header_row:
        start, end = table.first_row, min(data_last, table.first_row + _CONTEXT)
    else:
        start = max(table.first_row, row1 - _CONTEXT)
        if start - table.first_row <= 1:  # no gap for one row: show it
            start = table.first_row
        end = min(max(data_last, row2), row2 + _CONTEXT, start + _MAX_ROWS - 1)

    def cells(values: object, sheet_row: int, header: bool) -> str:
        row = list(values) if isinstance(values, list | tuple) else []
        out = [f'<th scope="row">{sheet_row}</th>']
        for c in columns:
            if c is None:
                out.append('<td class="gap">…</td>')
                continue
            hit = row1 <= sheet_row <= row2 and (col1 is None or col2 is None or col1 <= c <= col2)
            classes = " ".join(k for k, on in (("head", header), ("hit", hit)) if on)
            out.append(f'<td class="{classes}">' if classes else "<td>")
            out.append(escape(_cell_text(table, row, sheet_row, c) if not header else _shown(_at(row, table, c))))
            out.append("</td>")
        return "<tr>" + "".join(out) + "</tr>"

    html = [f'<table class="excerpt" aria-label="{escape(table.sheet)}">', "<tr><th></th>"]
    html.extend(f'<th scope="col">{"…" if c is None else column_letter(c)}</th>' for c in columns)
    html.append("</tr>")
    html.append(cells(table.headers, table.header_row, True))
    if start > table.first_row:
        html.append(f'<tr class="gap"><th>…</th><td colspan="{len(columns)}"></td></tr>')
    for sheet_row in range(start, end + 1):
        index = sheet_row - table.first_row
        html.append(cells(table.rows[index] if 0 <= index < len(table.rows) else (), sheet_row, False))
    html.append("</table>")
    return "".join(html)


def _at(row: Sequence[object], table: RawTable, col: int) -> object:
    offset = col - table.first_col
    return row[offset] if 0 <= offset < len(row) else None


def excerpts(tables: Mapping[str, RawTable | None], locations: Iterable[str]) -> dict[str, str]:
    """HTML excerpt per location that falls on a table the reader read (others are left out:
    the page then shows the location as text)."""
    by_sheet: dict[str, list[RawTable]] = {}
    for table in tables.values():
        if table is not None:
            by_sheet.setdefault(table.sheet, []).append(table)
    found: dict[str, str] = {}
    for location in dict.fromkeys(locations):
        if len(found) >= _MAX_EXCERPTS:
            break
        where = parse_location(location)
        if where is None or where[0] not in by_sheet:
            continue
        candidates = by_sheet[where[0]]
        # The table whose rows (header included) hold the location; else the first on the sheet.
        table = next(
            (t for t in candidates if t.header_row <= where[1] <= t.first_row + max(len(t.rows), 1)),
            candidates[0],
        )
        found[location] = _excerpt(table, where)
    return found
