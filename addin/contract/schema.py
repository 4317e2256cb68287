"""The input contract: sheet, table and column names a clerk fills (DESIGN.md, "Input contract").

These names are interfaces: the template, the readers, the UDFs and the clerks' own formulas
(structured references such as tblBudget[执行数]) all depend on them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from ..core.budget import EXECUTION_BASES
from ..core.procurement import BASIS_SME, BASIS_TOTAL, CATEGORIES, SIZES
from ..core.project_model import FUND_SOURCES
from ..core.rules import RULE_KINDS, TARGET_WORD
from ..core.scoring import (
    DIRECTIONS,
    METHOD_COEFFICIENT,
    METHOD_NOT_APPLICABLE,
    METHOD_QUALITATIVE,
    METHOD_RATIO,
)
from ..core.units import AMOUNT_UNITS

__all__ = [
    "ALL_TABLES",
    "AMOUNT_UNITS",
    "BASES",
    "BUDGET",
    "BUILT_IN_METHODS",
    "CATEGORIES",
    "CHECKS_SHEET",
    "CONTRACTS",
    "DIRECTIONS",
    "EXECUTION_BASES",
    "FUND_SOURCES",
    "INDICATORS",
    "INFO",
    "INFO_ITEMS",
    "LEVELS",
    "NARRATIVE",
    "NARRATIVE_SECTIONS",
    "OTHER_SECTION",
    "PROCUREMENT",
    "PROJECTS",
    "PROJECTS_SUMMARY_SHEET",
    "PROJECT_FUNDS",
    "PROJECT_INDICATORS",
    "PROJECT_SHEET_PREFIX",
    "PROJECT_TABLES",
    "REPORT_SHEET",
    "RULES",
    "RULE_KINDS",
    "SIZES",
    "TARGET_WORD",
    "TOTAL_LABELS",
    "Column",
    "Kind",
    "TableSpec",
]

REPORT_SHEET = "自评报告"
CHECKS_SHEET = "校验结果"
# One 项目支出绩效自评表 per project: 项目自评-1, 项目自评-2, … in tblProjects row order.
PROJECT_SHEET_PREFIX = "项目自评-"
PROJECTS_SUMMARY_SHEET = "项目自评汇总"

LEVELS = ("本级", "二级", "三级")
BASES = (BASIS_SME, BASIS_TOTAL)
BUILT_IN_METHODS = (METHOD_RATIO, METHOD_QUALITATIVE, METHOD_NOT_APPLICABLE, METHOD_COEFFICIENT)
# A row whose first column says one of these (spaces and full-width spaces ignored) is the
# clerk's own total, checked against the sum; 汇总 is also Excel's own totals-row label.
TOTAL_LABELS = frozenset({"合计", "总计", "汇总"})


class Kind(Enum):
    TEXT = "text"
    AMOUNT = "amount"  # non-negative money in the workbook's 金额单位
    NUMBER = "number"  # any number (a rate or a count); "95%" reads as 0.95
    POINTS = "points"  # points (分值, 自评得分, 每点扣分): a percentage is ambiguous, an error
    RATIO = "ratio"  # a share (得分比例, 得分系数): "80%" reads as 0.8
    VALUE = "value"  # a number when it reads as one ("≥95%"), otherwise kept as text
    CHOICE = "choice"  # one of Column.choices
    DATE = "date"


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    kind: Kind = Kind.TEXT
    required: bool = False  # every data row must fill it
    present: bool = True  # the header itself must exist
    choices: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TableSpec:
    sheet: str
    table: str
    columns: tuple[Column, ...]
    required: bool = True  # the sheet must exist

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


INFO = TableSpec(
    "基本信息",
    "tblInfo",
    (Column("项目", required=True), Column("内容")),
)

# Rows of tblInfo (项目 → meaning). 指标总分 is optional, default 100: the declared total the
# weights must add up to and 不适用 rescales to. 执行率口径 is optional, default 全年预算数.
INFO_ITEMS = (
    "部门名称",
    "评价年度",
    "金额单位",
    "小微占比口径",
    "执行率口径",
    "填报人",
    "联系电话",
    "报告日期",
    "指标总分",
)

BUDGET = TableSpec(
    "预算执行",
    "tblBudget",
    (
        Column("单位名称", required=True),
        Column("单位级次", Kind.CHOICE, required=True, choices=LEVELS),
        Column("年初预算数", Kind.AMOUNT, present=False),
        Column("全年预算数", Kind.AMOUNT, required=True),
        Column("执行数", Kind.AMOUNT, required=True),
        # Optional: project-style forms state 年初/全年预算数 and 执行数 only (支出进度 is then null).
        Column("支出数", Kind.AMOUNT, present=False),
        Column("备注", present=False),
    ),
)

CONTRACTS = TableSpec(
    "采购合同",
    "tblContracts",
    (
        Column("合同编号", present=False),
        Column("单位名称", required=True),
        Column("采购类别", Kind.CHOICE, required=True, choices=CATEGORIES),
        Column("合同金额", Kind.AMOUNT, required=True),
        Column("供应商规模", Kind.CHOICE, required=True, choices=SIZES),
        Column("签订日期", Kind.DATE, present=False),
        Column("备注", present=False),
    ),
)

PROCUREMENT = TableSpec(
    "采购汇总",
    "tblProcurement",
    (
        Column("采购类别", Kind.CHOICE, required=True, choices=CATEGORIES),
        Column("支出金额", Kind.AMOUNT, required=True),
        # Blank where a statement gives them only in total (on the 合计 row): 未填报, not 0.
        Column("授予中小企业合同金额", Kind.AMOUNT),
        Column("其中授予小微企业合同金额", Kind.AMOUNT),
    ),
)

INDICATORS = TableSpec(
    "绩效指标",
    "tblIndicators",
    (
        Column("一级指标", required=True),
        Column("二级指标"),
        Column("三级指标", required=True),
        Column("分值", Kind.POINTS, required=True),
        Column("指标方向", Kind.CHOICE, required=True, choices=DIRECTIONS),
        Column("目标值", Kind.VALUE),
        Column("实际值", Kind.VALUE),
        Column("数据来源", present=False),
        Column("计分方法", required=True),
        Column("自评得分", Kind.POINTS),
        Column("偏差原因", present=False),
        # Last, so rows typed before it existed keep their positions. 计分方法 得分系数: score =
        # 得分系数 × 分值 (Chongqing-style forms).
        Column("得分系数", Kind.RATIO, present=False),
    ),
)

RULES = TableSpec(
    "计分规则",
    "tblRules",
    (
        Column("规则名称", required=True),
        Column("规则类型", Kind.CHOICE, required=True, choices=RULE_KINDS),
        Column("下限", Kind.NUMBER),
        Column("上限", Kind.NUMBER),
        Column("得分比例", Kind.RATIO),
        Column("每点扣分", Kind.POINTS),
        Column("每档", Kind.POINTS, present=False),  # 扣分: points off per full 每档 points
    ),
)

# 文字材料.章节 values the Word report places (一、基本情况 … 四、下一步改进措施); a paragraph
# under any other 章节 goes to a last part, 五、其他说明, under its own 章节 name.
NARRATIVE_SECTIONS = (
    "部门概况",
    "年度工作和重点工作任务",
    "部门整体支出绩效目标",
    "部门整体绩效管理情况",
    "履职效能分析",
    "预算编制情况",
    "预算执行情况",
    "绩效管理情况",
    "政府采购情况",
    "资产管理情况",
    "存在的主要问题",
    "下一步改进措施",
)
OTHER_SECTION = "五、其他说明"

NARRATIVE = TableSpec(
    "文字材料",
    "tblNarrative",
    (Column("章节", required=True), Column("内容")),
    required=False,
)

# Project self-evaluation (DESIGN.md, "Project self-evaluation"): optional sheets, so a
# department workbook without projects (or from before they existed) reads as it always did.
PROJECTS = TableSpec(
    "项目",
    "tblProjects",
    (
        Column("项目名称", required=True),
        Column("主管部门"),
        Column("实施单位"),
        Column("执行率分值", Kind.POINTS, present=False),
        Column("年度总体目标"),
        Column("实际完成情况"),
    ),
    required=False,
)

PROJECT_FUNDS = TableSpec(
    "项目资金",
    "tblProjectFunds",
    (
        Column("项目名称", required=True),
        Column("资金来源", Kind.CHOICE, required=True, choices=FUND_SOURCES),
        Column("年初预算数", Kind.AMOUNT),
        Column("全年预算数", Kind.AMOUNT, required=True),
        Column("全年执行数", Kind.AMOUNT, required=True),
    ),
    required=False,
)

PROJECT_INDICATORS = TableSpec(
    "项目指标",
    "tblProjectIndicators",
    (
        Column("项目名称", required=True),
        Column("一级指标", required=True),
        Column("二级指标"),
        Column("三级指标", required=True),
        Column("分值", Kind.POINTS, required=True),
        Column("指标方向", Kind.CHOICE, required=True, choices=DIRECTIONS),
        Column("年度指标值", Kind.VALUE),
        Column("实际完成值", Kind.VALUE),
        Column("计分方法", required=True),
        Column("自评得分", Kind.POINTS),
        Column("偏差原因分析及改进措施"),
        Column("得分系数", Kind.RATIO, present=False),  # 计分方法 得分系数, as in 绩效指标
    ),
    required=False,
)

PROJECT_TABLES = (PROJECTS, PROJECT_FUNDS, PROJECT_INDICATORS)

ALL_TABLES = (INFO, BUDGET, CONTRACTS, PROCUREMENT, INDICATORS, RULES, NARRATIVE, *PROJECT_TABLES)
