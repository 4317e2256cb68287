"""Rates typed as percent points (95 for 95%) in 目标值, 实际值 and rule bounds.

DESIGN.md, "Reading what clerks really type": a rate lives in a cell as a fraction. A row is a
rate row when its 目标值 or 实际值 carries % (or 百分比), one of those cells has a percent number
format, its 数据来源 names a computed rate, or the 区间/扣分 rule it uses is applied to rate rows
(or has a percent-formatted bound). In a rate row and in such a rule, a plain number above 2 is
percent points: it is read ÷100 with a warning naming the cell. From 1 to 2 (105% and 1.05% look
alike) it is points when the row's other fractions are ten times smaller (1.5 beside ≤5% is 1.5%);
exactly 1 is 100% (how Excel stores it) unless they are, and anything else is an error naming the
cell that asks which was meant, unless the cell's percent format shows the clerk 100%–200%. Outside rate
rows, a fraction beside a number a hundred times larger is an error naming the cell: the scale
is not evident, so the clerk is asked which was meant. A count (a unit word such as 场 or 个)
is never a rate.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal

from ..core.evaluation import FIGURE_SOURCES
from ..core.findings import Findings
from ..core.measures import name_says_count
from ..core.model import Indicator, RowRef, RuleRow
from ..core.rules import KIND_OVERSHOOT
from ..core.scoring import METHOD_NOT_APPLICABLE, METHOD_QUALITATIVE
from .values import PERCENT

__all__ = ["RATE_SOURCES", "read_percent_points"]

RATE_SOURCES = frozenset(s for s in FIGURE_SOURCES if s != "政府采购支出总额")
_ONE, _TWO, _TEN, _HUNDRED = Decimal(1), Decimal(2), Decimal(10), Decimal(100)
Cells = frozenset[tuple[str, int, int]]  # (sheet, 1-based row, 0-based column)


def _fmt(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _formatted(ref: RowRef, column: str, cells: Cells) -> bool:
    col = ref.table.columns.get(column)
    return col is not None and (ref.table.sheet, ref.row, col) in cells


POINTS, FRACTION, AMBIGUOUS = "points", "fraction", "ambiguous"


def _scale(value: Decimal, refs: Sequence[Decimal], *, shown_as_percent: bool = False) -> str:
    """How a plain number in a rate row or rule reads: percent points, a fraction, or neither
    evident (1.2: 120% or 1.2%?). ``refs`` are the row's (or rule's) other known fractions;
    ``shown_as_percent``: the cell's percent format shows the clerk the fraction (1.5 as 150%)."""
    if value > _TWO:
        return POINTS
    if value < _ONE or shown_as_percent:
        return FRACTION
    if refs and value > _TEN * max(refs):
        # 1.5 beside ≤5% is 1.5%; but 1 is also how Excel stores 100% (a target of 100% beside
        # an actual of 5% is as likely as an actual of 1% beside ≤5%): asked.
        return POINTS if value > _ONE else AMBIGUOUS
    return FRACTION if value == _ONE else AMBIGUOUS


def _read(
    findings: Findings, where: str, column: str, text: str, value: Decimal, refs: Sequence[Decimal], shown: bool
) -> Decimal | None:
    """The fraction a plain number in a rate row or rule stands for; None when that is not
    evident (an error names the cell and asks which was meant)."""
    how = _scale(value, refs, shown_as_percent=shown)
    if how == POINTS:
        return _read_as(findings, where, column, text, value)
    if how == AMBIGUOUS:
        findings.error(
            "input_percent_ambiguous",
            f"{column}“{text}”在比率行中无法判断是 {_fmt(value * _HUNDRED)}% 还是 {_fmt(value)}%："
            f"请填写 {_fmt(value * _HUNDRED)}% 或 {_fmt(value)}%",
            where,
        )
        return None
    return value


def _read_as(findings: Findings, where: str, column: str, text: str, value: Decimal) -> Decimal:
    fraction = value / _HUNDRED
    findings.interpretation(
        "input_percent_points",
        f"{column}“{text}”是比率，按百分点读取为 {_fmt(value)}%：比率请填写 {_fmt(value)}% 或 {_fmt(fraction)}",
        where,
        text,
        f"{_fmt(value)}%",
    )
    return fraction


def _rules(
    rules: Sequence[RuleRow], rate_rules: set[str], cells: Cells, findings: Findings
) -> tuple[list[RuleRow], dict[str, list[Decimal]]]:
    out: list[RuleRow] = []
    bounds: dict[str, list[Decimal]] = {}
    grouped: dict[str, list[RuleRow]] = {}
    for rule in rules:
        grouped.setdefault(rule.name, []).append(rule)
    for rule in rules:
        lower, upper = rule.lower, rule.upper
        # A 超额 rule's 上限 is always a share of the target (30 typed for 30%), whatever the row.
        if rule.name in rate_rules or rule.kind == KIND_OVERSHOOT:
            fractions = [v for r in grouped[rule.name] for v in (r.lower, r.upper) if v is not None and _ONE >= v > 0]
            if lower is not None and lower > 0:
                shown = _formatted(rule.where, "下限", cells)
                lower = _read(findings, rule.where.cell("下限"), "下限", _fmt(lower), lower, fractions, shown) or lower
            if upper is not None and upper > 0:
                shown = _formatted(rule.where, "上限", cells)
                upper = _read(findings, rule.where.cell("上限"), "上限", _fmt(upper), upper, fractions, shown) or upper
        converted = dataclasses.replace(rule, lower=lower, upper=upper, rate=rule.name in rate_rules)
        out.append(converted)
        bounds.setdefault(rule.name, []).extend(v for v in (lower, upper) if v is not None and v > 0)
    return out, bounds


def read_percent_points(
    indicators: Sequence[Indicator],
    units: Mapping[tuple[str, int], tuple[str, str]],
    rules: Sequence[RuleRow],
    percent_cells: Cells,
    findings: Findings,
) -> tuple[list[Indicator], list[RuleRow], frozenset[str]]:
    """Indicators and rules with percent points read as fractions; a finding for each; and
    the rules used by both rate and count rows (an error each: unusable).

    ``units`` maps an indicator's (sheet, row) to the units its 目标值 and 实际值 were typed with
    ("%" for a percentage, "" for a bare number, a word for a count); ``percent_cells`` holds
    the (sheet, row, col) of cells with a percent number format.
    """
    rule_names = {rule.name for rule in rules}
    scored = [ind for ind in indicators if ind.method not in (METHOD_QUALITATIVE, METHOD_NOT_APPLICABLE)]

    def unit_of(ind: Indicator) -> tuple[str, str]:
        return units.get((ind.where.table.sheet, ind.where.row), ("", ""))

    def counted(ind: Indicator) -> bool:
        return any(u not in ("", PERCENT) for u in unit_of(ind))

    def direct(ind: Indicator) -> bool:
        return (
            PERCENT in unit_of(ind)
            or _formatted(ind.where, "目标值", percent_cells)
            or _formatted(ind.where, "实际值", percent_cells)
            or ind.source in RATE_SOURCES
        )

    rate_rules = {ind.method for ind in scored if ind.method in rule_names and direct(ind) and not counted(ind)}
    rate_rules |= {
        rule.name
        for rule in rules
        if _formatted(rule.where, "下限", percent_cells) or _formatted(rule.where, "上限", percent_cells)
    }
    mixed = _mixed_rules(scored, rules, rate_rules, direct, counted, findings)
    rate_rules -= mixed
    new_rules, bounds = _rules(rules, rate_rules, percent_cells, findings)

    out: list[Indicator] = []
    for ind in indicators:
        if ind.method in mixed and not direct(ind):
            out.append(ind)  # the rule is unusable (an error names it): read nothing into the row
            continue
        # (by method, not `ind in scored`: a list search per row is quadratic over the projects)
        is_scored = ind.method not in (METHOD_QUALITATIVE, METHOD_NOT_APPLICABLE)
        if not is_scored or counted(ind):
            # What the reader saw is kept on the row: a point of a 扣分 rule is 1 on a count row.
            out.append(dataclasses.replace(ind, rate=False) if is_scored else ind)
            continue
        t_unit, a_unit = unit_of(ind)
        rule_bounds = bounds.get(ind.method, [])
        if direct(ind) or ind.method in rate_rules:
            row = _rate_row(ind, t_unit, a_unit, rule_bounds, percent_cells, findings)
            out.append(dataclasses.replace(row, rate=True))
        else:
            _check_scale(ind, rule_bounds, new_rules, findings)
            out.append(ind)
    return out, new_rules, frozenset(mixed)


def _mixed_rules(
    scored: Sequence[Indicator],
    rules: Sequence[RuleRow],
    rate_rules: set[str],
    direct: Callable[[Indicator], bool],
    counted: Callable[[Indicator], bool],
    findings: Findings,
) -> set[str]:
    """Rules used by a rate row and by a count row: a point is 0.01 on the one and 1 on the
    other, so the same bounds cannot serve both. An error at the rule, naming both rows."""
    first_row: dict[str, RuleRow] = {}
    for rule in rules:
        first_row.setdefault(rule.name, rule)
    mixed: set[str] = set()
    for name in sorted(rate_rules):
        if name not in first_row:
            continue
        users = [ind for ind in scored if ind.method == name]
        count = next((ind for ind in users if counted(ind) or name_says_count(ind.level3)), None)
        if count is None:
            continue
        rate = next((ind for ind in users if direct(ind) and not counted(ind)), None)
        with_rate = (
            f"比率指标“{rate.level3}”（{rate.where.cell('计分方法')}）" if rate is not None else "百分比格式的上下限"
        )
        findings.error(
            "rule_rate_and_count",
            f"规则“{name}”同时用于{with_rate}和计数指标“{count.level3}”（{count.where.cell('计分方法')}）："
            "比率的一个点是 1%，计数的一个点是 1，同一组上下限不能同时适用：请为计数指标另建一条规则",
            first_row[name].where.cell("规则名称"),
        )
        mixed.add(name)
    return mixed


def _rate_row(
    ind: Indicator, t_unit: str, a_unit: str, rule_bounds: Sequence[Decimal], cells: Cells, findings: Findings
) -> Indicator:
    def known_fraction(value: Decimal | None, unit: str, column: str) -> list[Decimal]:
        if value is None or value <= 0:
            return []
        if unit == PERCENT or (_formatted(ind.where, column, cells) and value <= _TWO):
            return [value]
        return [value] if value <= _ONE else []

    target, target_text = ind.target, ind.target_text
    actual, actual_text = ind.actual, ind.actual_text
    fractions = [b for b in rule_bounds if b <= _ONE]
    if target is not None and t_unit == "" and target > 0:
        refs = fractions + known_fraction(actual, a_unit, "实际值")
        shown = _formatted(ind.where, "目标值", cells)
        read = _read(findings, ind.where.cell("目标值"), "目标值", target_text, target, refs, shown)
        if read is not None and read != target:
            target, target_text = read, f"{target_text}%"
    if actual is not None and a_unit == "" and actual > 0:
        refs = fractions + known_fraction(target, PERCENT if target != ind.target else t_unit, "目标值")
        shown = _formatted(ind.where, "实际值", cells)
        read = _read(findings, ind.where.cell("实际值"), "实际值", actual_text, actual, refs, shown)
        if read is not None and read != actual:
            actual, actual_text = read, f"{actual_text}%"
    if target is ind.target and actual is ind.actual:
        return ind
    return dataclasses.replace(ind, target=target, target_text=target_text, actual=actual, actual_text=actual_text)


def _check_scale(ind: Indicator, rule_bounds: Sequence[Decimal], rules: Sequence[RuleRow], findings: Findings) -> None:
    """Outside rate rows: a fraction beside a number ~100 times larger is ambiguous."""
    cells: list[tuple[Decimal, str, str]] = []
    if ind.target is not None and ind.target > 0:
        cells.append((ind.target, ind.where.cell("目标值"), "目标值"))
    if ind.actual is not None and ind.actual > 0:
        cells.append((ind.actual, ind.where.cell("实际值"), "实际值"))
    for rule in rules:
        # A 超额 rule's 上限 is a share of the target, not a value on the indicator's scale.
        if rule.name == ind.method and rule.kind != KIND_OVERSHOOT:
            for value, column in ((rule.lower, "下限"), (rule.upper, "上限")):
                if value is not None and value > 0:
                    cells.append((value, rule.where.cell(column), f"规则“{rule.name}”的{column}"))
    small = [c for c in cells if c[0] <= _TWO]
    for value, where, label in cells:
        if value < _ONE:
            continue
        # 92 beside 1, and 1.5 (or 1) beside 0.05: 1.5% or 150%?
        near = [s for s in small if s[1] != where and value >= _TEN * s[0]]
        if near:
            other = near[0]
            findings.error(
                "input_percent_ambiguous",
                f"指标“{ind.level3}”的{label} {_fmt(value)} 与{other[2]} {_fmt(other[0])}"
                f"（{other[1]}）量级相差十倍以上："
                f"若为比率请填写 {_fmt(value)}%（即 {_fmt(value / _HUNDRED)}）；"
                f"若为数量请在数值后加单位（如“{_fmt(value)}个”）",
                where,
            )
            return
