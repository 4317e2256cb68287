"""Reading 绩效指标 (tblIndicators) and 计分规则 (tblRules) as published 自评表 write them.

一级指标/二级指标 merged over several rows are filled down (one warning per merged range);
目标值/实际值 may carry a comparison and a unit ("≥60场", "92百分比", "≤90万元"); a phrase
where 比率 needs a number is an error that suggests 定性. Percent points are read afterwards,
over the whole table and its rules (``percent.read_percent_points``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..core.findings import Findings
from ..core.model import Indicator, RuleRow, column_letter
from ..core.scoring import (
    DIRECTION_FORWARD,
    DIRECTION_REVERSE,
    METHOD_COEFFICIENT,
    METHOD_NOT_APPLICABLE,
    METHOD_QUALITATIVE,
)
from . import schema
from .bounds import AT_LEAST, AT_MOST, split_bound
from .coerce import Coercer, clean_text
from .percent import RATE_SOURCES, read_percent_points
from .rows import Cells, ContractTable, is_blank
from .values import amount_factor, bound_marker, read_value_text

__all__ = [
    "DEPARTMENT_COLUMNS",
    "PROJECT_COLUMNS",
    "IndicatorColumns",
    "Units",
    "fill_merged",
    "read_indicator",
    "read_indicators",
    "read_rules",
    "read_scoring",
]

_FILLED = ("一级指标", "二级指标")
# (sheet, row) of an indicator → the units its target and actual were typed with
Units = dict[tuple[str, int], tuple[str, str]]


@dataclass(frozen=True, slots=True)
class IndicatorColumns:
    """The columns of an indicator row: the department's 绩效指标 and the projects' 项目指标 name
    the same fields differently (目标值 / 年度指标值, …); the projects have no 数据来源."""

    target: str = "目标值"
    actual: str = "实际值"
    reason: str = "偏差原因"
    source: str | None = "数据来源"


DEPARTMENT_COLUMNS = IndicatorColumns()
PROJECT_COLUMNS = IndicatorColumns("年度指标值", "实际完成值", "偏差原因分析及改进措施", None)


def fill_merged(table: ContractTable, filled: Sequence[str] = _FILLED) -> None:
    """Fill the ``filled`` columns (一级指标/二级指标 by default; 项目名称 in the project tables)
    down their merged ranges, one warning per range."""
    raw = table.raw
    columns = {table.index[n]: n for n in filled if n in table.index}
    if not columns or not any(is_blank(row[i]) for row in raw.rows for i in columns if i < len(row)):
        return
    rows: list[Sequence[Any]] = list(raw.rows)
    for r1, c1, r2, c2 in raw.facts.merged_ranges():
        i = c1 - raw.first_col
        if c1 != c2 or r2 <= r1 or i not in columns:
            continue
        top = r1 - raw.first_row
        if not 0 <= top < len(rows) or i >= len(rows[top]) or is_blank(rows[top][i]):
            continue
        value = rows[top][i]
        for k in range(top + 1, min(r2 - raw.first_row + 1, len(rows))):
            row = list(rows[k])
            if i < len(row) and is_blank(row[i]):
                row[i] = value
                rows[k] = row
        letter = column_letter(c1)
        where = f"{raw.sheet}!{letter}{r1}:{letter}{r2}"
        table.findings.interpretation(
            "input_merged_filled",
            f"{columns[i]}合并单元格 {letter}{r1}:{letter}{r2} 已按“{value}”填入每一行",
            where,
            f"合并单元格 {letter}{r1}:{letter}{r2}",
            str(value),
        )
    raw.rows = rows


def _value(cells: Cells, name: str, amount_unit: str) -> tuple[Decimal | None, str, str]:
    """(number, text as typed, unit) of 目标值/实际值; the unit is "%" for a percentage."""
    number, text = cells.value(name)
    raw = cells.raw(name)
    if not isinstance(raw, str) or not text:
        return number, text, ""
    typed = read_value_text(text)
    if typed is None:
        return number, text, ""
    unit = typed.unit
    factor = amount_factor(unit, amount_unit) if unit else None
    if factor is not None:
        value = typed.number * factor
        if factor != 1:
            cells.coercer.findings.interpretation(
                "input_unit_converted",
                f"{name}“{text}”的单位与金额单位（{amount_unit}）不同，已换算为 {value.normalize():f} {amount_unit}",
                cells.where(name),
                text,
                f"{value.normalize():f} {amount_unit}",
            )
        return value, text.replace("百分比", "%"), amount_unit
    return typed.number, text.replace("百分比", "%"), unit


def read_indicator(
    cells: Cells, amount_unit: str, columns: IndicatorColumns = DEPARTMENT_COLUMNS
) -> tuple[Indicator, tuple[str, str]] | None:
    """One indicator row and the units of its target and actual ("%" for percent); None when
    the row cannot be used (each reason is a finding)."""
    findings = cells.coercer.findings
    level1 = cells.text("一级指标")
    level2 = cells.text("二级指标")
    level3 = cells.text("三级指标")
    weight = cells.number("分值")
    if weight is not None and weight < 0:
        findings.error("input_negative", "分值不能为负数：请填写该指标的分值", cells.where("分值"))
        cells.ok = False
    direction = cells.choice("指标方向")
    target, target_text, t_unit = _value(cells, columns.target, amount_unit)
    actual, actual_text, a_unit = _value(cells, columns.actual, amount_unit)
    source = clean_text(cells.text(columns.source)) if columns.source else ""
    method = clean_text(cells.text("计分方法")).replace(" ", "")
    coefficient = cells.number("得分系数")
    manual = cells.number("自评得分")
    reason = cells.text(columns.reason)
    quantitative = method not in (METHOD_QUALITATIVE, METHOD_NOT_APPLICABLE, "")
    if quantitative and t_unit and a_unit and t_unit != a_unit:
        findings.error(
            "input_unit_mismatch",
            f"指标“{level3}”的{columns.target}“{target_text}”（{cells.where(columns.target)}）与{columns.actual}"
            f"“{actual_text}”（{cells.where(columns.actual)}）单位不同：请统一单位",
            cells.where(columns.actual),
        )
        cells.ok = False
    if quantitative and target_text and split_bound(clean_text(target_text)).contradicts:
        findings.error(
            "input_target_bounds_contradict",
            f"指标“{level3}”的{columns.target}“{target_text}”前后的界限词方向相反，无法确定是下限还是上限："
            f"请只保留一个（如“≥96%”或“96%以上”表示不低于，“≤100%”或“100%以内”表示不超过）",
            cells.where(columns.target),
        )
        cells.ok = False
    elif quantitative and not _direction_agrees(cells, level3, direction, target_text, columns.target):
        cells.ok = False
    if columns.source and not source and actual is None and quantitative:
        merged = cells.merged_range(columns.source)
        if merged is not None:
            findings.error(
                "input_merged_source",
                f"指标“{level3}”的{columns.actual}为空，数据来源单元格 {cells.where(columns.source)} 处于合并单元格"
                f" {merged} 中（内容只属于第一行）：请取消合并，在每一行填写数据来源，或填写{columns.actual}",
                cells.where(columns.source),
            )
            cells.ok = False
    computed = source in RATE_SOURCES or source == "政府采购支出总额"
    numeric = quantitative and method != METHOD_COEFFICIENT and not computed
    marker = bound_marker(actual_text) if numeric and isinstance(cells.raw(columns.actual), str) else None
    if marker is not None:
        # ">60" or "60以上" says the actual lies somewhere past 60: scoring it as 60 would print a
        # figure the clerk never stated (as "约65" would).
        findings.error(
            "input_actual_bound",
            f"指标“{level3}”的{columns.actual}“{actual_text}”带有“{marker}”，是一个范围或约数，不是确数："
            f"{columns.actual}应填写实际完成的确数（如 65 或 65场），“≥60”这类界限只用于{columns.target}",
            cells.where(columns.actual),
        )
        cells.ok = False
    elif computed and actual is not None and isinstance(cells.raw(columns.actual), str) and bound_marker(actual_text):
        # The figure named in 数据来源 replaces the typed actual; where it cannot be computed the
        # typed one would stand, and a bound is no figure: the core then says the actual is missing.
        actual = None
    # 得分系数 × 分值 needs no numeric actual: a qualitative row may be scored by its coefficient.
    elif numeric and actual is None and actual_text:
        findings.error(
            "input_phrase_actual",
            f"指标“{level3}”按“{method}”计分需要数值，{columns.actual}却是文字“{actual_text}”："
            "若为定性评价，请将计分方法改为“定性”并填写自评得分；否则请填写数值",
            cells.where(columns.actual),
        )
        cells.ok = False
    if not cells.ok or weight is None:
        return None
    indicator = Indicator(
        level1,
        level2,
        level3,
        weight,
        direction,
        target,
        target_text,
        actual,
        actual_text,
        source,
        method,
        manual,
        reason,
        cells.ref,
        coefficient,
    )
    return indicator, (t_unit, a_unit)


def read_indicators(table: ContractTable, coercer: Coercer, amount_unit: str) -> tuple[list[Indicator], Units]:
    """The indicators, and per (sheet, row) the units of 目标值 and 实际值 ("%" for percent)."""
    fill_merged(table)
    indicators: list[Indicator] = []
    units: Units = {}
    for r, row in table.rows():
        read = read_indicator(table.cells(r, row, coercer), amount_unit)
        if read is not None:
            indicators.append(read[0])
            units[(table.raw.sheet, r)] = read[1]
    return indicators, units


def _direction_agrees(cells: Cells, level3: str, direction: str, target_text: str, target: str) -> bool:
    """指标方向 against the comparison its 目标值 carries: 正向 with "≤5天" or 反向 with "≥95%"
    contradict each other, and which one the clerk meant decides the score: an error naming both."""
    typed = read_value_text(target_text) if target_text else None
    if typed is None or not typed.comparison:
        return True
    sign = split_bound(clean_text(target_text)).sense
    if direction == DIRECTION_FORWARD and sign == AT_MOST:
        meant, other = "上限（越小越好）", DIRECTION_REVERSE
    elif direction == DIRECTION_REVERSE and sign == AT_LEAST:
        meant, other = "下限（越大越好）", DIRECTION_FORWARD
    else:
        return True
    cells.coercer.findings.error(
        "input_direction_contradicts_target",
        f"指标“{level3}”的指标方向为“{direction}”（{cells.where('指标方向')}），但{target}“{target_text}”"
        f"（{cells.where(target)}）是{meant}：请把指标方向改为“{other}”，或改正{target}的符号",
        cells.where("指标方向"),
    )
    return False


def read_rules(table: ContractTable, coercer: Coercer) -> tuple[list[RuleRow], set[str]]:
    """The rule rows, and the names of rules with a row that could not be read (unusable:
    the error is at the bad cell, the indicators using the rule get no second one)."""
    rules: list[RuleRow] = []
    unusable: set[str] = set()
    for r, row in table.rows():
        cells = table.cells(r, row, coercer)
        name = clean_text(cells.text("规则名称")).replace(" ", "")
        kind = cells.choice("规则类型")
        lower_is_target = _is_target_word(cells.raw("下限"))
        upper_is_target = _is_target_word(cells.raw("上限"))
        lower = None if lower_is_target else cells.number("下限")
        upper = None if upper_is_target else cells.number("上限")
        ratio = cells.number("得分比例")
        points = cells.number("每点扣分")
        step = cells.number("每档")
        if not cells.ok:
            if name:
                unusable.add(name)
            continue
        if name in schema.BUILT_IN_METHODS:
            coercer.findings.error(
                "rule_reserved_name",
                f"规则名称“{name}”与内置计分方法重名：请换一个名称",
                cells.where("规则名称"),
            )
            continue
        rules.append(
            RuleRow(name, kind, lower, upper, ratio, points, cells.ref, step, lower_is_target, upper_is_target)
        )
    return rules, unusable


def _is_target_word(value: Any) -> bool:
    """A 扣分 bound typed as the word 目标值 (the indicator's own target)."""
    return isinstance(value, str) and clean_text(value).replace(" ", "") == schema.TARGET_WORD


def read_scoring(
    indicator_table: ContractTable,
    rule_table: ContractTable,
    coercer: Coercer,
    amount_unit: str,
    others: Sequence[tuple[ContractTable, Sequence[Indicator], Units]] = (),
) -> tuple[list[Indicator], list[RuleRow], list[list[Indicator]], frozenset[str]]:
    """Indicators and rules, with percent points read as fractions (each a warning).

    ``others`` are more indicator tables scored by the same rules (the projects'), as (table,
    its indicators, their units): their percent points are read in the same pass, so a rule
    is read one way for every indicator that uses it. Returns them read, in the same order,
    and the names of the rules that are unusable (a row that could not be read; a rule shared
    by rate and count rows)."""
    indicators, units = read_indicators(indicator_table, coercer, amount_unit)
    rules, unusable = read_rules(rule_table, coercer)
    tables = (indicator_table, rule_table, *(table for table, _, _ in others))
    cells = frozenset((t.raw.sheet, r, c) for t in tables for r, c in t.raw.percent_cells)
    every = [*indicators, *(ind for _, inds, _ in others for ind in inds)]
    every_unit = dict(units)
    for _, _, more in others:
        every_unit.update(more)
    findings: Findings = coercer.findings
    read, rules, mixed = read_percent_points(every, every_unit, rules, cells, findings)
    parts: list[list[Indicator]] = []
    start = len(indicators)
    for _, inds, _ in others:
        parts.append(read[start : start + len(inds)])
        start += len(inds)
    return read[: len(indicators)], rules, parts, frozenset(unusable | mixed)
