"""Amount units (金额单位): 元, 万元 and 亿元, and exact conversion between them.

Figures are computed and presented in the unit the workbook names (national procurement
disclosures state 亿元, department reports 万元, project ledgers 元); an amount typed with
another unit ("9,647.82万元" in a 元 workbook) is converted exactly (powers of ten).
"""

from __future__ import annotations

from decimal import Decimal

__all__ = ["AMOUNT_UNITS", "DEFAULT_UNIT", "UNIT_FACTORS", "convert", "with_unit"]

DEFAULT_UNIT = "万元"
AMOUNT_UNITS = ("万元", "元", "亿元")
# Yuan per unit.
UNIT_FACTORS = {"元": Decimal(1), "万元": Decimal(10_000), "亿元": Decimal(100_000_000)}


def convert(value: Decimal, from_unit: str, to_unit: str) -> Decimal:
    """``value`` in ``from_unit`` expressed in ``to_unit`` (both in UNIT_FACTORS); exact."""
    if from_unit == to_unit:
        return value
    return value * UNIT_FACTORS[from_unit] / UNIT_FACTORS[to_unit]


def with_unit(text: str, unit: str) -> str:
    """ "9,647.82" + "万元" → "9,647.82 万元"; an unknown unit ("") adds nothing."""
    return f"{text} {unit}" if unit else text
