"""Error values and merged ranges of one worksheet, read straight from its XML.

python-calamine reads an error cell (#DIV/0!, #N/A, …) as an empty string
(dimastbk/python-calamine#105), which would make a broken formula look like a blank. This
scan finds them, and the merged ranges, with two regular expressions over the part's bytes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["cell_index", "scan_sheet"]

_ERROR_CELL = re.compile(rb'<(?:\w+:)?c\b([^>]*?\bt="e"[^>]*)>(.*?)</(?:\w+:)?c>', re.S)
_REF = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>")
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*\bref="([A-Z]{1,3})(\d+)(?::([A-Z]{1,3})(\d+))?"')


def cell_index(letters: str) -> int:
    """A → 0, Z → 25, AA → 26."""
    index = 0
    for ch in letters:
        index = index * 26 + (ord(ch) - 64)
    return index - 1


def scan_sheet(xml: bytes) -> tuple[dict[tuple[int, int], str], Sequence[tuple[int, int, int, int]]]:
    """({(row, col): '#DIV/0!'}, [(row1, col1, row2, col2)]) with 1-based rows, 0-based cols."""
    errors: dict[tuple[int, int], str] = {}
    if b't="e"' in xml:
        for match in _ERROR_CELL.finditer(xml):
            ref = _REF.search(match.group(1))
            value = _VALUE.search(match.group(2))
            if ref is None:
                continue
            text = value.group(1).decode("utf-8", "replace") if value else "#VALUE!"
            errors[(int(ref.group(2)), cell_index(ref.group(1).decode()))] = text
    merged: list[tuple[int, int, int, int]] = []
    if b"mergeCell" in xml:
        for match in _MERGE.finditer(xml):
            c1, r1, c2, r2 = match.groups()
            c2 = c2 or c1
            r2 = r2 or r1
            merged.append((int(r1), cell_index(c1.decode()), int(r2), cell_index(c2.decode())))
    return errors, merged
