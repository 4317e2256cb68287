"""One row per department workbook of a batch, and what the rows say about each other.

A row carries the figures the summary shows (amounts in 万元). Across the rows: copies of one
department and year are ranked once (``mark_duplicates``), and the years of one department whose
小微占比口径 differ are named, with both shares (``mark_years``; DESIGN.md, "batch across years":
national disclosures switched base in 2022, so the two shares are not comparable).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal

from .core.numbers import format_percent
from .report.headline import small_micro_label

__all__ = ["DepartmentRow", "mark_duplicates", "mark_years", "note", "presented"]


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


def mark_duplicates(rows: list[DepartmentRow], modified: Callable[[str], float]) -> list[DepartmentRow]:
    """Several workbooks of one 部门名称 and 评价年度 (copies such as 外办.xlsm and 外办(1).xlsm):
    the most recently modified one is ranked and counted (on a tie, the first by file name); the
    others are listed with ``duplicate_of`` naming it. Workbooks with errors are not candidates."""
    groups: dict[tuple[str, int], list[DepartmentRow]] = {}
    for r in rows:
        if not r.failure and not r.errors and r.department:
            groups.setdefault((r.department, r.year), []).append(r)
    kept: dict[str, str] = {}
    for group in groups.values():
        if len(group) < 2:
            continue
        keep = sorted(group, key=lambda r: (-modified(r.file), r.file))[0]
        for r in group:
            if r is not keep:
                kept[r.file] = keep.file
    return mark_years([replace(r, duplicate_of=kept[r.file]) if r.file in kept else r for r in rows])


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
        return f"与 {r.duplicate_of} 为同一部门、同一年度，只按 {r.duplicate_of} 排名和统计等级"
    if r.errors:
        return "有错误，未计分（运行 check 查看）"
    return r.years_note
