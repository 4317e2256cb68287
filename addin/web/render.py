"""A SheetLayout as HTML: the third renderer of the report, beside the SpreadsheetML writer
(addin/report/xml_sheet.py) and the xlwings writer (addin/excel/writer.py).

Like them it knows nothing of what a report says, only how to put a layout on a page: column
widths and row heights, merged ranges (colspan/rowspan), the named styles of
``addin.report.styles`` (as CSS classes, see ``report_css``), numbers printed under their
style's number format, hyperlinks, and charts (inline SVG, addin/web/charts.py) at their
anchors. Any sheet a layout describes renders, including ones added after this was written.

The markup has no inline ``style`` attribute and no script, so the page can keep a strict
Content-Security-Policy: sizes are the HTML ``width``/``height`` attributes, looks are classes.
All text is escaped; a clerk's cell that reads ``<script>`` is shown as text.
"""

from __future__ import annotations

import re
from decimal import Decimal
from html import escape

from ..report.layout import ChartSpec, SheetLayout
from ..report.numfmt import format_number
from ..report.styles import STYLES, Style
from .charts import chart_svg

__all__ = ["column_px", "report_css", "row_px", "sheet_html", "style_class"]

_DEFAULT_WIDTH = 8.43  # Excel's default column width, in characters
_DEFAULT_HEIGHT = 15.0  # points

# Windows faces first (what the workbook names), then what a Linux or 信创 machine has.
_FONT_FALLBACKS = {
    "宋体": '"SimSun", "宋体", "Songti SC", "Noto Serif CJK SC", "Source Han Serif SC", serif',
    "仿宋": '"FangSong", "仿宋", "STFangsong", "Noto Serif CJK SC", "Source Han Serif SC", serif',
    "黑体": '"SimHei", "黑体", "Heiti SC", "Noto Sans CJK SC", "Source Han Sans SC", sans-serif',
    "楷体": '"KaiTi", "楷体", "STKaiti", "Noto Serif CJK SC", serif',
}
_VALIGN = {"top": "top", "center": "middle", "bottom": "bottom"}


def column_px(width: float) -> int:
    """Excel column width (characters of the default font) to CSS pixels at 96 dpi."""
    return round(width * 7 + 5)


def row_px(points: float) -> int:
    return round(points * 96 / 72)


def style_class(name: str) -> str:
    return "s-" + re.sub(r"[^A-Za-z0-9_-]", "_", name)


def _font_family(name: str) -> str:
    return _FONT_FALLBACKS.get(name, f'"{name}", sans-serif')


def _style_rule(name: str, style: Style) -> str:
    rules = [
        f"font-family: {_font_family(style.font)}",
        f"font-size: {style.size:g}pt",
        f"color: #{style.color}",
        f"vertical-align: {_VALIGN.get(style.valign, 'bottom')}",
        "white-space: pre-wrap; overflow-wrap: anywhere" if style.wrap else "white-space: pre",
    ]
    if style.bold:
        rules.append("font-weight: bold")
    if style.italic:
        rules.append("font-style: italic")
    if style.underline:
        rules.append("text-decoration: underline")
    if style.fill:
        rules.append(f"background: #{style.fill}")
    if style.border:
        rules.append("border: 1px solid #808080")
    if style.halign in ("left", "center", "right"):
        rules.append(f"text-align: {style.halign}")
    return f".sheet td.{style_class(name)} {{ {'; '.join(rules)}; }}"


def report_css() -> str:
    """The stylesheet of every named report style (served as /static/report.css)."""
    base = [
        "/* Generated from addin/report/styles.py: one class per named style of the report. */",
        ".sheet { border-collapse: collapse; table-layout: fixed; background: #fff; }",
        ".sheet td { padding: 1px 3px; overflow: hidden; text-align: left; vertical-align: bottom; }",
        ".sheet td.num { text-align: right; }",
        ".sheet td.chart { padding: 4px; vertical-align: top; }",
        ".sheet svg { display: block; }",
    ]
    return "\n".join(base + [_style_rule(name, style) for name, style in STYLES.items()]) + "\n"


def _text(value: object, style: Style) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format_number(value, style.number_format)
    return str(value)


def _area(layout: SheetLayout) -> tuple[int, int, int, int]:
    """What is shown: the print area when the layout sets one (the report's chart data beside
    it is for the charts, not the reader), else every cell."""
    if layout.print_setup.print_area is not None:
        return layout.print_setup.print_area
    last_row = max((r for r, _ in layout.cells), default=0)
    last_col = max(max((c for _, c in layout.cells), default=0), len(layout.widths) - 1)
    return 0, 0, last_row, last_col


def _inside(rect: tuple[int, int, int, int], area: tuple[int, int, int, int]) -> bool:
    return area[0] <= rect[0] and area[1] <= rect[1] and rect[2] <= area[2] and rect[3] <= area[3]


def _chart_cells(
    layout: SheetLayout, area: tuple[int, int, int, int]
) -> tuple[dict[tuple[int, int], ChartSpec], list[ChartSpec]]:
    """Charts that take their anchor rectangle as one table cell (it holds no value and no
    merge), and charts shown below the table (anything in the way)."""
    placed: dict[tuple[int, int], ChartSpec] = {}
    below: list[ChartSpec] = []
    taken: set[tuple[int, int]] = set()
    for r1, c1, r2, c2 in layout.merges:
        taken.update((r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1))
    for spec in layout.charts:
        r1, c1, r2, c2 = spec.anchor
        cells = {(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)}
        blocked = cells & taken or any(layout.cells[p].value not in (None, "") for p in cells if p in layout.cells)
        if _inside(spec.anchor, area) and not blocked:
            placed[(r1, c1)] = spec
            taken |= cells
        else:
            below.append(spec)
    return placed, below


def _link(target: str, text: str) -> str:
    """An in-workbook link (sheet!cell): the page shows that cell (addin/web/excerpt.py)."""
    return f'<a class="loc" href="#" data-loc="{escape(target)}">{text}</a>'


def sheet_html(layout: SheetLayout) -> str:
    """The sheet as one ``<table class="sheet">`` (plus any chart that could not sit at its
    anchor, after it)."""
    r1, c1, r2, c2 = area = _area(layout)
    widths = [column_px(layout.widths[c] if c < len(layout.widths) else _DEFAULT_WIDTH) for c in range(c1, c2 + 1)]
    spans: dict[tuple[int, int], tuple[int, int]] = {}
    covered: set[tuple[int, int]] = set()
    for m1, n1, m2, n2 in layout.merges:
        if not _inside((m1, n1, m2, n2), area):
            continue
        spans[(m1, n1)] = (m2 - m1 + 1, n2 - n1 + 1)
        covered.update((r, c) for r in range(m1, m2 + 1) for c in range(n1, n2 + 1) if (r, c) != (m1, n1))
    charts, below = _chart_cells(layout, area)
    for (top, left), spec in charts.items():
        a1, b1, a2, b2 = spec.anchor
        covered.update((r, c) for r in range(a1, a2 + 1) for c in range(b1, b2 + 1) if (r, c) != (top, left))

    name = escape(layout.name)
    out = [
        f'<table class="sheet" width="{sum(widths)}" data-sheet="{name}" aria-label="{name}">',
        "<colgroup>" + "".join(f'<col width="{w}">' for w in widths) + "</colgroup>",
    ]
    for r in range(r1, r2 + 1):
        out.append(f'<tr height="{row_px(layout.heights.get(r, _DEFAULT_HEIGHT))}">')
        for c in range(c1, c2 + 1):
            if (r, c) in covered:
                continue
            if (r, c) in charts:
                spec = charts[(r, c)]
                a1, b1, a2, b2 = spec.anchor
                w = sum(widths[b1 - c1 : b2 - c1 + 1])
                h = sum(row_px(layout.heights.get(x, _DEFAULT_HEIGHT)) for x in range(a1, a2 + 1))
                out.append(
                    f'<td class="chart" rowspan="{a2 - a1 + 1}" colspan="{b2 - b1 + 1}">'
                    f"{chart_svg(layout, spec, w - 8, h - 8)}</td>"
                )
                continue
            rowspan, colspan = spans.get((r, c), (1, 1))
            attrs = (f' rowspan="{rowspan}"' if rowspan > 1 else "") + (f' colspan="{colspan}"' if colspan > 1 else "")
            cell = layout.cells.get((r, c))
            if cell is None:
                out.append(f"<td{attrs}></td>")
                continue
            style = STYLES[cell.style]
            classes = style_class(cell.style) + (" num" if isinstance(cell.value, Decimal) else "")
            text = escape(_text(cell.value, style))
            if cell.link and text:
                text = _link(cell.link, text)
            out.append(f'<td class="{classes}"{attrs}>{text}</td>')
        out.append("</tr>")
    out.append("</table>")
    for spec in below:
        out.append(f'<div class="chart-below">{chart_svg(layout, spec, 480, 280)}</div>')
    return "".join(out)
