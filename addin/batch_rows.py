"""One row per department workbook of a batch, and what the rows say about each other.

A row carries the figures the summary shows (amounts in 万元). Across the rows: copies of one
department and year are ranked once (``mark_duplicates``), and the years of one department whose
小微占比口径 differ are named, with both shares (``mark_years``; DESIGN.md, "batch across years":
national disclosures switched base in 2022, so the two shares are not comparable).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

from .core.numbers import format_percent
from .report.headline import small_micro_label

__all__ = ["DepartmentRow", "mark_duplicates", "mark_years", "note", "presented", "tally"]


@dataclass(frozen=True, slots=True)
class DepartmentRow:
    file: str
    department: str = ""
    year: int = 0
    total: Decimal | None = None
    executed: Decimal | None = None
    execution_rate: Decimal | None = None
    spending_progress: Decimal | None = None
    procurement: Decimal | None = None
    sme_share: Decimal | None = None
    score: Decimal | None = None
    grade: str | None = None
    errors: int = 0
    warnings: int = 0
    projects: int = 0  # projects listed in 项目 (项目支出绩效自评)
    projects_completed: int = 0  # of which with a complete self-evaluation
    failure: str = ""  # the reason a file could not be read at all
    unit: str = ""  # the workbook's own 金额单位; amounts above are in 万元 ("" unit: not converted)
    duplicate_of: str = ""  # the file kept for the same 部门名称 and 评价年度 (this one is not ranked)
    kept_because: str = ""  # why ``duplicate_of`` was kept rather than this file (mark_duplicates)
    basis: str = ""  # 小微占比口径
    small_micro_share: Decimal | None = None  # on ``basis``
    years_note: str = ""  # the department's years on different 小微占比口径 (mark_years)


def presented(row: DepartmentRow) -> DepartmentRow:
    """What a row shows, in the summary workbook and in every door's list (DESIGN.md, batch):
    a workbook with errors, or a file that could not be read, shows its name, department and
    counts, and no figure, score or grade (nor is it ranked or counted in the grades)."""
    if not row.failure and not row.errors:
        return row
    return replace(
        row,
        total=None,
        executed=None,
        execution_rate=None,
        spending_progress=None,
        procurement=None,
        sme_share=None,
        score=None,
        grade=None,
        small_micro_share=None,
    )


def _when(stamp: float) -> str:
    return datetime.fromtimestamp(stamp).strftime("%Y-%m-%d %H:%M")


def mark_duplicates(rows: list[DepartmentRow], modified: Callable[[str], float | None]) -> list[DepartmentRow]:
    """Several workbooks of one 部门名称 and 评价年度 (copies such as 外办.xlsm and 外办(1).xlsm):
    the most recently modified one is ranked and counted; the others are listed with
    ``duplicate_of`` naming it and ``kept_because`` saying why. ``modified(file)`` is the file's
    modification time (seconds since the epoch; the CLI's file system, a zip member's date, the
    date the browser sent with an upload) or None when unknown. Only when the copies' times are
    equal or one of them is unknown is the first by file name kept, and the reason says so.
    Workbooks with errors are not candidates. The one rule for every door."""
    groups: dict[tuple[str, int], list[DepartmentRow]] = {}
    for r in rows:
        if not r.failure and not r.errors and r.department:
            groups.setdefault((r.department, r.year), []).append(r)
    kept: dict[str, tuple[str, str]] = {}
    for group in groups.values():
        if len(group) < 2:
            continue
        dates = {r.file: modified(r.file) for r in group}
        known = {f: t for f, t in dates.items() if t is not None}
        by_name = sorted(group, key=lambda r: r.file)
        if len(known) < len(group):
            keep = by_name[0]
            undated = "、".join(r.file for r in by_name if dates[r.file] is None)
            because = (
                f"{undated} 没有修改时间（上传时浏览器未提供），无法判断哪一份最新，按文件名顺序取第一份："
                "请确认后只保留正确的一份"
            )
            for r in group:
                if r is not keep:
                    kept[r.file] = (keep.file, because)
            continue
        # Times are compared as they are shown (to the minute): copies saved together differ by
        # microseconds, and "最近修改的一份" beside two equal times would read as a mistake.
        newest = _when(max(known.values()))
        tied = [r.file for r in by_name if _when(known[r.file]) == newest]
        keep = next(r for r in by_name if r.file == tied[0])
        for r in group:
            if r is keep:
                continue
            if _when(known[r.file]) == newest:
                because = f"{'、'.join(tied)} 修改时间相同（{newest}），按文件名顺序取第一份"
            else:
                because = f"{keep.file} 修改于 {newest}，是最近修改的一份（本文件修改于 {_when(known[r.file])}）"
            kept[r.file] = (keep.file, because)
    return mark_years(
        [replace(r, duplicate_of=kept[r.file][0], kept_because=kept[r.file][1]) if r.file in kept else r for r in rows]
    )


def tally(rows: list[DepartmentRow]) -> str:
    """What a batch covered, as every door states it: departments counted as the summary ranks
    them (copies of one department and year are one department), then the files when they are
    more, the copies, the workbooks with errors and the files not read, e.g. "1 个部门，6 个文件
    （其中 5 个是同一部门同一年度的副本，只计入其中一份，见“说明”列）"."""
    read = [r for r in rows if not r.failure]
    departments = len({r.department or r.file for r in read})
    text = f"{departments} 个部门"
    if len(rows) != departments:
        text += f"，{len(rows)} 个文件"
    parts = []
    copies = sum(1 for r in read if r.duplicate_of)
    if copies:
        parts.append(f"{copies} 个是同一部门同一年度的副本，只计入其中一份，见“说明”列")
    with_errors = sum(1 for r in read if r.errors)
    if with_errors:
        parts.append(f"{with_errors} 个有错误，未计分、未排名：请按“错误”列修改后重新汇总")
    failed = len(rows) - len(read)
    if failed:
        parts.append(f"{failed} 个文件未能读取，原因见“说明”列")
    return text + ("（其中 " + "；".join(parts) + "）" if parts else "")


def mark_years(rows: list[DepartmentRow]) -> list[DepartmentRow]:
    """The workbooks of one 部门名称 for several 评价年度 whose 小微占比口径 differ: each gets a
    ``years_note`` naming the years and each year's small-micro share on its own base."""
    years: dict[str, dict[int, DepartmentRow]] = {}
    for r in rows:
        if not r.failure and not r.errors and not r.duplicate_of and r.department and r.basis:
            years.setdefault(r.department, {})[r.year] = r
    notes: dict[str, str] = {}
    for department, by_year in years.items():
        if len({r.basis for r in by_year.values()}) < 2:
            continue
        shares = "；".join(
            f"{year} 年按{r.basis}口径，{small_micro_label(r.basis)} {format_percent(r.small_micro_share, 1)}"
            for year, r in sorted(by_year.items())
        )
        text = f"“{department}”各年度的小微占比口径不同（{shares}），两年的小微企业占比不可直接比较"
        for r in by_year.values():
            notes[r.file] = text
    return [replace(r, years_note=notes[r.file]) if r.file in notes else r for r in rows]


def note(r: DepartmentRow) -> str:
    """The row's 说明 in the summary workbook."""
    if r.duplicate_of:
        return f"与 {r.duplicate_of} 为同一部门、同一年度，只按 {r.duplicate_of} 排名和统计等级：{r.kept_because}"
    if r.errors:
        return "有错误，未计分（运行 check 查看）"
    return r.years_note
