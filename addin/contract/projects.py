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
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from ..core.model import Indicator, RowRef, TableRef
from ..core.project_model import (
    DEFAULT_EXECUTION_WEIGHT,
    FUND_SOURCES,
    SOURCE_TOTAL,
    Project,
    ProjectData,
    ProjectFund,
    ProjectIndicator,
    ProjectTotalRow,
)
from . import schema
from .coerce import Coercer, clean_text
from .indicators import PROJECT_COLUMNS, Units, fill_merged, read_indicator
from .labels import subtotal_of
from .rows import Cells, ContractTable, is_blank, is_total_label

__all__ = ["ProjectTables", "read_projects"]

FORM_TOTAL = "总分"  # the 项目支出绩效自评表's own total row

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
        read = [ProjectIndicator(p.project, i) for p, i in zip(self.data.indicators, indicators, strict=True)]
        return dataclasses.replace(self.data, indicators=read)


def _total(text: object) -> str | None:
    """ "total" for 合计/总计/汇总 (and the form's 总分), "subtotal" for 小计, None otherwise."""
    return _label_total(text) if isinstance(text, str) else None


# Four label columns of every indicator row repeat a few texts (the project's name on each of
# its rows, a handful of 一级/二级指标): each is read once.
@functools.lru_cache(maxsize=4096)
def _label_total(text: str) -> str | None:
    label = clean_text(text).replace(" ", "")
    if label == FORM_TOTAL:
        return "total"
    if subtotal_of(text) == "":
        return "subtotal"
    return "total" if is_total_label(text) else None


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


def _funds(
    table: ContractTable, coercer: Coercer
) -> tuple[list[ProjectFund], list[ProjectFund], list[ProjectFund], set[str]]:
    """The fund rows; the 合计 rows over every project; each project's own 合计/小计 rows (a
    total label in 资金来源 beside its name, checked against its sources); and the projects
    with a row that could not be read (an error names its cell; the project is not then said
    to have no funds)."""
    fill_merged(table, ("项目名称",))
    funds: list[ProjectFund] = []
    declared: list[ProjectFund] = []
    subtotals: list[ProjectFund] = []
    unread: set[str] = set()
    for r, row in table.rows():
        cells = table.cells(r, row, coercer)
        by_source = _total(cells.raw("资金来源"))
        # a total row over every project may leave its name blank
        name = "" if by_source and is_blank(cells.raw("项目名称")) else cells.text("项目名称")
        by_name = _total(name)
        if by_name == "subtotal":
            _skip_subtotal(cells, table.spec.table)
            continue
        over_all = by_name == "total" or (by_source is not None and not name)
        if over_all and (by_source is not None or is_blank(cells.raw("资金来源"))):
            source = SOURCE_TOTAL  # “合计” with no source: the total over every project
        elif by_source is not None:
            source = clean_text(cells.text("资金来源")).replace(" ", "")
        else:
            source = _source(cells)
        initial = cells.number("年初预算数")
        total = cells.number("全年预算数")
        executed = cells.number("全年执行数")
        if not cells.ok or total is None or executed is None:
            unread.add(name)
            continue
        fund = ProjectFund(name, source, initial, total, executed, cells.ref)
        (declared if over_all else subtotals if by_source is not None else funds).append(fund)
    return funds, declared, subtotals, unread


def _optional(cells: Cells, name: str) -> Decimal | None:
    """A number a total row may leave blank (its 分值 or its 自评得分)."""
    return None if is_blank(cells.raw(name)) else cells.number(name)


def _aliased(ref: TableRef) -> TableRef:
    columns = dict(ref.columns)
    for alias, name in _ALIASES.items():
        if name in columns:
            columns[alias] = columns[name]
    return TableRef(ref.sheet, ref.name, columns, ref.header_row)


def _indicators(
    table: ContractTable, coercer: Coercer, amount_unit: str
) -> tuple[list[ProjectIndicator], list[ProjectTotalRow], Units, set[str]]:
    """The indicator rows; the total rows (合计/总计/汇总/总分 and 小计 in any label column,
    each with the sheet rows of the indicators it sums); their units; the projects with a row
    that could not be read."""
    fill_merged(table, ("项目名称", "一级指标", "二级指标"))
    table.ref = _aliased(table.ref)
    indicators: list[ProjectIndicator] = []
    totals: list[ProjectTotalRow] = []
    units: Units = {}
    unread: set[str] = set()
    current = ""  # the project of the rows above: a total row without a name of its own is its
    since: list[int] = []  # the current project's indicator rows since its last total row
    for r, row in table.rows():
        cells = table.cells(r, row, coercer)
        raw_name = cells.raw("项目名称")
        labels = [_total(cells.raw(c)) for c in ("项目名称", "一级指标", "二级指标", "三级指标")]
        if "total" in labels or "subtotal" in labels:
            name = current if labels[0] is not None or is_blank(raw_name) else cells.text("项目名称")
            weight = _optional(cells, "分值")
            score = _optional(cells, "自评得分")
            subtotal = "total" not in labels
            level1 = "" if labels[1] is not None or is_blank(cells.raw("一级指标")) else cells.text("一级指标")
            if cells.ok:
                covered = tuple(since) if name == current else ()
                totals.append(ProjectTotalRow(name, weight, score, cells.ref, subtotal, covered, level1))
            since = []
            continue
        name = cells.text("项目名称")
        if name != current:
            current, since = name, []
        read = read_indicator(cells, amount_unit, PROJECT_COLUMNS)
        if read is not None and name:
            indicators.append(ProjectIndicator(name, read[0]))
            units[(table.raw.sheet, r)] = read[1]
            since.append(r)
        elif read is None:
            unread.add(name)
    return indicators, totals, units, unread


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
    funds, declared_funds, fund_subtotals, unread_funds = (
        _funds(funds_table, coercer) if funds_table else ([], [], [], set())
    )
    indicators, totals, units, unread_indicators = (
        _indicators(indicators_table, coercer, amount_unit) if indicators_table else ([], [], {}, set())
    )
    data = ProjectData(
        projects=projects,
        funds=funds,
        indicators=indicators,
        totals=totals,
        declared_funds=declared_funds,
        fund_subtotals=fund_subtotals,
        declared_total=declared_total,
        projects_header=projects_table.header_cell(0) if projects_table else "",
        sheets=frozenset(t.raw.sheet for t in (projects_table, funds_table, indicators_table) if t is not None),
        money_sheets=frozenset(t.raw.sheet for t in (projects_table, funds_table) if t is not None),
        unread=frozenset(unread_funds | unread_indicators),
    )
    return ProjectTables(data, indicators_table, units)
