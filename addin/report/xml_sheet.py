"""A SheetLayout as worksheet XML (SpreadsheetML), for the package writer.

Text is written as inline strings, so the shared-string table of the workbook is never
touched, and a value such as "=1+1" stays text: nothing from a clerk's cells becomes a formula.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from decimal import Decimal
from operator import itemgetter
from xml.sax.saxutils import escape, quoteattr

from ..core.model import column_letter
from .layout import SheetLayout

__all__ = ["quote_sheet", "sheet_xml", "split_location"]

_NS = (
    'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
)
# Control characters other than tab/newline are not allowed in XML 1.0.
_CONTROL = {i: None for i in range(32) if i not in (9, 10, 13)}


def _cell_text(value: str) -> str:
    return escape(value.translate(_CONTROL))


def quote_sheet(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def split_location(location: str) -> tuple[str, str]:
    sheet, _, cell = location.rpartition("!")
    return sheet, cell


def _ref(row: int, col: int) -> str:
    return f"{column_letter(col)}{row + 1}"


def _number(value: Decimal) -> str:
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def _inline(text: str) -> str:
    """A text cell's content and type (inline string: the shared-string table stays untouched)."""
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f' t="inlineStr"><is><t{space}>{_cell_text(text)}</t></is></c>'


# Cached: labels, headers and notes repeat on every project's sheet.
_inline_cached = functools.lru_cache(maxsize=4096)(_inline)


def _sheet_data(
    layout: SheetLayout, xf: Mapping[str, int], letters: Sequence[str]
) -> tuple[list[str], list[tuple[int, int, str]]]:
    """The <row> elements in row order, cells in column order, one string each; and the cells'
    links as (row, col, link). Rows with a height and no cell are written too."""
    styles = {name: f'" s="{number}"' for name, number in xf.items()}
    heights = layout.heights
    by_row: dict[int, list[str]] = {}
    links: list[tuple[int, int, str]] = []
    row = -1
    number = ""
    out: list[str] = []
    for (r, c), (value, style, link) in sorted(layout.cells.items()):
        if r != row:
            row, number, out = r, str(r + 1), []
            by_row[r] = out
        head = '<c r="' + letters[c] + number + styles[style]
        if value is None or value == "":
            out.append(head + "/>")
        elif type(value) is str:
            out.append(head + _inline_cached(value))
        elif isinstance(value, Decimal):
            out.append(head + "><v>" + _number(value) + "</v></c>")
        else:
            out.append(head + _inline_cached(str(value)))
        if link:
            links.append((r, c, link))
    rows: list[str] = []
    for r in sorted(by_row.keys() | heights.keys()):
        height = heights.get(r)
        ht = f' ht="{height:g}" customHeight="1"' if height is not None else ""
        rows.append(f'<row r="{r + 1}"{ht}>' + "".join(by_row.get(r, ())) + "</row>")
    return rows, links


def sheet_xml(layout: SheetLayout, xf: Mapping[str, int], drawing_rel: str | None = None) -> bytes:
    cells = layout.cells
    last_row = max(map(itemgetter(0), cells), default=0)
    last_col = max(map(itemgetter(1), cells), default=0)
    letters = [column_letter(c) for c in range(last_col + 1)]  # hundreds of thousands of refs
    out: list[str] = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n', f"<worksheet {_NS}>"]
    tab = f'<tabColor rgb="FF{layout.tab_color}"/>' if layout.tab_color else ""
    fit = '<pageSetUpPr fitToPage="1"/>' if layout.print_setup.fit_width else ""
    if tab or fit:
        out.append(f"<sheetPr>{tab}{fit}</sheetPr>")
    out.append(f'<dimension ref="A1:{_ref(last_row, last_col)}"/>')
    grid = "" if layout.show_grid else ' showGridLines="0"'
    out.append(f'<sheetViews><sheetView{grid} zoomScaleNormal="100" workbookViewId="0"/></sheetViews>')
    out.append('<sheetFormatPr defaultRowHeight="15"/>')
    out.append("<cols>")
    for i, width in enumerate(layout.widths):
        out.append(f'<col min="{i + 1}" max="{i + 1}" width="{width:g}" customWidth="1"/>')
    out.append("</cols><sheetData>")
    rows, links = _sheet_data(layout, xf, letters)
    out.extend(rows)
    out.append("</sheetData>")
    if layout.merges:
        out.append(f'<mergeCells count="{len(layout.merges)}">')
        for r1, c1, r2, c2 in layout.merges:
            out.append(f'<mergeCell ref="{letters[c1]}{r1 + 1}:{letters[c2]}{r2 + 1}"/>')
        out.append("</mergeCells>")
    if links:
        out.append("<hyperlinks>")
        for r, c, link in links:
            sheet, target = split_location(link)
            location = f"{quote_sheet(sheet)}!{target}" if sheet else target
            out.append(f'<hyperlink ref="{_ref(r, c)}" location={quoteattr(location)} display={quoteattr(link)}/>')
        out.append("</hyperlinks>")
    ps = layout.print_setup
    if ps.center_horizontally:
        out.append('<printOptions horizontalCentered="1"/>')
    left, right, top, bottom = ps.margins
    out.append(
        f'<pageMargins left="{left:g}" right="{right:g}" top="{top:g}" bottom="{bottom:g}" header="0.3" footer="0.3"/>'
    )
    orientation = "landscape" if ps.landscape else "portrait"
    fit_attrs = f' fitToWidth="1" fitToHeight="{int(ps.fit_height)}"' if ps.fit_width else ""
    out.append(f'<pageSetup paperSize="{ps.paper}" orientation="{orientation}"{fit_attrs}/>')
    if ps.footer:
        out.append(f"<headerFooter><oddFooter>{escape(ps.footer)}</oddFooter></headerFooter>")
    if layout.breaks:  # a break with id r falls after row r (1-based): before our 0-based row r
        items = "".join(f'<brk id="{row}" max="16383" man="1"/>' for row in layout.breaks)
        count = len(layout.breaks)
        out.append(f'<rowBreaks count="{count}" manualBreakCount="{count}">{items}</rowBreaks>')
    if drawing_rel:
        out.append(f'<drawing r:id="{drawing_rel}"/>')
    out.append("</worksheet>")
    return "".join(out).encode("utf-8")
