"""目标值 and 实际值 as published 自评表 write them: a number with a comparison and a unit.

"≥60场", "65场", "105个", "≥90分", "≤90万元", "92百分比", "=100%", "96%以上", "控制在100%以内":
the comparison is the target's wording (its bound words, ``bounds``: "以上" reads as ≥; the
scoring direction comes from 指标方向), the number is scored, and the
unit is kept so a target and its actual can be compared (百分比 is the percent sign spelt out).
Amount units (元, 万元, 亿元, schema.AMOUNT_UNITS) are converted to the workbook's 金额单位.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from decimal import Decimal

from ..core.units import UNIT_FACTORS
from .bounds import bound_word, split_bound
from .coerce import clean_text, parse_number_text
from .schema import AMOUNT_UNITS

__all__ = ["PERCENT", "TypedValue", "amount_factor", "bound_marker", "is_amount_unit", "read_value_text"]

PERCENT = "%"
_NUMBER_UNIT = re.compile(r"^([+-]?[\d,]*\.?\d+)\s*(百分比|百分点|[%％]|[^\d\s.,+-][^\d]{0,5})?$")
# Amounts in 元 (core.units): one 万元 is 10,000 元, one 亿元 100,000,000 元.
_IN_YUAN = {**UNIT_FACTORS, "万": UNIT_FACTORS["万元"]}


@dataclass(frozen=True, slots=True)
class TypedValue:
    number: Decimal  # percent already divided by 100
    unit: str  # "" (a bare number), "%", an amount unit, or a word such as 场/个/分
    # "≥", "不低于" … as typed before the number, else "≥"/"≤" of a word after it ("以上"); "" when none
    comparison: str


@functools.lru_cache(maxsize=4096)  # texts repeat across rows and projects; the result is immutable
def read_value_text(text: str) -> TypedValue | None:
    """ "≥60场" → TypedValue(60, "场", "≥"); "96%以上" → TypedValue(0.96, "%", "≥"); None when the
    text is not a number with a unit."""
    bound = split_bound(clean_text(text))
    if bound.contradicts:  # "≥96%以下": which bound the clerk meant is not evident
        return None
    comparison, t = bound.comparison, bound.rest
    plain = parse_number_text(t)
    if plain is not None:
        number, suffix = plain
        if suffix == "%":
            return TypedValue(number / 100, PERCENT, comparison)
        return TypedValue(number, "万元" if suffix == "万" else suffix, comparison)
    m = _NUMBER_UNIT.match(t)
    if m is None:
        return None
    digits, unit = m.group(1), (m.group(2) or "").strip()
    parsed = parse_number_text(digits)
    if parsed is None or parsed[1]:
        return None
    number = parsed[0]
    if unit in ("百分比", "%", "％"):
        return TypedValue(number / 100, PERCENT, comparison)
    if unit == "百分点":
        return TypedValue(number / 100, PERCENT, comparison)
    return TypedValue(number, unit, comparison)


def bound_marker(text: str) -> str | None:
    """The marker that makes ``text`` a bound or an estimate ("＞60" → ">", "60以上" → "以上",
    "约65" → "约"), None for a value stated as such ("65", "65场", "=100%", "达到95%"): the words
    are those a target's bound is read by (``bounds``)."""
    return bound_word(clean_text(text).replace(" ", ""))


def amount_factor(unit: str, amount_unit: str) -> Decimal | None:
    """How many ``amount_unit`` one ``unit`` is worth (万元 in 元: 10000); None for other units."""
    if unit not in _IN_YUAN or amount_unit not in _IN_YUAN:
        return None
    return _IN_YUAN[unit] / _IN_YUAN[amount_unit]


def is_amount_unit(unit: str) -> bool:
    return unit in AMOUNT_UNITS or unit in _IN_YUAN
