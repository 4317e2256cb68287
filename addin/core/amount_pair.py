"""Two amounts a message compares, and their difference, shown so that they visibly differ.

A check that says "各单位全年预算数之和 0.59 亿元与合计行 0.59 亿元不一致（相差 0.00）" cannot be acted
on: amounts in 亿元 differ in the 4th decimal (1 万元), 万元 amounts in the 3rd (a typed 0.004).
Every message that sets two amounts side by side (the budget, procurement and project checks)
shows them through ``amount_pair``: both with the same decimals, at least 2 and as many as the
amounts have (0.5925 and 0.5900), and the difference with them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .numbers import decimal_places, round_half_up
from .units import with_unit

__all__ = ["AmountPair", "amount_pair"]

_MIN_PLACES = 2  # to the cent (元), 100 元 (万元), 100 万元 (亿元), as reports print amounts
# Amounts are typed (and summed) with a few decimals; one with more (a formula's result) is
# shown to the first decimal where the two differ, not to its last.
_EXACT_PLACES = 6
# Amounts that agree to this many decimals are shown so (a 1E-300 typed beside 0 differs
# below any unit a report could name).
_MAX_PLACES = 12


@dataclass(frozen=True, slots=True)
class AmountPair:
    """Two amounts and their difference as a message shows them, each with its unit
    ("0.5925 亿元", "0.5926 亿元", "0.0001 亿元")."""

    first: str
    second: str
    difference: str


def _text(value: Decimal, places: int, unit: str) -> str:
    return with_unit(f"{round_half_up(value, places):,.{places}f}", unit)


def amount_pair(first: Decimal, second: Decimal, unit: str = "") -> AmountPair:
    """``first`` and ``second`` (amounts in ``unit``, 元/万元/亿元 or "" when unknown) with the
    same decimals: at least 2, all they have when that is at most 6 (0.5925 against 0.59 reads
    0.5925 and 0.5900), else as many as it takes for them to read differently; and
    ``|first − second|`` with as many as it takes to read more than zero. Equal amounts read
    equal."""
    exact = max(decimal_places(first), decimal_places(second))
    places = max(_MIN_PLACES, exact) if exact <= _EXACT_PLACES else _MIN_PLACES
    while places < min(exact, _MAX_PLACES) and round_half_up(first, places) == round_half_up(second, places):
        places += 1
    difference = abs(first - second)
    diff_places = places
    while diff_places < min(decimal_places(difference), _MAX_PLACES) and round_half_up(difference, diff_places) == 0:
        diff_places += 1
    return AmountPair(_text(first, places, unit), _text(second, places, unit), _text(difference, diff_places, unit))
