"""The JSON payload xlwings' Excel clients send, built from a real workbook file.

Shape as in xlwings' own clients (addin/Remote.bas and the Office.js add-in): every sheet's values
from A1 to the end of its used range, its tables with their addresses, names; dates as ISO
strings, error values as their text, blanks as "".
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import openpyxl
import xlwings as xw
from openpyxl.utils import range_boundaries


def _value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    if isinstance(value, dt.date):
        return f"{value.isoformat()}T00:00:00.000Z"
    return value


def _address(ref: str) -> str:
    c1, r1, c2, r2 = range_boundaries(ref)
    from openpyxl.utils import get_column_letter as col

    return f"${col(c1)}${r1}:${col(c2)}${r2}"


_RANGE = re.compile(r"^(?:'((?:[^']|'')+)'|([^'!]+))!\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?$")


def _names(wb: openpyxl.Workbook) -> list[dict[str, Any]]:
    """The workbook's named ranges as Remote.bas sends them (a sheet-scoped name is listed as
    'Sheet'!name, with its scope); names that are no single range are not sent."""
    names = []
    titles = wb.sheetnames
    scoped = [(ws.title, name, dn.attr_text) for ws in wb.worksheets for name, dn in ws.defined_names.items()]
    scoped += [(None, name, dn.attr_text) for name, dn in wb.defined_names.items()]
    for scope, name, text in scoped:
        match = _RANGE.match(text or "")
        if match is None or name.startswith("_xlnm."):
            continue
        target = (match.group(1) or "").replace("''", "'") or match.group(2)
        if target not in titles:
            continue
        address = f"{match.group(3)}{match.group(4)}" + (f":{match.group(5)}{match.group(6)}" if match.group(5) else "")
        quoted = "'" + scope.replace("'", "''") + "'" if scope is not None else ""
        names.append(
            {
                "name": f"{quoted}!{name}" if scope is not None else name,
                "sheet_index": titles.index(target),
                "address": address,
                "book_scope": scope is None,
                "scope_sheet_name": scope,
                "scope_sheet_index": None if scope is None else titles.index(scope),
            }
        )
    return names


def payload(path: Path) -> dict[str, Any]:
    wb = openpyxl.load_workbook(path, data_only=True)
    sheets = []
    for ws in wb.worksheets:
        rows = [[_value(v) for v in row] for row in ws.iter_rows(min_row=1, max_row=ws.max_row, values_only=True)]
        tables = []
        for table in ws.tables.values():
            c1, r1, c2, r2 = range_boundaries(table.ref)
            from openpyxl.utils import get_column_letter as col

            tables.append(
                {
                    "name": table.name,
                    "range_address": _address(table.ref),
                    "header_row_range_address": f"${col(c1)}${r1}:${col(c2)}${r1}",
                    "data_body_range_address": f"${col(c1)}${r1 + 1}:${col(c2)}${r2}" if r2 > r1 else None,
                    "total_row_range_address": None,
                    "show_headers": True,
                    "show_totals": bool(table.totalsRowCount),
                    "table_style": table.tableStyleInfo.name if table.tableStyleInfo else None,
                    "show_autofilter": True,
                }
            )
        sheets.append({"name": ws.title, "values": rows or [[]], "pictures": [], "tables": tables})
    return {
        "client": "Office.js",
        "version": xw.__version__,
        "book": {"name": path.name, "active_sheet_index": 0, "selection": "A1"},
        "names": _names(wb),
        "sheets": sheets,
    }
