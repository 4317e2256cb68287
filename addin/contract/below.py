"""Rows typed below a table, outside its range: which are the table's rows, for both readers.

WPS and LibreOffice users (and anyone pasting a block) type rows under an Excel Table without
extending it; Excel's own readers then leave them out. ``labels.rows_below`` says which rows
below a table are data or a 合计 closing it; this module gives it the table's notion of a data
row and takes such a 合计 into the table, so it is checked as one inside would be.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from .coerce import parse_number_text
from .headers import match_header
from .labels import is_blank, rows_below
from .raw import RawTable
from .schema import Kind

__all__ = ["take_rows_below"]

# Columns whose cells are numbers: a row below a table with one there is a row of the table.
_NUMERIC = frozenset({Kind.AMOUNT, Kind.NUMBER, Kind.POINTS, Kind.RATIO, Kind.VALUE})
# Tables of a key and its value (基本信息, 文字材料): any key given a value below is an item.
_KEYED = frozenset({"tblInfo", "tblNarrative"})


def take_rows_below(raw: RawTable, below: Sequence[Sequence[Any]]) -> list[int]:
    """The sheet rows of ``below`` (the table's columns of the rows right after its last row)
    that are data left outside the table; a 合计 row closing it from right below (one blank row
    may come before it) is appended to ``raw.rows`` and named in ``raw.appended_below``."""
    end = raw.first_row + len(raw.rows) - 1
    found, totals = rows_below(below, end + 1, _data_like(raw))
    if totals and not found and all(len(row) == len(raw.headers) for row in below[: totals[-1] - end]):
        raw.rows = [*raw.rows, *below[: totals[-1] - end]]
        raw.appended_below = tuple(range(end + 1, totals[-1] + 1))
    return found


def _data_like(raw: RawTable) -> Callable[[Sequence[Any]], bool]:
    """Whether a row below ``raw`` would be one of its rows: two cells or more filled, one of
    them a number (or a number typed as text) in a numeric column; in a key-value table, a key
    and its value. A 联系电话 line or a note beside a budget is not."""
    kinds = {c.name: c.kind for c in raw.spec.columns}
    numeric = [
        i
        for i, header in enumerate(raw.headers)
        if isinstance(header, str)
        and (match := match_header(raw.spec, header)) is not None
        and kinds.get(match.column) in _NUMERIC
    ]
    keyed = raw.spec.table in _KEYED

    def data_like(row: Sequence[Any]) -> bool:
        filled = sum(1 for v in row if not is_blank(v))
        if filled < 2:
            return False
        return keyed or any(i < len(row) and _number_like(row[i]) for i in numeric)

    return data_like


def _number_like(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return True
    return isinstance(value, str) and parse_number_text(value.strip()) is not None
