"""使用说明's quick checks: the formulas the template writes, and those earlier templates wrote.

Each quick check is the report's own figure of the whole tables (total, 小计 and 其中 rows left
out, 执行率口径 followed, the ledger before the summary), as JX_TOTAL_SCORE is. An earlier
template's checks summed whole columns (JX_EXEC_RATE over tblBudget[执行数], JX_SHARE with only
the exact label "合计" taken as a total), which disagree with the report on a 小计 or 其中 row or a
total row labelled 总计; a workbook made from it keeps them, so ``share`` freezes such a formula
to the value of the one that replaced it, and says so.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

__all__ = ["QUICK_CHECKS", "current_form", "earlier_lines"]

# (label, formula, number format)
QUICK_CHECKS = (
    ("预算执行率（按执行率口径）", "=JX_EXECUTION_RATE(tblBudget[#All],tblInfo[#All])", "0.00%"),
    ("支出进度", "=JX_SPENDING_PROGRESS(tblBudget[#All],tblInfo[#All])", "0.00%"),
    ("中小企业合同占比", "=JX_SME_SHARE(tblContracts[#All],tblProcurement[#All],tblInfo[#All])", "0.0%"),
    (
        "自评总分",
        "=JX_TOTAL_SCORE(tblIndicators[#All],tblRules[#All],tblBudget[#All],tblContracts[#All],"
        "tblProcurement[#All],tblInfo[#All])",
        "0.00",
    ),
)

# An earlier template's formula → the current one stating the figure it was meant to.
_EARLIER = {
    "JX_EXEC_RATE(tblBudget[执行数],tblBudget[全年预算数])": QUICK_CHECKS[0][1],
    "JX_EXEC_RATE(tblBudget[支出数],tblBudget[全年预算数])": QUICK_CHECKS[1][1],
    'IF(COUNTIF(tblProcurement[采购类别],"合计")>0,'
    'JX_SHARE(SUMIFS(tblProcurement[授予中小企业合同金额],tblProcurement[采购类别],"合计"),'
    'SUMIFS(tblProcurement[支出金额],tblProcurement[采购类别],"合计")),'
    "JX_SHARE(tblProcurement[授予中小企业合同金额],tblProcurement[支出金额]))": QUICK_CHECKS[2][1],
}


def _key(formula: str) -> str:
    # As a file stores it: XML-escaped, maybe _xludf.-prefixed (Excel without the add-in),
    # spaced or cased otherwise by hand.
    text = re.sub(r"_xludf\.", "", html.unescape(formula).strip().removeprefix("="), flags=re.I)
    return re.sub(r"\s+", "", text).upper()


_BY_KEY = {_key(earlier): current for earlier, current in _EARLIER.items()}


def current_form(formula: str) -> str | None:
    """The current quick check (a formula with its "=") for an earlier template's ``formula``
    (as a sheet's XML holds it), or None when it is not one."""
    return _BY_KEY.get(_key(formula))


def earlier_lines(checks: Sequence[tuple[str, str, str]]) -> list[str]:
    """What a share copy says of an earlier template's quick checks, given as (cell, current
    formula, why it could not be computed or "" when the copy holds its value)."""
    done = "、".join(cell for cell, _, why in checks if not why)
    said = (
        f"注意 {done}：旧版模板的快速核对公式把整列相加（合计、小计、“其中”行也计入），可能与报告不同，"
        "副本中已改为与报告相同的计算结果：请在原工作簿中改用新版模板“使用说明”中的公式"
    )
    return ([said] if done else []) + [
        f"警告 {cell}：旧版模板的快速核对公式把整列相加（合计、小计、“其中”行也计入），其结果可能与报告不同，"
        f"且无法按报告的算法重新计算（{why}）：请在原工作簿中改用 {current} 后保存，再导出共享副本"
        for cell, current, why in checks
        if why
    ]
