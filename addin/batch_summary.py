"""The batch's summary workbook: 汇总 (one row per department workbook, ranked within its 评价年度),
等级统计 (grades counted per 评价年度, with a chart) and 未能读取 (files that could not be read).

A bureau's folder may hold several years (a department's workbooks for 2023 and 2024): each
year is ranked and counted on its own, so a department is never ranked against itself nor
counted twice; the rank columns say so when there is more than one year.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO

import xlsxwriter

from .batch_rows import DepartmentRow, note, presented
from .core.numbers import cell_fraction, round_half_up
from .package.save import FIXED_CREATED, atomic_write
from .report.fit import shown_width
from .report.grid import MAX_ROW_HEIGHT, paragraph_height
from .report.layout import PrintSetup
from .report.pages import pages_across_scale

__all__ = ["BATCH_UNIT", "GRADES", "write_summary"]

GRADES = ("优", "良", "中", "差")
BATCH_UNIT = "万元"


def _rank(rows: list[DepartmentRow], key: Callable[[DepartmentRow], Decimal | None]) -> dict[str, int]:
    """Competition ranking (1, 2, 2, 4) on the presented values, highest first, within each
    评价年度."""
    ranks: dict[str, int] = {}
    for year in sorted({r.year for r in rows}):
        ranks.update(_rank_one([r for r in rows if r.year == year], key))
    return ranks


def _rank_one(rows: list[DepartmentRow], key: Callable[[DepartmentRow], Decimal | None]) -> dict[str, int]:
    valued = [(round_half_up(v, 6), r.file) for r in rows if (v := key(r)) is not None]
    valued.sort(key=lambda item: item[0], reverse=True)
    ranks: dict[str, int] = {}
    for position, (value, file) in enumerate(valued, start=1):
        previous = valued[position - 2] if position > 1 else None
        ranks[file] = ranks[previous[1]] if previous is not None and previous[0] == value else position
    return ranks


def _num(value: Decimal | None, places: int) -> float | str:
    return "-" if value is None else float(round_half_up(value, places))


_TEXT_WIDTH = 40.0  # a text column grows to its longest text up to this; longer text wraps
# 汇总 has 21 columns: fitted to one landscape page they print at some 40% (4 pt text). Below
# this scale it goes on to pages across instead, 序号/文件/部门名称 repeated on each.
SUMMARY_SCALE_FLOOR = 0.7
_TITLE_COLUMNS = 3


class _Widths:
    """Column widths that hold what the cells show: a number whole (no ###), a text on one line
    up to ``_TEXT_WIDTH`` units (the text formats wrap beyond it; Excel and LibreOffice size
    rows without a set height to their wrapped text)."""

    def __init__(self, least: list[float]) -> None:
        self.widths = list(least)

    def see(self, col: int, value: object, number_format: str = "General", bold: bool = False) -> None:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            need = shown_width(Decimal(str(value)), number_format, 10, bold)
        else:
            need = min(_TEXT_WIDTH, shown_width(str(value), "General", 10, bold))
        self.widths[col] = max(self.widths[col], need)

    def apply(self, ws: Any) -> list[float]:
        """Set the widths (to a half unit); returns them as set."""
        widths = [round(width * 2 + 0.49) / 2 for width in self.widths]
        for col, width in enumerate(widths):
            ws.set_column(col, col, width)
        return widths


def _row_height(texts: dict[int, str], widths: list[float], least: float = 15.0) -> float:
    """The height (points) of a row whose text cells (column → text) wrap in ``widths``: rows
    are given a height, as the report's are (LibreOffice prints a row without one at one line,
    the header's last line only); bold text measured a tenth narrower (its wider glyphs)."""
    need = max((paragraph_height(text, widths[c] * 0.9, 10) for c, text in texts.items()), default=least)
    # to whole pixels (0.75 pt) upwards: XlsxWriter writes a height to the pixel below it
    return min(MAX_ROW_HEIGHT, math.ceil(max(least, need) / 0.75) * 0.75)


def _print_setup(ws: Any, header_row: int, *, landscape: bool, widths: list[float] | None = None) -> None:
    """A4, fitted to the page width, the header row on every page, pages numbered: as the
    report's sheets print (``report.layout.PrintSetup``). With ``widths``, a sheet that would
    print below ``SUMMARY_SCALE_FLOOR`` fitted to one page wide goes on to pages across at a
    readable scale instead, its first columns repeated (``report.pages.pages_across_scale``)."""
    setup = PrintSetup(landscape=landscape)
    ws.set_paper(setup.paper)
    if landscape:
        ws.set_landscape()
    scale = None if widths is None else pages_across_scale(widths, _TITLE_COLUMNS, setup, SUMMARY_SCALE_FLOOR)
    if scale is None:
        ws.fit_to_pages(1, 0)
    else:
        ws.set_print_scale(round(scale * 100))
        ws.repeat_columns(0, _TITLE_COLUMNS - 1)
    ws.repeat_rows(header_row)
    left, right, top, bottom = setup.margins
    ws.set_margins(left, right, top, bottom)
    ws.set_footer(setup.footer)
    ws.center_horizontally()


def write_summary(target: Path, rows: list[DepartmentRow]) -> Path | None:
    """The summary workbook (汇总, 等级统计, 未能读取) over ``rows``, saved atomically to ``target``;
    returns the backup of a different file that was there (None when there was none)."""
    rows = [presented(r) for r in rows]
    good = [r for r in rows if not r.failure]
    # A workbook with errors is listed with its error count only: no figure, rank or grade;
    # a second workbook of the same department and year is listed with its figures, unranked
    # and not counted in the grade statistics.
    valid = [r for r in good if not r.errors and not r.duplicate_of]
    # One ranking and one grade count per 评价年度: a department's 2023 and 2024 workbooks
    # are never ranked against each other nor counted twice.
    years = sorted({r.year for r in valid})
    ranks = {
        "exec": _rank(valid, lambda r: r.execution_rate),
        "sme": _rank(valid, lambda r: r.sme_share),
        "score": _rank(valid, lambda r: r.score),
    }

    def build(out: BinaryIO) -> None:
        wb = xlsxwriter.Workbook(out, {"in_memory": True})
        wb.set_properties({"created": FIXED_CREATED, "title": "部门整体支出绩效自评汇总"})
        base = {"font_name": "宋体", "font_size": 10, "border": 1}
        head = wb.add_format({**base, "bold": True, "bg_color": "#DDEBF7", "text_wrap": True, "align": "center"})
        text = wb.add_format({**base, "text_wrap": True, "valign": "top"})
        amount = wb.add_format({**base, "num_format": "#,##0.00"})
        pct2 = wb.add_format({**base, "num_format": "0.00%"})
        pct1 = wb.add_format({**base, "num_format": "0.0%"})
        score = wb.add_format({**base, "num_format": "0.00"})
        number_formats = {amount: "#,##0.00", pct2: "0.00%", pct1: "0.0%", score: "0.00"}
        title = wb.add_format({"font_name": "宋体", "bold": True, "font_size": 14})
        ws = wb.add_worksheet("汇总")
        by_year = "，按评价年度（" + "、".join(str(y) for y in years) + "）分别排名和统计等级" if len(years) > 1 else ""
        ws.write(
            0,
            0,
            f"部门整体支出绩效自评汇总（{len(valid)} 个部门有效，{sum(1 for r in good if r.errors)} 个有错误未计分，"
            f"{sum(1 for r in good if r.duplicate_of)} 个重复未计入，{len(rows) - len(good)} 个文件未能读取{by_year}）",
            title,
        )
        within = "（年度内）" if len(years) > 1 else ""
        heads = [
            "序号",
            "文件",
            "部门名称",
            "年度",
            f"全年预算数（{BATCH_UNIT}）",
            f"执行数（{BATCH_UNIT}）",
            "预算执行率",
            f"执行率排名{within}",
            "支出进度",
            f"政府采购支出总额（{BATCH_UNIT}）",
            "中小企业合同占比",
            f"中小企业占比排名{within}",
            "自评得分",
            f"得分排名{within}",
            "等级",
            "错误数",
            "警告数",
            "填报金额单位",
            "项目数",
            "完成自评项目数",
            "说明",
        ]
        ws.write_row(2, 0, heads, head)
        widths = _Widths([6.0, 24.0, 24.0, *([12.0] * (len(heads) - 3))])
        formats = [
            text,
            text,
            text,
            text,
            amount,
            amount,
            pct2,
            text,
            pct2,
            amount,
            pct1,
            text,
            score,
            text,
            text,
            text,
            text,
            text,
            text,
            text,
            text,
        ]
        texts: dict[int, dict[int, object]] = {2: dict(enumerate(heads))}  # sheet row → its wrapped texts
        for i, r in enumerate(good, start=1):
            if r.errors:
                blank: list[object] = [
                    *(i, r.file, r.department, r.year or "-"),
                    *(["-"] * 11),
                    *(r.errors, r.warnings, r.unit or "未知"),
                    *(r.projects, "-"),  # projects listed; whether complete waits for the fixes
                    note(r),
                ]
                for c, cell in enumerate(blank):
                    ws.write(2 + i, c, cell, text)
                    widths.see(c, cell)
                texts[2 + i] = {c: cell for c, cell in enumerate(blank) if isinstance(cell, str)}
                continue
            values = [
                i,
                r.file,
                r.department,
                r.year,
                _num(r.total, 2),
                _num(r.executed, 2),
                cell_fraction(r.execution_rate, 2),
                ranks["exec"].get(r.file, "-"),
                cell_fraction(r.spending_progress, 2),
                _num(r.procurement, 2),
                cell_fraction(r.sme_share, 1),
                ranks["sme"].get(r.file, "-"),
                _num(r.score, 2),
                ranks["score"].get(r.file, "-"),
                r.grade or "-",
                r.errors,
                r.warnings,
                r.unit or "未知",
                r.projects,
                r.projects_completed,
                note(r),
            ]
            for c, (value, fmt) in enumerate(zip(values, formats, strict=True)):
                ws.write(2 + i, c, value, fmt)
                widths.see(c, value, number_formats.get(fmt, "General"))
            texts[2 + i] = {c: v for c, (v, fmt) in enumerate(zip(values, formats, strict=True)) if fmt is text}
        final = widths.apply(ws)
        for row, cells in texts.items():
            ws.set_row(row, _row_height({c: str(v) for c, v in cells.items()}, final, 30.0 if row == 2 else 15.0))
        _print_setup(ws, 2, landscape=True, widths=final)
        ws.freeze_panes(3, 3)
        if good:
            ws.autofilter(2, 0, 2 + len(good), len(heads) - 1)

        grades = wb.add_worksheet("等级统计")
        columns = [(f"{year}年部门数", [r for r in valid if r.year == year]) for year in years]
        if len(columns) < 2:
            columns = [("部门数", valid)]
        grades.write_row(0, 0, ["等级", *(name for name, _ in columns)], head)
        chart = wb.add_chart({"type": "column"})
        for c, (name, group) in enumerate(columns, start=1):
            counts = Counter(r.grade for r in group if r.grade)
            for i, grade in enumerate(GRADES, start=1):
                grades.write(i, 0, grade, text)
                grades.write(i, c, counts.get(grade, 0), text)
            grades.write(len(GRADES) + 1, c, sum(counts.values()), head)
            chart.add_series(
                {
                    "name": name,
                    "categories": ["等级统计", 1, 0, len(GRADES), 0],
                    "values": ["等级统计", 1, c, len(GRADES), c],
                    "data_labels": {"value": True},
                }
            )
        grades.write(len(GRADES) + 1, 0, "合计", head)
        chart.set_title({"name": "自评等级分布", "name_font": {"name": "宋体"}})
        if len(columns) < 2:
            chart.set_legend({"none": True})
        grades.insert_chart(0, len(columns) + 2, chart)
        grades.set_column(1, len(columns), max(10.0, *(shown_width(name, bold=True) for name, _ in columns)))
        _print_setup(grades, 0, landscape=len(columns) > 2)

        failed = wb.add_worksheet("未能读取")
        failed.write_row(0, 0, ["文件", "原因"], head)
        for i, r in enumerate((r for r in rows if r.failure), start=1):
            failed.write(i, 0, r.file, text)
            failed.write(i, 1, r.failure, text)
        failed.set_column(0, 0, 30)
        failed.set_column(1, 1, 100)
        _print_setup(failed, 0, landscape=True)
        wb.close()

    return atomic_write(target, build)
