"""Laying a report out row by row on a fixed column grid: full-width lines, paragraphs, gaps
and table rows of merged cells, with row heights for wrapped text (Excel does not autofit
rows of merged cells). Shared by every sheet the product writes."""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence

from .layout import SheetLayout

__all__ = ["ROW_HEIGHT", "Grid", "paragraph_height"]

ROW_HEIGHT = 18.0  # points per table row
_NUMBER_STYLES = ("_pct1", "_pct2", "_amount", "_score")  # a missing number shows "-" in td_dash


def _text_units(text: str) -> float:
    # A CJK character is about two character widths of the default font; ASCII one.
    return sum(2.0 if ord(ch) > 0x2E7F else 1.0 for ch in text)


# Cached: the same notes and labels come back on every project's sheet.
@functools.lru_cache(maxsize=4096)
def paragraph_height(text: str, width: float, size: float = 11) -> float:
    """Row height (points) for wrapped text in merged cells: Excel won't autofit those."""
    # Calibrated on LibreOffice's and Excel's rendering of 仿宋/宋体: a little under the
    # nominal width, so wrapped text is never clipped.
    per_line = max(1.0, width * 9.4 / size - 1.0)
    if 2 * len(text) <= per_line and "\n" not in text:
        lines = 1  # fits on one line even if every character is wide (most cells: no counting)
    else:
        lines = sum(max(1, math.ceil(_text_units(part) / per_line)) for part in text.split("\n"))
    return round(lines * size * 1.45 + 4, 1)


class Grid:
    """A cursor over ``layout``: each call fills the next row(s); ``last`` is the last printed column."""

    def __init__(self, layout: SheetLayout, last: int) -> None:
        self.layout = layout
        self.last = last
        self.row = 0

    def span(self, first: int, last: int) -> float:
        return sum(self.layout.widths[first : last + 1])

    def line(self, text: str, style: str, height: float | None = None) -> None:
        self.layout.merge(self.row, 0, self.row, self.last, text, style)
        if height is not None:
            self.layout.heights[self.row] = height
        self.row += 1

    def para(self, text: str) -> None:
        if text:
            self.line(text, "para", paragraph_height(text, self.span(0, self.last)))

    def gap(self, height: float = 8.0) -> None:
        self.layout.heights[self.row] = height
        self.row += 1

    def cells(self, spec: Sequence[tuple[int, int, object, str]], height: float = ROW_HEIGHT) -> int:
        """One table row: (first col, last col, value, style) per cell. Returns its row."""
        merge = self.layout.merge
        row = self.row
        for first, last, value, style in spec:
            if value is None:
                value = "-"
                if style.endswith(_NUMBER_STYLES):
                    style = "td_dash"
            merge(row, first, row, last, value, style)  # type: ignore[arg-type]
        self.layout.heights[self.row] = height
        self.row += 1
        return self.row - 1
