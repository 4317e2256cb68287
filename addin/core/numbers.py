"""Decimal figures and the contract's one rounding rule (四舍五入, half-up).

Every figure starts as the number the cell shows: the stored float read to at most 15
significant digits, as Excel displays and compares it (and LibreOffice saves it), so 2.675 is the
Decimal 2.675 and not the binary float just below it, and a formula's result saved to 17 digits
(=958.57+14.34 stored as 972.91000000000008, =90.02+0.005 as 90.02499999999999) is 972.91 and
90.025, as the clerk sees them.
Arithmetic stays exact (or 40 significant digits for quotients); rounding happens only when a
figure is presented.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation

__all__ = [
    "HUNDRED",
    "NOT_COMPARABLE",
    "ONE",
    "ZERO",
    "cell_fraction",
    "decimal_places",
    "divide",
    "format_amount",
    "format_percent",
    "percent_text",
    "presented_fraction",
    "round_half_up",
    "shown_decimal",
    "to_decimal",
]

NOT_COMPARABLE = "-"  # what a cell or a sentence shows for a zero base
ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)

# Quotients are the only inexact step; 40 digits keeps them far below any presented place.
_DIVISION = Context(prec=40, rounding=ROUND_HALF_UP)
_QUANTUM = {places: Decimal(1).scaleb(-places) for places in range(0, 11)}


def shown_decimal(value: float) -> Decimal:
    """The Decimal of a finite float as a cell shows it: its shortest repr when that has at most
    15 significant digits, else the float rounded to 15 (Excel's precision: 1e-15 relative, far
    below a cent for any amount under 10¹¹)."""
    text = repr(value)
    if len(text) <= 16 and "e" not in text:  # at most 15 digits: the common case, one repr
        return Decimal(text)
    shown = format(value, ".15g")
    if float(shown) == value:  # fewer digits already name the float exactly: keep its repr
        return Decimal(text)
    if "e" not in shown and "." in shown:
        shown = shown.rstrip("0").rstrip(".")
    return Decimal(shown)


def to_decimal(value: int | float | Decimal | str) -> Decimal:
    """The Decimal a clerk sees in the cell (``shown_decimal`` for a float)."""
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
        return shown_decimal(value)
    return Decimal(value)


def divide(part: Decimal, whole: Decimal) -> Decimal | None:
    """part / whole, or None when the base is zero ("not comparable", never 0 and never raised)."""
    if whole == 0:
        return None
    return _DIVISION.divide(part, whole)


def round_half_up(value: Decimal, places: int) -> Decimal:
    """Half-up to ``places`` decimals; -0.00 is shown as 0.00. Exact at any size: a figure
    with more digits than the default context holds (28; a ratio over a base typed 1E-300)
    is rounded in a context wide enough for it, never refused."""
    quantum = _QUANTUM.get(places) or ONE.scaleb(-places)
    try:
        rounded = value.quantize(quantum, rounding=ROUND_HALF_UP)
    except InvalidOperation:
        wide = Context(prec=max(value.adjusted(), 0) + places + 2, rounding=ROUND_HALF_UP)
        rounded = value.quantize(quantum, context=wide)
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


def decimal_places(value: Decimal) -> int:
    """The decimals a value has, trailing zeros not counted (0.5925 → 4; 0.10 → 1; 1E+2 → 0)."""
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def format_amount(value: Decimal, places: int = 2) -> str:
    """Amount with thousands separators as printed in reports: 9647.82 → "9,647.82"."""
    return f"{round_half_up(value, places):,.{places}f}"


def format_percent(ratio: Decimal | None, places: int, *, not_comparable: str = NOT_COMPARABLE) -> str:
    """Ratio for a sentence: 0.9667 → "96.67%"; a zero base → "-"."""
    text = percent_text(ratio, places)
    return not_comparable if text is None else f"{text}%"
