"""A text longer than a row can hold (Excel's rows stop at 409 pt: a taller one is cut on
screen and in print) goes on over the rows after it, in the same columns: the whole 偏差原因
is printed, in the 自评报告 and in the 项目支出绩效自评表, and a form of a long reason still
prints on one page where that keeps a readable scale."""

from __future__ import annotations

import copy
import itertools
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from addin.example.data import EXAMPLE_TABLES
from addin.report.grid import MAX_ROW_HEIGHT, Grid, paragraph_height, split_text
from addin.report.layout import SheetLayout
from addin.report.metrics import line_count

from ..libreoffice import pdf_pages, pdf_text, require
from .test_pages import _sheet_xml, generated
from .test_report_pages import _printed_whole, _renderer

SENTENCE = "下一步将优化涉外服务流程，压缩办理时限，加强窗口人员培训，建立服务对象回访机制，及时回应群众关切。"
LONG = "部分涉外服务事项办理时限较长，满意度略低于目标；" + SENTENCE * 28  # 1,368 characters
EXCEL_MAX_ROW = 409.0  # points: Excel's own limit, stated here rather than taken from the code under test
MIDDLE = "大型活动期间稿件集中交付，译员不足导致部分稿件延迟；" + SENTENCE * 10  # 506 characters


def test_a_long_text_is_split_into_rows_each_within_the_limit() -> None:
    pieces = split_text(LONG, 26, 10)
    assert len(pieces) >= 4 and "".join(pieces) == LONG
    assert all(paragraph_height(p, 26, 10) <= MAX_ROW_HEIGHT for p in pieces)
    assert all(p.endswith(("。", "；")) for p in pieces[:-1])  # after a sentence where one ends
    unbroken = "译" * 2000
    assert "".join(split_text(unbroken, 26, 9)) == unbroken
    assert all(line_count(p, 26, 9) * 9 * 1.45 + 4 <= MAX_ROW_HEIGHT for p in split_text(unbroken, 26, 9))
    assert split_text("短", 26, 10) == ["短"]


def test_a_row_of_long_text_goes_on_over_rows_its_other_cells_merged_down() -> None:
    layout = SheetLayout("t", (10.0, 10.0, 16.0))
    g = Grid(layout, 2)
    first = g.cells([(0, 0, "指标", "td"), (1, 1, None, "td_score"), (2, 2, LONG, "td")], 2000.0)
    assert first == 0 and g.row > 3
    assert all(h <= EXCEL_MAX_ROW for h in layout.heights.values())
    assert "".join(str(layout.cells[(r, 2)].value) for r in range(g.row)) == LONG
    assert (0, 0, g.row - 1, 0) in layout.merges and (0, 1, g.row - 1, 1) in layout.merges
    assert layout.cells[(0, 1)].value == "-"  # a missing number still says so
    # With page breaks, each page's rows merged on their own and the header written again.
    paged = SheetLayout("t", (10.0, 10.0, 16.0))
    g = Grid(paged, 2, capacity=500.0)
    g.head([(0, 2, "表头", "th")], 30)
    g.cells([(0, 0, "指标", "td"), (1, 1, None, "td_score"), (2, 2, LONG, "td")], 2000.0)
    assert paged.breaks and all(paged.cells[(b, 0)].value == "表头" for b in paged.breaks)
    assert all(h <= EXCEL_MAX_ROW for h in paged.heights.values())
    merged = sorted(m for m in paged.merges if m[1] == 0 and m[3] == 0)
    assert all(not (a[0] <= b[0] <= a[2]) for a, b in itertools.pairwise(merged))  # none overlap
    # A long paragraph goes on over full-width lines.
    g = Grid(SheetLayout("p", (10.0,) * 3), 2)
    g.para(LONG)
    assert g.row > 1 and all(h <= EXCEL_MAX_ROW for h in g.layout.heights.values())


def _long_tables() -> dict[str, list[list[Any]]]:
    """The example with a 偏差原因 of 1,368 characters on a department indicator and on a
    project indicator (项目 2), and one of 506 characters on 项目 3."""
    tables = copy.deepcopy(EXAMPLE_TABLES)
    department = next(r for r in tables["tblIndicators"] if r[10])
    department[10] = LONG
    for row in tables["tblProjectIndicators"]:
        if row[3] == "友城伙伴满意度":
            row[10] = LONG
        if row[3] == "翻译稿件按时交付率":
            row[10] = MIDDLE
    return tables


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generated(tmp_path_factory, "long", _long_tables())


@pytest.mark.parametrize("sheet", ["自评报告", "项目自评-2", "项目自评-3"])
def test_no_row_is_taller_than_excel_allows(written: Path, sheet: str) -> None:
    heights = [float(h) for h in re.findall(r'<row r="\d+" ht="([\d.]+)"', _sheet_xml(written, sheet))]
    assert heights and max(heights) <= EXCEL_MAX_ROW


HEADER = "一级指标二级指标三级指标分值目标值实际值得分计分依据及偏差原因"


def _printed(pdf: Path) -> str:
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize(
    ("sheet", "text", "pages"), [("自评报告", LONG, None), ("项目自评-2", LONG, None), ("项目自评-3", MIDDLE, 1)]
)
def test_the_whole_long_text_is_printed(
    written: Path, tmp_path: Path, sheet: str, text: str, pages: int | None
) -> None:
    require("soffice", "pdftotext", "pdfinfo", "pdftoppm")
    pdf, _ = _renderer().render(written, tmp_path, 20, sheet=sheet)
    assert _printed_whole(text, _printed(pdf))
    for page in range(1, pdf_pages(pdf) + 1):  # no page holds only a table's header (and its footer)
        printed = re.sub(r"\s+", "", pdf_text(pdf, page, page))
        rest = re.sub(r"第\d+页，共\d+页", "", printed.replace(HEADER, ""))
        assert rest, page
    if pages is not None:  # a form of a 500-character reason still on one page
        assert pdf_pages(pdf) == pages
