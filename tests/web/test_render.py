"""The HTML renderer of report layouts: the same texts LibreOffice shows for the written sheet,
any layout (merges, links, charts, styles), every text escaped; number formats; excerpts."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest

from addin.contract.file_reader import read_tables
from addin.contract.raw import RawTable
from addin.contract.schema import BUDGET
from addin.headless import evaluate_with_tables, generate, planned_layouts
from addin.report.layout import ChartSpec, PrintSetup, Series, SheetLayout
from addin.report.numfmt import format_number, general
from addin.report.styles import STYLES
from addin.web.excerpt import excerpts, parse_location
from addin.web.render import report_css, sheet_html, style_class

from ..libreoffice import convert


class _Cells(HTMLParser):
    """Texts of the td cells of an HTML table (a cell's text includes its link's)."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: list[str] = []
        self.depth = 0
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "td":
            self.depth += 1
            self.text = []
        elif tag == "br" and self.depth:
            self.text.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self.depth:
            self.depth -= 1
            text = "".join(self.text).strip()
            if text:
                self.cells.append(text)

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.text.append(data)


def _cells(html: str) -> list[str]:
    html = re.sub(r"<svg.*?</svg>", "", html, flags=re.S)  # chart texts are not cells
    parser = _Cells()
    parser.feed(html)
    return [re.sub(r"\s+", "", c) for c in parser.cells]


@pytest.mark.parametrize(
    ("value", "code", "shown"),
    [
        ("9647.82", "#,##0.00", "9,647.82"),
        ("0.96665", "0.00%", "96.67%"),
        ("0.6665", "0.0%", "66.7%"),
        ("97.955", "0.00", "97.96"),
        ("1758.16", "General", "1758.16"),
        ("100", "General", "100"),
        ("12345.5", "#,##0", "12,346"),
        ("-1234.5", "#,##0.00;[Red]-#,##0.00", "-1,234.50"),
        ("-1234.5", "#,##0.00;(#,##0.00)", "(1,234.50)"),
        ("5", "¥#,##0.00", "¥5.00"),
        ("-5", "¥#,##0.00", "-¥5.00"),
        ("97.5", '0.00"分"', "97.50分"),
        ("1.5", "0.0#", "1.5"),
        ("1.255", "0.0#", "1.26"),
        ("0.5", "#.00", ".50"),
        ("1234567", "#,##0,", "1,235"),
        ("-0.001", "0.00", "0.00"),
        ("45000", "yyyy-mm-dd", "45000"),
    ],
)
def test_number_formats(value: str, code: str, shown: str) -> None:
    assert format_number(Decimal(value), code) == shown


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory, example_path: Path) -> Path:
    folder = tmp_path_factory.mktemp("render")
    target = folder / "example.xlsm"
    generate(example_path, target)
    return target


def _libreoffice_sheet_cells(workbook: Path, sheet: str, folder: Path) -> list[str]:
    """The shown text of each cell of ``sheet`` as LibreOffice exports the workbook to HTML."""
    html = convert(workbook, "html", folder).read_text(encoding="utf-8", errors="replace")
    start = html.index(f"<em>{sheet}</em>")
    end = html.find("<A NAME=", start)
    section = html[start : end if end > 0 else len(html)]
    return _cells(section)


def test_every_cell_reads_as_libreoffice_shows_the_written_sheet(written: Path, tmp_path: Path) -> None:
    ev, _ = evaluate_with_tables(written)
    layouts = planned_layouts(written, ev)  # the preview: 校验结果 says which sheets a re-run replaces
    for layout in layouts:
        ours = Counter(_cells(sheet_html(layout)))
        theirs = Counter(_libreoffice_sheet_cells(written, layout.name, tmp_path))
        assert sum(ours.values()) > (200 if layout.name == "自评报告" else 2)
        assert ours - theirs == Counter(), f"{layout.name}: texts LibreOffice does not show"
        # What LibreOffice shows beyond ours is the charts' data, outside the print area.
        area = layout.print_setup.print_area
        outside = [
            (r, c)
            for (r, c), cell in layout.cells.items()
            if cell.value not in (None, "") and area is not None and not (area[1] <= c <= area[3])
        ]
        assert sum((theirs - ours).values()) == len(outside)
    assert {"96.67%", "66.7%", "97.96", "9,647.82", "1,758.16", "-"} <= set(_cells(sheet_html(layouts[0])))


def test_any_layout_renders_merges_links_charts_and_escapes_text() -> None:
    layout = SheetLayout("项目自评-1", (10.0, 12.0, 8.0, 3.0, 20.0))
    layout.merge(0, 0, 0, 2, "项目支出绩效自评表 <script>alert(1)</script>", "title")
    layout.merge(1, 0, 2, 0, "年度资金总额", "th")
    layout.put(1, 1, Decimal("89.974"), "td_amount")
    layout.put(1, 2, Decimal("1.05421"), "td_pct2")
    layout.put(2, 1, "=SUM(A1)", "td")
    layout.put(2, 2, "预算执行!E5", "link", link="预算执行!E5")
    layout.put(9, 4, "图表数据", "td")
    layout.put(10, 4, "甲", "td")
    layout.put(10, 5, Decimal("0.5"), "td_pct1")  # beyond the widths: Excel's default width
    layout.charts.append(
        ChartSpec("执行率", "bar", (Series("执行率", (10, 10, 4), (10, 10, 5), "0.0%"),), anchor=(3, 0, 8, 2))
    )
    html = sheet_html(layout)
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'colspan="3"' in html and 'rowspan="2"' in html
    assert ">89.97<" in html and ">105.42%<" in html and ">=SUM(A1)<" in html
    assert 'data-loc="预算执行!E5"' in html
    assert re.search(r'<td class="chart" rowspan="6" colspan="3"><svg[^>]*role="img"', html)
    assert "50.0%" in html  # the chart's value label, in its series' format
    assert "style=" not in html  # sizes are attributes, looks are classes: the page's CSP holds
    widths = re.findall(r'<col width="(\d+)">', html)
    assert widths == ["75", "89", "61", "26", "145", "64"]

    printed = SheetLayout("报告", (10.0, 10.0, 3.0, 12.0), print_setup=PrintSetup(print_area=(0, 0, 0, 1)))
    printed.put(0, 0, "印", "td")
    printed.put(0, 3, "图表数据", "td")
    assert "印" in sheet_html(printed) and "图表数据" not in sheet_html(printed)


def test_every_style_has_a_rule() -> None:
    css = report_css()
    for name, style in STYLES.items():
        rule = re.search(rf"\.sheet td\.{style_class(name)} \{{([^}}]*)\}}", css)
        assert rule is not None, name
        assert f"font-size: {style.size:g}pt" in rule.group(1)
        assert ("font-weight: bold" in rule.group(1)) == style.bold
        assert (f"background: #{style.fill}" in rule.group(1)) == (style.fill is not None)


def test_locations_are_parsed_as_excel_writes_them() -> None:
    assert parse_location("预算执行!E5") == ("预算执行", 5, 5, 4, 4)
    assert parse_location("绩效指标!A7:C5") == ("绩效指标", 5, 7, 0, 2)
    assert parse_location("预算执行!12:12") == ("预算执行", 12, 12, None, None)
    assert parse_location("'预算 执行'!$AB$3") == ("预算 执行", 3, 3, 27, 27)
    assert parse_location("预算执行") is None and parse_location("x!not a cell") is None


def test_excerpt_shows_the_cells_around_a_location() -> None:
    table = RawTable(
        spec=BUDGET,
        sheet="预算执行",
        name="tblBudget",
        header_row=3,
        first_col=1,
        headers=["单位名称", "全年预算数", "执行数"],
        rows=[[f"单位{i}", 100.0 + i, "<b>九百</b>" if i == 5 else 90.5] for i in range(10)],
        first_row=4,
    )
    found = excerpts({"tblBudget": table, "tblRules": None}, ["预算执行!D9", "采购合同!A1", "文字"])
    assert list(found) == ["预算执行!D9"]
    html = found["预算执行!D9"]
    assert '<td class="hit">&lt;b&gt;九百&lt;/b&gt;</td>' in html
    assert [int(n) for n in re.findall(r'<th scope="row">(\d+)</th>', html)] == [3, 7, 8, 9, 10, 11]
    assert re.findall(r'<th scope="col">(\w+)</th>', html) == ["B", "C", "D"]
    assert ">105<" in html and ">90.5<" in html


def _budget_table(**changes: object) -> RawTable:
    table = RawTable(
        spec=BUDGET,
        sheet="预算执行",
        name="tblBudget",
        header_row=3,
        first_col=0,
        headers=["单位名称", "单位级次", "年初预算数", "全年预算数", "执行数", "支出数", "备注"],
        rows=[[f"单位{i}", "二级", 100.0, 110.0, 100.5, 100.0, ""] for i in range(4)],
        first_row=4,
    )
    for key, value in changes.items():
        setattr(table, key, value)
    return table


def test_excerpt_shows_a_far_location_itself() -> None:
    # A stray cell at XFD60000: its column and row are shown beyond a gap, not A–P.
    html = excerpts({"tblBudget": _budget_table()}, ["预算执行!XFD60000"])["预算执行!XFD60000"]
    columns = re.findall(r'<th scope="col">([^<]+)</th>', html)
    assert columns[:7] == ["A", "B", "C", "D", "E", "F", "G"] and columns[-2:] == ["…", "XFD"]
    rows = re.findall(r'<th scope="row">(\d+)</th>', html)
    assert rows[0] == "3" and rows[-1] == "60000"
    last = html.rsplit("<tr>", 1)[1]
    assert last.count('class="hit"') == 1 and last.index('class="gap"') < last.index('class="hit"')


def test_excerpt_shows_formulas_without_a_result_and_skips_no_single_row() -> None:
    # The last row's cells are formulas saved without their results (a program wrote the file).
    table = _budget_table(uncached={(7, c): f"源数据!{'ABCDEF'[c]}1" for c in range(6)})
    table.rows = [*table.rows[:3], [None] * 7]
    html = excerpts({"tblBudget": table}, ["预算执行!A7:F7"])["预算执行!A7:F7"]
    assert [int(n) for n in re.findall(r'<th scope="row">(\d+)</th>', html)] == [3, 4, 5, 6, 7]  # no "…" for row 4
    assert 'class="gap"' not in html
    hits = re.findall(r'<td class="hit">([^<]*)</td>', html)
    assert hits[0] == "=源数据!A1（无计算结果）" and len(hits) == 6


def test_excerpt_shows_values_as_the_clerks_sheet_shows_them(make_workbook: Callable[..., Path]) -> None:
    """6850 under #,##0.00 is 6,850.00 in the excerpt, as in Excel; any format code the clerk
    chose prints by the renderer's number-format code (report/numfmt.py); General stays General."""
    path = make_workbook()
    wb = openpyxl.load_workbook(path)
    sheet = wb["预算执行"]
    sheet["C4"] = 6850
    sheet["C4"].number_format = "#,##0.00"
    sheet["D4"].number_format = '#,##0.0"万元"'
    sheet["E4"].number_format = "General"
    wb.save(path)
    html = excerpts(read_tables(path), ["预算执行!C4"])["预算执行!C4"]
    row = re.search(r'<th scope="row">4</th>(.*?)</tr>', html)
    assert row is not None
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", row.group(1))
    assert cells[2:5] == ["6,850.00", "7,215.5万元", general(Decimal(str(sheet["E4"].value)))]
