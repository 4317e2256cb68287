"""Running a button on xlwings' remote engine and comparing what it wrote with the headless door."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import xlwings as xw

from addin.contract import schema
from addin.headless import generate

from .payload import payload
from .replay import Replay


def run_button(entry: Callable[[Any], None], path: Path) -> tuple[Replay, list[dict[str, Any]]]:
    data = payload(path)
    book = xw.Book(json=copy.deepcopy(data))
    entry(book)
    actions = book.json()["actions"]
    return Replay.of(data, actions), actions


def _same(a: Any, b: Any) -> bool:
    if a in (None, "") and b in (None, ""):
        return True
    if isinstance(a, int | float) and isinstance(b, int | float):
        return abs(a - b) < 1e-12
    return a == b


def assert_same_report(replay: Replay, source: Path, tmp_path: Path) -> int:
    """The 自评报告 the Excel door wrote equals the headless one for ``source``, cell for cell
    (values and number formats). Returns the number of filled cells compared."""
    return assert_same_sheets(replay, source, tmp_path, (schema.REPORT_SHEET,))[schema.REPORT_SHEET]


def assert_same_sheets(replay: Replay, source: Path, tmp_path: Path, sheets: tuple[str, ...]) -> dict[str, int]:
    """Each of ``sheets`` as the Excel door wrote it equals the headless one, cell for cell;
    the number of filled cells compared, by sheet."""
    out = tmp_path / f"headless{source.suffix}"
    generate(source, out)
    wb = openpyxl.load_workbook(out)
    counts: dict[str, int] = {}
    for sheet in sheets:
        excel = replay.state[sheet]
        ws = wb[sheet]
        compared = 0
        for r in range(ws.max_row):
            for c in range(ws.max_column):
                cell = ws.cell(r + 1, c + 1)
                written = excel.values.get((r, c))
                if isinstance(written, str) and written.startswith("'"):
                    written = written[1:]  # the apostrophe Excel strips from text typed as text
                assert _same(cell.value, written), (sheet, cell.coordinate, cell.value, written)
                if cell.value is not None:
                    assert excel.formats.get((r, c), "General") == cell.number_format, (sheet, cell.coordinate)
                    compared += 1
        counts[sheet] = compared
    return counts
