"""The 自评报告 sheet as LibreOffice prints it: A4 portrait, one or two pages, nothing cut off."""

from __future__ import annotations

import importlib.util
import re
import subprocess
from pathlib import Path

import openpyxl
import pytest

from addin.headless import generate

from ..libreoffice import pdf_pages, pdf_text, require
from ..reference import REFERENCE_FIGURES

DOCS = Path(__file__).resolve().parents[2] / "docs"


def _renderer():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("render_report", DOCS / "render_report.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory, example_path: Path) -> tuple[Path, Path, list[Path]]:
    require("soffice", "pdftoppm", "pdfinfo")
    folder = tmp_path_factory.mktemp("pages")
    workbook = folder / "example.xlsm"
    generate(example_path, workbook)
    pdf, pages = _renderer().render(workbook, folder)
    return workbook, pdf, pages


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_one_or_two_a4_portrait_pages(rendered: tuple[Path, Path, list[Path]]) -> None:
    _, pdf, pages = rendered
    assert pdf_pages(pdf) in (1, 2)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "(A4)" in info and re.search(r"Page size:\s+595\.\d+ x 841\.\d+", info)
    assert len(pages) == pdf_pages(pdf)


def test_every_reference_figure_is_printed(rendered: tuple[Path, Path, list[Path]]) -> None:
    _, pdf, _ = rendered
    text = _squash(pdf_text(pdf))
    for figure in REFERENCE_FIGURES:
        assert figure in text, figure


def _printed_whole(text: str, printed: str) -> bool:
    """The cell's characters appear in order where it starts; a neighbour cell's text may be
    interleaved between the wrapped lines, a clipped line would be missing."""
    start = printed.find(text[:6])
    while start >= 0:
        window = iter(printed[start : start + 4 * len(text) + 40])
        if all(ch in window for ch in text):
            return True
        start = printed.find(text[:6], start + 1)
    return False


def _clipped(workbook: Path, pdf: Path) -> list[tuple[str, str]]:
    """Text cells of the printed area (A:J) that do not reach the page whole."""
    printed = _squash(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout)
    ws = openpyxl.load_workbook(workbook)["自评报告"]
    missing = []
    for row in ws.iter_rows(max_col=10):
        for cell in row:
            if isinstance(cell.value, str) and cell.value.strip() and not _printed_whole(_squash(cell.value), printed):
                missing.append((cell.coordinate, cell.value))
    return missing


def test_nothing_is_cut_off(rendered: tuple[Path, Path, list[Path]]) -> None:
    """Every text cell of the printed area reaches the page whole (no clipped wraps)."""
    workbook, pdf, _ = rendered
    missing = _clipped(workbook, pdf)
    assert len(missing) == 0, missing[:5]


def _word_boxes(pdf: Path) -> list[tuple[int, float, float, float, float, str]]:
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    boxes = []
    for page, body in enumerate(re.split(r"<page ", html)[1:]):
        for m in re.finditer(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', body
        ):
            x1, y1, x2, y2 = (float(v) for v in m.groups()[:4])
            boxes.append((page, x1, y1, x2, y2, m.group(5)))
    return boxes


def _overlaps(boxes: list[tuple[int, float, float, float, float, str]]) -> list[tuple[str, str]]:
    """Pairs of words printed over each other on one page."""
    overlaps = []
    for i, (p1, ax1, ay1, ax2, ay2, a) in enumerate(boxes):
        for p2, bx1, by1, bx2, by2, b in boxes[i + 1 :]:
            if p1 != p2:
                continue
            # a little slack for glyph boxes that touch
            if min(ax2, bx2) - max(ax1, bx1) > 1.0 and min(ay2, by2) - max(ay1, by1) > 1.5:
                overlaps.append((a, b))
    return overlaps


def test_no_text_runs_into_other_text(rendered: tuple[Path, Path, list[Path]]) -> None:
    """A row too short for its wrapped text pushes lines over the next row's text."""
    _, pdf, _ = rendered
    boxes = _word_boxes(pdf)
    assert len(boxes) > 100
    overlaps = _overlaps(boxes)
    assert not overlaps, overlaps[:5]


def test_the_committed_preview_is_current(rendered: tuple[Path, Path, list[Path]]) -> None:
    _, _, pages = rendered
    previews = sorted(DOCS.glob("report-preview-*.png"))
    assert len(previews) == len(pages), "run: python docs/render_report.py <example> docs/ and copy the pages"
