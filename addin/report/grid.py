"""Laying a report out row by row on a fixed column grid: full-width lines, paragraphs, gaps
and table rows of merged cells, with row heights for wrapped text (Excel does not autofit
rows of merged cells). Shared by every sheet the product writes."""

from __future__ import annotations

import functools
from collections.abc import Sequence

from .layout import SheetLayout
from .metrics import line_count

__all__ = ["DEFAULT_HEIGHT", "ROW_HEIGHT", "Grid", "paragraph_height"]

ROW_HEIGHT = 18.0  # points per table row
DEFAULT_HEIGHT = 15.0  # a row the layout gives no height (the sheets' defaultRowHeight)
_NUMBER_STYLES = ("_pct1", "_pct2", "_amount", "_score")  # a missing number shows "-" in td_dash


# Cached: the same notes and labels come back on every project's sheet.
@functools.lru_cache(maxsize=4096)
def paragraph_height(text: str, width: float, size: float = 11) -> float:
    """Row height (points) for ``text`` wrapped in a (merged) cell ``width`` units wide: Excel
    won't autofit rows of merged cells. Lines as ``metrics.line_count`` counts them, each 1.45
    times the font size (宋体 and 仿宋 in Excel and LibreOffice), and 4 points of margin."""
    return round(line_count(text, width, size) * size * 1.45 + 4, 1)


Spec = Sequence[tuple[int, int, object, str]]  # (first col, last col, value, style) per cell


class Grid:
    """A cursor over ``layout``: each call fills the next row(s); ``last`` is the last printed column.

    With a ``capacity`` (points of row height a printed page holds, ``report.pages``) the grid
    places its own page breaks (``layout.breaks``): a row that does not fit starts a new page;
    a table's body row that does starts it with the table's header rows again (``head``); rows
    that must stay with what follows (a heading, the paragraph under it, a table's header: ``keep``)
    go to the next page with the first row after them; a ``block`` (the charts) is not split."""

    def __init__(self, layout: SheetLayout, last: int, capacity: float | None = None) -> None:
        self.layout = layout
        self.last = last
        self.row = 0
        self.capacity = capacity
        self.used = 0.0  # points of the current page filled
        self.page_top = 0  # the current page's first row
        self.sticky: int | None = None  # first row of the run that must stay with the next row
        self.header: list[tuple[Spec, float]] = []  # the current table's header rows
        self.header_ends = -1  # the row after the last header row written

    def span(self, first: int, last: int) -> float:
        return sum(self.layout.widths[first : last + 1])

    def _height(self, row: int) -> float:
        return self.layout.heights.get(row, DEFAULT_HEIGHT)

    def _new_page(self, row: int) -> None:
        self.layout.breaks.append(row)
        self.page_top = row
        self.used = sum(self._height(r) for r in range(row, self.row))

    def _room(self, height: float, *, body: bool = False, keep: bool = False) -> None:
        """Make room for a row of ``height`` at ``self.row`` (a page break before it, or before
        the rows it must stay with), and follow the run of rows kept together."""
        if self.capacity is not None and self.used + height > self.capacity and self.row > self.page_top:
            if self.sticky is not None and self.sticky > self.page_top:
                self._new_page(self.sticky)  # the heading and its table's header go with this row
            else:
                self._new_page(self.row)
                if body and self.header:
                    for spec, head_height in self.header:  # the header again on the new page
                        self.used += head_height
                        self._write(spec, head_height)
        self.used += height
        if keep:
            self.sticky = self.row if self.sticky is None else self.sticky
        else:
            self.sticky = None

    def line(self, text: str, style: str, height: float | None = None, *, keep: bool = False) -> None:
        """A full-width line; ``keep`` holds it on the page of the next row (a heading)."""
        self.header = []
        self._room(DEFAULT_HEIGHT if height is None else height, keep=keep)
        self.layout.merge(self.row, 0, self.row, self.last, text, style)
        if height is not None:
            self.layout.heights[self.row] = height
        self.row += 1

    def para(self, text: str) -> None:
        """A wrapped paragraph; right under a heading it stays with the heading's next row."""
        if text:
            self.line(text, "para", paragraph_height(text, self.span(0, self.last)), keep=self.sticky is not None)

    def gap(self, height: float = 8.0) -> None:
        self.header = []
        self._room(height)
        self.layout.heights[self.row] = height
        self.row += 1

    def block(self, rows: int) -> int:
        """``rows`` rows of default height kept on one page (the charts' area); returns the first."""
        self.header = []
        self._room(rows * DEFAULT_HEIGHT)
        first = self.row
        self.row += rows
        return first

    def head(self, spec: Spec, height: float = ROW_HEIGHT) -> int:
        """A table's header row: written again at the top of each page the table goes on to,
        and kept on the page of the table's first row."""
        if self.header_ends != self.row:  # a new table (not the next row of a header)
            self.header = []
        self.header.append((spec, height))
        self._room(height, keep=True)
        row = self._write(spec, height)
        self.header_ends = self.row
        return row

    def cells(self, spec: Spec, height: float = ROW_HEIGHT) -> int:
        """One table row: (first col, last col, value, style) per cell. Returns its row."""
        self._room(height, body=True)
        return self._write(spec, height)

    def _write(self, spec: Spec, height: float) -> int:
        merge = self.layout.merge
        row = self.row
        for first, last, value, style in spec:
            if value is None:
                value = "-"
                if style.partition(".")[0].endswith(_NUMBER_STYLES):  # td_amount.4 too
                    style = "td_dash"
            merge(row, first, row, last, value, style)  # type: ignore[arg-type]
        self.layout.heights[row] = height
        self.row += 1
        return row
