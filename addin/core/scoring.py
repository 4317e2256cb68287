"""The self-evaluation score: each indicator by its 计分方法, 不适用 rescaling, dimensions, grade."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from .findings import Findings
from .measures import figure_places, indicator_is_rate
from .model import Indicator, RuleRow, TableRef
from .numbers import ONE, ZERO, divide, round_half_up
from .rulebook import compile_rulebook
from .rules import Case, Rule, apply_rule, meets_target, ratio_score

__all__ = [
    "DIRECTIONS",
    "DIRECTION_FORWARD",
    "DIRECTION_QUALITATIVE",
    "DIRECTION_REVERSE",
    "METHOD_COEFFICIENT",
    "METHOD_NOT_APPLICABLE",
    "METHOD_QUALITATIVE",
    "METHOD_RATIO",
    "Alternative",
    "DimensionScore",
    "IndicatorScore",
    "ScoreFigures",
    "grade",
    "score_indicators",
]

METHOD_RATIO = "比率"
METHOD_QUALITATIVE = "定性"
METHOD_NOT_APPLICABLE = "不适用"
METHOD_COEFFICIENT = "得分系数"  # Chongqing-style forms: score = 得分系数 × 分值
DIRECTION_FORWARD = "正向"
DIRECTION_REVERSE = "反向"
DIRECTION_QUALITATIVE = "定性"
DIRECTIONS = (DIRECTION_FORWARD, DIRECTION_REVERSE, DIRECTION_QUALITATIVE)

_GRADES = ((Decimal(90), "优"), (Decimal(80), "良"), (Decimal(60), "中"))

# A computed figure on another base: (what the base is called, the figure on it). A typed
# 实际值 that matches it is named in the warning (执行率口径: 全年预算数 vs 年初预算数).
Alternative = tuple[str, Decimal | None]


def grade(total: Decimal, out_of: Decimal = Decimal(100)) -> str:
    """优 ≥ 90%, 良 80–90%, 中 60–80%, 差 < 60% of the declared 指标总分 ``out_of`` (default 100,
    where the bounds are 90/80/60 points; a Chongqing form with 指标总分 30 grades 27.60 as
    92% → 优), judged on the presented (2-decimal) total so the grade always agrees with the
    figure printed beside it."""
    shown = round_half_up(total, 2)
    share = shown if out_of == 100 else shown * 100 / out_of
    for bound, label in _GRADES:
        if share >= bound:
            return label
    return "差"


@dataclass(frozen=True, slots=True)
class IndicatorScore:
    indicator: Indicator
    applicable: bool
    weight: Decimal  # 分值 after 不适用 rescaling
    actual: Decimal | None  # the value scored (computed when 数据来源 names a figure)
    raw: Decimal | None  # score on the clerk's own 分值
    score: Decimal | None  # rescaled score
    basis: str  # how the score came about, in words


@dataclass(frozen=True, slots=True)
class DimensionScore:
    name: str
    weight: Decimal
    score: Decimal | None


@dataclass(frozen=True, slots=True)
class ScoreFigures:
    indicators: tuple[IndicatorScore, ...]
    dimensions: tuple[DimensionScore, ...]
    declared_total: Decimal
    scale: Decimal  # declared total / applicable 分值 (1 when nothing is 不适用)
    total: Decimal | None

    @property
    def grade(self) -> str | None:
        return None if self.total is None else grade(self.total, self.declared_total)


def _fmt(value: Decimal) -> str:
    return f"{value.normalize():f}"


class _Scorer:
    def __init__(
        self,
        rules: Mapping[str, Rule],
        figures: Mapping[str, Decimal | None],
        findings: Findings,
        notes: Mapping[str, str] | None = None,
        alternatives: Mapping[str, Sequence[Alternative]] | None = None,
        skip: frozenset[str] = frozenset(),
        note_cells: Mapping[str, str] | None = None,
    ) -> None:
        self.note_cells = note_cells or {}  # the input cell to fill for a figure not given
        self.skip = skip  # unusable rules and withheld figures: reported where they fail
        self.rules = rules
        self.figures = figures
        self.findings = findings
        self.notes = notes or {}
        self.alternatives = alternatives or {}

    def actual(self, ind: Indicator) -> Decimal | None:
        if ind.source in self.figures:
            computed = self.figures[ind.source]
            if computed is None:
                why = self.notes.get(ind.source, "基数为0，不可比")
                cell = self.note_cells.get(ind.source)
                advice = f"请补填 {cell}" if cell else "请补填数据"
                self.findings.error(
                    "score_source_not_comparable",
                    f"指标“{ind.level3}”的数据来源“{ind.source}”{why}：{advice}，或将计分方法改为“不适用”",
                    cell or ind.where.cell("数据来源"),
                )
                return None
            if ind.actual is not None:
                self.compare_typed(ind, ind.actual, computed)
            return computed
        return ind.actual

    def compare_typed(self, ind: Indicator, typed: Decimal, computed: Decimal) -> None:
        """A typed 实际值 beside a computed one: a warning when they differ, naming the other
        base when the typed figure is the one computed there (105.42% typed, 100.00% on
        全年预算数, 105.42% on 年初预算数)."""
        same = _same_as_typed(typed, rate=indicator_is_rate(ind))
        if same(computed):
            return
        show, typed_text = _figure_text(ind, figure_places(ind.source)), _figure_text(ind)(typed)
        for label, other in self.alternatives.get(ind.source, ()):
            if other is not None and same(other):
                self.findings.warning(
                    "score_actual_other_basis",
                    f"指标“{ind.level3}”填写的实际值 {typed_text} 是按{label}计算的“{ind.source}”"
                    f"（{show(other)}），按当前口径计算为 {show(computed)}，已采用 {show(computed)}："
                    "如报告应按另一口径，请修改基本信息中的执行率口径",
                    ind.where.cell("实际值"),
                )
                return
        self.findings.warning(
            "score_actual_differs",
            f"指标“{ind.level3}”填写的实际值 {typed_text} 与按数据计算的“{ind.source}” "
            f"{show(computed)} 不一致，已采用计算值",
            ind.where.cell("实际值"),
        )

    def unused_coefficient(self, ind: Indicator) -> None:
        """A 得分系数 typed on a row scored some other way is not used: said, naming both cells."""
        if ind.coefficient is None or ind.method == METHOD_COEFFICIENT:
            return
        self.findings.warning(
            "score_coefficient_unused",
            f"指标“{ind.level3}”填写了得分系数 {_fmt(ind.coefficient * 100)}%，但计分方法是“{ind.method}”"
            f"（{ind.where.cell('计分方法')}），得分系数未使用：如按得分系数计分，请将计分方法改为“得分系数”，"
            "否则请清空得分系数",
            ind.where.cell("得分系数"),
        )

    def not_applicable(self, ind: Indicator) -> None:
        """A 不适用 row drops out; what was typed into its actual, 自评得分 or 得分系数 is not used,
        and the clerk is told so at each cell (never dropped silently)."""
        typed = (
            ("实际值", ind.actual_text.strip() if ind.actual is not None or ind.actual_text.strip() else ""),
            ("自评得分", "" if ind.manual_score is None else _fmt(ind.manual_score)),
            ("得分系数", "" if ind.coefficient is None else f"{_fmt(ind.coefficient * 100)}%"),
        )
        for column, text in typed:
            if text:
                self.findings.warning(
                    "score_not_applicable_filled",
                    f"指标“{ind.level3}”的计分方法为“不适用”（不计分），但填写了{column}“{text}”，该值未使用："
                    "如该指标适用，请选择计分方法；否则请清空该单元格",
                    ind.where.cell(column),
                )

    def score(self, ind: Indicator) -> tuple[Decimal | None, Decimal | None, str]:
        """(actual used, score on 分值, basis text)."""
        method = ind.method
        self.unused_coefficient(ind)
        if method == METHOD_QUALITATIVE:
            return ind.actual, self.manual(ind), "定性评价，采用自评得分"
        if method == METHOD_COEFFICIENT:
            return self.coefficient(ind)
        if ind.method in self.skip or ind.source in self.skip:
            return None, None, ""
        actual = self.actual(ind)
        if actual is None:
            if ind.source not in self.figures:
                self.findings.error(
                    "score_missing_actual",
                    f"指标“{ind.level3}”按“{method}”计分，但实际值为空或不是数字：请填写实际值",
                    ind.where.cell("实际值"),
                )
            return None, None, ""
        score, basis = self.ratio(ind, actual) if method == METHOD_RATIO else self.by_rule(ind, actual)
        self.compare_manual(ind, score, "按规则计算的")
        return actual, score, basis

    def compare_manual(self, ind: Indicator, score: Decimal | None, how: str) -> None:
        manual = ind.manual_score
        if score is not None and manual is not None and round_half_up(score, 2) != round_half_up(manual, 2):
            self.findings.warning(
                "score_manual_differs",
                f"指标“{ind.level3}”填写的自评得分 {_fmt(manual)} 与{how} {round_half_up(score, 2)} "
                "不一致，已采用计算得分",
                ind.where.cell("自评得分"),
            )

    def coefficient(self, ind: Indicator) -> tuple[Decimal | None, Decimal | None, str]:
        """得分系数 × 分值; a full coefficient on a quantitative row that misses its target is
        a warning naming both figures."""
        coefficient = ind.coefficient
        if coefficient is None:
            self.findings.error(
                "score_missing_coefficient",
                f"指标“{ind.level3}”按得分系数计分，但得分系数为空：请填写 0～100% 的得分系数（如 76%）",
                ind.where.cell("得分系数"),
            )
            return ind.actual, None, ""
        if not ZERO <= coefficient <= ONE:
            self.findings.error(
                "score_coefficient_range",
                f"指标“{ind.level3}”的得分系数 {_fmt(coefficient)} 超出 0～100%：请改为百分比（如 76% 或 0.76）",
                ind.where.cell("得分系数"),
            )
            return ind.actual, None, ""
        actual = self.actual(ind) if (ind.source in self.figures or ind.actual is not None) else None
        if (
            coefficient == ONE
            and ind.direction != DIRECTION_QUALITATIVE
            and ind.target is not None
            and actual is not None
            and not meets_target(ind.target, actual, reverse=ind.direction == DIRECTION_REVERSE)
        ):
            self.findings.warning(
                "score_full_coefficient_missed",
                f"指标“{ind.level3}”得分系数为 100%，但实际值 {_value_text(ind, actual)} 未达到目标值 "
                f"{_value_text(ind, ind.target, target=True)}：请核实得分系数或实际值",
                ind.where.cell("得分系数"),
            )
        score = coefficient * ind.weight
        self.compare_manual(ind, score, "得分系数×分值")
        return actual, score, f"得分系数 {_fmt(coefficient * 100)}%×分值"

    def manual(self, ind: Indicator) -> Decimal | None:
        if ind.manual_score is None:
            self.findings.error(
                "score_manual_missing",
                f"定性指标“{ind.level3}”缺少自评得分：请填写 0 到 {_fmt(ind.weight)} 之间的得分",
                ind.where.cell("自评得分"),
            )
            return None
        if not ZERO <= ind.manual_score <= ind.weight:
            self.findings.error(
                "score_manual_out_of_range",
                f"指标“{ind.level3}”的自评得分 {_fmt(ind.manual_score)} 超出 0～{_fmt(ind.weight)}（分值）："
                "请改为不超过分值的得分",
                ind.where.cell("自评得分"),
            )
            return None
        return ind.manual_score

    def ratio(self, ind: Indicator, actual: Decimal) -> tuple[Decimal | None, str]:
        if ind.direction == DIRECTION_QUALITATIVE:
            self.findings.error(
                "score_ratio_qualitative",
                f"指标“{ind.level3}”方向为定性，不能按比率计分：请将计分方法改为“定性”或修改指标方向",
                ind.where.cell("计分方法"),
            )
            return None, ""
        if ind.target is None:
            self.findings.error(
                "score_missing_target",
                f"指标“{ind.level3}”按比率计分，但目标值为空或不是数字：请填写目标值",
                ind.where.cell("目标值"),
            )
            return None, ""
        reverse = ind.direction == DIRECTION_REVERSE
        # A 反向 row meets a non-negative target with any actual at or below it, a negative
        # one too (a budget cut mid-year: 预算调整率 −2.05% against ≤10%). Only a negative
        # target, or a negative actual on a 正向 row, has no ratio to score.
        if ind.target < 0 or (actual < 0 and not reverse):
            computed = ind.source in self.figures
            column = "目标值" if ind.target < 0 or computed else "实际值"
            self.findings.error(
                "score_negative",
                f"指标“{ind.level3}”的{'目标值' if ind.target < 0 else '实际值'}为负数"
                f"（{_figure_text(ind)(ind.target if ind.target < 0 else actual)}），不能按比率计分："
                "请检查数值，或改用扣分、区间等计分规则",
                ind.where.cell(column),
            )
            return None, ""
        score = ratio_score(ind.weight, ind.target, actual, reverse=reverse)
        if score == ind.weight:
            basis = "达到目标，得满分"
        elif reverse:
            basis = "反向指标，目标值/实际值×分值"
        else:
            basis = "实际值/目标值×分值"
        return score, basis

    def by_rule(self, ind: Indicator, actual: Decimal) -> tuple[Decimal | None, str]:
        rule = self.rules.get(ind.method)
        if rule is None:
            self.findings.error(
                "score_unknown_method",
                f"指标“{ind.level3}”的计分方法“{ind.method}”既不是比率/定性/不适用/得分系数，也不是计分规则中的规则名称：请选择已有规则",
                ind.where.cell("计分方法"),
            )
            return None, ""
        case = Case(
            ind.weight,
            actual,
            ind.target,
            reverse=ind.direction == DIRECTION_REVERSE,
            rate=indicator_is_rate(ind, actual),
        )
        outcome = apply_rule(rule, case)
        if outcome.score is None:
            self.findings.error(outcome.code, f"指标“{ind.level3}”：{outcome.problem}", ind.where.cell(outcome.column))
        return outcome.score, outcome.basis


def _same_as_typed(typed: Decimal, *, rate: bool) -> Callable[[Decimal], bool]:
    """Whether a computed figure is what the clerk typed, to the places typed: on a rate row the
    places of the percentage (100% typed is not 105.42%; 96.7% typed is 96.67%)."""
    scale = 100 if rate else 1
    shown = (typed * scale).normalize()
    places = min(max(0, -int(shown.as_tuple().exponent)), 10)
    return lambda computed: round_half_up(computed * scale, places) == shown


def _figure_text(ind: Indicator, places: int = 2) -> Callable[[Decimal], str]:
    """How this indicator's figures read in a message: 72.74% on a rate row (a computed share as
    it is presented, 60.7%), 60 on a count row."""
    if indicator_is_rate(ind):
        return lambda value: f"{_fmt(round_half_up(value * 100, places))}%"
    return _fmt


def _value_text(ind: Indicator, value: Decimal, *, target: bool = False) -> str:
    """A target or actual as the clerk reads it, keeping the clerk's own comparison sign on a
    target ("≤100%"): it says which way the target points."""
    shown = _figure_text(ind)(value)
    sign = ind.target_text.strip()[:1] if target else ""
    return f"{sign}{shown}" if sign in ("≥", "≤", ">", "<") else shown


def score_indicators(
    indicators: Sequence[Indicator],
    rule_rows: Sequence[RuleRow],
    figures: Mapping[str, Decimal | None],
    declared_total: Decimal,
    findings: Findings,
    *,
    check_weights: bool = True,
    notes: Mapping[str, str] | None = None,
    alternatives: Mapping[str, Sequence[Alternative]] | None = None,
    rules: Mapping[str, Rule] | None = None,
    unusable_rules: Iterable[str] = (),
    withheld: frozenset[str] = frozenset(),
    note_cells: Mapping[str, str] | None = None,
    table: TableRef | None = None,
) -> ScoreFigures:
    """Score every indicator, drop 不适用 ones and rescale the rest to the declared total.

    ``figures`` maps 数据来源 names to computed figures (None: not available, with the reason
    in ``notes``, default 基数为0，不可比, and the input cell to fill in ``note_cells``, where the
    error then sits); ``alternatives`` maps a figure to the same figure on
    other bases, so a typed 实际值 that matches one is named as such. ``rules`` already
    compiled from ``rule_rows`` (``compile_rules``) are used as given, so one set of rules
    scores many indicator tables (the projects') and is reported once. An indicator scored by
    an unusable rule (``unusable_rules``: rows the reader could not read, or a rule whose
    compilation reported an error) or drawing on a figure in ``withheld`` (computed from a
    sheet with errors) gets no score and no second error: the error is at the cell to fix.
    Without any indicator there is no score: with ``check_weights`` an error at ``table``'s
    分值 header says so (0 points against the declared total)."""
    compiled: Mapping[str, Rule]
    if rules is None:
        compiled, unusable = compile_rulebook(rule_rows, findings, unusable_rules)
    else:
        compiled, unusable = rules, frozenset(unusable_rules)
    scorer = _Scorer(compiled, figures, findings, notes, alternatives, unusable | withheld, note_cells)

    weights = sum((ind.weight for ind in indicators), ZERO)
    if check_weights and not indicators:
        findings.error(
            "score_no_indicators",
            f"绩效指标表没有任何指标：分值合计 0，与指标总分 {_fmt(declared_total)} 不一致，无法计算自评得分："
            "请填写绩效指标",
            table.header("分值") if table is not None else "",
        )
    if check_weights and indicators and weights != declared_total:
        findings.error(
            "score_weights_total",
            f"绩效指标分值合计 {_fmt(weights)}，与指标总分 {_fmt(declared_total)} 不一致：请调整分值",
            indicators[0].where.table.header("分值"),
        )
    applicable_weight = sum((ind.weight for ind in indicators if ind.method != METHOD_NOT_APPLICABLE), ZERO)
    scale = divide(declared_total, applicable_weight)
    if indicators and scale is None:
        findings.error(
            "score_all_not_applicable",
            "全部指标均为“不适用”，无法计算自评得分：请至少保留一项适用指标",
            indicators[0].where.table.header("计分方法"),
        )
    factor = scale if scale is not None else ZERO

    results: list[IndicatorScore] = []
    for ind in indicators:
        if ind.method == METHOD_NOT_APPLICABLE:
            scorer.not_applicable(ind)
            results.append(IndicatorScore(ind, False, ZERO, None, None, None, "不适用，权重按比例分配给其他指标"))
            continue
        actual, raw, basis = scorer.score(ind)
        basis = _rescaled_basis(basis, ind.weight, raw, factor)
        results.append(
            IndicatorScore(
                ind,
                True,
                ind.weight * factor,
                actual,
                raw,
                None if raw is None else raw * factor,
                basis,
            )
        )

    dimensions: dict[str, list[IndicatorScore]] = {}
    for result in results:
        dimensions.setdefault(result.indicator.level1, []).append(result)
    dimension_scores = tuple(
        DimensionScore(
            name,
            sum((r.weight for r in group), ZERO),
            _sum_scores([r for r in group if r.applicable]),
        )
        for name, group in dimensions.items()
    )
    applicable = [r for r in results if r.applicable]
    total = _sum_scores(applicable) if indicators and scale is not None else None
    return ScoreFigures(
        indicators=tuple(results),
        dimensions=dimension_scores,
        declared_total=declared_total,
        scale=factor,
        total=total,
    )


# A basis that counts points on the clerk's own 分值 ("扣 3 分", the 自评得分): after 不适用
# rescaling the row shows other points, so the basis says both.
_POINTS_IN_BASIS = re.compile(r"\d\s*分|自评得分")


def _rescaled_basis(basis: str, weight: Decimal, raw: Decimal | None, factor: Decimal) -> str:
    if factor == ONE or raw is None or not _POINTS_IN_BASIS.search(basis):
        return basis
    shown = [f"{round_half_up(v, 2):f}" for v in (raw, weight * factor, raw * factor)]
    return f"{basis}（按原分值 {_fmt(weight)} 分计得 {shown[0]} 分，折算后为 {shown[1]} 分中的 {shown[2]} 分）"


def _sum_scores(results: Sequence[IndicatorScore]) -> Decimal | None:
    if any(r.score is None for r in results):
        return None
    return sum((r.score or ZERO for r in results), ZERO)
