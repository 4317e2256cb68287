"""Decimal figures and the contract's one rounding rule (四舍五入, half-up).

Every figure starts as the shortest decimal text of the cell's value (``repr`` of the float
Excel stored), so 2.675 is the Decimal 2.675 and not the binary float just below it.
Arithmetic stays exact (or 40 significant digits for quotients); rounding happens only when a
figure is presented.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Context, Decimal

__all__ = [
    "HUNDRED",
    "NOT_COMPARABLE",
    "ONE",
    "ZERO",
    "cell_fraction",
    "divide",
    "format_amount",
    "format_percent",
    "percent_text",
    "presented_fraction",
    "round_half_up",
    "to_decimal",
]

NOT_COMPARABLE = "-"  # what a cell or a sentence shows for a zero base
ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)

# Quotients are the only inexact step; 40 digits keeps them far below any presented place.
_DIVISION = Context(prec=40, rounding=ROUND_HALF_UP)
_QUANTUM = {places: Decimal(1).scaleb(-places) for places in range(0, 11)}


def to_decimal(value: int | float | Decimal | str) -> Decimal:
    """The Decimal a clerk sees in the cell: the shortest repr of the stored float."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise TypeError("a boolean is not an amount")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError("not a finite number")
        if value.is_integer() and abs(value) < 1e15:
            return Decimal(int(value))
        return Decimal(repr(value))
    return Decimal(value)


def divide(part: Decimal, whole: Decimal) -> Decimal | None:
    """part / whole, or None when the base is zero ("not comparable", never 0 and never raised)."""
    if whole == 0:
        return None
    return _DIVISION.divide(part, whole)


def round_half_up(value: Decimal, places: int) -> Decimal:
    """Half-up to ``places`` decimals; -0.00 is shown as 0.00."""
    rounded = value.quantize(_QUANTUM[places], rounding=ROUND_HALF_UP)
    if rounded == 0:
        rounded = abs(rounded)
    return rounded


def percent_text(ratio: Decimal | None, places: int) -> str | None:
    """A ratio as the percentage number the contract presents: 0.96665 → "96.67" (no sign)."""
    if ratio is None:
        return None
    return str(round_half_up(ratio * HUNDRED, places))


def presented_fraction(ratio: Decimal | None, places: int) -> Decimal | None:
    """A ratio rounded as its percentage is presented, kept as a fraction for a % cell format:
    0.96665 at 2 places → 0.9667 (shown 96.67%). None (not comparable) stays None."""
    if ratio is None:
        return None
    return round_half_up(ratio * HUNDRED, places).scaleb(-2)


def cell_fraction(ratio: Decimal | None, places: int) -> float | str:
    """What a cell holds for a ratio: the presented fraction as a number, "-" on a zero base."""
    presented = presented_fraction(ratio, places)
    return NOT_COMPARABLE if presented is None else float(presented)


def format_amount(value: Decimal, places: int = 2) -> str:
    """Amount with thousands separators as printed in reports: 9647.82 → "9,647.82"."""
    return f"{round_half_up(value, places):,.{places}f}"


def format_percent(ratio: Decimal | None, places: int, *, not_comparable: str = NOT_COMPARABLE) -> str:
    """Ratio for a sentence: 0.9667 → "96.67%"; a zero base → "-"."""
    text = percent_text(ratio, places)
    return not_comparable if text is None else f"{text}%"
