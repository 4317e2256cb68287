"""Column widths that hold what the cells show: a number too wide for its column prints as
### (a 元 department's 32,000,000.00 in a 10-unit column), a text that does not wrap is cut.

Each layout is laid out on its own grid of widths; ``fitted_widths`` widens the columns under
any number, or text in a style that does not wrap, whose presented text (as Excel formats it,
``report.numfmt``; measured with ``report.metrics``) is wider than its cell or merged span.
The sheet still prints one page wide: every sheet's page setup fits its columns to the width of
the page, so wider columns print smaller rather than off the page (a choice over shrinking
fonts cell by cell, which Excel's "shrink to fit" would do unevenly).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from decimal import Decimal

from .layout import SheetLayout
from .metrics import PAD, text_units
from .numfmt import format_number
from .styles import STYLES

__all__ = ["fitted", "fitted_widths", "shown_width"]


def shown_width(value: Decimal | str, number_format: str = "General", size: float = 10, bold: bool = False) -> float:
    """Units of column width a cell needs to show ``value`` on one line: a number as Excel
    formats it under ``number_format``, a text as it is, and the cell's margins."""
    text = format_number(value, number_format) if isinstance(value, Decimal) else value
    return text_units(text, size, bold) + PAD


@functools.lru_cache(maxsize=8192)
def _needed(value: Decimal | str, style: str) -> float:
    """Units a cell needs for its value in its style (0 for text that wraps)."""
    s = STYLES[style]
    if not isinstance(value, Decimal) and s.wrap:
        return 0.0
    return shown_width(value, s.number_format, s.size, s.bold)


_WRAPPED = frozenset(name for name, style in STYLES.items() if style.wrap)


def fitted_widths(layout: SheetLayout) -> tuple[float, ...]:
    """``layout.widths``, each column widened (to a half unit) as far as its cells need: single
    columns first, then merged spans, which share what they lack in proportion to their widths."""
    widths = [float(w) for w in layout.widths]
    columns = len(widths)
    over: dict[tuple[int, int], float] = {}  # the cells wider than their first column
    for (r, c), cell in layout.cells.items():
        value = cell.value
        # Most cells are wrapped text (nothing to widen) or fit their own column: no span lookup.
        if value is None or value == "" or (isinstance(value, str) and cell.style in _WRAPPED):
            continue
        need = _needed(value, cell.style)
        if c >= columns or need > widths[c]:
            over[(r, c)] = need
    if not over:
        return tuple(widths)
    spans = {(r, c): c2 for r, c, _, c2 in layout.merges if (r, c) in over}
    needs: dict[tuple[int, int], float] = {}
    for (r, c), need in over.items():
        span = (c, spans.get((r, c), c))
        needs[span] = max(needs.get(span, 0.0), need)
    for (first, last), need in sorted(needs.items(), key=lambda item: item[0][1] - item[0][0]):
        have = sum(widths[first : last + 1])
        if last >= len(widths) or have >= need:
            continue
        lack = need - have
        for c in range(first, last + 1):
            widths[c] = math.ceil((widths[c] + lack * widths[c] / have) * 2) / 2
    return tuple(widths)


def fitted(build: Callable[[Sequence[float]], SheetLayout], widths: Sequence[float]) -> SheetLayout:
    """The layout ``build`` lays out on ``widths``, laid out again on the widths its cells need
    when a value does not fit (row heights and page breaks follow the wider columns)."""
    layout = build(widths)
    wider = fitted_widths(layout)
    return layout if wider == tuple(float(w) for w in widths) else build(wider)
