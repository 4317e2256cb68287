"""What the web door's worker processes run: the headless door's own functions on files in
the request's private folder, returning plain values (they cross a pipe).

Nothing is computed here that another door does not compute the same way: the figures come
from ``evaluate_file``, the workbook from ``generate``, the Word report from ``write_docx``,
the share copy from ``share_copy``, the batch rows and summary from ``addin.batch``.
Exceptions are the product's own (AddinError, DataErrors); the pool turns them into HTTP
answers (addin/web/pool.py).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from ..batch import DepartmentRow, summary_row, write_summary
from ..docx_report import write_docx
from ..errors import DataErrors
from ..headless import build_templates, evaluate_file, evaluate_with_tables, generate
from ..report.content import checks_layout, report_layouts
from ..share import share_copy
from .excerpt import excerpts
from .render import sheet_html
from .unzip import extract_workbooks

__all__ = [
    "batch_row",
    "batch_summary",
    "docx",
    "generate_workbook",
    "preview",
    "share",
    "summary",
    "templates",
    "unzip",
]


def summary(path: str) -> dict[str, Any]:
    """The ``summary --json`` object of the workbook."""
    return evaluate_file(Path(path)).as_json()


def preview(path: str) -> dict[str, Any]:
    """What the page shows: the summary, each report sheet as HTML (only 校验结果 when the data
    have errors: a report is never shown for data that stop it), and the clerk's cells around
    each finding's location."""
    ev, tables = evaluate_with_tables(Path(path))
    layouts = report_layouts(ev) if ev.ok else [checks_layout(ev.findings)]
    return {
        "summary": ev.as_json(),
        "sheets": [{"name": layout.name, "html": sheet_html(layout)} for layout in layouts],
        "cells": excerpts(tables, (f.location for f in ev.findings if f.location)),
    }


def generate_workbook(path: str, output: str) -> bytes:
    """The workbook with 自评报告 and 校验结果 (DataErrors when the data have errors)."""
    generate(Path(path), Path(output))
    return Path(output).read_bytes()


def docx(path: str, output: str) -> bytes:
    ev = evaluate_file(Path(path))
    if not ev.ok:
        raise DataErrors(ev.findings)
    write_docx(ev, Path(output))
    return Path(output).read_bytes()


def share(path: str, output: str) -> bytes:
    share_copy(Path(path), Path(output))
    return Path(output).read_bytes()


def batch_row(path: str) -> DepartmentRow:
    return summary_row(Path(path))


def batch_summary(rows: list[DepartmentRow], output: str) -> bytes:
    write_summary(Path(output), rows)
    return Path(output).read_bytes()


def unzip(archive: str, folder: str, max_bytes: int) -> tuple[list[str], list[str]]:
    """The workbooks of an uploaded zip, extracted into ``folder`` (see addin/web/unzip.py)."""
    return extract_workbooks(Path(archive), Path(folder), max_bytes)


def templates(folder: str) -> dict[str, bytes]:
    """The blank template and the example workbook (``python -m addin template``'s two files),
    built in ``folder`` and returned by file name."""
    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        return {path.name: path.read_bytes() for path, _ in build_templates(Path(tmp))}
