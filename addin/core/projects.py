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
from typing import Protocol, TypeVar

from .amount_pair import amount_pair
from .budget import BASIS_FULL_YEAR, BASIS_INITIAL
from .budget import execution_rate as _rate
from .findings import Finding, Findings
from .model import Indicator, RowRef
from .numbers import ONE, ZERO, divide, format_amount, format_percent, round_half_up
from .procurement import NOT_COMPARABLE_NOTE
from .project_model import (
    FUND_SOURCES,
    SOURCE_TOTAL,
    Project,
    ProjectData,
    ProjectFund,
    ProjectIndicator,
)
from .project_totals import DeclaredPoints, check_fund_subtotals, check_over_projects, declared_points
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
    error_codes: frozenset[str] = frozenset()  # the codes of the project's own errors (withheld.py)

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


class _Named(Protocol):
    @property
    def project(self) -> str: ...

    @property
    def where(self) -> RowRef: ...


_Row = TypeVar("_Row", bound=_Named)


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
        self.duplicates: set[str] = set()
        for project in data.projects:
            if project.name in names:
                self.duplicates.add(project.name)
                findings.error(
                    "project_duplicate",
                    f"项目“{project.name}”重复出现（另见 {names[project.name].where.cell('项目名称')}）："
                    "每个项目只能列一行：请删除多余的一行，或更正项目名称",
                    project.where.cell("项目名称"),
                )
                continue
            names[project.name] = project
            self.projects.append(project)
        self.funds = self._group_funds(data.funds, names)
        self.indicators = self._group(data.indicators, names, "项目指标")
        self.totals = self._listed(data.totals, names, "项目指标")
        self.fund_subtotals = self._listed(data.fund_subtotals, names, "项目资金")

    # -- grouping ------------------------------------------------------------------------------
    def _listed(self, rows: Iterable[_Row], names: dict[str, Project], table: str) -> dict[str, list[_Row]]:
        """Rows by the project they name; a row naming an unlisted project is an error."""
        grouped: dict[str, list[_Row]] = {}
        for row in rows:
            if row.project in names:
                grouped.setdefault(row.project, []).append(row)
            else:
                self._unknown(row.project, row.where, table, set())
        return grouped

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
                    f"{sources[row.source].where.cell('资金来源')}）：如为同一来源分行填写，请把这几行合计为一行；"
                    "如为不同来源，请更正资金来源",
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
        # 年初预算数 of the total only when every source gives it: a partial sum is no total.
        initials = [r.initial for r in sources]
        summed_initial = sum((i or ZERO for i in initials), ZERO) if sources and None not in initials else None
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
            for column, typed_value, summed_value in (
                ("年初预算数", typed.initial, summed[0]),
                ("全年预算数", typed.total, summed[1]),
                ("全年执行数", typed.executed, summed[2]),
            ):
                if typed_value is None or summed_value is None or typed_value == summed_value:
                    continue
                shown = amount_pair(typed_value, summed_value, self.unit)
                where = "、".join(f"{r.source} {r.where.cell(column)}" for r in sources)
                found.error(
                    "project_fund_total",
                    f"项目“{project.name}”年度资金总额的{column} {shown.first}"
                    f"与各资金来源之和 {shown.second}（{where}）不一致（相差 {shown.difference}）："
                    "请更正年度资金总额行或资金来源行",
                    typed.where.cell(column),
                )
        return self._fund(typed)

    def _base(self, fund: FundFigures | ProjectFund) -> Decimal | None:
        """The 执行率 base of a fund row on the workbook's 执行率口径 (年初预算数 or 全年预算数)."""
        return fund.initial if self.basis == BASIS_INITIAL else fund.total

    def _checks_on_funds(
        self, project: Project, funds: FundFigures, rows: dict[str, ProjectFund], found: Findings
    ) -> None:
        base = self._base(funds)
        first = funds.where or next(iter(rows.values())).where
        if funds.execution_rate is not None and base is not None and funds.executed > base:
            over = funds.where or next(
                (r.where for r in rows.values() if (b := self._base(r)) is not None and r.executed > b), first
            )
            shown = amount_pair(funds.executed, base, self.unit)
            found.warning(
                "project_over_executed",
                f"项目“{project.name}”全年执行数 {shown.first}超过{self.basis} "
                f"{shown.second}（执行率 {format_percent(funds.execution_rate, 2)}）："
                "执行率得分按 100% 计，请核实是否超预算支出",
                over.cell("全年执行数"),
            )
        if base is None:
            # 执行率口径 年初预算数 and the project does not give it: as the department's units.
            missing = funds.where or next((r.where for r in rows.values() if r.initial is None), first)
            found.error(
                "project_missing_initial",
                f"项目“{project.name}”未填写年初预算数，而执行率口径为年初预算数：请填写，"
                "或在基本信息中把执行率口径改为全年预算数",
                missing.cell("年初预算数"),
            )
        elif funds.execution_rate is None:
            spent = f"，全年执行数 {format_amount(funds.executed)} {self.unit}" if funds.executed else ""
            found.warning(
                "project_rate_not_comparable",
                f"项目“{project.name}”的{self.basis}为 0{spent}：执行率{NOT_COMPARABLE_NOTE}，"
                f"执行率得分和总分不计算：请核实{self.basis}",
                first.cell(self.basis),
            )

    def _weights(
        self, project: Project, points: DeclaredPoints, indicators: Sequence[Indicator], found: Findings
    ) -> Decimal:
        declared = points.total
        weight = project.execution_weight
        share = declared - weight
        if not ZERO <= weight <= declared:
            found.error(
                "project_execution_weight",
                f"项目“{project.name}”的执行率分值 {_fmt(weight)} 超出 0～{_fmt(declared)}：请填写如 10",
                project.where.cell("执行率分值"),
            )
            return share  # the indicators' sum is then not the question
        if ZERO < weight < ONE:
            # 0.1 for 10 points: a share where the form has points.
            found.error(
                "project_execution_weight",
                f"项目“{project.name}”的执行率分值 {_fmt(weight)} 不足 1 分：分值是分数而不是比例，"
                f"如为 {_fmt(weight * 100)} 分请填写 {_fmt(weight * 100)}",
                project.where.cell("执行率分值"),
            )
            return share
        summed = sum((ind.weight for ind in indicators), ZERO)
        if indicators and self.check_sums and not points.checked and summed != share:
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
                    f"{round_half_up(r.raw or ZERO, 2)}/{round_half_up(r.indicator.weight, 2)}），"
                    "未填写偏差原因分析及改进措施："
                    "请说明原因和改进措施，否则该项目自评视为未完成",
                    r.indicator.where.cell("偏差原因分析及改进措施"),
                )
        return missed

    def project(self, number: int, project: Project, scorer: IndicatorScorer) -> ProjectFigures:
        found = Findings()
        rows = self.funds.get(project.name, {})
        indicators = self.indicators.get(project.name, [])
        points = DeclaredPoints()
        if self.check_sums:
            total_rows = self.totals.get(project.name, [])
            points = declared_points(project.name, total_rows, indicators, project.execution_weight, found)
            check_fund_subtotals(project.name, self.fund_subtotals.get(project.name, []), rows, self.unit, found)
        declared = points.total
        if rows:
            funds = self._total_funds(project, rows, found)
            self._checks_on_funds(project, funds, rows, found)
        elif project.name in self.data.unread:
            funds = FundFigures(SOURCE_TOTAL, None, ZERO, ZERO, None)
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
        share = self._weights(project, points, indicators, found)
        score: ScoreFigures | None = None
        missed: tuple[IndicatorScore, ...] = ()
        if indicators:
            score = scorer(indicators, share, found)
            missed = self._missed(project, score, found)
        elif project.name not in self.data.unread:
            found.warning(
                "project_no_indicators",
                f"项目“{project.name}”在“项目指标”表中没有绩效指标：请填写该项目的绩效指标，否则该项目自评视为未完成",
                project.where.cell("项目名称"),
            )
        total = None
        if execution_score is not None and score is not None and score.total is not None:
            total = execution_score + score.total
        typed_row = points.row
        computed = (score.total if score is not None else None) if points.score_of_indicators else total
        typed = None if typed_row is None else typed_row.score
        if typed_row is not None and typed is not None and computed is not None:
            differs = round_half_up(typed, 2) != round_half_up(computed, 2)
            what = "各指标得分之和" if points.score_of_indicators else "计算得分"
            if differs:
                found.warning(
                    "project_total_differs",
                    f"项目“{project.name}”合计行填写的自评得分 {_fmt(typed)} 与{what} "
                    f"{round_half_up(computed, 2)} 不一致，已采用计算得分",
                    typed_row.where.cell("自评得分"),
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
        codes = {f.code for f in found.errors} | ({"project_duplicate"} if project.name in self.duplicates else set())
        return ProjectFigures(
            number, project, funds, sources, declared, execution_score, score, total, missed, complete, frozenset(codes)
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
    if complete_input:
        check_over_projects(
            data.declared_funds,
            [p.funds for p in figures],
            [s for p in figures for s in p.sources],
            unit,
            findings,
        )
    initials = [p.funds.initial for p in figures]
    initial = sum((i or ZERO for i in initials), ZERO) if all(i is not None for i in initials) else None
    total = sum((p.funds.total for p in figures), ZERO)
    executed = sum((p.funds.executed for p in figures), ZERO)
    return ProjectsFigures(figures, initial, total, executed, _rate(executed, total, initial, basis), basis, True)
