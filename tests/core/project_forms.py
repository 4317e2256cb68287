"""Published 项目支出绩效自评表 as the contract's project tables (test data).

1. 池州市贵池区棠溪镇人民政府, 2022年度, 项目“委托业务项目”: the published 项目支出绩效自评表
   (附件, 项目资金（万元）: 年度资金总额 0 | 0 | 0 under 其中：本年财政拨款 90 | 89.974 | 89.974,
   分值 10; indicators 产出 50 / 效益 30 / 满意度 10). Retrieved from the copy published at
   http://www.anthempetcare.com/upload_cz/download?id=502364&siteId=2 (the file's own metadata
   names the town government's office). The stored copy ends inside the 满意度 row (“公众满…”):
   its target, actual and score below (≥90%, 95%, 10 of 10) are ours, marked as such. Targets
   and actuals are typed as the form prints them (“≥50个” | 50, “≥100百分比” | 100, “≤90万元” | 90).
2. 青神县发展和改革局, 2023年度, 项目“51000021R000000019951-工资性支出”: 部门预算项目支出绩效
   自评表 published at https://www.scqs.gov.cn/info/13206/211004.htm (报表编号 510000_0013zp):
   总额 and 其中：财政资金 238.93 | 251.89 | 251.89, 100.00%, 权重 10; indicators 发放（缴纳）
   覆盖率 =100% (60) and 足额保障率（参保率） =100% (30). The published form leaves 完成值 blank:
   the actuals below (100%) are ours.
"""

from __future__ import annotations

import copy
from typing import Any

Row = list[Any]

CHIZHOU = "委托业务项目"
CHIZHOU_PROJECT: Row = [
    CHIZHOU,
    "219-池州市贵池区棠溪镇人民政府",
    "219001-池州市贵池区棠溪镇人民政府",
    10,
    "本项目共申请预算资金90万元。其中：30万元用于基建工程项目预算编制；30万元用于基建工程项目审计；"
    "30万元用于基建工程项目设计、规划、测绘。",
    "本项目共完成预算资金89.97万元。其中：30万元用于基建工程项目预算编制；30万元用于基建工程项目审计；"
    "29.99万元用于基建工程项目设计、规划、测绘。",
]
# As published: a 年度资金总额 row of zeros above the filled 财政拨款 row.
CHIZHOU_FUNDS_AS_PUBLISHED: list[Row] = [
    [CHIZHOU, "年度资金总额", 0, 0, 0],
    [CHIZHOU, "其中：本年财政拨款", 90, 89.974, 89.974],
]
CHIZHOU_FUNDS: list[Row] = [[CHIZHOU, "财政拨款", 90, 89.974, 89.974]]
_DONE = "达成预期指标"
CHIZHOU_INDICATORS: list[Row] = [
    [CHIZHOU, "产出指标", "数量指标", "基建工程委托业务项目数量", 8, "正向", "≥50个", 50, "比率", None, ""],
    [CHIZHOU, "产出指标", "质量指标", "委托业务报告合格率", 8, "正向", "≥100百分比", 100, "比率", None, ""],
    [CHIZHOU, "产出指标", "质量指标", "经费支出合规性", 8, "定性", "严格执行相关制度规定", _DONE, "定性", 8, ""],
    [CHIZHOU, "产出指标", "时效指标", "提交报告及时性", 8, "定性", "在项目计划完成时间内完成", _DONE, "定性", 8, ""],
    [CHIZHOU, "产出指标", "成本指标", "项目总成本", 8, "反向", "≤90万元", 90, "比率", None, ""],
    [CHIZHOU, "产出指标", "成本指标", "单项业务成本", 10, "定性", "符合相关规定", _DONE, "定性", 10, ""],
    [
        CHIZHOU,
        "效益指标",
        "社会效益指标",
        "对维护基建市场公平的影响程度",
        10,
        "定性",
        "效果明显",
        _DONE,
        "定性",
        10,
        "",
    ],
    [CHIZHOU, "效益指标", "生态效益指标", "对控制基建项目成本影响程度", 10, "定性", "效果明显", _DONE, "定性", 10, ""],
    [
        CHIZHOU,
        "效益指标",
        "可持续影响指标",
        "对推动基建项目“四项制度”健全和落实的持续性影响",
        10,
        "定性",
        "效果明显",
        _DONE,
        "定性",
        10,
        "",
    ],
    # the stored copy is cut off here: this row's values are ours
    [CHIZHOU, "满意度指标", "满意度指标", "公众满意度", 10, "正向", "≥90%", 0.95, "比率", None, ""],
]

QINGSHEN = "51000021R000000019951-工资性支出"
QINGSHEN_PROJECT: Row = [
    QINGSHEN,
    "青神县发展和改革局本级",
    "青神县发展和改革局",
    10,
    "严格执行相关政策，保障工资及时、足额发放或社保及时、足额缴纳，预算编制科学合理，减少结余资金。",
    "",
]
QINGSHEN_FUNDS: list[Row] = [
    [QINGSHEN, "年度资金总额", 238.93, 251.89, 251.89],
    [QINGSHEN, "财政拨款", 238.93, 251.89, 251.89],
]
QINGSHEN_INDICATORS: list[Row] = [
    [QINGSHEN, "产出指标", "数量指标", "发放（缴纳）覆盖率", 60, "正向", "=100%", 1.0, "比率", None, ""],
    [QINGSHEN, "效益指标", "社会效益指标", "足额保障率（参保率）", 30, "正向", "=100%", 1.0, "比率", None, ""],
]


def public_forms() -> dict[str, list[Row]]:
    """Both public forms as the three project tables (池州 with its 资金 corrected), a fresh
    copy each time so a test may edit it."""
    return copy.deepcopy(
        {
            "tblProjects": [CHIZHOU_PROJECT, QINGSHEN_PROJECT],
            "tblProjectFunds": CHIZHOU_FUNDS + QINGSHEN_FUNDS,
            "tblProjectIndicators": CHIZHOU_INDICATORS + QINGSHEN_INDICATORS,
        }
    )
