"""How wide text prints, in Excel's column-width units, for the report's fonts.

A column width of w units is w digits of the workbook's default font: 7 pixels for Calibri,
等线 or 宋体 at 11 pt, the defaults of Excel and WPS. The report's cells are 宋体 (SimSun): at
10 pt a CJK character is 13.3 px (1.9 units) and an ASCII character, digits, commas and points
alike, 6.7 px (0.95 units); Excel's bold adds a pixel a character. We count 2 and 1 (bold 2.1
and 1.1), in proportion to the size, a little over, so a number never prints as ### and a line
never wraps where we counted that it would not. LibreOffice measures a unit on its own default
font (7 pt with DejaVu Sans on a machine without Calibri, against Excel's 5.25 pt), so whatever
fits in Excel fits there with room to spare.
"""

from __future__ import annotations

import functools
import math

__all__ = ["PAD", "POINTS_PER_UNIT", "line_count", "text_units"]

PAD = 1.0  # a cell's inner margins and border, in units
POINTS_PER_UNIT = 5.25  # Excel: 7 px of 0.75 pt per unit of column width

# Outside CJK blocks, characters 宋体 prints full width: GB2312's ×÷±°§¨·, the quotes “”‘’, the
# dashes —…, and the arrows, mathematical operators (≥≤≠), enclosed numbers and box drawing
# of U+2010-U+2E7F.
_WIDE_LATIN = frozenset("×÷±°§¨·")


def _wide(ch: str) -> bool:
    code = ord(ch)
    return code > 0x2E7F or 0x2010 <= code <= 0x2E7F or ch in _WIDE_LATIN


@functools.lru_cache(maxsize=8192)
def _units(text: str) -> float:
    return float(sum(2 if _wide(ch) else 1 for ch in text))


def text_units(text: str, size: float = 10, bold: bool = False) -> float:
    """The width of ``text`` on one line at ``size`` points, in column-width units."""
    units = _units(text)
    if bold:
        units += 0.1 * len(text)  # a pixel more a character
    return units * size / 10


def line_count(text: str, width: float, size: float = 10) -> int:
    """Lines ``text`` wraps to in a (merged) cell ``width`` units wide at ``size`` points;
    a newline starts a line."""
    per_line = max(1.0, (width - PAD) * 10 / size)
    if 2 * len(text) <= per_line and "\n" not in text:
        return 1  # fits on one line even if every character is wide (most cells: no counting)
    return sum(max(1, math.ceil(_units(part) / per_line)) for part in text.split("\n"))
