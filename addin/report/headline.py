"""The headline figures a clerk checks first, as the report presents them: one list shared by
the command line (``summary``/``generate``/``demo``) and the web page's cards, so no door
re-derives a figure, a label or a base.

Each figure is text as printed (amounts with thousands separators and 2 decimals in the
workbook's 金额单位, 预算执行率 and 支出进度 to 2 decimals, procurement shares to 1), with the
same labels as the 自评报告 sheet: 预算执行率（年初） when 执行率口径 is 年初预算数, and the
small-micro share named after its 小微占比口径. A figure the workbook does not state reads
未填报, a zero base "-" (基数为0，不可比), and a figure that depends on input with errors is
withheld (不予显示), never printed as if it were right.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from ..core.budget import BASIS_FULL_YEAR, BASIS_INITIAL
from ..core.evaluation import Evaluation
from ..core.numbers import NOT_COMPARABLE, format_amount, format_percent
from ..core.procurement import BASIS_TOTAL, GRANULARITY_NONE, GRANULARITY_TOTAL, NOT_COMPARABLE_NOTE, NOT_GIVEN_NOTE
from ..core.units import with_unit
from ..core.withheld import BUDGET, BUDGET_TOTALS, PROCUREMENT, SCORE

__all__ = ["WITHHELD", "HeadlineFigure", "headline_figures", "rate_label", "small_micro_label"]

WITHHELD = "不予显示"
_WITHHELD_NOTE = "依赖有错误的数据，请先按校验结果修改"


def rate_label(basis: str) -> str:
    """预算执行率's label on its 执行率口径 (the report's wording)."""
    return "预算执行率（年初）" if basis == BASIS_INITIAL else "预算执行率"


def small_micro_label(basis: str) -> str:
    """The small-micro share's label on its 小微占比口径 (the report's wording)."""
    return "小微占政府采购支出比" if basis == BASIS_TOTAL else "小微占中小企业比"


@dataclass(frozen=True, slots=True)
class HeadlineFigure:
    """One figure: ``value`` as printed (a percentage, an amount, 未填报, "-" or 不予显示),
    ``note`` what it is taken from, ``details`` further lines (per category); a percentage's
    ``ratio`` (the unrounded fraction) and the ``places`` it is printed with, for a cell that
    shows it as a number (the JX_* quick checks, ``jx_figures``)."""

    key: str
    label: str
    value: str
    note: str
    details: tuple[str, ...] = ()
    ratio: Decimal | None = None
    places: int = 0

    def as_json(self) -> dict[str, object]:
        return {"key": self.key, "label": self.label, "value": self.value, "note": self.note, "details": self.details}

    def as_line(self) -> str:
        extra = "；" + "，".join(self.details) if self.details else ""
        return f"{self.label} {self.value}（{self.note}{extra}）"


def _share(
    key: str,
    label: str,
    part: Decimal | None,
    whole: Decimal | None,
    places: int,
    ratio: Decimal | None,
    part_text: str,
    whole_text: str,
    missing: str,
) -> HeadlineFigure:
    """A share of ``part`` over ``whole``: 未填报 when either is not stated, "-" on a zero base."""
    if part is None or whole is None:
        return HeadlineFigure(key, label, NOT_GIVEN_NOTE, missing)
    if ratio is None:
        return HeadlineFigure(key, label, NOT_COMPARABLE, f"{NOT_COMPARABLE_NOTE}（{whole_text}）")
    return HeadlineFigure(
        key, label, format_percent(ratio, places), f"{part_text} / {whole_text}", ratio=ratio, places=places
    )


def _budget(ev: Evaluation, unit: str) -> list[HeadlineFigure]:
    d = ev.budget.department
    basis = ev.budget.basis
    base = d.initial if basis == BASIS_INITIAL else d.total

    def money(value: Decimal | None) -> str:
        return NOT_GIVEN_NOTE if value is None else with_unit(format_amount(value, ev.amount_places), unit)

    total_text = f"{BASIS_FULL_YEAR} {money(d.total)}"
    missing_base = "执行率口径为年初预算数，但年初预算数未填写完整"
    return [
        _share(
            "execution_rate",
            rate_label(basis),
            d.executed,
            base,
            2,
            d.execution_rate,
            f"执行数 {money(d.executed)}",
            f"{basis} {money(base)}",
            missing_base,
        ),
        _share(
            "spending_progress",
            "支出进度",
            d.spent,
            d.total,
            2,
            d.spending_progress,
            f"支出数 {money(d.spent)}",
            total_text,
            "预算执行表未填写支出数",
        ),
    ]


def _procurement(ev: Evaluation, unit: str) -> list[HeadlineFigure]:
    p = ev.procurement

    def money(value: Decimal | None) -> str:
        return NOT_GIVEN_NOTE if value is None else with_unit(format_amount(value, ev.amount_places), unit)

    scope = {GRANULARITY_NONE: "；采购合同和采购汇总均未填写", GRANULARITY_TOTAL: "；采购汇总只填写了合计，不分类别"}
    total = HeadlineFigure(
        "procurement_total",
        "政府采购支出总额",
        format_amount(p.total, ev.amount_places),
        (unit or "金额单位未知") + scope.get(p.granularity, ""),
        tuple(f"{c.name} {format_amount(c.amount, ev.amount_places)}" for c in p.categories),
    )
    total_text = f"政府采购支出总额 {money(p.total)}"
    sme = _share(
        "sme_share",
        "中小企业合同占比",
        p.sme,
        p.total,
        1,
        p.sme_share,
        f"授予中小企业 {money(p.sme)}",
        total_text,
        "采购汇总未填写授予中小企业合同金额",
    )
    if p.categories and all(c.sme is not None for c in p.categories):
        shares = tuple(
            f"{c.name} {format_percent(c.sme_share, 1, not_comparable=f'-（{NOT_COMPARABLE_NOTE}）')}"
            for c in p.categories
        )
        sme = replace(sme, details=shares)
    on_total = p.basis == BASIS_TOTAL
    small = _share(
        "small_micro_share",
        small_micro_label(p.basis),
        p.small_micro,
        p.total if on_total else p.sme,
        1,
        p.small_micro_share,
        f"小微企业 {money(p.small_micro)}",
        total_text if on_total else f"授予中小企业 {money(p.sme)}",
        "采购汇总未填写授予小微企业合同金额" if p.small_micro is None else "采购汇总未填写授予中小企业合同金额",
    )
    return [total, sme, small]


def _withheld(figures: list[HeadlineFigure]) -> list[HeadlineFigure]:
    return [HeadlineFigure(f.key, f.label, WITHHELD, _WITHHELD_NOTE) for f in figures]


def headline_figures(ev: Evaluation) -> list[HeadlineFigure]:
    """预算执行率, 支出进度, 政府采购支出总额, 中小企业合同占比, the small-micro share and 自评得分,
    in that order (keys: execution_rate, spending_progress, procurement_total, sme_share,
    small_micro_share, score)."""
    unit = ev.data.info.amount_unit
    withheld = ev.withheld  # decided per figure in one place (core/withheld.py)
    budget = _budget(ev, unit)
    procurement = _procurement(ev, unit)
    s = ev.score
    if s.total is None or SCORE in withheld:
        why = "数据有错误，请先按校验结果修改" if SCORE in withheld else "绩效指标未能计分，见校验结果"
        score = HeadlineFigure("score", "自评得分", "未评分", why)
    else:
        score = HeadlineFigure("score", "自评得分", f"{format_amount(s.total)} {s.grade}", f"评价等级：{s.grade}")
    return [
        *(_withheld(budget) if BUDGET in withheld or BUDGET_TOTALS in withheld else budget),
        *(_withheld(procurement) if PROCUREMENT in withheld else procurement),
        score,
    ]
