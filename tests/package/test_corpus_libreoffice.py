"""A sample of real workbooks of every kind: after our write, LibreOffice still opens them,
renders the report, and keeps what was there (sheets, and the VBA project of .xlsm files)."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from addin.headless import generate

from ..libreoffice import convert, pdf_text
from .test_corpus_preservation import corpus_root

SAMPLE = (
    "xlsxwriter/xlsxwriter/test/comparison/xlsx_files/macro01.xlsm",  # VBA project
    "xlsxwriter/xlsxwriter/test/comparison/xlsx_files/button07.xlsm",  # form button + VBA
    "xlsxwriter/xlsxwriter/test/comparison/xlsx_files/button09.xlsx",  # VML button in .xlsx
    "xlsxwriter/xlsxwriter/test/comparison/xlsx_files/checkbox06.xlsx",  # checkboxes
    "xlsxwriter/xlsxwriter/test/comparison/xlsx_files/textbox02.xlsx",  # drawing text box
    "xlsxwriter/xlsxwriter/test/comparison/xlsx_files/image01.xlsx",  # picture
    "xlsxwriter/xlsxwriter/test/comparison/xlsx_files/table01.xlsx",  # Excel table
    "xlsxwriter/xlsxwriter/test/comparison/xlsx_files/comment09.xlsx",  # comments (VML)
    "openpyxl/openpyxl/tests/data/reader/vba+comments.xlsm",
    "openpyxl/openpyxl/reader/tests/data/bug304.xlsx",  # prefixed XML, per-sheet namespace
    "openpyxl/openpyxl/sample/files/charts.xlsx",  # prefixed XML, empty definedNames
)


@pytest.mark.parametrize("relative", SAMPLE, ids=lambda p: Path(p).name)
def test_libreoffice_opens_real_workbooks_after_the_report_is_added(
    relative: str, example_path: Path, tmp_path: Path
) -> None:
    root = corpus_root()
    if root is None or not (root / relative).exists():
        pytest.skip("the shared corpus is not on this machine (set JIXIAO_CORPUS)")
    source = tmp_path / Path(relative).name
    shutil.copyfile(root / relative, source)
    out = tmp_path / ("out" + source.suffix)
    generate(source, out, data_from=example_path)
    pdf = convert(out, "pdf", tmp_path)
    text = pdf_text(pdf).replace(" ", "")
    assert "97.96" in text and "基数为0，不可比" in text
    with zipfile.ZipFile(source) as before, zipfile.ZipFile(out) as after:
        if "xl/vbaProject.bin" in before.namelist():
            assert after.read("xl/vbaProject.bin") == before.read("xl/vbaProject.bin")
