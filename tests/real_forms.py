"""Published report forms, typed into the contract the way the reports state them.

Every figure below is copied from the public statement named beside it; where no public
source could be found for a form the issue describes, the comment says so and the figures
are those of the issue (DESIGN.md, "Real report forms"), not invented ones. Workbooks are
written with only the columns the form has (a project form has no 支出数 column), as plain
Excel Tables, so the product reads them exactly as it reads a clerk's file.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import xlsxwriter

from addin.contract import schema
from addin.example.data import EXAMPLE_TABLES

Rows = list[list[Any]]
Tables = dict[str, Rows]

# -- procurement statements ---------------------------------------------------------------------

# 财政部《2023年全国政府采购简要情况》, as reported by 人民日报 2024-09-15 (记者汪文正, "去年全国政府
# 采购七成以上购自中小企业") and 人民网 2024-09-19 (gov.cn/lianbo/bumen/202409/content_6975228.htm):
# 规模 33929.6 亿元; 货物、工程、服务 7738.1、14486.8、11704.8 亿元, 占 22.8%、42.7%、34.5%;
# 授予中小企业合同金额 25239.8 亿元, 占 74.4%; 其中小微企业 15778.3 亿元, 占中小企业的 62.5%.
# The categories add up to 33929.7: the statement is off by 0.1 (each figure rounded on its own).
NATIONAL_2023 = {
    "unit": "亿元",
    "categories": (("货物", 7738.1), ("工程", 14486.8), ("服务", 11704.8)),
    "total": (33929.6, 25239.8, 15778.3),
    "shares_of_total": {"货物": "22.8", "工程": "42.7", "服务": "34.5"},
    "sme_share": "74.4",
    "small_micro_share_of_sme": "62.5",
}

# 财政部 2019 年度部门决算, 政府采购支出情况 (quoted by 中评网 bj.crntt.com, "中央部门公开决算账本"):
# 政府采购支出总额 33509.75 万元, 其中授予中小企业合同金额 32407.19 万元, 占政府采购支出总额的 96.7%,
# 其中授予小微企业合同金额 2739.43 万元, 占政府采购支出总额的 8.2%. A total only, no categories.
MOF_2019 = {"unit": "万元", "total": (33509.75, 32407.19, 2739.43), "sme_share": "96.7", "small_micro": "8.2"}

# 山东科技职业学院《政府采购决算公开情况说明》2021 年度 (2022-04-14): 政府采购支出总额 28861.938591 万元,
# 货物 4895.574316、工程 23143.890913、服务 822.473362 万元; 授予中小企业合同金额 5915.867653 万元,
# 占 20.5%; 其中授予小微企业合同金额 1931.863140 万元, 占政府采购支出总额的 6.7%. Categories with
# amounts, SME only in total, six decimals as published.
SDKJ_2021 = {
    "unit": "万元",
    "categories": (("货物", 4895.574316), ("工程", 23143.890913), ("服务", 822.473362)),
    "total": (28861.938591, 5915.867653, 1931.86314),
    "sme_share": "20.5",
    "small_micro": "6.7",
}


def _info(department: str, year: int, unit: str, basis: str = "中小企业合同金额", **more: Any) -> Rows:
    rows = [["部门名称", department], ["评价年度", year], ["金额单位", unit], ["小微占比口径", basis]]
    rows += [[key, value] for key, value in more.items()]
    return rows


def procurement_statement(
    department: str,
    year: int,
    statement: Mapping[str, Any],
    *,
    basis: str = "中小企业合同金额",
) -> Tables:
    """A procurement disclosure as its own workbook: category rows with amounts only (SME blank)
    and a 合计 row with total, SME and small-micro; or the 合计 row alone. No budget is stated,
    so the workbook also says that 预算执行 is empty."""
    rows: Rows = [[name, amount, None, None] for name, amount in statement.get("categories", ())]
    rows.append(["合计", *statement["total"]])
    return {"tblInfo": _info(department, year, statement["unit"], basis), "tblProcurement": rows}


# The reference report itself (seed/000_c63afe290f3010d3.txt, 广州市委外办 2023) states procurement in
# a sentence: 总额 1,758.16 = 货物 213.53 + 工程 0 + 服务 1,544.63; 中小企业 1,172.1 (66.7%); 小微
# 126.34 (10.8% of SME). The two forms below are that statement typed as a category-amounts
# summary and as a total only, on the example department (budget and indicators of the example).
def reference_department(procurement: Rows) -> Tables:
    tables: Tables = copy.deepcopy(EXAMPLE_TABLES)
    tables["tblContracts"] = []
    tables["tblProcurement"] = procurement
    for name in ("tblProjects", "tblProjectFunds", "tblProjectIndicators"):
        tables[name] = []  # the department's statement alone (the example's projects are illustrative)
    return tables


REFERENCE_CATEGORY_AMOUNTS: Rows = [
    ["货物", 213.53, None, None],
    ["工程", 0, None, None],
    ["服务", 1544.63, None, None],
    ["合计", 1758.16, 1172.10, 126.34],
]
REFERENCE_TOTAL_ONLY: Rows = [["合计", 1758.16, 1172.10, 126.34]]

# -- budgets --------------------------------------------------------------------------------------

# 池州市贵池区棠溪镇人民政府《项目支出绩效自评表（2022年度）》, 委托业务项目: 项目资金（万元）年初预算数
# 90, 全年预算数 89.974, 全年执行数 89.974. A project form: no 支出数 column at all.
CHIZHOU_PROJECT = ("委托业务项目", 90, 89.974, 89.974)

# 年初 238.93 / 全年 251.89 / 执行 251.89 (100.00% on 全年预算数, 105.42% on 年初预算数): 青神县发展和
# 改革局《部门预算项目支出绩效自评表（2023年度）》, 工资性支出, published at
# https://www.scqs.gov.cn/info/13206/211004.htm (found for issue 12; see tests/core/project_forms.py).
BASE_DISAGREEMENT = ("某专项", 238.93, 251.89, 251.89)

PROJECT_BUDGET_HEADERS = ("单位名称", "单位级次", "年初预算数", "全年预算数", "执行数", "备注")


def project_budget(department: str, line: tuple[str, float, float, float], **info: Any) -> Tables:
    """A project-style budget (年初/全年预算数, 执行数; no 支出数) with one indicator fed by the
    computed 预算执行率."""
    name, initial, total, executed = line
    return {
        "tblInfo": _info(department, 2022, "万元", **info),
        "tblBudget": [[name, "本级", initial, total, executed, "项目支出"]],
        "tblIndicators": [
            ["项目管理", "资金管理", "预算执行率", 100, "正向", "100%", None, "预算执行率", "比率", None, "", None],
        ],
    }


# -- scoring ---------------------------------------------------------------------------------------

# Chongqing-style 项目支出绩效自评表 score each indicator as 得分系数 × 分值. The figures are those of
# the issue: 7.6 of 10 for a coefficient of 76%, and a full coefficient on an actual of 72.74%
# against a target of 100%. No published Chongqing form carrying them could be found with the
# search tools available here. The third row is the DESIGN's 反向 case: 92% against ≤100% meets it.
CHONGQING_INDICATORS: Rows = [
    ["产出指标", "质量指标", "验收合格率", 10, "正向", "100%", 0.76, "", "得分系数", 7.6, "", 0.76],
    ["产出指标", "数量指标", "任务完成率", 10, "正向", "100%", 0.7274, "", "得分系数", 10, "", 1],
    ["效益指标", "成本指标", "成本控制率", 10, "反向", "≤100%", 0.92, "", "得分系数", 10, "", 1],
]


def chongqing_department() -> Tables:
    tables: Tables = copy.deepcopy(EXAMPLE_TABLES)
    tables["tblIndicators"] = copy.deepcopy(CHONGQING_INDICATORS)
    for row in tables["tblInfo"]:
        if row[0] == "指标总分":
            row[1] = 30
    return tables


# -- writing ---------------------------------------------------------------------------------------


def write_form(path: Path, tables: Mapping[str, Rows], headers: Mapping[str, Sequence[str]] | None = None) -> Path:
    """Every contract table as an Excel Table, with the form's own columns (``headers``,
    default the contract's); tables not given are left empty."""
    headers = headers or {}
    wb = xlsxwriter.Workbook(str(path))
    for spec in schema.ALL_TABLES:
        ws = wb.add_worksheet(spec.sheet)
        heads = list(headers.get(spec.table, spec.headers))
        rows = [list(r) for r in tables.get(spec.table, [])] or [[None] * len(heads)]
        ws.add_table(0, 0, len(rows), len(heads) - 1, {"name": spec.table, "columns": [{"header": h} for h in heads]})
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row[: len(heads)]):
                if value is not None:
                    ws.write(r, c, value)
    wb.close()
    return path
