"""The project tables (项目, 项目资金, 项目指标) → the core's project model.

Rows are read by the same typed cell access as the department's tables, and indicator rows by
the department's own row reader (merged 一级/二级指标 filled down, values with units), so a
project's indicator reads exactly as a department's; their percent points are read together
with the department's (``indicators.read_scoring``). A row labelled 合计/总计/汇总 is the clerk's
declared total, never a project or a 资金来源; a 小计 row is skipped with a warning (a subtotal
of some projects cannot be checked without knowing which).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..core.model import Indicator, RowRef, TableRef
from ..core.project_model import (
    DEFAULT_EXECUTION_WEIGHT,
    FUND_SOURCES,
    Project,
    ProjectData,
    ProjectFund,
    ProjectIndicator,
    ProjectTotalRow,
)
from . import schema
from .coerce import Coercer, clean_text
from .indicators import PROJECT_COLUMNS, Units, fill_merged, read_indicator
from .rows import Cells, ContractTable, is_blank, is_total_label

__all__ = ["ProjectTables", "read_projects"]

SUBTOTAL = "小计"

# The department's names for the fields the projects' indicator table names differently, so
# findings about a project's indicator (the engine's, the percent reader's) name its cell.
_ALIASES = {"目标值": "年度指标值", "实际值": "实际完成值", "偏差原因": "偏差原因分析及改进措施"}


@dataclass(frozen=True, slots=True)
class ProjectTables:
    """The projects as read, with what the percent reader needs of their indicator table."""

    data: ProjectData
    indicator_table: ContractTable | None
    units: Units

    def with_indicators(self, indicators: Sequence[Indicator]) -> ProjectData:
        """The data with its indicators replaced by ``indicators`` (same order, percent points read)."""
        read = [dataclasses.replace(p, indicator=i) for p, i in zip(self.data.indicators, indicators, strict=True)]
        return dataclasses.replace(self.data, indicators=read)


def _total(text: str) -> str | None:
    """ "total" for 合计/总计/汇总, "subtotal" for 小计, None for anything else."""
    if not is_total_label(text):
        return None
    return "subtotal" if clean_text(text).replace(" ", "") == SUBTOTAL else "total"


def _skip_subtotal(cells: Cells, table: str) -> None:
    cells.coercer.findings.warning(
        "project_subtotal_skipped",
        f"表格 {table} 第 {cells.r} 行是小计行，已跳过：项目表只认各项目行和合计行",
        f"{cells.ref.table.sheet}!{cells.r}:{cells.r}",
    )


def _source_label(text: str) -> str:
    """Official forms write 资金来源 as “其中：本年财政拨款”, “年度资金总额：”, “上年结转资金”."""
    label = clean_text(text).replace(" ", "").removeprefix("其中").strip(":：")
    for prefix in ("本年", "当年"):
        label = label.removeprefix(prefix)
    return "上年结转" if label == "上年结转资金" else label


def _projects(table: ContractTable, coercer: Coercer) -> tuple[list[Project], RowRef | None]:
    projects: list[Project] = []
    declared: RowRef | None = None
    for r, row in table.rows():
        cells = table.cells(r, row, coercer)
        name = cells.text("项目名称")
        kind = _total(name)
        if kind == "total":
            declared = cells.ref
            continue
        if kind == "subtotal":
            _skip_subtotal(cells, table.spec.table)
            continue
        weight = cells.number("执行率分值")
        project = Project(
            name=name,
            department=cells.text("主管部门"),
            implementer=cells.text("实施单位"),
            execution_weight=DEFAULT_EXECUTION_WEIGHT if weight is None else weight,
            goal=cells.text("年度总体目标"),
            achieved=cells.text("实际完成情况"),
            where=cells.ref,
        )
        # A cell that failed to read is already an error; the project stays listed so its
        # funds and indicators are not reported as naming an unknown project as well.
        if name:
            projects.append(project)
    return projects, declared


def _source(cells: Cells) -> str:
    raw = cells.raw("资金来源")
    if not is_blank(raw):
        text = cells.coercer.text(raw)
        label = _source_label(text)
        if label != text and label in FUND_SOURCES:
            cells.coercer.findings.warning(
                "input_choice_normalised",
                f"资金来源“{text}”已按“{label}”读取：建议从下拉列表中选择",
                cells.where("资金来源"),
            )
            return label
    return cells.choice("资金来源")


def _funds(table: ContractTable, coercer: Coercer) -> tuple[list[ProjectFund], list[ProjectFund]]:
    funds: list[ProjectFund] = []
    declared: list[ProjectFund] = []
    for r, row in table.rows():
        cells = table.cells(r, row, coercer)
        name = cells.text("项目名称")
        kind = _total(name)
        if kind == "subtotal":
            _skip_subtotal(cells, table.spec.table)
            continue
        source = _source(cells)
        initial = cells.number("年初预算数")
        total = cells.number("全年预算数")
        executed = cells.number("全年执行数")
        if not cells.ok or total is None or executed is None:
            continue
        fund = ProjectFund(name, source, initial, total, executed, cells.ref)
        (declared if kind == "total" else funds).append(fund)
    return funds, declared


def _aliased(ref: TableRef) -> TableRef:
    columns = dict(ref.columns)
    for alias, name in _ALIASES.items():
        if name in columns:
            columns[alias] = columns[name]
    return TableRef(ref.sheet, ref.name, columns, ref.header_row)


def _indicators(
    table: ContractTable, coercer: Coercer, amount_unit: str
) -> tuple[list[ProjectIndicator], list[ProjectTotalRow], Units]:
    fill_merged(table)
    table.ref = _aliased(table.ref)
    indicators: list[ProjectIndicator] = []
    totals: list[ProjectTotalRow] = []
    units: Units = {}
    for r, row in table.rows():
        cells = table.cells(r, row, coercer)
        name = cells.text("项目名称")
        # The form's 总分 row: 合计 in a name column, the total points in 分值.
        labels = [_total(v) for v in (cells.raw("一级指标"), cells.raw("三级指标")) if isinstance(v, str)]
        if "total" in labels:
            weight = cells.number("分值")
            score = cells.number("自评得分")
            if cells.ok:
                totals.append(ProjectTotalRow(name, weight, score, cells.ref))
            continue
        if "subtotal" in labels:
            _skip_subtotal(cells, table.spec.table)
            continue
        read = read_indicator(cells, amount_unit, PROJECT_COLUMNS)
        if read is not None and name:
            indicators.append(ProjectIndicator(name, read[0]))
            units[(table.raw.sheet, r)] = read[1]
    return indicators, totals, units


def read_projects(
    tables: Mapping[str, ContractTable | None], coercer: Coercer, amount_unit: str
) -> ProjectTables | None:
    """The project tables, or None when the workbook has none of them (an older workbook).
    Their indicators' percent points are still to be read (``ProjectTables.with_indicators``)."""
    projects_table = tables.get(schema.PROJECTS.table)
    funds_table = tables.get(schema.PROJECT_FUNDS.table)
    indicators_table = tables.get(schema.PROJECT_INDICATORS.table)
    if projects_table is None and funds_table is None and indicators_table is None:
        return None
    projects, declared_total = _projects(projects_table, coercer) if projects_table else ([], None)
    funds, declared_funds = _funds(funds_table, coercer) if funds_table else ([], [])
    indicators, totals, units = (
        _indicators(indicators_table, coercer, amount_unit) if indicators_table else ([], [], {})
    )
    data = ProjectData(
        projects=projects,
        funds=funds,
        indicators=indicators,
        totals=totals,
        declared_funds=declared_funds,
        declared_total=declared_total,
        projects_header=projects_table.header_cell(0) if projects_table else "",
        sheets=frozenset(t.raw.sheet for t in (projects_table, funds_table, indicators_table) if t is not None),
    )
    return ProjectTables(data, indicators_table, units)
