"""The 自评报告 paginates itself (report.pages, report.grid): a long indicator table continues
on each page under its header rows again, a heading never ends a page, the charts are not
split, and LibreOffice prints the pages where the sheet breaks them."""

from __future__ import annotations

import copy
import itertools
import re
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from addin.example.data import EXAMPLE_TABLES
from addin.headless import evaluate_file, generate
from addin.report.content import WIDTHS, report_layout
from addin.report.grid import DEFAULT_HEIGHT, Grid
from addin.report.layout import PrintSetup, SheetLayout
from addin.report.pages import page_capacity, print_scale

from ..libreoffice import pdf_pages, pdf_text
from .test_report_pages import _clipped, _overlaps, _renderer, _word_boxes

INDICATORS = 125
SECTIONS = ("一、", "二、", "三、", "四、", "五、")


def _many_indicators() -> dict[str, list[list[Any]]]:
    """The example with 125 department indicators of 0.80 each (100 in all), some with notes
    long enough to wrap."""
    tables = copy.deepcopy(EXAMPLE_TABLES)
    rows = []
    for i in range(INDICATORS):
        reason = "受年度预算调整影响，部分活动延期至次年举办，已在下年度计划中安排。" * (i % 4 == 0)
        level1 = "履职效能" if i < 70 else "管理效率"
        rows.append([level1, f"二级{i % 9}", f"指标{i + 1:03d}", 0.8, "正向", 1.0, 0.9, "台账", "比率", None, reason])
    tables["tblIndicators"] = rows
    return tables


def generated(tmp_path_factory: pytest.TempPathFactory, name: str, tables: dict[str, list[list[Any]]]) -> Path:
    """The report generated from a workbook built of ``tables``, in a folder of its own."""
    from addin.workbook.builder import BuildOptions, build_workbook

    folder = tmp_path_factory.mktemp(name)
    source = folder / f"{name}.xlsx"
    build_workbook(source, tables, BuildOptions())
    out = folder / "报告.xlsx"
    generate(source, out)
    return out


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generated(tmp_path_factory, "many", _many_indicators())


def _sheet_xml(workbook: Path, sheet: str) -> str:
    """The worksheet part of ``sheet``, found through the workbook's relationships."""
    with zipfile.ZipFile(workbook) as z:
        book = z.read("xl/workbook.xml").decode()
        rels = z.read("xl/_rels/workbook.xml.rels").decode()
        tag = re.search(rf'<sheet\b[^>]*name="{sheet}"[^>]*/>', book)
        assert tag is not None
        rid = re.search(r'r:id="([^"]+)"', tag.group(0))
        assert rid is not None
        rel = re.search(rf'<Relationship\b[^>]*Id="{rid.group(1)}"[^>]*/>', rels)
        assert rel is not None
        target = re.search(r'Target="([^"]+)"', rel.group(0))
        assert target is not None
        return z.read("xl/" + target.group(1).removeprefix("/xl/")).decode()


def test_the_indicator_table_continues_under_its_header_on_every_page(written: Path) -> None:
    xml = _sheet_xml(written, "自评报告")
    breaks = [int(b) for b in re.findall(r'<brk id="(\d+)"[^>]*man="1"', xml)]
    assert len(breaks) >= 3 and re.search(rf'<rowBreaks count="{len(breaks)}" manualBreakCount="{len(breaks)}">', xml)
    ws = openpyxl.load_workbook(written)["自评报告"]
    rows = [[c.value for c in row[:10]] for row in ws.iter_rows(max_col=10)]
    header = next(r for r in rows if r[0] == "一级指标")
    # A break with id n falls after row n (1-based): the page starts at rows[n].
    starts = [rows[b] for b in breaks]
    continued = [s for s in starts if s == header]
    assert len(continued) >= 2  # 125 indicators take three pages or more
    # Each indicator printed once; the header as often as the pages the table is on.
    named = [r[2] for r in rows if isinstance(r[2], str) and r[2].startswith("指标")]
    assert named == [f"指标{i + 1:03d}" for i in range(INDICATORS)]
    assert sum(1 for r in rows if r == header) == 1 + len(continued)
    for b in breaks:
        before = rows[b - 1]
        assert not (isinstance(before[0], str) and before[0].startswith(SECTIONS)), before  # no heading ends a page
        assert before[0] not in ("一级指标", "级别"), before  # nor a table's header


def test_no_page_holds_more_than_the_page_holds(written: Path) -> None:
    ev = evaluate_file(written)
    layout = report_layout(ev)
    capacity = page_capacity(layout.widths[:10], layout.print_setup)
    edges = [0, *layout.breaks, layout.last_row + 1]
    for top, end in itertools.pairwise(edges):
        assert sum(layout.heights.get(r, DEFAULT_HEIGHT) for r in range(top, end)) <= capacity
    # The charts (16 rows, no cells in A:J) are on one page.
    top = layout.charts[0].anchor[0]
    assert not any(top < b <= top + 15 for b in layout.breaks)


def test_libreoffice_prints_the_pages_where_the_sheet_breaks_them(written: Path, tmp_path: Path) -> None:
    pdf, _ = _renderer().render(written, tmp_path, 20)
    ws = openpyxl.load_workbook(written)["自评报告"]
    breaks = [b.id for b in ws.row_breaks.brk]
    assert pdf_pages(pdf) == len(breaks) + 1  # no break of LibreOffice's own
    assert not _clipped(written, pdf)  # rows tall enough for their wrapped notes
    assert not _overlaps(_word_boxes(pdf))
    first = {b: ws.cell(b + 1, 1).value for b in breaks}  # each page's first row
    assert list(first.values()).count("一级指标") >= 2
    for page, b in enumerate(breaks, start=2):
        text = pdf_text(pdf, page, page)
        if first[b] == "一级指标":  # the header printed at the top, then indicators
            assert (
                re.match(r"\s*一级指标\s+二级指标\s+三级指标", text) and "指标" in text.split("计分依据及偏差原因")[1]
            )


def test_a_heading_goes_to_the_next_page_with_what_follows_it() -> None:
    layout = SheetLayout("t", (10.0,))
    g = Grid(layout, 0, capacity=100.0)
    for _ in range(4):
        g.cells([(0, 0, "行", "td")], 18)  # 72 points
    g.line("二、预算执行情况", "section", 22, keep=True)  # would fit: 94
    g.head([(0, 0, "单位名称", "th")], 30)  # does not: the heading goes with it
    g.cells([(0, 0, "办本级", "td")], 18)
    assert layout.breaks == [4]
    for _ in range(3):
        g.cells([(0, 0, "行", "td")], 18)  # 70 + 18 + 18 + 18 > 100: the header again
    assert layout.breaks == [4, 8] and layout.cells[(8, 0)].value == "单位名称"
    assert layout.cells[(9, 0)].value == "行"


def test_fitting_to_the_width_prints_smaller_and_holds_more_rows() -> None:
    portrait = PrintSetup()
    assert 0.8 < print_scale(WIDTHS[:10], portrait) < 1.0  # Excel's 7-pixel units: 109 of them
    wide = [30.0] * 10
    assert print_scale(wide, portrait) < 0.5
    assert page_capacity(wide, portrait) > 2 * page_capacity(WIDTHS[:10], portrait)
    assert page_capacity(WIDTHS[:10], PrintSetup(landscape=True)) < page_capacity(WIDTHS[:10], portrait)
