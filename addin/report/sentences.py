"""The report's sentences that carry computed figures, shared by the sheet and the Word report.

They follow the reference report's wording (e.g. 全年预算数 9,647.82 万元，执行数 9,326.11
万元，完成预算的 96.67%), with the contract's precision: amounts to 2 decimals, execution
rates to 2, procurement shares to 1; a zero base reads "-（基数为0，不可比）".
"""

from __future__ import annotations

from decimal import Decimal

from ..core.budget import BASIS_INITIAL
from ..core.evaluation import Evaluation
from ..core.numbers import format_amount, format_percent
from ..core.procurement import BASIS_TOTAL, NOT_COMPARABLE_NOTE, NOT_GIVEN_NOTE
from ..core.units import with_unit

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
    rate = format_percent(d.execution_rate, 2, not_comparable=f"-（{NOT_COMPARABLE_NOTE}）")
    if ev.budget.basis == BASIS_INITIAL and d.initial is not None:
        return (
            f"年初预算数 {_money(d.initial, ev)}，全年预算数 {_money(d.total, ev)}，执行数 {_money(d.executed, ev)}，"
            f"完成年初预算的 {rate}。"
        )
    return f"全年预算数 {_money(d.total, ev)}，执行数 {_money(d.executed, ev)}，完成预算的 {rate}。"


def spending_sentence(ev: Evaluation) -> str:
    """支出进度 and 预算调整率; each only when its figures were given."""
    d = ev.budget.department
    text = ""
    if d.spent is not None:
        progress = format_percent(d.spending_progress, 2, not_comparable=f"-（{NOT_COMPARABLE_NOTE}）")
        text = (
            f"{ev.data.info.year}年，全年预算数 {_money(d.total, ev)}，本年支出数 {_money(d.spent, ev)}，"
            f"支出进度为 {progress}。"
        )
    if d.adjustment_rate is not None and d.initial is not None:
        text += f"年初预算数 {_money(d.initial, ev)}，预算调整率为 {format_percent(d.adjustment_rate, 2)}。"
    return text


def _money(value: Decimal, ev: Evaluation) -> str:
    """An amount in a sentence, in the workbook's unit with the department's decimals
    (``Evaluation.amount_places``)."""
    return with_unit(format_amount(value, ev.amount_places), ev.data.info.amount_unit)


def _share(value: Decimal | None) -> str:
    return format_percent(value, 1, not_comparable=f"-（{NOT_COMPARABLE_NOTE}）")


def procurement_sentence(ev: Evaluation) -> str:
    """The procurement paragraph, stating only what was given or follows from it: a statement
    with SME amounts only in total gets no per-category SME shares; one with a total only gets
    no categories."""
    p = ev.procurement
    text = f"{ev.data.info.year}年度本部门政府采购支出总额 {_money(p.total, ev)}"
    if p.categories:
        text += "，其中：" + "、".join(f"政府采购{c.name}支出 {_money(c.amount, ev)}" for c in p.categories)
    text += "。"
    small = ""
    if p.small_micro is not None:
        small = f"授予小微企业合同金额 {_money(p.small_micro, ev)}"
        if p.basis == BASIS_TOTAL:
            small += f"，占政府采购支出总额的 {_share(p.small_micro_share_of_total)}"
        elif p.sme is not None:
            small += f"，占授予中小企业合同金额的 {_share(p.small_micro_share_of_sme)}"
    if p.sme is not None:
        text += f"授予中小企业合同金额 {_money(p.sme, ev)}，占政府采购支出总额的 {_share(p.sme_share)}"
        text += f"，其中：{small}" if small else ""
    elif small:
        text += small
    # Per-category SME shares only when every category states its SME amount: a lone "工程 -"
    # beside categories whose split was not given would read as if the others were missing.
    stated = p.categories and all(c.sme is not None for c in p.categories)
    categories = "，".join(
        f"{c.name}采购授予中小企业合同金额占{c.name}支出金额的 {_share(c.sme_share)}" for c in p.categories if stated
    )
    if categories:
        return text + ("；" if p.sme is not None or small else "") + categories + "。"
    return text + ("。" if p.sme is not None or small else "")


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
    rate = format_percent(p.execution_rate, 2, not_comparable=f"-（{NOT_COMPARABLE_NOTE}）")
    base = p.initial if p.basis == BASIS_INITIAL else p.total
    base_text = NOT_GIVEN_NOTE if base is None else _money(base, ev)
    grades = {label: sum(1 for f in p.projects if f.grade == label) for label in ("优", "良", "中", "差")}
    shown = "、".join(f"“{label}”{count} 个" for label, count in grades.items() if count)
    text = (
        f"本年度开展项目支出绩效自评的项目共 {len(p.projects)} 个，完成自评 {p.completed} 个，项目绩效自评完成率 "
        f"{format_percent(p.completion_rate, 2)}；项目{p.basis}合计 {base_text}，全年执行数合计 "
        f"{_money(p.executed, ev)}，执行率{'（按年初预算数）' if p.basis == BASIS_INITIAL else ''} {rate}"
    )
    if shown:
        text += f"；自评等级为{shown}"
    return text + "。各项目自评表见附件。"
