"""LibreOffice opens what the headless writer wrote and renders the reference figures."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from addin.headless import generate

from ..libreoffice import convert, pdf_text
from ..reference import REFERENCE_FIGURES


def test_libreoffice_renders_the_report_with_every_reference_figure(example_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "with-report.xlsm"
    generate(example_copy, out)
    pdf = convert(out, "pdf", tmp_path)
    text = pdf_text(pdf).replace(" ", "")
    for figure in REFERENCE_FIGURES:
        assert figure.replace(" ", "") in text, figure


def test_libreoffice_round_trip_keeps_the_report_values(example_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "with-report.xlsx"
    source = tmp_path / "source.xlsx"
    # LibreOffice re-saves our package as its own .xlsx: the values must survive its reader.
    example_copy.rename(source.with_suffix(".xlsm"))
    generate(source.with_suffix(".xlsm"), out.with_suffix(".xlsm"))
    resaved_dir = tmp_path / "resaved"
    resaved_dir.mkdir()
    resaved = convert(out.with_suffix(".xlsm"), "xlsx", resaved_dir)
    ws = openpyxl.load_workbook(resaved)["自评报告"]
    values = [v for row in ws.iter_rows(values_only=True) for v in row if v is not None]
    assert 9647.82 in values and 0.9667 in values and 97.96 in values
