"""Amount units (金额单位): 元, 万元 and 亿元, and exact conversion between them.

Figures are computed and presented in the unit the workbook names (national procurement
disclosures state 亿元, department reports 万元, project ledgers 元); an amount typed with
another unit ("9,647.82万元" in a 元 workbook) is converted exactly (powers of ten).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from .numbers import decimal_places

__all__ = [
    "AMOUNT_PLACES",
    "AMOUNT_UNITS",
    "DEFAULT_UNIT",
    "UNIT_FACTORS",
    "amount_ceiling",
    "amount_places",
    "convert",
    "with_unit",
]

DEFAULT_UNIT = "万元"
AMOUNT_UNITS = ("万元", "元", "亿元")
# Yuan per unit.
UNIT_FACTORS = {"元": Decimal(1), "万元": Decimal(10_000), "亿元": Decimal(100_000_000)}


# No amount of a department, a project or a contract reaches 10¹⁶ 元 (一亿亿元; the national
# budget is about 3 × 10¹³ 元): a cell beyond it is a slip (an ID or a formula's overflow
# pasted as an amount), and would otherwise be summed and printed as a 17-digit figure.
_IMPOSSIBLE_YUAN = Decimal(10) ** 16


def amount_ceiling(unit: str) -> Decimal:
    """The least amount in ``unit`` (元/万元/亿元; "" unknown: as 元, the widest) that no real
    figure reaches: 10¹⁶ 元 in that unit."""
    return _IMPOSSIBLE_YUAN / UNIT_FACTORS.get(unit, Decimal(1))


AMOUNT_PLACES = 2  # 元 to the cent, 万元 to 100 元: as department reports print amounts
_MAX_PLACES = 6  # 亿元 to the 元


def amount_places(unit: str, amounts: Iterable[Decimal]) -> int:
    """The decimals every amount of one department's report is presented with: the report
    and project sheets, the Word report, the figures the command line and the web page print.
    ``AMOUNT_PLACES`` (2), except in 亿元, where 2 decimals are 100 万元 and round away what
    was typed (a 14.34 万元 contract is 0.001434 亿元; categories 0.0243 + 0.0049 + 0.1544 would
    print 0.02 + 0.00 + 0.15 against a 合计 of 0.18): there, as many decimals as the
    department's typed ``amounts`` carry, 2 to 6, the same in every table and sentence, so
    rows add up to the totals printed beside them as a published statement shows them."""
    if unit != "亿元":
        return AMOUNT_PLACES
    places = AMOUNT_PLACES
    for amount in amounts:
        places = max(places, min(_MAX_PLACES, decimal_places(amount)))
        if places == _MAX_PLACES:
            break
    return places


def convert(value: Decimal, from_unit: str, to_unit: str) -> Decimal:
    """``value`` in ``from_unit`` expressed in ``to_unit`` (both in UNIT_FACTORS); exact."""
    if from_unit == to_unit:
        return value
    return value * UNIT_FACTORS[from_unit] / UNIT_FACTORS[to_unit]


def with_unit(text: str, unit: str) -> str:
    """ "9,647.82" + "万元" → "9,647.82 万元"; an unknown unit ("") adds nothing."""
    return f"{text} {unit}" if unit else text
