"""Scoring rules the clerk edits in 计分规则 (tblRules), and the pure scoring functions.

Rule kinds are data, not code paths for one province (the shapes published rules take):

* 比率 (built in): actual / target × 分值, capped at 分值. Reverse (反向): target / actual,
  full marks when actual ≤ target. A zero target is met by any actual ≥ 0; a reverse
  indicator with actual 0 is within target.
* 区间 (bands): several rows of one name; the row whose [下限, 上限) holds the value gives
  得分比例 × 分值. A blank 下限 is unbounded below, a blank 上限 unbounded above.
* 扣分 (points off): one row; full marks inside [下限, 上限] (either blank, either the word
  目标值), 每点扣分 points off per point outside, never below 0. A point is a percentage point
  (0.01) on a rate row and 1 on a count row. With 每档 k, points come off per full k points
  ("每相差3%扣1分": 每档 3, 每点扣分 1); with 每档 blank, pro rata per point. 下限 = 上限 = 0 on a
  count row is an occurrence deduction ("每发现一例扣1分").
* 超额 (overshoot): one row; 上限 is the allowed overshoot as a fraction of 目标值 (0.3): 0 when
  the actual exceeds 目标值 × (1 + 上限) ("超过目标值30%以上不得分"), otherwise as 比率.
* 线性 (linear): one row; max(0, 1 − 得分比例 × actual) × 分值, and 0 above 上限
  ("(1−10×调剂率)×分值，调剂率>10%不得分": 得分比例 10, 上限 10%).

``apply_rule`` scores one case by any rule and says, in Chinese, what it could not do; the
department's indicators and the project self-evaluation sheets use it alike. Turning the rows
of tblRules into rules (and reporting their contradictions) is ``rulebook.compile_rules``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal
from typing import Literal

from .numbers import ONE, ZERO

__all__ = [
    "COUNT_POINT",
    "KIND_BANDS",
    "KIND_DEDUCTION",
    "KIND_LINEAR",
    "KIND_OVERSHOOT",
    "PERCENTAGE_POINT",
    "RULE_KINDS",
    "TARGET_WORD",
    "Band",
    "BandRule",
    "Case",
    "DeductionRule",
    "LinearRule",
    "Outcome",
    "OvershootRule",
    "Rule",
    "apply_rule",
    "band_score",
    "deduction_score",
    "linear_score",
    "meets_target",
    "overshoot_score",
    "ratio_score",
]

KIND_BANDS = "区间"
KIND_DEDUCTION = "扣分"
KIND_OVERSHOOT = "超额"
KIND_LINEAR = "线性"
RULE_KINDS = (KIND_BANDS, KIND_DEDUCTION, KIND_OVERSHOOT, KIND_LINEAR)
PERCENTAGE_POINT = Decimal("0.01")
COUNT_POINT = ONE
TARGET_WORD: Literal["目标值"] = "目标值"  # a 扣分 bound that is the indicator's own target

Bound = Decimal | Literal["目标值"] | None


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
    lower: Bound
    upper: Bound
    points: Decimal
    location: str = ""
    step: Decimal | None = None  # 每档; None: pro rata per point


@dataclass(frozen=True, slots=True)
class OvershootRule:
    name: str
    allowance: Decimal  # allowed overshoot as a fraction of the target (0.3 for 30%)
    location: str = ""


@dataclass(frozen=True, slots=True)
class LinearRule:
    name: str
    slope: Decimal  # a in max(0, 1 − a × actual)
    cutoff: Decimal | None  # 0 above it
    location: str = ""


Rule = BandRule | DeductionRule | OvershootRule | LinearRule


@dataclass(frozen=True, slots=True)
class Case:
    """One indicator to score: 分值, the actual, the target (may be None), its direction and
    whether it is a rate (a point is 0.01) or a count (a point is 1)."""

    weight: Decimal
    actual: Decimal
    target: Decimal | None = None
    reverse: bool = False
    rate: bool = True

    @property
    def point(self) -> Decimal:
        return PERCENTAGE_POINT if self.rate else COUNT_POINT


@dataclass(frozen=True, slots=True)
class Outcome:
    """A score on 分值 and how it came about; or ``score`` None with ``problem`` (what the clerk
    must fix, in Chinese) and the column it is about."""

    score: Decimal | None
    basis: str = ""
    problem: str = ""
    column: str = "实际值"
    code: str = "score_rule"


def _fmt(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _shown(value: Decimal, rate: bool) -> str:
    """A value as the clerk reads it: 88% on a rate row, 60 on a count row."""
    return f"{_fmt(value * 100)}%" if rate else _fmt(value)


def meets_target(target: Decimal, actual: Decimal, *, reverse: bool) -> bool:
    """Whether the actual reaches the target: ≥ target, or ≤ target for a 反向 indicator
    (92% against ≤100% meets it)."""
    return actual <= target if reverse else actual >= target


def ratio_score(weight: Decimal, target: Decimal, actual: Decimal, *, reverse: bool) -> Decimal:
    """比率: actual/target × weight (reverse: target/actual), capped at weight, never negative."""
    if meets_target(target, actual, reverse=reverse):
        return weight
    if reverse:
        # actual > target ≥ 0 here, so the base is positive.
        share = target / actual
    else:
        if target <= 0:
            return weight
        share = actual / target
    share = min(max(share, ZERO), ONE)
    return weight * share


def band_score(weight: Decimal, value: Decimal, rule: BandRule) -> Decimal | None:
    """区间: 得分比例 × weight of the band holding the value; None when no band holds it."""
    band = rule.band_for(value)
    return None if band is None else weight * band.ratio


def _resolve(bound: Bound, target: Decimal | None) -> Decimal | None:
    return target if isinstance(bound, str) else bound


def deduction_score(
    weight: Decimal,
    value: Decimal,
    rule: DeductionRule,
    *,
    target: Decimal | None = None,
    point: Decimal = PERCENTAGE_POINT,
) -> Decimal:
    """扣分: full marks inside [lower, upper], 每点扣分 per point (or per full 每档 points)
    outside, never below 0. A 目标值 bound takes ``target``."""
    return weight - _deduction(weight, value, rule, target, point)


def _deduction(weight: Decimal, value: Decimal, rule: DeductionRule, target: Decimal | None, point: Decimal) -> Decimal:
    lower, upper = _resolve(rule.lower, target), _resolve(rule.upper, target)
    if lower is not None and value < lower:
        outside = lower - value
    elif upper is not None and value > upper:
        outside = value - upper
    else:
        return ZERO
    units = outside / point
    if rule.step is not None:
        units = (units / rule.step).to_integral_value(rounding=ROUND_FLOOR)
    return min(units * rule.points, weight)


def overshoot_score(
    weight: Decimal, target: Decimal, actual: Decimal, rule: OvershootRule, *, reverse: bool
) -> Decimal:
    """超额: 0 above 目标值 × (1 + allowance), otherwise 比率."""
    if actual > target * (ONE + rule.allowance):
        return ZERO
    return ratio_score(weight, target, actual, reverse=reverse)


def linear_score(weight: Decimal, actual: Decimal, rule: LinearRule) -> Decimal:
    """线性: max(0, 1 − a × actual) × weight (never above weight), 0 above the cut-off."""
    if rule.cutoff is not None and actual > rule.cutoff:
        return ZERO
    return weight * min(max(ONE - rule.slope * actual, ZERO), ONE)


def apply_rule(rule: Rule, case: Case) -> Outcome:
    """Score ``case`` by ``rule``; the basis says how, the problem what is missing."""
    if isinstance(rule, BandRule):
        band = rule.band_for(case.actual)
        if band is None:
            return Outcome(
                None,
                problem=f"实际值 {_shown(case.actual, case.rate)} 不在规则“{rule.name}”的任何区间内：请补全区间",
                code="score_no_band",
            )
        return Outcome(case.weight * band.ratio, f"区间规则“{rule.name}”，得分比例 {_fmt(band.ratio * 100)}%")
    if isinstance(rule, LinearRule):
        score = linear_score(case.weight, case.actual, rule)
        over = rule.cutoff is not None and case.actual > rule.cutoff
        return Outcome(score, f"线性规则“{rule.name}”" + ("，超过上限不得分" if over else ""))
    if case.target is None and (isinstance(rule, OvershootRule) or TARGET_WORD in (rule.lower, rule.upper)):
        return Outcome(
            None, problem=f"规则“{rule.name}”以目标值为准，但目标值为空或不是数字：请填写目标值", column="目标值"
        )
    if isinstance(rule, OvershootRule):
        assert case.target is not None
        if case.target < 0 or case.actual < 0:
            return Outcome(None, problem="目标值或实际值为负数，不能按超额规则计分：请检查数值", column="目标值")
        score = overshoot_score(case.weight, case.target, case.actual, rule, reverse=case.reverse)
        if score == 0 and case.actual > case.target * (ONE + rule.allowance):
            return Outcome(score, f"超额规则“{rule.name}”：超过目标值 {_fmt(rule.allowance * 100)}% 以上，不得分")
        return Outcome(score, f"超额规则“{rule.name}”，按比率计分")
    off = _deduction(case.weight, case.actual, rule, case.target, case.point)
    basis = f"扣分规则“{rule.name}”" + (f"，扣 {_fmt(off)} 分" if off else "")
    return Outcome(case.weight - off, basis)
