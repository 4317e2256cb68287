"""采购合同 read column-wise when every row is an ordinary contract row.

A ledger holds up to hundreds of thousands of rows and nearly always every one of them is a
plain contract: a text 合同编号, a unit name without spaces or half-width brackets, a listed
采购类别 and 供应商规模, a number ≥ 0 as 合同金额, a date or nothing as 签订日期, and no two
rows alike. Those facts are tested here on whole columns (sets, ``map``, ``zip``: loops that
run in C), and the columns are then taken as they are. Asking each row the same questions in
Python, as ``parse._contracts`` does, costs about 0.25 s on 200,000 rows (benchmarks/run.py).

The answer is all or nothing: a single row that is not plain (a 合计/小计 row, a blank row, a
footer, a sample mark, a repeated row, a percent format on an amount, a number typed as text)
returns None and the row-wise reader reads the whole table with its findings. So this path
never decides anything the row-wise reader would decide otherwise; ``tests/contract/
test_clean_ledger.py`` holds it to that on tables built to sit at each condition's edge.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from operator import itemgetter
from typing import Any

from ..core.model import ContractLedger
from ..core.numbers import shown_decimal
from ..core.units import amount_ceiling
from . import schema
from .labels import SAMPLE_MARK, is_blank
from .rows import SAMPLE_FIRST, SPECIAL_FIRST, ContractTable

__all__ = ["clean_ledger"]

_CATEGORIES = frozenset(schema.CATEGORIES)
_SIZES = frozenset(schema.SIZES)
_FIRST_CHAR = itemgetter(slice(0, 1))
_NOT_NEGATIVE = (0.0).__le__  # False for a negative number and for NaN
_DATE_TYPES = frozenset({dt.date, dt.datetime, type(None)})


def clean_ledger(table: ContractTable, taken: dict[int, list[Any]] | None = None) -> ContractLedger | None:
    """The ledger of ``table`` (amounts in the workbook's 金额单位, as shown: ``shown_decimal``)
    when every row is a plain contract row; None when any is not (see the module's doc).
    ``taken``: columns the caller already took from these rows (by position)."""
    raw = table.raw
    rows = raw.rows
    n = len(rows)
    if not n or raw.percent_cells or len(set(map(len, rows))) != 1 or not rows[0]:
        return None
    columns = _Columns(rows, taken or {})
    index = table.index
    amount = columns[index["合同金额"]]
    unit = columns.distinct(index["单位名称"])
    i_number = index.get("合同编号")
    i_date = index.get("签订日期")
    if (
        columns.types(index["合同金额"]) != {float}
        or not all(map(_NOT_NEGATIVE, amount))
        or max(amount) >= float(amount_ceiling(table.amount_unit))  # an error, said row-wise
        or not columns.distinct(index["采购类别"]) <= _CATEGORIES
        or not columns.distinct(index["供应商规模"]) <= _SIZES
        or not all(type(u) is str and u.strip() and u == u.strip() and "(" not in u for u in unit)
        or (i_date is not None and not _dates_or_blank(columns, i_date))
        or (i_number is not None and columns.types(i_number) != {str})  # else read by Coercer.text
        or not _ordinary_rows(table, columns)
    ):
        return None
    return ContractLedger(
        table.ref,
        [""] * n if i_number is None else list(map(str.strip, columns[i_number])),
        columns[index["单位名称"]],
        columns[index["采购类别"]],
        _amounts(amount),
        columns[index["供应商规模"]],
        list(range(raw.first_row, raw.first_row + n)),
    )


def _dates_or_blank(columns: _Columns, i: int) -> bool:
    """Whether each 签订日期 is a date or blank (as the row-wise fast path asks)."""
    if columns.types(i) <= _DATE_TYPES:
        return True
    return all(is_blank(v) or isinstance(v, dt.date) for v in columns.distinct(i))


class _Columns:
    """The columns of rectangular ``rows``, each taken (and its set of values and of value
    types) once, when first asked for."""

    def __init__(self, rows: Sequence[Sequence[Any]], taken: dict[int, list[Any]]) -> None:
        self.rows = rows
        self.width = len(rows[0])
        self._columns: dict[int, list[Any]] = dict(taken)
        self._distinct: dict[int, set[Any]] = {}
        self._types: dict[int, set[type]] = {}

    def __getitem__(self, i: int) -> list[Any]:
        column = self._columns.get(i)
        if column is None:
            column = self._columns[i] = [row[i] for row in self.rows]
        return column

    def distinct(self, i: int) -> set[Any]:
        values = self._distinct.get(i)
        if values is None:
            values = self._distinct[i] = set(self[i])
        return values

    def may_hold(self, i: int, value: str) -> bool:
        """Whether text ``value`` is in column ``i``: a set already taken answers in one lookup,
        known types without text answer no; else the list is scanned (no hashing)."""
        distinct = self._distinct.get(i)
        if distinct is not None:
            return value in distinct
        types = self._types.get(i)
        if types is not None and str not in types:
            return False
        return value in self[i]

    def types(self, i: int) -> set[type]:
        kinds = self._types.get(i)
        if kinds is None:
            kinds = self._types[i] = set(map(type, self[i]))
        return kinds


def _ordinary_rows(table: ContractTable, columns: _Columns) -> bool:
    """Whether ``ContractTable.rows`` would yield every row as it is and say nothing: the first
    cell is text that opens no footer, blank row or sample label, no cell is the 示例 mark, the
    other sample-label column opens no sample label, and no two rows share their repeat key."""
    if columns.types(0) != {str} or not SPECIAL_FIRST.isdisjoint(map(_FIRST_CHAR, columns[0])):
        return False
    # A cell equal to the mark.
    if any(columns.may_hold(i, SAMPLE_MARK) for i in range(columns.width)):
        return False
    a, b = table.sample_columns
    other = b if b else a  # as ContractTable.rows picks it
    labels = [v for v in columns.distinct(other) if type(v) is str]
    if not SAMPLE_FIRST.isdisjoint(map(_FIRST_CHAR, labels)):
        return False
    probe = table.repeat_probe
    n = len(columns.rows)
    # Distinct values in one probe cell already make every key distinct (a 合同编号 each).
    if any(len(columns.distinct(i)) == n for i in probe):
        return True
    keys = zip(*(columns[i] for i in probe), strict=True) if probe else map(tuple, columns.rows)
    return len(set(keys)) == n


def _amounts(values: Sequence[float]) -> list[Decimal]:
    """``shown_decimal`` of each amount. Its common case, the Decimal of the repr, holds for
    every value when each repr has at most 15 significant digits and no exponent (repr writes
    one below 1e-4 and from 1e16): tested on the whole column, in C. (Converting once per
    distinct amount measured no faster: a float's hash is not cached.)"""
    texts = list(map(repr, values))
    if max(map(len, texts)) <= 16 and max(values) < 1e16 and min(filter(None, values), default=1.0) >= 1e-4:
        return list(map(Decimal, texts))
    return [shown_decimal(v) for v in values]
