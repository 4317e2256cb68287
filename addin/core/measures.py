"""Whether an indicator measures a rate (a fraction, 0.9667 for 96.67%) or a count.

It decides what a "point" is in a 扣分 rule (a percentage point, 0.01, on a rate row; 1 on a
count row) and how a target is shown. Evidence, strongest first: a % or 百分比 in the target
or actual as typed; a count unit after a number ("≥60场", "2例"); the name of the indicator or
of the computed figure its 数据来源 names (…率, …度, …占比, …进度 are rates; …数, …次数,
…场次 counts); failing all that, a whole number of 2 or more is a count.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal

from .model import Indicator

__all__ = ["RATE_ENDINGS", "evident_rate", "figure_places", "indicator_is_rate", "is_rate_row", "name_says_count"]

RATE_ENDINGS = ("率", "度", "比", "占比", "比例", "进度")
_COUNT_ENDINGS = ("数", "量", "次", "场", "个", "例", "件", "项", "人", "家", "天", "户", "所", "起", "批")
_PERCENT = ("%", "％", "百分比", "‰")
# A number followed by a unit word that is not a percentage: "≥60场", "105个", "2 例".
_COUNT_UNIT = re.compile(r"\d\s*[\u4e00-\u9fff]+\s*$")


def is_rate_row(
    name: str,
    texts: Iterable[str] = (),
    *,
    source: str = "",
    values: Iterable[Decimal | None] = (),
) -> bool:
    """True for a rate row, False for a count row (see the module docstring for the order)."""
    evident = evident_rate(texts)
    if evident is not None:
        return evident
    for label in (name.strip(), source.strip()):
        if label.endswith(RATE_ENDINGS):
            return True
    if name.strip().endswith(_COUNT_ENDINGS):
        return False
    return not any(v is not None and v >= 2 and v == v.to_integral_value() for v in values)


def evident_rate(texts: Iterable[str]) -> bool | None:
    """What the typed target and actual say by themselves: True with a % (or 百分比), False with
    a count unit ("≥60场"), None when they say neither (the name and numbers then decide)."""
    typed = [t.strip() for t in texts if t and t.strip()]
    if any(mark in t for t in typed for mark in _PERCENT):
        return True
    if any(_COUNT_UNIT.search(t) for t in typed):
        return False
    return None


def indicator_is_rate(ind: Indicator, actual: Decimal | None = None) -> bool:
    """What the reader found (``Indicator.rate``: a percent format, a %, a computed rate, a
    count unit), else the evidence of the row's own words and numbers."""
    if ind.rate is not None:
        return ind.rate
    values = (ind.target, ind.actual if actual is None else actual)
    return is_rate_row(ind.level3, (ind.target_text, ind.actual_text), source=ind.source, values=values)


def name_says_count(name: str) -> bool:
    """An indicator whose name ends as a count does (…场次, …数量, …个数) and not as a rate."""
    label = name.strip()
    return not label.endswith(RATE_ENDINGS) and label.endswith(_COUNT_ENDINGS)


# Decimal places a computed 数据来源 rate is presented with wherever it is shown (DESIGN.md,
# "Computation contract": procurement shares 1 decimal; execution rates and the others 2).
_ONE_PLACE = frozenset({"中小企业合同占比", "小微企业合同占比", "小微企业占中小企业比"})


def figure_places(source: str) -> int:
    """The places of the percentage a computed 数据来源 figure is presented with."""
    return 1 if source in _ONE_PLACE else 2
