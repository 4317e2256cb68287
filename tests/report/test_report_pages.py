"""The report sheets as LibreOffice prints them: 自评报告 on one or two A4 portrait pages, each
项目支出绩效自评表 on one A4 portrait page, the 项目自评汇总 on one landscape page; nothing cut
off and no text running into other text."""

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


def _clipped(
    workbook: Path, pdf: Path, sheet: str = "自评报告", columns: int = 10, *options: str
) -> list[tuple[str, str]]:
    """Text cells of the printed area (its first ``columns``) that do not reach the page whole."""
    printed = _squash(subprocess.run(["pdftotext", *options, str(pdf), "-"], capture_output=True, text=True).stdout)
    ws = openpyxl.load_workbook(workbook)[sheet]
    missing = []
    for row in ws.iter_rows(max_col=columns):
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


PROJECT_SHEETS = ("项目自评汇总", "项目自评-1", "项目自评-2", "项目自评-3")


@pytest.fixture(scope="module")
def projects_rendered(rendered: tuple[Path, Path, list[Path]]) -> dict[str, Path]:
    workbook, pdf, _ = rendered
    renderer = _renderer()
    return {sheet: renderer.render(workbook, pdf.parent, sheet=sheet)[0] for sheet in PROJECT_SHEETS}


@pytest.mark.parametrize("sheet", PROJECT_SHEETS)
def test_each_project_sheet_prints_on_one_a4_page_whole_and_without_overlaps(
    sheet: str, rendered: tuple[Path, Path, list[Path]], projects_rendered: dict[str, Path]
) -> None:
    workbook = rendered[0]
    pdf = projects_rendered[sheet]
    assert pdf_pages(pdf) == 1
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    size = r"841\.\d+ x 595\.\d+" if sheet == "项目自评汇总" else r"595\.\d+ x 841\.\d+"
    assert re.search(rf"Page size:\s+{size}", info), info
    columns = 12 if sheet == "项目自评汇总" else 10
    # in content-stream order each cell's lines come together, however narrow its column
    missing = _clipped(workbook, pdf, sheet, columns, "-raw")
    assert not missing, missing[:5]
    boxes = _word_boxes(pdf)
    assert len(boxes) > 50
    overlaps = _overlaps(boxes)
    assert not overlaps, overlaps[:5]


def test_the_project_sheets_show_their_figures(projects_rendered: dict[str, Path]) -> None:
    cities = _squash(pdf_text(projects_rendered["项目自评-2"]))
    for figure in ("320.50", "337.86", "105.42%", "10.00", "99.44", "评价等级：优", "不适用"):
        assert figure in cities, figure
    summary = _squash(pdf_text(projects_rendered["项目自评汇总"]))
    for figure in ("1,762.50", "1,757.94", "99.74%", "98.96", "项目绩效自评完成率100.00%"):
        assert figure in summary, figure


def test_the_committed_project_preview_is_current(projects_rendered: dict[str, Path], tmp_path: Path) -> None:
    """docs/project-preview.png is 项目自评-2 of the example as LibreOffice prints it (same size)."""
    preview = DOCS / "project-preview.png"
    assert preview.is_file(), "run: python docs/render_report.py <example> docs/ 项目自评-2, keep page 1"
    fresh = tmp_path / "page"
    subprocess.run(["pdftoppm", "-r", "110", "-png", "-singlefile", str(projects_rendered["项目自评-2"]), str(fresh)])
    assert _png_size(preview) == _png_size(fresh.with_suffix(".png"))


def _png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[16:24]
    return int.from_bytes(header[:4], "big"), int.from_bytes(header[4:], "big")
