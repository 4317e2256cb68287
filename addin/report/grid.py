"""Laying a report out row by row on a fixed column grid: full-width lines, paragraphs, gaps
and table rows of merged cells, with row heights for wrapped text (Excel does not autofit
rows of merged cells). Shared by every sheet the product writes."""

from __future__ import annotations

import functools
from collections.abc import Sequence

from .layout import SheetLayout
from .metrics import line_count
from .styles import STYLES

__all__ = ["DEFAULT_HEIGHT", "MAX_ROW_HEIGHT", "ROW_HEIGHT", "Grid", "paragraph_height", "split_text"]

ROW_HEIGHT = 18.0  # points per table row
# Excel's tallest row (points): a row set taller is cut to it, on screen and in print, and the
# rest of its text is lost. A longer text goes on over the following rows (``split_text``).
MAX_ROW_HEIGHT = 409.0
DEFAULT_HEIGHT = 15.0  # a row the layout gives no height (the sheets' defaultRowHeight)
_NUMBER_STYLES = ("_pct1", "_pct2", "_amount", "_score")  # a missing number shows "-" in td_dash


# Cached: the same notes and labels come back on every project's sheet.
@functools.lru_cache(maxsize=4096)
def paragraph_height(text: str, width: float, size: float = 11) -> float:
    """Row height (points) for ``text`` wrapped in a (merged) cell ``width`` units wide: Excel
    won't autofit rows of merged cells. Lines as ``metrics.line_count`` counts them, each 1.45
    times the font size (宋体 and 仿宋 in Excel and LibreOffice), and 4 points of margin."""
    return round(line_count(text, width, size) * size * 1.45 + 4, 1)


_SENTENCE_ENDS = "。；！？\n"


def split_text(text: str, width: float, size: float) -> list[str]:
    """``text`` in pieces that each wrap, in a (merged) cell ``width`` units wide at ``size``
    points, to a row no taller than ``MAX_ROW_HEIGHT``: each piece as long as fits, ended after
    a sentence (。；！？ or a newline) where one ends in its second half, else between characters.
    The pieces joined give ``text`` back (less the newlines pieces end at)."""
    most = max(1, int((MAX_ROW_HEIGHT - 4) / (size * 1.45)))  # lines a row holds (paragraph_height)
    pieces = []
    rest = text
    while len(rest) > 1 and line_count(rest, width, size) > most:
        fits, over = 1, len(rest)  # the longest beginning that fits lies in [fits, over)
        while over - fits > 1:
            middle = (fits + over) // 2
            if line_count(rest[:middle], width, size) <= most:
                fits = middle
            else:
                over = middle
        cut = max(rest.rfind(end, 0, fits) for end in _SENTENCE_ENDS) + 1
        if cut <= fits // 2:
            cut = fits
        pieces.append(rest[:cut].rstrip("\n"))
        rest = rest[cut:]
    pieces.append(rest)
    return pieces


Spec = Sequence[tuple[int, int, object, str]]  # (first col, last col, value, style) per cell


class Grid:
    """A cursor over ``layout``: each call fills the next row(s); ``last`` is the last printed column.

    With a ``capacity`` (points of row height a printed page holds, ``report.pages``) the grid
    places its own page breaks (``layout.breaks``): a row that does not fit starts a new page;
    a table's body row that does starts it with the table's header rows again (``head``); rows
    that must stay with what follows (a heading, the paragraph under it, a table's header: ``keep``)
    go to the next page with the first row after them; a ``block`` (the charts) is not split.

    No row is taller than ``MAX_ROW_HEIGHT``: a text that needs more goes on over the rows
    after it, in the same columns (``split_text``); the row's other cells are merged down over
    those rows on each page they are on."""

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
        if height is not None and height > MAX_ROW_HEIGHT:
            size = STYLES[style].size
            for i, piece in enumerate(split_text(text, self.span(0, self.last), size)):
                self.line(
                    piece,
                    style,
                    min(MAX_ROW_HEIGHT, paragraph_height(piece, self.span(0, self.last), size)),
                    keep=keep and i == 0,
                )
            return
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
        """One table row: (first col, last col, value, style) per cell. Returns its (first) row."""
        if height > MAX_ROW_HEIGHT:
            return self._continued(spec)
        self._room(height, body=True)
        return self._write(spec, height)

    def _continued(self, spec: Spec) -> int:
        """A row whose wrapped text needs more than ``MAX_ROW_HEIGHT``: that text over as many
        rows as it takes, the other cells merged down over them (on each page: a page break
        between them writes the table's header again)."""
        texts: list[list[str] | None] = []  # each cell's pieces, None for a cell that is not text
        for first, last, value, style in spec:
            s = STYLES[style]
            wrapped = isinstance(value, str) and s.wrap
            texts.append(split_text(value, self.span(first, last), s.size) if wrapped else None)  # type: ignore[arg-type]
        rows = max(len(t) for t in texts if t is not None) if any(texts) else 1
        segments: list[list[int]] = []  # the rows on each page
        for k in range(rows):
            row_spec = []
            height = ROW_HEIGHT
            for (first, last, value, style), pieces in zip(spec, texts, strict=True):
                if pieces is not None and len(pieces) > 1:
                    value = pieces[k] if k < len(pieces) else ""
                elif k > 0:
                    value = ""
                if isinstance(value, str) and STYLES[style].wrap:
                    size = STYLES[style].size
                    height = max(height, paragraph_height(value, self.span(first, last), size))
                row_spec.append((first, last, value, style))
            breaks = len(self.layout.breaks)
            self._room(min(height, MAX_ROW_HEIGHT), body=True)
            if k == 0 or len(self.layout.breaks) != breaks:
                segments.append([])
            segments[-1].append(self._write(row_spec, min(height, MAX_ROW_HEIGHT)))
        for segment in segments:
            if len(segment) < 2:
                continue
            for (first, last, _, _), pieces in zip(spec, texts, strict=True):
                if pieces is None or len(pieces) == 1:
                    cell = self.layout.cells[(segment[0], first)]
                    self.layout.remerge(segment[0], first, segment[-1], last, cell.value, cell.style)
        return segments[0][0]

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
