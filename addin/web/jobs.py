"""What the web door's worker processes run: the headless door's own functions on files in
the request's private folder, returning plain values (they cross a pipe).

Nothing is computed here that another door does not compute the same way: the figures come
from ``evaluate_file``, the headline figures from ``headline_figures`` (as the command line
prints them), the workbook from ``write_report``, the Word report from ``write_docx``, the
share copy from ``share_copy``, the batch rows and summary from ``addin.batch``.
Exceptions are the product's own (AddinError, DataErrors); the pool turns them into HTTP
answers (addin/web/pool.py).

``hints`` are the web door's wording of the door-dependent remedies a finding may carry
(addin/core/findings.py); ``recalc`` reads a copy recalculated by LibreOffice first.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..batch import DepartmentRow, summary_row, write_summary
from ..core import Evaluation
from ..docx_report import write_docx
from ..errors import DataErrors
from ..headless import build_templates, evaluate_with_tables, planned_layouts, write_report
from ..package.archive import check_workbook_file, workbook_suffix
from ..report.content import checks_layout
from ..report.headline import headline_figures
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

Hints = Mapping[str, str]


def _evaluate(path: str, recalc: bool, hints: Hints) -> tuple[Evaluation, dict[str, Any]]:
    ev, tables = evaluate_with_tables(Path(path), recalc=recalc)
    ev.findings.advise(hints)
    return ev, tables


def _report_ready(path: str, recalc: bool, hints: Hints) -> Evaluation:
    """The evaluation, or DataErrors (with the door's hints) when the data stop the report."""
    ev, _ = _evaluate(path, recalc, hints)
    if not ev.ok:
        raise DataErrors(ev.findings)
    return ev


def summary(path: str, recalc: bool = False, hints: Hints | None = None) -> dict[str, Any]:
    """The ``summary --json`` object of the workbook."""
    return _evaluate(path, recalc, hints or {})[0].as_json()


def preview(path: str, recalc: bool = False, hints: Hints | None = None) -> dict[str, Any]:
    """What the page shows: the summary, the headline figures as the command line prints them,
    each report sheet as HTML (only 校验结果 when the data have errors: a report is never shown
    for data that stop it), and the clerk's cells around each finding's location."""
    ev, tables = _evaluate(path, recalc, hints or {})
    layouts = planned_layouts(Path(path), ev) if ev.ok else [checks_layout(ev.findings)]
    return {
        "summary": ev.as_json(),
        "figures": [figure.as_json() for figure in headline_figures(ev)],
        "sheets": [{"name": layout.name, "html": sheet_html(layout)} for layout in layouts],
        "cells": excerpts(tables, (f.location for f in ev.findings if f.location)),
    }


def generate_workbook(path: str, folder: str, recalc: bool = False, hints: Hints | None = None) -> tuple[bytes, str]:
    """The workbook with 自评报告 and 校验结果 (DataErrors when the data have errors), and its
    extension as its content calls for (".xlsm" for a macro-enabled package, whatever the
    upload was named; ".xlsx" otherwise)."""
    source = Path(path)
    check_workbook_file(source)
    suffix = workbook_suffix(source)
    ev = _report_ready(path, recalc, hints or {})
    output = Path(folder) / f"report{suffix}"
    write_report(source, output, ev)
    return output.read_bytes(), suffix


def docx(path: str, output: str, recalc: bool = False, hints: Hints | None = None) -> bytes:
    write_docx(_report_ready(path, recalc, hints or {}), Path(output))
    return Path(output).read_bytes()


def share(
    path: str, output: str, regenerate: bool = False, recalc: bool = False, hints: Hints | None = None
) -> tuple[bytes, list[str]]:
    """The share copy and what the command line says with it (``ShareSummary.warnings``: JX
    formulas left unfrozen, report sheets as last generated, or none at all). With
    ``regenerate`` the report is first written from the upload's data (DataErrors when they
    have errors), so the copy's report sheets are the data's own."""
    source = Path(path)
    if regenerate:
        content, suffix = generate_workbook(path, str(Path(output).parent), recalc, hints)
        source = Path(output).with_name(f"regenerated{suffix}")
        source.write_bytes(content)
    summary = share_copy(source, Path(output))
    return Path(output).read_bytes(), summary.warnings(regenerated=regenerate)


def batch_row(path: str) -> DepartmentRow:
    return summary_row(Path(path))


def batch_summary(rows: list[DepartmentRow], output: str) -> bytes:
    write_summary(Path(output), rows)
    return Path(output).read_bytes()


def unzip(
    archive: str, folder: str, max_bytes: int
) -> tuple[list[tuple[str, str, float | None]], list[tuple[str, str]]]:
    """The workbooks of an uploaded zip, extracted into ``folder``, and the members not taken
    with the reason (see addin/web/unzip.py)."""
    return extract_workbooks(Path(archive), Path(folder), max_bytes)


def templates(folder: str) -> dict[str, bytes]:
    """The blank template and the example workbook (``python -m addin template``'s two files),
    built in ``folder`` and returned by file name."""
    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        return {path.name: path.read_bytes() for path, _ in build_templates(Path(tmp))}
