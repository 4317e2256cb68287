"""The report's sentences that carry computed figures, shared by the sheet and the Word report.

They follow the reference report's wording (e.g. 全年预算数 9,647.82 万元，执行数 9,326.11
万元，完成预算的 96.67%), with the contract's precision: amounts to 2 decimals, execution
rates to 2, procurement shares to 1; a zero base reads "-（基数为0，不可比）".
"""

from __future__ import annotations

from decimal import Decimal

from ..core.evaluation import Evaluation
from ..core.numbers import format_amount, format_percent
from ..core.procurement import NOT_COMPARABLE_NOTE

__all__ = [
    "budget_sentence",
    "procurement_sentence",
    "projects_sentence",
    "score_sentence",
    "spending_sentence",
    "title",
    "units_sentence",
]


def title(ev: Evaluation) -> str:
    info = ev.data.info
    return f"{info.year}年度{info.department}部门整体支出绩效自评报告"


def units_sentence(ev: Evaluation) -> str:
    units = ev.budget.units
    if not units:
        return ""
    names = "、".join(u.name for u in units)
    return f"本部门纳入本次自评的预算单位共 {len(units)} 个，具体包括：{names}。"


def budget_sentence(ev: Evaluation) -> str:
    d = ev.budget.department
    u = ev.data.info.amount_unit
    rate = format_percent(d.execution_rate, 2, not_comparable=f"-（{NOT_COMPARABLE_NOTE}）")
    return f"全年预算数 {format_amount(d.total)} {u}，执行数 {format_amount(d.executed)} {u}，完成预算的 {rate}。"


def spending_sentence(ev: Evaluation) -> str:
    d = ev.budget.department
    u = ev.data.info.amount_unit
    progress = format_percent(d.spending_progress, 2, not_comparable=f"-（{NOT_COMPARABLE_NOTE}）")
    text = (
        f"{ev.data.info.year}年，全年预算数 {format_amount(d.total)} {u}，本年支出数 "
        f"{format_amount(d.spent)} {u}，支出进度为 {progress}。"
    )
    if d.adjustment_rate is not None and d.initial is not None:
        text += f"年初预算数 {format_amount(d.initial)} {u}，预算调整率为 {format_percent(d.adjustment_rate, 2)}。"
    return text


def _share(value: Decimal | None) -> str:
    return format_percent(value, 1, not_comparable=f"-（{NOT_COMPARABLE_NOTE}）")


def procurement_sentence(ev: Evaluation) -> str:
    p = ev.procurement
    u = ev.data.info.amount_unit
    parts = "、".join(f"政府采购{c.name}支出 {format_amount(c.amount)} {u}" for c in p.categories)
    text = (
        f"{ev.data.info.year}年度本部门政府采购支出总额 {format_amount(p.total)} {u}，其中：{parts}。"
        f"授予中小企业合同金额 {format_amount(p.sme)} {u}，占政府采购支出总额的 {_share(p.sme_share)}，"
        f"其中：授予小微企业合同金额 {format_amount(p.small_micro)} {u}，"
    )
    if p.basis == "政府采购支出总额":
        text += f"占政府采购支出总额的 {_share(p.small_micro_share_of_total)}；"
    else:
        text += f"占授予中小企业合同金额的 {_share(p.small_micro_share_of_sme)}；"
    categories = "，".join(
        f"{c.name}采购授予中小企业合同金额占{c.name}支出金额的 {_share(c.sme_share)}" for c in p.categories
    )
    return text + categories + "。"


def score_sentence(ev: Evaluation) -> str:
    s = ev.score
    if s.total is None:
        return "自评得分尚不能计算：请先修正校验结果中的错误。"
    dims = "、".join(d.name for d in s.dimensions)
    count = "两" if len(s.dimensions) == 2 else f" {len(s.dimensions)} "
    return (
        f"我部门从{dims}{count}个维度开展自评，"
        f"经评价，我部门自评得分 {format_amount(s.total)} 分，评价等级为“{s.grade}”。"
    )


def projects_sentence(ev: Evaluation) -> str:
    """The projects in one sentence (empty without projects): count, completion, money, grades."""
    p = ev.projects
    if not p.projects:
        return ""
    u = ev.data.info.amount_unit
    rate = format_percent(p.execution_rate, 2, not_comparable=f"-（{NOT_COMPARABLE_NOTE}）")
    grades = {label: sum(1 for f in p.projects if f.grade == label) for label in ("优", "良", "中", "差")}
    shown = "、".join(f"“{label}”{count} 个" for label, count in grades.items() if count)
    text = (
        f"本年度开展项目支出绩效自评的项目共 {len(p.projects)} 个，完成自评 {p.completed} 个，项目绩效自评完成率 "
        f"{format_percent(p.completion_rate, 2)}；项目全年预算数合计 {format_amount(p.total)} {u}，全年执行数合计 "
        f"{format_amount(p.executed)} {u}，执行率 {rate}"
    )
    if shown:
        text += f"；自评等级为{shown}"
    return text + "。各项目自评表见附件。"
