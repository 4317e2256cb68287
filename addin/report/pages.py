"""How much of a sheet one printed A4 page holds, for the layouts that place their own page
breaks.

Print titles repeat one band of rows on every page of a sheet, and the 自评报告 holds five
tables one after the other: the indicator table's header repeated on a page of the findings
would be wrong, and without it a continuation page of 125 indicators has no header. So the
自评报告 paginates itself (``report.grid.Grid`` with a capacity): a manual page break before a
row that would not fit, a table's header rows written again at the top of the page it goes on
to, a heading moved to the next page with what follows it.

The page holds its printable height divided by the scale that fits the columns to its width.
Excel measures a column in 7-pixel units (5.25 pt, ``metrics.POINTS_PER_UNIT``) and prints at a
whole percent; LibreOffice measures on its own default font (7 pt with DejaVu Sans), so it prints
smaller and its pages hold more than Excel's: pages planned for Excel never break early in
either, and in LibreOffice each holds what Excel's would, a quarter of the page left blank.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from .layout import PrintSetup
from .metrics import POINTS_PER_UNIT

__all__ = ["page_capacity", "pages_across_scale", "print_scale", "single_page_scale"]

_A4 = (595.3, 841.9)  # points, portrait
_INCH = 72.0
_SLACK = 0.97  # rows Excel sizes a point over what they state, the footer's line


def _printable(setup: PrintSetup) -> tuple[float, float]:
    width, height = (_A4[1], _A4[0]) if setup.landscape else _A4
    left, right, top, bottom = setup.margins
    return width - (left + right) * _INCH, height - (top + bottom) * _INCH


def print_scale(widths: Sequence[float], setup: PrintSetup) -> float:
    """The scale Excel prints ``widths`` (the printed columns) at when fitted to the page width
    (a whole percent, never above 100%)."""
    if not setup.fit_width:
        return 1.0
    sheet = sum(widths) * POINTS_PER_UNIT
    return min(1.0, math.floor(_printable(setup)[0] / sheet * 100) / 100)


def page_capacity(widths: Sequence[float], setup: PrintSetup) -> float:
    """Points of row height, as the layout states them, that one page holds."""
    return _printable(setup)[1] / print_scale(widths, setup) * _SLACK


def single_page_scale(height: float, widths: Sequence[float], setup: PrintSetup) -> float:
    """The scale Excel prints a sheet of ``height`` points of rows (as the layout states them)
    and ``widths`` at when fitted to one page, wide and tall."""
    return min(print_scale(widths, setup), _printable(setup)[1] * _SLACK / height)


def pages_across_scale(widths: Sequence[float], titles: int, setup: PrintSetup, floor: float) -> float | None:
    """For a sheet too wide to fit one page wide at ``floor`` or more: the scale (a whole percent,
    at least ``floor``) that prints it over as few pages across as that takes, its first
    ``titles`` columns repeated on each as print title columns; None when it fits one page wide
    at ``floor`` or more (fitting to the width then prints it larger)."""
    if print_scale(widths, setup) >= floor:
        return None
    page = _printable(setup)[0]
    title = sum(widths[:titles]) * POINTS_PER_UNIT
    rest = [w * POINTS_PER_UNIT for w in widths[titles:]]
    pages = math.ceil(sum(rest) / max(1.0, page / floor - title))
    # Room on each page for an even share and one more column: page breaks fall between columns.
    scale = page / (sum(rest) / pages + title + max(rest, default=0.0))
    return max(floor, min(1.0, math.floor(scale * 100) / 100))
