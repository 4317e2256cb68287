"""What the 自评报告 and 校验结果 sheets say, laid out on a 10-column A4 portrait grid."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from decimal import Decimal

from ..contract.coerce import parse_number_text
from ..contract.schema import REPORT_SHEET
from ..core.budget import BASIS_INITIAL, ExecutionFigures
from ..core.evaluation import Evaluation
from ..core.findings import Finding
from ..core.measures import figure_places, indicator_is_rate
from ..core.numbers import presented_fraction, round_half_up
from ..core.procurement import BASIS_TOTAL, NOT_COMPARABLE_NOTE, NOT_GIVEN_NOTE
from ..core.scoring import ScoreFigures
from . import sentences
from .checks_sheet import checks_layout
from .fit import fitted
from .grid import ROW_HEIGHT as _ROW
from .grid import Grid, paragraph_height
from .headline import rate_label, small_micro_label
from .layout import ChartSpec, PrintSetup, Series, SheetLayout
from .pages import page_capacity
from .styles import amount_cell, amount_format

__all__ = ["checks_layout", "report_layout", "report_layouts"]

# A:J is the printed report; L:N hold the charts' data, outside the print area.
WIDTHS = (10.0, 10.0, 11.0, 10.0, 10.0, 11.0, 11.0, 10.0, 11.0, 15.0, 3.0, 22.0, 12.0, 12.0)
LAST = 9
DATA_COL = 11
_PRINT = PrintSetup()  # A4 portrait, fitted to the page width


_pct = presented_fraction


def _given(stated: bool, value: object, style: str) -> tuple[object, str]:
    """A figure whose inputs were stated, or 未填报 in words: never a made-up 0 or a "-"."""
    return (value, style) if stated else (NOT_GIVEN_NOTE, "td_center")


def _rate_label(ev: Evaluation) -> str:
    return rate_label(ev.budget.basis)


def _basics(g: Grid, ev: Evaluation) -> None:
    d = ev.budget.department
    u = ev.data.info.amount_unit
    places = ev.amount_places
    g.line("一、基本情况", "section", 22, keep=True)
    g.para(sentences.units_sentence(ev) + sentences.budget_sentence(ev))
    spent = _given(d.spent is not None, *amount_cell(d.spent, "kv_amount", places))
    progress = _given(d.spent is not None, _pct(d.spending_progress, 2), "kv_pct2")
    pairs = [
        (
            "全年预算数",
            amount_cell(d.total, "kv_amount", places),
            "执行数",
            amount_cell(d.executed, "kv_amount", places),
        ),
        (_rate_label(ev), (_pct(d.execution_rate, 2), "kv_pct2"), "支出数", spent),
        ("支出进度", progress, "预算调整率", (_pct(d.adjustment_rate, 2), "kv_pct2")),
    ]
    for k1, (v1, s1), k2, (v2, s2) in pairs:
        unit = f"（{u}）" if s1.startswith("kv_amount") and u else ""
        unit2 = f"（{u}）" if k2 in ("执行数", "支出数") and u else ""
        g.cells([(0, 1, k1 + unit, "kv_key"), (2, 4, v1, s1), (5, 6, k2 + unit2, "kv_key"), (7, LAST, v2, s2)])


def _budget(g: Grid, ev: Evaluation) -> None:
    u = ev.data.info.amount_unit
    g.gap()
    g.line(f"二、预算执行情况（金额单位：{u}）", "section", 22, keep=True)
    g.para(sentences.spending_sentence(ev))
    heads = ["单位名称", "单位级次", "年初预算数", "全年预算数", "执行数", _rate_label(ev), "支出数", "支出进度"]
    cols = [(0, 2), (3, 3), (4, 4), (5, 5), (6, 6), (7, 7), (8, 8), (9, 9)]
    g.head([(a, b, h, "th") for (a, b), h in zip(cols, heads, strict=True)], 30)
    for unit in ev.budget.units:
        _execution_row(g, unit, unit.name, unit.level, "td", ev.amount_places)
    _execution_row(g, ev.budget.department, "合计", "", "total", ev.amount_places)
    notes = []
    if ev.budget.basis == BASIS_INITIAL:
        notes.append("预算执行率按年初预算数计算（执行率口径：年初预算数）。")
    if any(unit.spent is None for unit in ev.budget.units):
        notes.append("标为“未填报”的单位未填写支出数，其支出进度不计算。")
    if notes:
        g.line("注：" + "".join(notes), "footnote", 16)


def _execution_row(g: Grid, fig: ExecutionFigures, name: str, level: str, kind: str, places: int) -> None:
    """One row of the budget table: a unit (styles td_*) or the total (styles total_*), amounts
    with ``places`` decimals."""
    g.cells(
        [
            (0, 2, name, "td" if kind == "td" else "total_center"),
            (3, 3, level, "td_center" if kind == "td" else "total"),
            (4, 4, *amount_cell(fig.initial, f"{kind}_amount", places)),
            (5, 5, *amount_cell(fig.total, f"{kind}_amount", places)),
            (6, 6, *amount_cell(fig.executed, f"{kind}_amount", places)),
            (7, 7, _pct(fig.execution_rate, 2), f"{kind}_pct2"),
            (8, 8, *_given(fig.spent is not None, *amount_cell(fig.spent, f"{kind}_amount", places))),
            (9, 9, *_given(fig.spent is not None, _pct(fig.spending_progress, 2), f"{kind}_pct2")),
        ]
    )


def _procurement(g: Grid, ev: Evaluation) -> None:
    """The procurement table at the granularity the data were given: category rows only when
    categories were stated; a figure not stated reads 未填报, never 0."""
    p = ev.procurement
    u = ev.data.info.amount_unit
    places = ev.amount_places
    g.gap()
    g.line(f"三、政府采购情况（金额单位：{u or '未知'}）", "section", 22, keep=True)
    g.para(sentences.procurement_sentence(ev))
    on_total = p.basis == BASIS_TOTAL
    small_head = small_micro_label(p.basis)
    heads = [
        "采购类别",
        "支出金额",
        "占采购总额比",
        "授予中小企业合同金额",
        "中小企业占比",
        "其中授予小微企业合同金额",
        small_head,
    ]
    cols = [(0, 0), (1, 2), (3, 3), (4, 5), (6, 6), (7, 8), (9, 9)]
    g.head([(a, b, h, "th") for (a, b), h in zip(cols, heads, strict=True)], 42)
    for c in p.categories:
        small_share = c.small_micro_share_of_amount if on_total else c.small_micro_share_of_sme
        g.cells(
            [
                (0, 0, c.name, "td_center"),
                (1, 2, *amount_cell(c.amount, "td_amount", places)),
                (3, 3, _pct(c.share_of_total, 1), "td_pct1"),
                (4, 5, *_given(c.sme is not None, *amount_cell(c.sme, "td_amount", places))),
                (6, 6, *_given(c.sme is not None, _pct(c.sme_share, 1), "td_pct1")),
                (7, 8, *_given(c.small_micro is not None, *amount_cell(c.small_micro, "td_amount", places))),
                (9, 9, *_given(small_share is not None or c.small_micro is not None, _pct(small_share, 1), "td_pct1")),
            ]
        )
    small_total = p.small_micro_share_of_total if on_total else p.small_micro_share_of_sme
    g.cells(
        [
            (0, 0, "合计", "total_center"),
            (1, 2, *amount_cell(p.total, "total_amount", places)),
            (3, 3, "", "total"),
            (4, 5, *_given(p.sme is not None, *amount_cell(p.sme, "total_amount", places))),
            (6, 6, *_given(p.sme is not None, _pct(p.sme_share, 1), "total_pct1")),
            (7, 8, *_given(p.small_micro is not None, *amount_cell(p.small_micro, "total_amount", places))),
            (9, 9, *_given(p.small_micro is not None, _pct(small_total, 1), "total_pct1")),
        ]
    )
    source = {"ledger": "采购合同台账", "summary": "采购汇总表", "none": "（未填写）"}[p.source]
    text = f"数据来源：{source}。中小企业含中型、小型、微型企业；小微企业含小型、微型企业。"
    zero = [c.name for c in p.categories if c.sme is not None and c.sme_share is None]
    if zero:
        text += f"{'、'.join(zero)}类支出金额为0，中小企业占比为“-”（{NOT_COMPARABLE_NOTE}）。"
    if not p.categories and p.granularity == "total":
        text += "采购汇总只填写了合计行，不分类别列示。"
    elif any(c.sme is None for c in p.categories):
        text += f"“{NOT_GIVEN_NOTE}”表示该数未按类别填报（只填写了合计），不推算。"
    g.line(text, "footnote", max(16.0, paragraph_height(text, g.span(0, LAST), 9)))


def _value_cell(value: Decimal | None, text: str, rate: bool, places: int = 2) -> tuple[object, str]:
    """目标值/实际值 as shown: the clerk's own wording ("≥95%", "影响较好") when it is not a
    plain number, otherwise the number formatted as a rate (to ``places``: a computed share is
    shown as every other place shows it) or a count."""
    plain = parse_number_text(text) if text else None
    if text and (plain is None or plain[1] not in ("", "%")):
        return text, "td_center"
    if value is None:
        return text, "td_center"
    if rate:
        return _pct(value, places), f"td_pct{places}"
    return round_half_up(value, 2).normalize(), "td_num"


def adds_up(total: Decimal | None, parts: Sequence[Decimal | None]) -> bool:
    """Whether a presented total equals the sum of its presented parts (DESIGN: a total is the
    sum of unrounded figures, rounded once; where the printed column does not add up, a note
    says so, as published forms do)."""
    if total is None or any(x is None for x in parts):
        return True
    return round_half_up(total, 2) == sum((round_half_up(x or Decimal(0), 2) for x in parts), Decimal(0))


# The department's scoring table, where a printed 小计 or 合计 differs from the sum of the
# printed rows above it (each rounded on its own), as the project sheets say it.
SCORE_ROUNDING_NOTE = "注：小计、合计按未舍入的各项分值和得分相加后四舍五入，可能与列示的各项之和相差 0.01 分。"


def _adds_up(s: ScoreFigures) -> bool:
    """Whether every printed 小计 and the 合计 of the scoring table (分值 and 得分) equal the sums
    of the printed figures they total."""
    for dimension in s.dimensions:
        rows = [r for r in s.indicators if r.indicator.level1 == dimension.name]
        if not adds_up(dimension.weight, [r.weight for r in rows]):
            return False
        if not adds_up(dimension.score, [r.score for r in rows if r.applicable]):
            return False
    return adds_up(s.declared_total, [d.weight for d in s.dimensions]) and adds_up(
        s.total, [d.score for d in s.dimensions]
    )


def _score(g: Grid, ev: Evaluation) -> None:
    s = ev.score
    g.gap()
    g.line("四、绩效自评得分", "section", 22, keep=True)
    g.para(sentences.score_sentence(ev))
    heads = ["一级指标", "二级指标", "三级指标", "分值", "目标值", "实际值", "得分", "计分依据及偏差原因"]
    cols = [(0, 0), (1, 1), (2, 3), (4, 4), (5, 5), (6, 6), (7, 7), (8, 9)]
    g.head([(a, b, h, "th") for (a, b), h in zip(cols, heads, strict=True)], 30)
    by_dimension: dict[str, list[int]] = {}
    for i, r in enumerate(s.indicators):
        by_dimension.setdefault(r.indicator.level1, []).append(i)
    for dimension in s.dimensions:
        for i in by_dimension.get(dimension.name, []):
            r = s.indicators[i]
            ind = r.indicator
            note = "；".join(t for t in (r.basis, ind.deviation_reason) if t)
            rate = indicator_is_rate(ind)
            target = _value_cell(ind.target, ind.target_text, rate)
            computed = r.actual is not None and r.actual != ind.actual
            places = figure_places(ind.source) if computed else 2
            actual = _value_cell(r.actual, "" if computed else ind.actual_text, rate, places)
            height = max(_ROW, paragraph_height(note, g.span(8, 9), 10), paragraph_height(ind.level3, g.span(2, 3), 10))
            g.cells(
                [
                    (0, 0, ind.level1, "td"),
                    (1, 1, ind.level2, "td"),
                    (2, 3, ind.level3, "td"),
                    (4, 4, round_half_up(r.weight, 2), "td_score"),
                    (5, 5, target[0], target[1]),
                    (6, 6, actual[0], actual[1]),
                    (
                        7,
                        7,
                        None if r.score is None else round_half_up(r.score, 2) if r.applicable else "不适用",
                        "td_score" if r.applicable else "td_center",
                    ),
                    (8, 9, note, "td"),
                ],
                height,
            )
        g.cells(
            [
                (0, 3, f"{dimension.name} 小计", "subtotal"),
                (4, 4, round_half_up(dimension.weight, 2), "subtotal_score"),
                (5, 6, "", "subtotal"),
                (7, 7, None if dimension.score is None else round_half_up(dimension.score, 2), "subtotal_score"),
                (8, 9, "", "subtotal"),
            ]
        )
    g.cells(
        [
            (0, 3, "合计", "total_center"),
            (4, 4, round_half_up(s.declared_total, 2), "total_score"),
            (5, 6, "", "total"),
            (7, 7, None if s.total is None else round_half_up(s.total, 2), "total_score"),
            (8, 9, "", "total"),
        ]
    )
    if s.grade:
        if s.declared_total == 100:
            bands = "优 ≥90 分，良 80～90 分，中 60～80 分，差 <60 分"
        else:
            total = f"{s.declared_total.normalize():f}"
            bands = f"按得分占指标总分 {total} 分的比例：优 ≥90%，良 80%～90%，中 60%～80%，差 <60%"
        g.line(f"评价等级：{s.grade}（{bands}）", "grade", 22)
    if s.scale != 1 and s.total is not None:
        g.line("注：标为“不适用”的指标不计分，其余指标分值已按比例折算至指标总分。", "footnote", 16)
    if s.total is not None and not _adds_up(s):
        g.line(SCORE_ROUNDING_NOTE, "footnote", 16)


def _findings(g: Grid, findings: Sequence[Finding]) -> None:
    g.gap()
    g.line("五、数据校验情况", "section", 22, keep=True)
    if not findings:
        g.para("数据校验未发现问题。")
        return
    g.head([(0, 0, "级别", "th"), (1, 2, "位置", "th"), (3, LAST, "说明", "th")])
    for f in findings:
        height = max(_ROW, paragraph_height(f.message, g.span(3, LAST), 10))
        g.cells(
            [
                (0, 0, f.severity.label, "error" if f.severity.value == "error" else "warning"),
                (1, 2, f.location, "td"),
                (3, LAST, f.message, "td"),
            ],
            height,
        )


def report_layout(ev: Evaluation) -> SheetLayout:
    """自评报告 on its 10-column grid, the columns widened where a figure needs it
    (``report.fit``)."""
    return fitted(lambda widths: _report_layout(ev, widths), WIDTHS)


def _report_layout(ev: Evaluation, widths: Sequence[float]) -> SheetLayout:
    layout = SheetLayout(REPORT_SHEET, widths, tab_color="C00000")
    # Its own page breaks (report.pages): five tables, each with its header on every page.
    g = Grid(layout, LAST, page_capacity(widths[: LAST + 1], _PRINT))
    g.line(sentences.title(ev), "title", paragraph_height(sentences.title(ev), g.span(0, LAST), 16))
    info = ev.data.info
    meta = f"金额单位：{info.amount_unit}"
    if info.preparer:
        meta += f"　　填报人：{info.preparer}"
    if info.report_date:
        meta += f"　　报告日期：{info.report_date}"
    g.line(meta, "subtitle", 18)
    _basics(g, ev)
    _budget(g, ev)
    _procurement(g, ev)
    _score(g, ev)
    _findings(g, ev.findings)
    g.gap()
    chart_top = g.block(16)  # the charts on one page
    units, categories, with_shares = _chart_data(layout, ev, chart_top)
    layout.charts.append(
        ChartSpec(
            title="各单位预算执行率",
            kind="bar",
            series=(Series("预算执行率", (units[0], units[1], DATA_COL), (units[0], units[1], DATA_COL + 1), "0.00%"),),
            anchor=(chart_top, 0, chart_top + 15, 4),
            y_title="执行率",
            y_format="0%",
        )
    )
    first, last = categories
    amounts = Series("支出金额", (first, last, DATA_COL), (first, last, DATA_COL + 1), amount_format(ev.amount_places))
    shares = Series("中小企业占比", (first, last, DATA_COL), (first, last, DATA_COL + 2), "0.0%", secondary=True)
    layout.charts.append(
        ChartSpec(
            # No SME line where no SME share was stated (a line of "-" would only mislead).
            title="政府采购支出及中小企业占比" if with_shares else "政府采购支出",
            kind="bar_line" if with_shares else "bar",
            series=(amounts, shares) if with_shares else (amounts,),
            anchor=(chart_top, 5, chart_top + 15, LAST),
            y_title=info.amount_unit,
            y2_title="占比" if with_shares else "",
            y_format="#,##0",
            y2_format="0%",
        )
    )
    # As tall as its text at the footnote's 9 pt (one line on A4): a fixed 28 pt sent it alone
    # to a page of its own when the charts ended a page a few points short.
    g.line(GENERATED_NOTE, "footnote", paragraph_height(GENERATED_NOTE, g.span(0, LAST), 9))
    layout.print_setup = dataclasses.replace(_PRINT, print_area=(0, 0, g.row - 1, LAST))
    return layout


GENERATED_NOTE = (
    "本表由“部门整体支出绩效自评”工具根据本工作簿各数据表自动生成，数值已按四舍五入列示；"
    "请勿直接修改，修改数据后重新生成。"
)


def _chart_data(layout: SheetLayout, ev: Evaluation, top: int) -> tuple[tuple[int, int], tuple[int, int], bool]:
    """The charts' data beside the printed report: contiguous, so any writer can chart it. A
    statement without categories is charted as its 合计; the flag says whether any SME share
    is there to plot."""
    layout.put(top, DATA_COL, "图表数据（供图表引用，不打印）", "footnote")
    row = top + 1
    layout.put(row, DATA_COL, "单位名称", "th")
    layout.put(row, DATA_COL + 1, "预算执行率", "th")
    first = row + 1
    for unit in ev.budget.units:
        row += 1
        layout.put(row, DATA_COL, unit.name, "td")
        layout.put(row, DATA_COL + 1, _pct(unit.execution_rate, 2), "td_pct2")
    units = (first, row)
    row += 2
    for c, head in enumerate(("采购类别", "支出金额", "中小企业占比")):
        layout.put(row, DATA_COL + c, head, "th")
    first = row + 1
    p = ev.procurement
    places = ev.amount_places
    bars = [(c.name, c.amount, c.sme_share) for c in p.categories] or [("合计", p.total, p.sme_share)]
    for name, amount, share in bars:
        row += 1
        layout.put(row, DATA_COL, name, "td")
        layout.put(row, DATA_COL + 1, *amount_cell(amount, "td_amount", places))
        layout.put(row, DATA_COL + 2, _pct(share, 1), "td_pct1")
    return units, (first, row), any(share is not None for _, _, share in bars)


def report_layouts(ev: Evaluation, notes: Sequence[str] = ()) -> list[SheetLayout]:
    """Every sheet the report writers put into the workbook, in order; the web door previews
    the same list, so a sheet added here shows in every door: 自评报告, 校验结果 (with
    ``notes``, what the run did to the workbook's sheets, below the findings, and the code of
    the data the report was computed from, ``report.digest``), and with
    projects 项目自评汇总 and one 项目自评-<序号> per project."""
    from .digest import digest_note
    from .project_content import project_layouts  # it builds on this module's value cells

    return [report_layout(ev), checks_layout(ev.findings, [*notes, digest_note(ev)]), *project_layouts(ev)]
