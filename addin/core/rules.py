"""Scoring rules the clerk edits in 计分规则 (tblRules), and the pure scoring functions.

Rule kinds are data, not code paths for one province:

* 比率 (built in): actual / target × 分值, capped at 分值. Reverse (反向): target / actual,
  full marks when actual ≤ target. A zero target is met by any actual ≥ 0; a reverse
  indicator with actual 0 is within target.
* 区间 (bands): several rows of one name; the row whose [下限, 上限) holds the value gives
  得分比例 × 分值. A blank 下限 is unbounded below, a blank 上限 unbounded above.
* 扣分 (points off): one row; full marks inside [下限, 上限] (either blank), 每点扣分 points off
  per percentage point (0.01) outside, never below 0.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from .findings import Findings
from .model import RuleRow
from .numbers import ONE, ZERO

__all__ = [
    "KIND_BANDS",
    "KIND_DEDUCTION",
    "PERCENTAGE_POINT",
    "Band",
    "BandRule",
    "DeductionRule",
    "Rule",
    "band_score",
    "compile_rules",
    "deduction_score",
    "ratio_score",
]

KIND_BANDS = "区间"
KIND_DEDUCTION = "扣分"
PERCENTAGE_POINT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class Band:
    lower: Decimal | None
    upper: Decimal | None
    ratio: Decimal
    location: str = ""

    def holds(self, value: Decimal) -> bool:
        return (self.lower is None or value >= self.lower) and (self.upper is None or value < self.upper)


@dataclass(frozen=True, slots=True)
class BandRule:
    name: str
    bands: tuple[Band, ...]

    def band_for(self, value: Decimal) -> Band | None:
        for band in self.bands:
            if band.holds(value):
                return band
        return None


@dataclass(frozen=True, slots=True)
class DeductionRule:
    name: str
    lower: Decimal | None
    upper: Decimal | None
    points: Decimal
    location: str = ""


Rule = BandRule | DeductionRule


def ratio_score(weight: Decimal, target: Decimal, actual: Decimal, *, reverse: bool) -> Decimal:
    """比率: actual/target × weight (reverse: target/actual), capped at weight, never negative."""
    if reverse:
        if actual <= target:
            return weight
        # actual > target ≥ 0 here, so the base is positive.
        share = target / actual
    else:
        if actual >= target:
            return weight
        if target <= 0:
            return weight
        share = actual / target
    share = min(max(share, ZERO), ONE)
    return weight * share


def band_score(weight: Decimal, value: Decimal, rule: BandRule) -> Decimal | None:
    """区间: 得分比例 × weight of the band holding the value; None when no band holds it."""
    band = rule.band_for(value)
    return None if band is None else weight * band.ratio


def deduction_score(weight: Decimal, value: Decimal, rule: DeductionRule) -> Decimal:
    """扣分: full marks inside [lower, upper], points off per percentage point outside."""
    if rule.lower is not None and value < rule.lower:
        outside = rule.lower - value
    elif rule.upper is not None and value > rule.upper:
        outside = value - rule.upper
    else:
        return weight
    return max(weight - outside / PERCENTAGE_POINT * rule.points, ZERO)


def _bound(value: Decimal | None) -> str:
    return "不限" if value is None else f"{value.normalize():f}"


def _compile_bands(name: str, rows: Sequence[RuleRow], findings: Findings) -> BandRule:
    bands: list[Band] = []
    for row in rows:
        if row.ratio is None:
            findings.error(
                "rule_missing_ratio",
                f"区间规则“{name}”缺少得分比例：请填写 0 到 1 之间的比例（如 80% 或 0.8）",
                row.where.cell("得分比例"),
            )
            continue
        if not ZERO <= row.ratio <= ONE:
            findings.error(
                "rule_ratio_range",
                f"区间规则“{name}”的得分比例 {row.ratio.normalize():f} 超出 0～100%：请改为 0 到 1 之间的比例",
                row.where.cell("得分比例"),
            )
            continue
        if row.lower is not None and row.upper is not None and row.lower >= row.upper:
            findings.error(
                "rule_band_empty",
                f"区间规则“{name}”的下限 {_bound(row.lower)} 不小于上限 {_bound(row.upper)}：请检查上下限",
                row.where.cell("下限"),
            )
            continue
        bands.append(Band(row.lower, row.upper, row.ratio, row.where.cell("下限")))

    def start(band: Band) -> tuple[int, Decimal]:
        return (0, ZERO) if band.lower is None else (1, band.lower)

    bands.sort(key=start)
    for before, after in itertools.pairwise(bands):
        if before.upper is None or (after.lower is None) or after.lower < before.upper:
            findings.error(
                "rule_band_overlap",
                f"区间规则“{name}”的区间 [{_bound(before.lower)}, {_bound(before.upper)}) 与 "
                f"[{_bound(after.lower)}, {_bound(after.upper)}) 重叠：同一数值只能落在一个区间",
                after.location,
            )
        elif after.lower > before.upper:
            findings.warning(
                "rule_band_gap",
                f"区间规则“{name}”在 {_bound(before.upper)} 与 {_bound(after.lower)} 之间没有区间："
                "落在其中的实际值无法计分",
                after.location,
            )
    return BandRule(name, tuple(bands))


def _compile_deduction(name: str, rows: Sequence[RuleRow], findings: Findings) -> DeductionRule | None:
    row = rows[0]
    for extra in rows[1:]:
        findings.error(
            "rule_deduction_repeated",
            f"扣分规则“{name}”只能有一行：请删除重复行或改用其他规则名称",
            extra.where.cell("规则名称"),
        )
    if row.points is None or row.points < 0:
        findings.error(
            "rule_missing_points",
            f"扣分规则“{name}”缺少每点扣分或为负数：请填写每个百分点扣的分数（如 0.5）",
            row.where.cell("每点扣分"),
        )
        return None
    if row.lower is not None and row.upper is not None and row.lower > row.upper:
        findings.error(
            "rule_band_empty",
            f"扣分规则“{name}”的下限 {_bound(row.lower)} 大于上限 {_bound(row.upper)}：请检查上下限",
            row.where.cell("下限"),
        )
        return None
    return DeductionRule(name, row.lower, row.upper, row.points, row.where.cell("下限"))


def compile_rules(rows: Iterable[RuleRow], findings: Findings) -> dict[str, Rule]:
    """Group tblRules rows by name into rules, reporting contradictions as findings."""
    grouped: dict[str, list[RuleRow]] = {}
    for row in rows:
        grouped.setdefault(row.name, []).append(row)
    rules: dict[str, Rule] = {}
    for name, group in grouped.items():
        kinds = {row.kind for row in group}
        if len(kinds) > 1:
            findings.error(
                "rule_mixed_kinds",
                f"规则“{name}”同时被标为 {'、'.join(sorted(kinds))}：同名的行必须是同一种规则类型",
                group[0].where.cell("规则类型"),
            )
            continue
        if group[0].kind == KIND_BANDS:
            rules[name] = _compile_bands(name, group, findings)
        else:
            deduction = _compile_deduction(name, group, findings)
            if deduction is not None:
                rules[name] = deduction
    return rules
