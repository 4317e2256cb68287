"""Rendering a SheetLayout through the xlwings API, in as few Excel round trips as possible.

Values go in one block; each formatting property is applied to the whole area once with
its most common value, then to the few rectangles that differ; merges of equal column spans
in consecutive rows are one merge-across. The number of calls depends on the report's shape,
never on how many contracts the data held.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Callable, Hashable
from decimal import Decimal
from typing import Any

from ..report.layout import ChartSpec, SheetLayout
from ..report.styles import STYLES, Style
from .regions import Rect, rectangles

__all__ = ["excel_value", "hyperlink_formula", "write_layout"]

_FORMULA_START = ("=", "+", "-", "@")
_POINTS_PER_CHAR = 5.6  # column width unit → points, for positioning charts
_DEFAULT_ROW = 15.0


def excel_value(value: object) -> object:
    """What the API is given for a layout value: numbers as floats, text that Excel would
    take for a formula escaped with the apostrophe prefix, so it stays text."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


_LITERAL_LIMIT = 255  # Excel's longest text literal in a formula


def hyperlink_formula(link: str, text: str | Decimal) -> str | None:
    """A link inside the workbook as a HYPERLINK formula, so it goes in with the values block
    instead of costing a call per link (a summary of 300 projects, a findings sheet of 300
    rows). The text is a formula string literal, never evaluated; a number stays a number (a
    linked 序号). None when it cannot be one."""
    sheet, _, target = link.rpartition("!")
    address = f"#'{sheet.replace(chr(39), chr(39) * 2)}'!{target}" if sheet else f"#{link}"
    if len(address) > _LITERAL_LIMIT or len(str(text)) > _LITERAL_LIMIT:
        return None

    def literal(value: str) -> str:
        return '"' + value.replace('"', '""') + '"'

    shown = f"{text.normalize():f}" if isinstance(text, Decimal) else literal(text)
    return f"=HYPERLINK({literal(address)},{shown})"


def _address(rect: Rect) -> tuple[tuple[int, int], tuple[int, int]]:
    r1, c1, r2, c2 = rect
    return (r1 + 1, c1 + 1), (r2 + 1, c2 + 1)


def _rng(sheet: Any, rect: Rect) -> Any:
    first, last = _address(rect)
    return sheet.range(first, last)


def _hex(rgb: str | None) -> str | None:
    return None if rgb is None else f"#{rgb}"


# property name, how to read it from a Style, how to apply it, value a cleared sheet already has
_PROPERTIES: tuple[tuple[str, Callable[[Style], Hashable], Callable[[Any, Any], None], Hashable], ...] = (
    ("font", lambda s: s.font, lambda r, v: setattr(r.font, "name", v), object()),
    ("size", lambda s: s.size, lambda r, v: setattr(r.font, "size", v), object()),
    ("bold", lambda s: s.bold, lambda r, v: setattr(r.font, "bold", v), False),
    ("italic", lambda s: s.italic, lambda r, v: setattr(r.font, "italic", v), False),
    ("color", lambda s: s.color.upper(), lambda r, v: setattr(r.font, "color", f"#{v}"), "000000"),
    ("fill", lambda s: s.fill, lambda r, v: setattr(r, "color", _hex(v)), None),
    ("format", lambda s: s.number_format, lambda r, v: setattr(r, "number_format", v), "General"),
    ("halign", lambda s: s.halign, lambda r, v: setattr(r, "horizontal_alignment", v), "general"),
    ("valign", lambda s: s.valign, lambda r, v: setattr(r, "vertical_alignment", v), "bottom"),
    ("wrap", lambda s: s.wrap, lambda r, v: setattr(r, "wrap_text", v), False),
)


def _apply_styles(sheet: Any, layout: SheetLayout, area: Rect) -> None:
    styles = {pos: STYLES[cell.style] for pos, cell in layout.cells.items()}
    for _, read, apply, cleared in _PROPERTIES:
        values = {pos: read(style) for pos, style in styles.items()}
        base = Counter(values.values()).most_common(1)[0][0]
        by_value: dict[Hashable, list[tuple[int, int]]] = {}
        for pos, value in values.items():
            if value != base:
                by_value.setdefault(value, []).append(pos)
        try:
            if base != cleared:
                apply(_rng(sheet, area), base)
            for value, cells in by_value.items():
                for rect in rectangles(cells):
                    apply(_rng(sheet, rect), value)
        except NotImplementedError:
            # This engine cannot set the property (xlwings' VBA client has no alignment,
            # for one): the report keeps its values and other formats.
            continue
    bordered = [pos for pos, style in styles.items() if style.border]
    with contextlib.suppress(NotImplementedError):
        for rect in rectangles(bordered):
            rng = _rng(sheet, rect)
            rng.borders.line_style = "continuous"
            rng.borders.color = "#808080"


def _merge(sheet: Any, layout: SheetLayout) -> None:
    """One merge-across per block of consecutive rows merged over the same columns."""
    spans: dict[tuple[int, int], list[int]] = {}
    for r1, c1, r2, c2 in layout.merges:
        if r1 == r2:
            spans.setdefault((c1, c2), []).append(r1)
        else:
            _rng(sheet, (r1, c1, r2, c2)).merge()
    for (c1, c2), rows in spans.items():
        for r1, _, r2, _ in rectangles((r, 0) for r in rows):
            _rng(sheet, (r1, c1, r2, c2)).merge(across=True)


def _sizes(sheet: Any, layout: SheetLayout, last_row: int) -> None:
    col = 0
    while col < len(layout.widths):
        end = col
        while end + 1 < len(layout.widths) and layout.widths[end + 1] == layout.widths[col]:
            end += 1
        _rng(sheet, (0, col, 0, end)).column_width = layout.widths[col]
        col = end + 1
    heights = {r: layout.heights.get(r, _DEFAULT_ROW) for r in range(last_row + 1)}
    row = 0
    while row <= last_row:
        end = row
        while end + 1 <= last_row and heights[end + 1] == heights[row]:
            end += 1
        _rng(sheet, (row, 0, end, 0)).row_height = heights[row]
        row = end + 1


def _chart(sheet: Any, layout: SheetLayout, spec: ChartSpec) -> None:
    r1, c1, r2, c2 = spec.anchor
    left = sum(layout.widths[:c1]) * _POINTS_PER_CHAR
    top = sum(layout.heights.get(r, _DEFAULT_ROW) for r in range(r1))
    width = sum(layout.widths[c1 : c2 + 1]) * _POINTS_PER_CHAR
    height = sum(layout.heights.get(r, _DEFAULT_ROW) for r in range(r1, r2 + 1))
    # The API takes one contiguous source and one chart type: the primary-axis series
    # (the line on a secondary axis is drawn by the package writer only).
    primary = [s for s in spec.series if not s.secondary]
    first_row, last_row, category_col = primary[0].categories
    last_col = max(s.values[2] for s in primary)
    source = sheet.range((first_row + 1, category_col + 1), (last_row + 1, last_col + 1))
    chart = sheet.charts.add(left, top, width, height, chart_type="column_clustered", source=source)
    chart.title = spec.title


def write_layout(sheet: Any, layout: SheetLayout) -> None:
    """Fill an empty (cleared) sheet with the layout."""
    last_row = max(r for r, _ in layout.cells)
    last_col = max(max(c for _, c in layout.cells), len(layout.widths) - 1)
    area: Rect = (0, 0, last_row, last_col)
    grid = [[None] * (last_col + 1) for _ in range(last_row + 1)]
    links: list[tuple[int, int]] = []
    for (r, c), cell in layout.cells.items():
        shown = cell.value if isinstance(cell.value, Decimal) else str(cell.value)
        formula = hyperlink_formula(cell.link, shown) if cell.link else None
        if cell.link and formula is None:
            links.append((r, c))
        grid[r][c] = formula or excel_value(cell.value)  # type: ignore[call-overload]
    _rng(sheet, area).value = grid
    _sizes(sheet, layout, last_row)
    _apply_styles(sheet, layout, area)
    _merge(sheet, layout)
    for r, c in sorted(links):
        cell = layout.cells[(r, c)]
        target = (cell.link or "").rpartition("!")
        address = f"#'{target[0]}'!{target[2]}" if target[0] else f"#{cell.link}"
        _rng(sheet, (r, c, r, c)).add_hyperlink(address, str(cell.value), cell.link)
    for spec in layout.charts:
        _chart(sheet, layout, spec)
    # Engines without page setup or gridline control still get the same report.
    if layout.print_setup.print_area is not None:
        with contextlib.suppress(Exception):
            sheet.page_setup.print_area = _rng(sheet, layout.print_setup.print_area).address
    with contextlib.suppress(Exception):
        sheet.show_gridlines = layout.show_grid
    with contextlib.suppress(Exception):
        _page_setup(sheet.api, layout)


def _page_setup(api: Any, layout: SheetLayout) -> None:
    """A4 fitted to the page width and the 自评报告's own page breaks (``report.pages`` plans
    them for that scale), through Excel's object model where it is there (Excel on Windows);
    xlwings has no page setup of its own beyond the print area, and its remote engine none."""
    setup = layout.print_setup
    page = api.PageSetup
    page.PaperSize = 9  # xlPaperA4
    page.Orientation = 2 if setup.landscape else 1  # xlLandscape, xlPortrait
    if setup.fit_width:
        page.Zoom = False
        page.FitToPagesWide = 1
        page.FitToPagesTall = 1 if setup.fit_height else False
    for row in layout.breaks:
        api.HPageBreaks.Add(Before=api.Rows(row + 1))
