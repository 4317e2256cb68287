"""What the project sheets say: one 项目支出绩效自评表 per project in the official layout
(财预〔2020〕10号, 附件), and the 项目自评汇总 over all projects.

Both are described once here as ``SheetLayout``s; the package writer and the xlwings writer
render them, as they render the department's report.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from ..contract.schema import PROJECT_SHEET_PREFIX, PROJECTS_SUMMARY_SHEET
from ..core.budget import BASIS_INITIAL
from ..core.evaluation import Evaluation
from ..core.measures import indicator_is_rate
from ..core.numbers import NOT_COMPARABLE, format_amount, format_percent, presented_fraction, round_half_up
from ..core.procurement import NOT_COMPARABLE_NOTE
from ..core.project_model import FUND_SOURCES, SOURCE_CARRIED, SOURCE_OTHER, SOURCE_PUBLIC
from ..core.projects import FundFigures, ProjectFigures
from ..core.scoring import IndicatorScore
from .content import _value_cell, adds_up
from .fit import fitted
from .grid import ROW_HEIGHT, Grid, paragraph_height
from .layout import PrintSetup, SheetLayout
from .pages import single_page_scale
from .styles import amount_cell

__all__ = [
    "project_layout",
    "project_layouts",
    "project_sheet_name",
    "projects_summary_layout",
]

# A:J on A4 portrait: side label, 一级/二级/三级指标, 年度指标值, 实际完成值, 分值, 得分, and
# 偏差原因分析及改进措施 over I:J. The 项目资金 block reuses the columns (D:F amounts, G 分值,
# H 执行率, I:J 得分), as the official form does.
WIDTHS = (6.0, 8.0, 9.0, 16.0, 11.0, 11.0, 9.0, 12.0, 8.0, 12.0)
LAST = len(WIDTHS) - 1
# A form prints on one sheet of paper when that takes a scale no smaller than this (its 9–10 pt
# text at 5.5 pt or more): a long 偏差原因 of some 500 characters still fits; a longer one goes
# on to a second page, the indicators' header repeated, at the scale of the page width.
ONE_PAGE_FLOOR = 0.6
_MARGINS = (0.5, 0.5, 0.6, 0.6)
_SOURCE_LABELS = {SOURCE_PUBLIC: "其中：财政拨款", SOURCE_CARRIED: "上年结转资金", SOURCE_OTHER: "其他资金"}


def project_sheet_name(number: int) -> str:
    """项目自评-1, 项目自评-2, … (序号 in tblProjects row order)."""
    return f"{PROJECT_SHEET_PREFIX}{number}"


def _score(value: Decimal | None) -> Decimal | None:
    return None if value is None else round_half_up(value, 2)


def _score_cell(value: Decimal | None, style: str) -> tuple[object, str]:
    """A score cell: the presented score, or "-" where it is not computed (the note says why)."""
    if value is None:
        return NOT_COMPARABLE, "total_center" if style.startswith("total") else "td_center"
    return round_half_up(value, 2), style


def _head(g: Grid, p: ProjectFigures, year: int) -> None:
    g.line("项目支出绩效自评表", "title", 26)
    g.line(f"（{year}年度）", "subtitle", 18)
    project = p.project
    g.cells([(0, 1, "项目名称", "kv_key"), (2, LAST, project.name, "td")], _tall(project.name, g.span(2, LAST)))
    height = max(_tall(project.department, g.span(2, 5)), _tall(project.implementer, g.span(8, LAST)))
    g.cells(
        [
            (0, 1, "主管部门", "kv_key"),
            (2, 5, project.department, "td"),
            (6, 7, "实施单位", "kv_key"),
            (8, LAST, project.implementer, "td"),
        ],
        height,
    )


def _tall(text: str, width: float, size: float = 10) -> float:
    return max(ROW_HEIGHT, paragraph_height(text, width, size))


def _rate(value: Decimal | None, style: str) -> tuple[object, str]:
    """A 执行率 cell: the presented fraction, or "-" on a zero base (the note says why)."""
    if value is None:
        return NOT_COMPARABLE, "total_center" if style.startswith("total") else "td_center"
    return presented_fraction(value, 2), style


def _rate_head(basis: str) -> str:
    """The 执行率 column says its base when it is not the form's 全年预算数, as the
    department's 预算执行率（年初） does."""
    return "执行率（年初）" if basis == BASIS_INITIAL else "执行率"


def _funds(g: Grid, p: ProjectFigures, unit: str, basis: str, places: int) -> None:
    top = g.row
    heads = ["年初预算数", "全年预算数", "全年执行数", "分值", _rate_head(basis), "得分"]
    cols = [(3, 3), (4, 4), (5, 5), (6, 6), (7, 7), (8, LAST)]
    g.cells([(1, 2, "", "th"), *((a, b, h, "th") for (a, b), h in zip(cols, heads, strict=True))], 22)
    f = p.funds
    g.cells(
        [
            (1, 2, "年度资金总额", "total"),
            (3, 3, *amount_cell(f.initial, "total_amount", places)),
            (4, 4, *amount_cell(f.total, "total_amount", places)),
            (5, 5, *amount_cell(f.executed, "total_amount", places)),
            (6, 6, _score(p.project.execution_weight), "total_score"),
            (7, 7, *_rate(f.execution_rate, "total_pct2")),
            (8, LAST, *_score_cell(p.execution_score, "total_score")),
        ]
    )
    given = {s.source: s for s in p.sources}
    for source in FUND_SOURCES[1:]:
        s: FundFigures | None = given.get(source)
        g.cells(
            [
                (1, 2, _SOURCE_LABELS[source], "td"),
                (3, 3, *(("", "td_amount") if s is None else amount_cell(s.initial, "td_amount", places))),
                (4, 4, *(("", "td_amount") if s is None else amount_cell(s.total, "td_amount", places))),
                (5, 5, *(("", "td_amount") if s is None else amount_cell(s.executed, "td_amount", places))),
                (6, 6, "—", "td_center"),
                (7, 7, *(("", "td_pct2") if s is None else _rate(s.execution_rate, "td_pct2"))),
                (8, LAST, "—", "td_center"),
            ]
        )
    g.layout.merge(top, 0, g.row - 1, 0, f"项目资金（{unit}）", "side")


def _goals(g: Grid, p: ProjectFigures) -> None:
    top = g.row
    g.cells([(1, 5, "预期目标", "th"), (6, LAST, "实际完成情况", "th")], 20)
    goal, achieved = p.project.goal, p.project.achieved
    height = max(_tall(goal, g.span(1, 5)), _tall(achieved, g.span(6, LAST)), 2 * ROW_HEIGHT)
    g.cells([(1, 5, goal, "td_top"), (6, LAST, achieved, "td_top")], height)
    g.layout.merge(top, 0, g.row - 1, 0, "年度总体目标", "side")


def _note(r: IndicatorScore) -> str:
    return r.indicator.deviation_reason if r.applicable else "不适用，分值按比例分配给其他指标"


def _text_widths(widths: Sequence[float]) -> tuple[float, float, float, float, float]:
    """The widths of the indicator table's text columns (二级指标, 三级指标, 年度指标值,
    实际完成值, 偏差原因), once per sheet rather than a Grid.span per row."""
    return widths[2], widths[3], widths[4], widths[5], sum(widths[8 : LAST + 1])


def _indicator_row(g: Grid, r: IndicatorScore, text_widths: tuple[float, float, float, float, float]) -> int:
    ind = r.indicator
    rate = indicator_is_rate(ind)
    target = _value_cell(ind.target, ind.target_text, rate)
    computed = r.actual is not None and r.actual != ind.actual
    actual = _value_cell(r.actual, "" if computed else ind.actual_text, rate)
    note = _note(r)
    level2, level3, target_width, actual_width, note_width = text_widths
    height = max(
        _tall(ind.level2, level2),
        _tall(ind.level3, level3),
        _tall(str(target[0] if isinstance(target[0], str) else ""), target_width),
        _tall(str(actual[0] if isinstance(actual[0], str) else ""), actual_width),
        _tall(note, note_width, 9),
    )
    return g.cells(
        [
            (1, 1, ind.level1, "td_center"),
            (2, 2, ind.level2, "td_center"),
            (3, 3, ind.level3, "td"),
            (4, 4, target[0], target[1]),
            (5, 5, actual[0], actual[1]),
            (6, 6, _score(r.weight) if r.applicable else "—", "td_score" if r.applicable else "td_center"),
            (7, 7, _score(r.score) if r.applicable else "不适用", "td_score" if r.applicable else "td_center"),
            (8, LAST, note, "td_small"),
        ],
        height,
    )


def _merge_runs(g: Grid, rows: Sequence[tuple[int, int]], col: int, keys: Sequence[tuple[str, ...]]) -> None:
    """一级/二级指标 merged over consecutive indicators (``rows``: each one's first and last row)
    with the same value, as printed forms do (a 二级指标 run never crosses into another 一级指标:
    its key carries both)."""
    start = 0
    for i in range(1, len(keys) + 1):
        if i == len(keys) or keys[i] != keys[start]:
            if i - start > 1 and keys[start][-1]:
                first, last = rows[start][0], rows[i - 1][1]
                # an indicator whose note goes on over rows has its cells merged down already
                merge = g.layout.remerge if last - first >= i - start else g.layout.merge
                merge(first, col, last, col, keys[start][-1], "td_center")
            start = i


def _indicators(g: Grid, p: ProjectFigures) -> None:
    top = g.row
    heads = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"]
    cols = [(1, 1), (2, 2), (3, 3), (4, 4), (5, 5), (6, 6), (7, 7), (8, LAST)]
    g.cells([(a, b, h, "th") for (a, b), h in zip(cols, heads, strict=True)], 30)
    results = p.score.indicators if p.score is not None else ()
    text_widths = _text_widths(g.layout.widths)
    rows = []
    for r in results:
        first = _indicator_row(g, r, text_widths)
        rows.append((first, g.row - 1))
    if not results:
        g.cells([(1, LAST, "（尚未填写绩效指标）", "td_center")])
    _merge_runs(g, rows, 1, [(r.indicator.level1,) for r in results])
    _merge_runs(g, rows, 2, [(r.indicator.level1, r.indicator.level2) for r in results])
    g.layout.merge(top, 0, g.row - 1, 0, "绩效指标", "side")


ROUNDING_NOTE = "总分按未舍入的各项得分相加后四舍五入，可能与列示的各项得分之和相差 0.01 分。"


def _parts(p: ProjectFigures) -> list[Decimal | None]:
    scores = [] if p.score is None else [r.score for r in p.score.indicators if r.applicable]
    return [p.execution_score, *scores]


def _total(g: Grid, p: ProjectFigures, basis: str) -> None:
    grade = p.grade or "-"
    # The 分值 column adds up to what it lists: without indicators, the 执行率分值 alone.
    points = p.declared_total if p.score is not None else p.project.execution_weight
    g.cells(
        [
            (0, 5, "总分", "total_center"),
            (6, 6, _score(points), "total_score"),
            (7, 7, *_score_cell(p.total, "total_score")),
            (8, LAST, f"评价等级：{grade}", "total_center"),
        ],
        22,
    )
    notes = []
    if p.execution_rate is None:
        notes.append(f"{basis}为 0，执行率{NOT_COMPARABLE_NOTE}（表中以“-”列示），执行率得分和总分不计算。")
    if p.execution_rate is not None and p.execution_rate > 1:
        notes.append("执行率超过 100% 的，执行率得分按 100% 计（只列示，不加分）。")
    if p.score is not None and p.score.scale != 1 and p.score.total is not None:
        notes.append("标为“不适用”的指标不计分，其余指标分值已按比例折算。")
    if not adds_up(p.total, _parts(p)):
        notes.append(ROUNDING_NOTE)
    notes.append(
        f"执行率 = 全年执行数 ÷ {basis}"
        + ("（执行率口径：年初预算数）" if basis == BASIS_INITIAL else "")
        + "；执行率得分 = 执行率（不超过 100%）× 分值；总分 = 执行率得分 + 各指标得分。"
    )
    for note in notes:
        g.line("注：" + note, "footnote", paragraph_height(note, g.span(0, LAST), 9))
    g.line(
        "本表由“部门整体支出绩效自评”工具根据“项目”“项目资金”“项目指标”表自动生成，数值已按四舍五入列示；修改数据后请重新生成。",
        "footnote",
        26,
    )


def project_layout(ev: Evaluation, p: ProjectFigures) -> SheetLayout:
    """The 项目支出绩效自评表 of one project, sheet 项目自评-<序号>, its columns widened where
    a figure needs it (``report.fit``)."""
    return fitted(lambda widths: _project_layout(ev, p, widths), WIDTHS)


def _project_layout(ev: Evaluation, p: ProjectFigures, widths: Sequence[float]) -> SheetLayout:
    layout = SheetLayout(project_sheet_name(p.number), widths, tab_color="2F75B5")
    g = Grid(layout, LAST)
    _head(g, p, ev.data.info.year)
    basis = ev.projects.basis
    _funds(g, p, ev.data.info.amount_unit, basis, ev.amount_places)
    _goals(g, p)
    indicators_top = g.row
    _indicators(g, p)
    _total(g, p, basis)
    height = sum(layout.heights.get(r, 15.0) for r in range(g.row))
    one_page = single_page_scale(height, widths, PrintSetup(margins=_MARGINS)) >= ONE_PAGE_FLOOR
    layout.print_setup = PrintSetup(
        print_area=(0, 0, g.row - 1, LAST),
        fit_height=one_page,
        repeat_rows=None if one_page else (indicators_top, indicators_top),
        margins=_MARGINS,
    )
    return layout


_MISSED_LINES = 6  # a summary row never grows taller than this for its list of missed targets


def _missed_text(p: ProjectFigures) -> str:
    """The missed targets with their score and 分值 as the project's sheet shows them; a list
    longer than a few lines ends with how many more there are (the project's sheet has all):
    a row taller than a page would be cut in print."""
    items = [f"{r.indicator.level3}（{_score(r.score)}/{_score(r.weight)}）" for r in p.missed]
    text = "；".join(items)
    limit = _MISSED_LINES * 9 * 1.45 + 4  # paragraph_height of that many lines at 9 pt
    shown = len(items)
    while shown > 1 and paragraph_height(text, SUMMARY_WIDTHS[11], 9) > limit:
        shown -= 1
        text = "；".join(items[:shown]) + f"……等 {len(items)} 项，详见该项目的自评表"
    return text


# 序号, 项目名称, 实施单位, 年初/全年预算数, 全年执行数, 执行率, 执行率得分, 指标得分, 总分, 等级, 未达成目标的指标
SUMMARY_WIDTHS = (5.0, 26.0, 16.0, 11.0, 11.0, 11.0, 9.0, 8.0, 8.0, 8.0, 6.0, 30.0)


def projects_summary_layout(ev: Evaluation) -> SheetLayout:
    """项目自评汇总: one row per project (its 序号 linked to its sheet), totals, completion; the
    columns widened where a figure needs it (``report.fit``)."""
    return fitted(lambda widths: _summary_layout(ev, widths), SUMMARY_WIDTHS)


def _summary_layout(ev: Evaluation, widths: Sequence[float]) -> SheetLayout:
    figures = ev.projects
    info = ev.data.info
    places = ev.amount_places
    last = len(widths) - 1
    layout = SheetLayout(PROJECTS_SUMMARY_SHEET, widths, tab_color="2F75B5")
    g = Grid(layout, last)
    g.line(f"{info.year}年度{info.department}项目支出绩效自评汇总", "title", 26)
    listed = len(figures.projects)
    g.line(
        f"金额单位：{info.amount_unit}　　项目 {listed} 个，完成自评 {figures.completed} 个，"
        f"项目绩效自评完成率 {format_percent(figures.completion_rate, 2)}",
        "subtitle",
        18,
    )
    heads = ["序号", "项目名称", "实施单位", "年初预算数", "全年预算数", "全年执行数", _rate_head(figures.basis)]
    heads += ["执行率得分"]
    heads += ["指标得分", "总分", "等级", "未达成目标的指标（得分/分值）"]
    header = g.cells([(c, c, h, "th") for c, h in enumerate(heads)], 30)
    missed_texts = [_missed_text(p) for p in figures.projects]
    # One height for every project row: the Excel door then sets it in one call, whatever
    # the number of projects.
    height = max(
        max(_tall(p.project.name, widths[1]), _tall(p.project.implementer, widths[2])) for p in figures.projects
    )
    height = max(height, *(_tall(text, widths[11], 9) for text in missed_texts))
    for p, missed in zip(figures.projects, missed_texts, strict=True):
        indicator_score = None if p.score is None else p.score.total
        row = g.cells(
            [
                (0, 0, Decimal(p.number), "td_link_center"),
                (1, 1, p.project.name, "td"),
                (2, 2, p.project.implementer, "td"),
                (3, 3, *amount_cell(p.funds.initial, "td_amount", places)),
                (4, 4, *amount_cell(p.funds.total, "td_amount", places)),
                (5, 5, *amount_cell(p.funds.executed, "td_amount", places)),
                (6, 6, *_rate(p.execution_rate, "td_pct2")),
                (7, 7, *_score_cell(p.execution_score, "td_score")),
                (8, 8, *_score_cell(indicator_score, "td_score")),
                (9, 9, *_score_cell(p.total, "td_score")),
                (10, 10, p.grade or "-", "td_center"),
                (11, 11, missed, "td_small"),
            ],
            height,
        )
        # The link is on the 序号: LibreOffice never wraps a linked text, and a name must wrap.
        layout.put(row, 0, Decimal(p.number), "td_link_center", link=f"{project_sheet_name(p.number)}!A1")
    missed_count = sum(len(p.missed) for p in figures.projects)
    g.cells(
        [
            (0, 2, "合计", "total_center"),
            (3, 3, *amount_cell(figures.initial, "total_amount", places)),
            (4, 4, *amount_cell(figures.total, "total_amount", places)),
            (5, 5, *amount_cell(figures.executed, "total_amount", places)),
            (6, 6, *_rate(figures.execution_rate, "total_pct2")),
            (7, 10, "", "total"),
            (11, 11, f"未达成目标的指标 {missed_count} 项", "total"),
        ]
    )
    grades = {label: 0 for label in ("优", "良", "中", "差")}
    scored = [p for p in figures.projects if p.total is not None]
    for p in scored:
        grades[p.grade or "差"] += 1
    text = "评价等级：" + "，".join(f"{label} {count} 个" for label, count in grades.items())
    if scored:
        average = sum((p.total or Decimal(0) for p in scored), Decimal(0)) / len(scored)
        text += f"；项目平均总分 {format_amount(average)} 分"
    g.line(text + f"。合计行执行率 = 各项目全年执行数之和 ÷ {figures.basis}之和。", "footnote", 18)
    if not all(adds_up(p.total, [p.execution_score, None if p.score is None else p.score.total]) for p in scored):
        g.line("注：" + ROUNDING_NOTE, "footnote", 16)
    zero = [str(p.number) for p in figures.projects if p.execution_rate is None]
    if zero:
        note = (
            f"序号 {'、'.join(zero)} 的项目{figures.basis}为 0，执行率{NOT_COMPARABLE_NOTE}（以“-”列示），"
            "执行率得分和总分不计算。"
        )
        g.line("注：" + note, "footnote", paragraph_height(note, g.span(0, last), 9))
    layout.print_setup = PrintSetup(landscape=True, repeat_rows=(header, header), print_area=(0, 0, g.row - 1, last))
    return layout


def project_layouts(ev: Evaluation) -> list[SheetLayout]:
    """项目自评汇总 and every project's sheet, in table order; [] without projects."""
    if not ev.projects.projects:
        return []
    return [projects_summary_layout(ev), *(project_layout(ev, p) for p in ev.projects.projects)]
