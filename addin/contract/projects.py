"""The project tables (项目, 项目资金, 项目指标) → the core's project model.

Rows are read by the same typed cell access as the department's tables, and indicator rows by
the department's own row reader, so a project's indicator reads exactly as a department's. A
row labelled 合计/总计/汇总 is the clerk's declared total, never a project or a 资金来源.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..core.model import RowRef, TableRef
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
from .parse import indicator_row
from .rows import Cells, ContractTable, is_blank

__all__ = ["parse_projects"]

TOTAL_LABELS = frozenset({"合计", "总计", "汇总"})

# The department's names for the fields the projects' indicator table names differently, so
# the scoring engine's findings point at the right cell of 项目指标.
_ALIASES = {"目标值": "年度指标值", "实际值": "实际完成值", "偏差原因": "偏差原因分析及改进措施"}


def _label(text: str) -> str:
    return clean_text(text).replace(" ", "").replace("\u3000", "")


def is_total_label(text: str) -> bool:
    return _label(text) in TOTAL_LABELS


def _source_label(text: str) -> str:
    """Official forms write 资金来源 as “其中：本年财政拨款”, “年度资金总额：”, “上年结转资金”."""
    label = _label(text).removeprefix("其中").strip(":：")
    for prefix in ("本年", "当年"):
        label = label.removeprefix(prefix)
    return "上年结转" if label == "上年结转资金" else label


def _projects(table: ContractTable, coercer: Coercer) -> tuple[list[Project], RowRef | None]:
    projects: list[Project] = []
    declared: RowRef | None = None
    for r, row in table.rows():
        cells = table.cells(r, row, coercer)
        name = cells.text("项目名称")
        if is_total_label(name):
            declared = cells.ref
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
        source = _source(cells)
        initial = cells.number("年初预算数")
        total = cells.number("全年预算数")
        executed = cells.number("全年执行数")
        if not cells.ok or total is None or executed is None:
            continue
        fund = ProjectFund(name, source, initial, total, executed, cells.ref)
        (declared if is_total_label(name) else funds).append(fund)
    return funds, declared


def _aliased(ref: TableRef) -> TableRef:
    columns = dict(ref.columns)
    for alias, name in _ALIASES.items():
        if name in columns:
            columns[alias] = columns[name]
    return TableRef(ref.sheet, ref.name, columns, ref.header_row)


def _indicators(table: ContractTable, coercer: Coercer) -> tuple[list[ProjectIndicator], list[ProjectTotalRow]]:
    table.ref = _aliased(table.ref)
    indicators: list[ProjectIndicator] = []
    totals: list[ProjectTotalRow] = []
    for r, row in table.rows():
        cells = table.cells(r, row, coercer)
        name = cells.text("项目名称")
        # The form's 总分 row: 合计 in a name column, the total points in 分值.
        labels = (cells.raw("一级指标"), cells.raw("三级指标"))
        if any(isinstance(v, str) and is_total_label(v) for v in labels):
            weight = cells.number("分值")
            score = cells.number("自评得分")
            if cells.ok:
                totals.append(ProjectTotalRow(name, weight, score, cells.ref))
            continue
        indicator = indicator_row(cells, target="年度指标值", actual="实际完成值", reason="偏差原因分析及改进措施")
        if indicator is not None and name:
            indicators.append(ProjectIndicator(name, indicator))
    return indicators, totals


def parse_projects(tables: Mapping[str, ContractTable | None], coercer: Coercer) -> ProjectData | None:
    """The project tables, or None when the workbook has none of them (an older workbook)."""
    projects_table = tables.get(schema.PROJECTS.table)
    funds_table = tables.get(schema.PROJECT_FUNDS.table)
    indicators_table = tables.get(schema.PROJECT_INDICATORS.table)
    if projects_table is None and funds_table is None and indicators_table is None:
        return None
    projects, declared_total = _projects(projects_table, coercer) if projects_table else ([], None)
    funds, declared_funds = _funds(funds_table, coercer) if funds_table else ([], [])
    indicators, totals = _indicators(indicators_table, coercer) if indicators_table else ([], [])
    return ProjectData(
        projects=projects,
        funds=funds,
        indicators=indicators,
        totals=totals,
        declared_funds=declared_funds,
        declared_total=declared_total,
        projects_header=projects_table.header_cell(0) if projects_table else "",
    )
