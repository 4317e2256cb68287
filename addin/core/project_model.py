"""The projects of a department as the 项目支出绩效自评表 contract defines them (DESIGN.md,
"Project self-evaluation"): typed and located, like the rest of the model.

Amounts are in the workbook's 金额单位; rates are fractions; every row keeps the ``RowRef`` a
finding needs to name the cell a clerk must fix.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from .model import Indicator, RowRef

__all__ = [
    "DEFAULT_EXECUTION_WEIGHT",
    "DEFAULT_PROJECT_TOTAL",
    "FUND_SOURCES",
    "SOURCE_CARRIED",
    "SOURCE_OTHER",
    "SOURCE_PUBLIC",
    "SOURCE_TOTAL",
    "Project",
    "ProjectData",
    "ProjectFund",
    "ProjectIndicator",
    "ProjectTotalRow",
]

# 财预〔2020〕10号, 附件 项目支出绩效自评表: 预算执行率 10 points of a 100-point form.
DEFAULT_EXECUTION_WEIGHT = Decimal(10)
DEFAULT_PROJECT_TOTAL = Decimal(100)

SOURCE_TOTAL = "年度资金总额"
SOURCE_PUBLIC = "财政拨款"
SOURCE_CARRIED = "上年结转"
SOURCE_OTHER = "其他资金"
FUND_SOURCES = (SOURCE_TOTAL, SOURCE_PUBLIC, SOURCE_CARRIED, SOURCE_OTHER)


@dataclass(frozen=True, slots=True)
class Project:
    """One row of 项目 (tblProjects)."""

    name: str
    department: str  # 主管部门
    implementer: str  # 实施单位
    execution_weight: Decimal  # 执行率分值, default 10
    goal: str  # 年度总体目标 (预期目标)
    achieved: str  # 实际完成情况
    where: RowRef


@dataclass(frozen=True, slots=True)
class ProjectFund:
    """One row of 项目资金 (tblProjectFunds): a project's amounts from one 资金来源.

    A row whose 项目名称 is 合计/总计/汇总 is the clerk's total over every project."""

    project: str
    source: str  # one of FUND_SOURCES
    initial: Decimal | None  # 年初预算数 (optional)
    total: Decimal  # 全年预算数
    executed: Decimal  # 全年执行数
    where: RowRef


@dataclass(frozen=True, slots=True)
class ProjectIndicator:
    """One row of 项目指标 (tblProjectIndicators): an indicator in the department's model, so
    the same engine scores it (年度指标值 is its target, 实际完成值 its actual)."""

    project: str
    indicator: Indicator


@dataclass(frozen=True, slots=True)
class ProjectTotalRow:
    """A total row of 项目指标 (合计/总计/汇总/总分 or 小计 in a label column), the clerk's
    declared total, checked against the sum: the form's 总分 row (分值 = the project's total
    points with its 执行率分值, or the indicators' points alone; 自评得分 = the clerk's own
    total), or a 小计 over the indicator rows above it (``rows``) or of its 一级指标."""

    project: str
    weight: Decimal | None
    score: Decimal | None
    where: RowRef
    subtotal: bool = False
    rows: tuple[int, ...] = ()  # sheet rows of the indicators since the project's last total row
    level1: str = ""  # a 小计 row's own 一级指标, when it names one


@dataclass(frozen=True, slots=True)
class ProjectData:
    """The three project tables; ``projects`` in table row order (the sheets' 序号)."""

    projects: Sequence[Project]
    funds: Sequence[ProjectFund]
    indicators: Sequence[ProjectIndicator]
    totals: Sequence[ProjectTotalRow] = ()
    declared_funds: Sequence[ProjectFund] = ()  # 合计 rows of 项目资金: totals over every project
    # A project's own 合计/小计 rows of 项目资金 (the label in 资金来源): checked against its sources.
    fund_subtotals: Sequence[ProjectFund] = ()
    declared_total: RowRef | None = None  # a 合计 row in tblProjects (not a project)
    projects_header: str = ""  # 项目!A3: where a finding about the table as a whole points
    sheets: frozenset[str] = frozenset()  # the sheets the three tables were read from
    # The sheets the projects' money is read from (项目, 项目资金): an unreadable cell of 项目指标
    # leaves the scores unsure, not the amounts.
    money_sheets: frozenset[str] = frozenset()
    # Projects with a fund or indicator row the reader could not use (an error names its cell):
    # such a project is not also said to have no funds or no indicators.
    unread: frozenset[str] = frozenset()
