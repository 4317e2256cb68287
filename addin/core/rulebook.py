"""Turning the rows of 计分规则 (tblRules) into rules, reporting each contradiction once.

A rule whose rows could not be read or contradict each other is *unusable*: the finding sits
at the bad cell, and the indicators that use the rule get no second, misleading error (their
score is withheld with the rest, since there is an error).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from decimal import Decimal

from .findings import Findings
from .model import RuleRow
from .numbers import ONE, ZERO
from .rules import (
    KIND_BANDS,
    KIND_DEDUCTION,
    KIND_LINEAR,
    KIND_OVERSHOOT,
    TARGET_WORD,
    Band,
    BandRule,
    Bound,
    DeductionRule,
    LinearRule,
    OvershootRule,
    Rule,
)

__all__ = ["compile_rulebook", "compile_rules"]


def _fmt(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _bound(value: Bound, rate: bool = False) -> str:
    """A bound as the clerk reads it: 85% on a rule applied to rates, else the number."""
    if value is None:
        return "不限"
    if isinstance(value, str):
        return value
    return f"{_fmt(value * 100)}%" if rate else _fmt(value)


def _one_row(kind: str, name: str, rows: Sequence[RuleRow], findings: Findings) -> RuleRow:
    for extra in rows[1:]:
        findings.error(
            "rule_deduction_repeated",
            f"{kind}规则“{name}”只能有一行：请删除重复行或改用其他规则名称",
            extra.where.cell("规则名称"),
        )
    return rows[0]


def _no_target_word(kind: str, name: str, row: RuleRow, findings: Findings) -> bool:
    """Only 扣分 bounds may be the word 目标值."""
    if row.lower_is_target or row.upper_is_target:
        findings.error(
            "rule_target_bound",
            f"{kind}规则“{name}”的下限/上限不能写“目标值”（只有扣分规则可以）：请填写数值",
            row.where.cell("下限" if row.lower_is_target else "上限"),
        )
        return False
    return True


def _compile_bands(name: str, rows: Sequence[RuleRow], findings: Findings) -> BandRule:
    bands: list[Band] = []
    for row in rows:
        if not _no_target_word(KIND_BANDS, name, row, findings):
            continue
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
                f"区间规则“{name}”的得分比例 {_fmt(row.ratio)} 超出 0～100%：请改为 0 到 1 之间的比例",
                row.where.cell("得分比例"),
            )
            continue
        if row.lower is not None and row.upper is not None and row.lower >= row.upper:
            findings.error(
                "rule_band_empty",
                f"区间规则“{name}”的下限 {_bound(row.lower, row.rate)} 不小于上限 {_bound(row.upper, row.rate)}："
                "请检查上下限",
                row.where.cell("下限"),
            )
            continue
        bands.append(Band(row.lower, row.upper, row.ratio, row.where.cell("下限")))

    def start(band: Band) -> tuple[int, Decimal]:
        return (0, ZERO) if band.lower is None else (1, band.lower)

    bands.sort(key=start)
    rate = any(row.rate for row in rows)
    for before, after in itertools.pairwise(bands):
        if before.upper is None or (after.lower is None) or after.lower < before.upper:
            findings.error(
                "rule_band_overlap",
                f"区间规则“{name}”的区间 [{_bound(before.lower, rate)}, {_bound(before.upper, rate)}) 与 "
                f"[{_bound(after.lower, rate)}, {_bound(after.upper, rate)}) 重叠：同一数值只能落在一个区间",
                after.location,
            )
        elif after.lower > before.upper:
            findings.warning(
                "rule_band_gap",
                f"区间规则“{name}”在 {_bound(before.upper, rate)} 与 {_bound(after.lower, rate)} 之间没有区间："
                "落在其中的实际值无法计分",
                after.location,
            )
    return BandRule(name, tuple(bands))


def _compile_deduction(name: str, rows: Sequence[RuleRow], findings: Findings) -> DeductionRule | None:
    row = _one_row(KIND_DEDUCTION, name, rows, findings)
    if row.points is None or row.points < 0:
        findings.error(
            "rule_missing_points",
            f"扣分规则“{name}”缺少每点扣分或为负数：请填写每个百分点（计数指标为每个单位）扣的分数（如 0.5）",
            row.where.cell("每点扣分"),
        )
        return None
    if row.step is not None and row.step <= 0:
        findings.error(
            "rule_step",
            f"扣分规则“{name}”的每档 {_fmt(row.step)} 应大于 0：如“每相差3%扣1分”填 3，留空则按每点折算",
            row.where.cell("每档"),
        )
        return None
    lower: Bound = TARGET_WORD if row.lower_is_target else row.lower
    upper: Bound = TARGET_WORD if row.upper_is_target else row.upper
    if row.lower is not None and row.upper is not None and row.lower > row.upper:
        findings.error(
            "rule_band_empty",
            f"扣分规则“{name}”的下限 {_bound(lower)} 大于上限 {_bound(upper)}：请检查上下限",
            row.where.cell("下限"),
        )
        return None
    return DeductionRule(name, lower, upper, row.points, row.where.cell("下限"), row.step)


def _one_value(
    kind: str, name: str, rows: Sequence[RuleRow], findings: Findings, column: str, code: str, advice: str
) -> tuple[RuleRow, Decimal] | None:
    """The one row of a single-row rule and its one required, non-negative number."""
    row = _one_row(kind, name, rows, findings)
    if not _no_target_word(kind, name, row, findings):
        return None
    value = row.upper if column == "上限" else row.ratio
    if value is None or value < 0:
        findings.error(code, f"{kind}规则“{name}”{advice}", row.where.cell(column))
        return None
    return row, value


def _compile_overshoot(name: str, rows: Sequence[RuleRow], findings: Findings) -> OvershootRule | None:
    advice = "的上限应为允许超过目标值的比例（如“超过目标值30%以上不得分”填 30%）：请填写上限"
    got = _one_value(KIND_OVERSHOOT, name, rows, findings, "上限", "rule_overshoot_limit", advice)
    return None if got is None else OvershootRule(name, got[1], got[0].where.cell("上限"))


def _compile_linear(name: str, rows: Sequence[RuleRow], findings: Findings) -> LinearRule | None:
    advice = "的得分比例应为系数 a（得分 =（1 − a × 实际值）× 分值，如 10）：请填写非负数"
    got = _one_value(KIND_LINEAR, name, rows, findings, "得分比例", "rule_linear_slope", advice)
    return None if got is None else LinearRule(name, got[1], got[0].upper, got[0].where.cell("得分比例"))


def compile_rules(rows: Iterable[RuleRow], findings: Findings) -> dict[str, Rule]:
    """Group tblRules rows by name into rules, reporting contradictions as findings."""
    return compile_rulebook(rows, findings)[0]


def compile_rulebook(
    rows: Iterable[RuleRow], findings: Findings, unusable: Iterable[str] = ()
) -> tuple[dict[str, Rule], frozenset[str]]:
    """The rules, and the names of those that are unusable: ``unusable`` (rows the reader
    could not read) and every rule whose compilation reported an error (a band left out, a
    missing 每点扣分, mixed kinds)."""
    broken = set(unusable)
    grouped: dict[str, list[RuleRow]] = {}
    for row in rows:
        grouped.setdefault(row.name, []).append(row)
    rules: dict[str, Rule] = {}
    for name, group in grouped.items():
        errors = len(findings.errors)
        kinds = {row.kind for row in group}
        if len(kinds) > 1:
            findings.error(
                "rule_mixed_kinds",
                f"规则“{name}”同时被标为 {'、'.join(sorted(kinds))}：同名的行必须是同一种规则类型",
                group[0].where.cell("规则类型"),
            )
            broken.add(name)
            continue
        kind = group[0].kind
        rule: Rule | None
        if kind == KIND_BANDS:
            rule = _compile_bands(name, group, findings)
        elif kind == KIND_OVERSHOOT:
            rule = _compile_overshoot(name, group, findings)
        elif kind == KIND_LINEAR:
            rule = _compile_linear(name, group, findings)
        else:
            rule = _compile_deduction(name, group, findings)
        if rule is not None:
            rules[name] = rule
        if len(findings.errors) > errors:
            broken.add(name)
    return rules, frozenset(broken)
