"""Project self-evaluation (项目支出绩效自评表, 财预〔2020〕10号): every project's 执行率, its
score and grade, and the checks a finance bureau applies to the form.

Per project (amounts in 金额单位, rates as fractions, nothing rounded here):

* 执行率 = 全年执行数 / 全年预算数 of its 年度资金总额 (the 年度资金总额 row, or the sum of its
  资金来源 rows without one); on the 年初预算数 basis when the workbook says so. Uncapped: a
  project that spent more than its budget shows more than 100%. A zero base is ``None``
  (基数为0，不可比), never 0 and never an exception.
* 执行率得分 = min(执行率, 100%) × 执行率分值 (default 10).
* The indicators are scored by the department's engine (``scoring.score_indicators``) with
  the workbook's rules, to 总分 − 执行率分值 (总分 100 unless the project's 合计 row says
  otherwise); 不适用 rescales the rest as it does for the department.
* 总分 = 执行率得分 + indicator scores; the grade as the department's.

A project's self-evaluation is *complete* when it has funds with a comparable 执行率, scored
indicators, a total, no error of its own, and a 偏差原因分析 for every missed target; the
department's 项目绩效自评完成率 is completed / listed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from .budget import BASIS_FULL_YEAR, BASIS_INITIAL
from .budget import execution_rate as _rate
from .findings import Finding, Findings
from .model import Indicator, RowRef
from .numbers import ONE, ZERO, divide, format_amount, format_percent, round_half_up
from .project_model import (
    DEFAULT_PROJECT_TOTAL,
    FUND_SOURCES,
    SOURCE_TOTAL,
    Project,
    ProjectData,
    ProjectFund,
    ProjectIndicator,
    ProjectTotalRow,
)
from .scoring import IndicatorScore, ScoreFigures, grade

__all__ = [
    "NO_PROJECTS",
    "FundFigures",
    "IndicatorScorer",
    "ProjectFigures",
    "ProjectsFigures",
    "evaluate_projects",
]

# (indicators, points they share, findings) → their scores: the department's engine with the
# workbook's compiled rules, handed in by the caller so the core keeps one scoring path.
IndicatorScorer = Callable[[Sequence[Indicator], Decimal, Findings], ScoreFigures]


@dataclass(frozen=True, slots=True)
class FundFigures:
    source: str
    initial: Decimal | None
    total: Decimal
    executed: Decimal
    execution_rate: Decimal | None  # on the execution basis; None when not comparable
    where: RowRef | None = None  # the row it came from; None for a sum of sources


@dataclass(frozen=True, slots=True)
class ProjectFigures:
    number: int  # 序号: 1-based, in tblProjects row order
    project: Project
    funds: FundFigures  # 年度资金总额
    sources: tuple[FundFigures, ...]  # the 资金来源 rows given, in FUND_SOURCES order
    declared_total: Decimal  # the form's 总分 (100 unless the project's 合计 row says otherwise)
    execution_score: Decimal | None
    score: ScoreFigures | None  # None when the project has no indicator rows
    total: Decimal | None
    missed: tuple[IndicatorScore, ...]  # applicable indicators scored below their 分值
    complete: bool

    @property
    def execution_rate(self) -> Decimal | None:
        return self.funds.execution_rate

    @property
    def grade(self) -> str | None:
        return None if self.total is None else grade(self.total)


@dataclass(frozen=True, slots=True)
class ProjectsFigures:
    projects: tuple[ProjectFigures, ...] = ()
    initial: Decimal | None = None  # Σ 年初预算数, only when every project gives it
    total: Decimal = ZERO
    executed: Decimal = ZERO
    execution_rate: Decimal | None = None
    basis: str = BASIS_FULL_YEAR
    listed: bool = field(default=False)  # the workbook has project tables with at least one project

    @property
    def completed(self) -> int:
        return sum(1 for p in self.projects if p.complete)

    @property
    def completion_rate(self) -> Decimal | None:
        """项目绩效自评完成率: projects with a complete self-evaluation / projects listed."""
        return divide(Decimal(self.completed), Decimal(len(self.projects)))


NO_PROJECTS = ProjectsFigures()


def _fmt(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _differing(a: Decimal, b: Decimal) -> tuple[str, str]:
    """Two amounts that differ, as a message shows them: to the cent, or exactly when the
    cents would show them equal (341.864 against 341.86)."""
    shown = format_amount(a), format_amount(b)
    return shown if shown[0] != shown[1] else (_fmt(a), _fmt(b))


class _Projects:
    """One pass over the project tables; findings are collected per project."""

    def __init__(self, data: ProjectData, unit: str, basis: str, complete_input: bool, findings: Findings) -> None:
        self.data = data
        self.unit = unit
        self.basis = basis
        self.check_sums = complete_input  # rows dropped by the reader would only show as gaps
        self.findings = findings
        names: dict[str, Project] = {}
        self.projects: list[Project] = []
        for project in data.projects:
            if project.name in names:
                findings.error(
                    "project_duplicate",
                    f"项目“{project.name}”重复出现（另见 {names[project.name].where.cell('项目名称')}）："
                    "每个项目只能列一行，请合并或更正项目名称",
                    project.where.cell("项目名称"),
                )
                continue
            names[project.name] = project
            self.projects.append(project)
        self.funds = self._group_funds(data.funds, names)
        self.indicators = self._group(data.indicators, names, "项目指标")
        self.totals: dict[str, ProjectTotalRow] = {}
        for row in data.totals:
            if row.project in names:
                self.totals.setdefault(row.project, row)
            else:
                self._unknown(row.project, row.where, "项目指标", set())

    # -- grouping ------------------------------------------------------------------------------
    def _unknown(self, name: str, where: RowRef, table: str, reported: set[str]) -> None:
        if name in reported:
            return
        reported.add(name)
        self.findings.error(
            "project_unknown",
            f"{table}表中的项目“{name}”不在“项目”表中：请在“项目”表中列出该项目，或更正项目名称使两表一致",
            where.cell("项目名称"),
        )

    def _group(
        self, rows: Iterable[ProjectIndicator], names: dict[str, Project], table: str
    ) -> dict[str, list[Indicator]]:
        grouped: dict[str, list[Indicator]] = {}
        reported: set[str] = set()
        for row in rows:
            if row.project not in names:
                self._unknown(row.project, row.indicator.where, table, reported)
                continue
            grouped.setdefault(row.project, []).append(row.indicator)
        return grouped

    def _group_funds(self, rows: Iterable[ProjectFund], names: dict[str, Project]) -> dict[str, dict[str, ProjectFund]]:
        grouped: dict[str, dict[str, ProjectFund]] = {}
        reported: set[str] = set()
        for row in rows:
            if row.project not in names:
                self._unknown(row.project, row.where, "项目资金", reported)
                continue
            sources = grouped.setdefault(row.project, {})
            if row.source in sources:
                self.findings.error(
                    "project_fund_repeated",
                    f"项目“{row.project}”的资金来源“{row.source}”填写了两行（另见 "
                    f"{sources[row.source].where.cell('资金来源')}）：请合并为一行",
                    row.where.cell("资金来源"),
                )
                continue
            sources[row.source] = row
        return grouped

    # -- one project ---------------------------------------------------------------------------
    def _fund(self, row: ProjectFund) -> FundFigures:
        rate = _rate(row.executed, row.total, row.initial, self.basis)
        return FundFigures(row.source, row.initial, row.total, row.executed, rate, row.where)

    def _total_funds(self, project: Project, rows: dict[str, ProjectFund], found: Findings) -> FundFigures:
        sources = [rows[s] for s in FUND_SOURCES[1:] if s in rows]
        typed = rows.get(SOURCE_TOTAL)
        initials = [r.initial for r in sources if r.initial is not None]
        summed_initial = sum(initials, ZERO) if initials else None
        summed = (
            summed_initial,
            sum((r.total for r in sources), ZERO),
            sum((r.executed for r in sources), ZERO),
        )
        if typed is None:
            return FundFigures(
                SOURCE_TOTAL, summed[0], summed[1], summed[2], _rate(summed[2], summed[1], summed[0], self.basis)
            )
        if sources and self.check_sums:
            where = "、".join(f"{r.source} {r.where.cell('全年预算数')}" for r in sources)
            for column, typed_value, summed_value in (
                ("年初预算数", typed.initial, summed[0]),
                ("全年预算数", typed.total, summed[1]),
                ("全年执行数", typed.executed, summed[2]),
            ):
                if typed_value is None or summed_value is None or typed_value == summed_value:
                    continue
                typed_text, summed_text = _differing(typed_value, summed_value)
                found.error(
                    "project_fund_total",
                    f"项目“{project.name}”年度资金总额的{column} {typed_text} {self.unit}"
                    f"与各资金来源之和 {summed_text} {self.unit}（{where}）不一致："
                    "请更正年度资金总额行或资金来源行",
                    typed.where.cell(column),
                )
        return self._fund(typed)

    def _checks_on_funds(
        self, project: Project, funds: FundFigures, rows: dict[str, ProjectFund], found: Findings
    ) -> None:
        if funds.executed > funds.total:
            over = funds.where or next(
                (r.where for r in rows.values() if r.executed > r.total), next(iter(rows.values())).where
            )
            found.warning(
                "project_over_executed",
                f"项目“{project.name}”全年执行数 {format_amount(funds.executed)} {self.unit}超过全年预算数 "
                f"{format_amount(funds.total)} {self.unit}（执行率 {format_percent(funds.execution_rate, 2)}）："
                "执行率得分按 100% 计，请核实是否超预算支出",
                over.cell("全年执行数"),
            )
        if funds.execution_rate is None:
            base = "年初预算数" if self.basis == BASIS_INITIAL else "全年预算数"
            where = funds.where or next(iter(rows.values())).where
            found.warning(
                "project_rate_not_comparable",
                f"项目“{project.name}”的{base}为 0 或未填写，执行率不可比（基数为0，不可比），"
                f"执行率得分和总分无法计算：请填写{base}",
                where.cell(base),
            )

    def _weights(
        self, project: Project, declared: Decimal, indicators: Sequence[Indicator], found: Findings
    ) -> Decimal:
        weight = project.execution_weight
        if not ZERO <= weight <= declared:
            found.error(
                "project_execution_weight",
                f"项目“{project.name}”的执行率分值 {_fmt(weight)} 超出 0～{_fmt(declared)}：请填写如 10",
                project.where.cell("执行率分值"),
            )
        share = declared - weight
        summed = sum((ind.weight for ind in indicators), ZERO)
        if indicators and self.check_sums and summed != share:
            found.error(
                "project_weights_total",
                f"项目“{project.name}”的指标分值合计 {_fmt(summed)}，应为 {_fmt(share)}（总分 {_fmt(declared)} − "
                f"执行率分值 {_fmt(weight)}）：请调整分值",
                indicators[0].where.cell("分值"),
            )
        return share

    def _missed(self, project: Project, score: ScoreFigures, found: Findings) -> tuple[IndicatorScore, ...]:
        missed = tuple(r for r in score.indicators if r.applicable and r.raw is not None and r.raw < r.indicator.weight)
        for r in missed:
            if not r.indicator.deviation_reason.strip():
                found.warning(
                    "project_missed_without_reason",
                    f"项目“{project.name}”的指标“{r.indicator.level3}”未达到目标（得分 "
                    f"{round_half_up(r.raw or ZERO, 2)}/{_fmt(r.indicator.weight)}），未填写偏差原因分析及改进措施："
                    "请说明原因和改进措施，否则该项目自评视为未完成",
                    r.indicator.where.cell("偏差原因分析及改进措施"),
                )
        return missed

    def project(self, number: int, project: Project, scorer: IndicatorScorer) -> ProjectFigures:
        found = Findings()
        rows = self.funds.get(project.name, {})
        totals_row = self.totals.get(project.name)
        declared = DEFAULT_PROJECT_TOTAL
        if totals_row is not None and totals_row.weight is not None and totals_row.weight > 0:
            declared = totals_row.weight
        if rows:
            funds = self._total_funds(project, rows, found)
            self._checks_on_funds(project, funds, rows, found)
        else:
            funds = FundFigures(SOURCE_TOTAL, None, ZERO, ZERO, None)
            found.warning(
                "project_no_funds",
                f"项目“{project.name}”在“项目资金”表中没有资金行：请填写该项目的年度资金总额或各资金来源，"
                "否则该项目自评视为未完成",
                project.where.cell("项目名称"),
            )
        sources = tuple(self._fund(rows[s]) for s in FUND_SOURCES[1:] if s in rows)
        weight = project.execution_weight
        rate = funds.execution_rate
        execution_score = None if rate is None else min(rate, ONE) * weight
        indicators = self.indicators.get(project.name, [])
        share = self._weights(project, declared, indicators, found)
        score: ScoreFigures | None = None
        missed: tuple[IndicatorScore, ...] = ()
        if indicators:
            score = scorer(indicators, share, found)
            missed = self._missed(project, score, found)
        else:
            found.warning(
                "project_no_indicators",
                f"项目“{project.name}”在“项目指标”表中没有绩效指标：请填写该项目的绩效指标，否则该项目自评视为未完成",
                project.where.cell("项目名称"),
            )
        total = None
        if execution_score is not None and score is not None and score.total is not None:
            total = execution_score + score.total
        typed_total = None if totals_row is None else totals_row.score
        if total is not None and typed_total is not None and round_half_up(typed_total, 2) != round_half_up(total, 2):
            assert totals_row is not None
            found.warning(
                "project_total_differs",
                f"项目“{project.name}”合计行填写的自评得分 {_fmt(typed_total)} 与计算得分 "
                f"{round_half_up(total, 2)} 不一致，已采用计算得分",
                totals_row.where.cell("自评得分"),
            )
        complete = (
            total is not None
            and not found.has_errors
            and not any(f.code == "project_missed_without_reason" for f in found)
        )
        # The engine's messages name the indicator; with dozens of projects the clerk also
        # needs the project.
        prefix = f"项目“{project.name}”："
        self.findings.extend(
            f if f.message.startswith("项目“") else Finding(f.severity, f.code, prefix + f.message, f.location)
            for f in found
        )
        return ProjectFigures(
            number, project, funds, sources, declared, execution_score, score, total, missed, complete
        )

    def declared_totals(self, figures: Sequence[ProjectFigures], declared: Sequence[ProjectFund]) -> None:
        """合计 rows of 项目资金: the clerk's totals over every project, per 资金来源."""
        if not self.check_sums:
            return
        for row in declared:
            if row.source == SOURCE_TOTAL:
                picked = [p.funds for p in figures]
            else:
                picked = [s for p in figures for s in p.sources if s.source == row.source]
            for column, typed, summed in (
                ("全年预算数", row.total, sum((f.total for f in picked), ZERO)),
                ("全年执行数", row.executed, sum((f.executed for f in picked), ZERO)),
            ):
                if typed != summed:
                    typed_text, summed_text = _differing(typed, summed)
                    self.findings.error(
                        "project_total_vs_sum",
                        f"合计行{row.source}的{column} {typed_text} {self.unit}与各项目之和 "
                        f"{summed_text} {self.unit}不一致（相差 {_fmt(typed - summed)}）："
                        "请核对各项目数据或合计行",
                        row.where.cell(column),
                    )


def evaluate_projects(
    data: ProjectData | None,
    scorer: IndicatorScorer,
    findings: Findings,
    *,
    unit: str = "万元",
    basis: str = BASIS_FULL_YEAR,
    complete_input: bool = True,
) -> ProjectsFigures:
    """Every project's figures in table order, the sums over projects, and every finding.

    ``scorer`` scores one project's indicators to the points they share (the department's
    engine with the workbook's rules); ``basis`` is 执行率口径 (全年预算数 or 年初预算数).
    ``complete_input`` False (the reader left rows
    out) skips the checks that compare sums. Never raises on data: every doubt is a finding.
    """
    if data is None:
        return NO_PROJECTS
    run = _Projects(data, unit, basis, complete_input, findings)
    if not run.projects:
        return NO_PROJECTS
    figures = tuple(run.project(n, p, scorer) for n, p in enumerate(run.projects, start=1))
    run.declared_totals(figures, data.declared_funds)
    initials = [p.funds.initial for p in figures]
    initial = sum((i or ZERO for i in initials), ZERO) if all(i is not None for i in initials) else None
    total = sum((p.funds.total for p in figures), ZERO)
    executed = sum((p.funds.executed for p in figures), ZERO)
    return ProjectsFigures(figures, initial, total, executed, _rate(executed, total, initial, basis), basis, True)
