"""Many department workbooks into one summary workbook: a finance bureau's consolidation.

Workbooks are read in parallel (a process pool over the cores); a file that cannot be read
is listed with its message and the rest go on. The summary ranks departments by execution
rate, SME share and score, counts grades, and carries one row per department with its number
of findings.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import sys
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO

import xlsxwriter

from .core.numbers import cell_fraction, round_half_up
from .core.units import UNIT_FACTORS, convert
from .errors import AddinError, UnusableInput, is_native_panic
from .package.archive import open_package
from .package.parts import sheet_parts
from .package.save import atomic_write, ensure_writable, not_an_input

__all__ = [
    "BatchResult",
    "DepartmentRow",
    "batch",
    "collect",
    "is_summary",
    "mark_duplicates",
    "presented",
    "summary_row",
    "write_summary",
]

GRADES = ("优", "良", "中", "差")
BATCH_UNIT = "万元"


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


def _one(path: str) -> DepartmentRow:
    """Evaluate one workbook in a worker process; never raises."""
    from .headless import evaluate_file

    name = Path(path).name
    try:
        ev = evaluate_file(Path(path))
    except AddinError as exc:
        return DepartmentRow(name, failure=exc.message)
    except BaseException as exc:  # one broken file must not stop the bureau's batch
        if not (isinstance(exc, Exception) or is_native_panic(exc)):
            raise
        traceback.print_exc(file=sys.stderr)  # for the operator; the clerk reads one Chinese line
        return DepartmentRow(name, failure="程序内部错误，未能读取该文件：请把文件发给技术支持")
    d = ev.budget.department
    unit = ev.data.info.amount_unit

    def in_wan(value: Decimal) -> Decimal | None:
        # Departments state 元, 万元 or 亿元; the bureau compares them in 万元.
        return convert(value, unit, BATCH_UNIT) if unit in UNIT_FACTORS else None

    return presented(
        DepartmentRow(
            file=name,
            department=ev.data.info.department,
            year=ev.data.info.year,
            total=in_wan(d.total),
            executed=in_wan(d.executed),
            execution_rate=d.execution_rate,
            spending_progress=d.spending_progress,
            procurement=in_wan(ev.procurement.total),
            sme_share=ev.procurement.sme_share,
            score=ev.score.total,
            grade=ev.score.grade,
            errors=len(ev.findings.errors),
            warnings=len(ev.findings.warnings),
            projects=len(ev.projects.projects),
            projects_completed=ev.projects.completed,
            unit=unit,
        )
    )


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
    )


def summary_row(path: Path) -> DepartmentRow:
    """One workbook's row of the summary, evaluated in this process; never raises (a file that
    cannot be read gets a row with its ``failure``). The web door runs it in its own workers."""
    return _one(str(path))


SUMMARY_SHEETS = ("汇总", "等级统计", "未能读取")


def is_summary(path: Path) -> bool:
    """Whether ``path`` is a summary workbook this command wrote (it has exactly our sheets)."""
    if path.suffix.lower() != ".xlsx":
        return False
    try:
        with open_package(path) as package:
            return tuple(s.name for s in sheet_parts(package)) == SUMMARY_SHEETS
    except Exception:  # a file that cannot be read is no summary of ours; its worker reports it
        return False


def workbooks(folder: Path, exclude: Path | None = None) -> list[Path]:
    found = []
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() not in (".xlsx", ".xlsm") or path.name.startswith(("~$", ".")):
            continue
        if ".backup-" in path.name or (exclude is not None and path.resolve() == exclude.resolve()):
            continue
        found.append(path)
    return found


# A workbook that takes longer than this in its worker is stopped and listed as failed.
FILE_TIME_LIMIT_S = 120.0


def _child(path: str, conn: Any) -> None:
    """Worker process body: one workbook, the result sent back through the pipe."""
    try:
        conn.send(_one(path))
    finally:
        conn.close()


def _context() -> Any:
    # fork shares the parent's imports (cheap per file); where there is no fork, spawn.
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def collect(
    paths: Iterable[Path],
    *,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    time_limit: float = FILE_TIME_LIMIT_S,
) -> list[DepartmentRow]:
    """Evaluate every workbook, each in its own process; rows come back in the order of ``paths``.

    A worker that dies (a crash in a native library, memory exhausted) or runs past
    ``time_limit`` seconds costs only its own file, which is listed with a message."""
    from . import headless  # noqa: F401  (imported before forking, so each child has it)

    items = [str(p) for p in paths]
    results: dict[str, DepartmentRow] = {}
    workers = max(1, workers or os.cpu_count() or 1)
    ctx = _context()
    pending = list(reversed(items))
    running: dict[Any, tuple[str, Any, float]] = {}  # reader connection → (item, process, deadline)
    done = 0
    while pending or running:
        while pending and len(running) < workers:
            item = pending.pop()
            reader, writer = ctx.Pipe(duplex=False)
            process = ctx.Process(target=_child, args=(item, writer), daemon=True)
            process.start()
            writer.close()
            running[reader] = (item, process, time.monotonic() + time_limit)
        now = time.monotonic()
        timeout = max(0.0, min(deadline for _, _, deadline in running.values()) - now)
        ready = multiprocessing.connection.wait(list(running), timeout=timeout)
        finished: list[Any] = []
        for ready_end in ready:
            end: Any = ready_end  # wait() is typed loosely; it returns our pipe ends
            item, process, _ = running[end]
            try:
                results[item] = end.recv()
            except (EOFError, OSError):
                process.join(5)
                code = process.exitcode
                results[item] = DepartmentRow(
                    Path(item).name,
                    failure=f"处理该文件的进程意外退出（退出码 {code}），文件可能已损坏：请用 Excel 打开并另存后再试",
                )
            finished.append(end)
        now = time.monotonic()
        for reader, (item, process, deadline) in running.items():
            if reader not in finished and now >= deadline:
                process.kill()
                results[item] = DepartmentRow(
                    Path(item).name,
                    failure=f"处理超过 {time_limit:g} 秒仍未完成，已停止：请检查该文件是否过大或已损坏",
                )
                finished.append(reader)
        for reader in finished:
            _, process, _ = running.pop(reader)
            process.join(5)
            reader.close()
            done += 1
            if progress:
                progress(done, len(items))
    return [results[item] for item in items]


def _rank(rows: list[DepartmentRow], key: Callable[[DepartmentRow], Decimal | None]) -> dict[str, int]:
    """Competition ranking (1, 2, 2, 4) on the presented values, highest first."""
    valued = [(round_half_up(v, 6), r.file) for r in rows if (v := key(r)) is not None]
    valued.sort(key=lambda item: item[0], reverse=True)
    ranks: dict[str, int] = {}
    for position, (value, file) in enumerate(valued, start=1):
        previous = valued[position - 2] if position > 1 else None
        ranks[file] = ranks[previous[1]] if previous is not None and previous[0] == value else position
    return ranks


def _num(value: Decimal | None, places: int) -> float | str:
    return "-" if value is None else float(round_half_up(value, places))


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
    return [replace(r, duplicate_of=kept[r.file]) if r.file in kept else r for r in rows]


def _note(r: DepartmentRow) -> str:
    if r.duplicate_of:
        return f"与 {r.duplicate_of} 为同一部门、同一年度，只按 {r.duplicate_of} 排名和统计等级"
    if r.errors:
        return "有错误，未计分（运行 check 查看）"
    return ""


def write_summary(target: Path, rows: list[DepartmentRow]) -> Path | None:
    """The summary workbook (汇总, 等级统计, 未能读取) over ``rows``, saved atomically to ``target``;
    returns the backup of a different file that was there (None when there was none)."""
    rows = [presented(r) for r in rows]
    good = [r for r in rows if not r.failure]
    # A workbook with errors is listed with its error count only: no figure, rank or grade;
    # a second workbook of the same department and year is listed with its figures, unranked
    # and not counted in the grade statistics.
    valid = [r for r in good if not r.errors and not r.duplicate_of]
    ranks = {
        "exec": _rank(valid, lambda r: r.execution_rate),
        "sme": _rank(valid, lambda r: r.sme_share),
        "score": _rank(valid, lambda r: r.score),
    }

    def build(out: BinaryIO) -> None:
        wb = xlsxwriter.Workbook(out, {"in_memory": True})
        base = {"font_name": "宋体", "font_size": 10, "border": 1}
        head = wb.add_format({**base, "bold": True, "bg_color": "#DDEBF7", "text_wrap": True, "align": "center"})
        text = wb.add_format(base)
        amount = wb.add_format({**base, "num_format": "#,##0.00"})
        pct2 = wb.add_format({**base, "num_format": "0.00%"})
        pct1 = wb.add_format({**base, "num_format": "0.0%"})
        score = wb.add_format({**base, "num_format": "0.00"})
        title = wb.add_format({"font_name": "宋体", "bold": True, "font_size": 14})
        ws = wb.add_worksheet("汇总")
        ws.write(
            0,
            0,
            f"部门整体支出绩效自评汇总（{len(valid)} 个部门有效，{sum(1 for r in good if r.errors)} 个有错误未计分，"
            f"{sum(1 for r in good if r.duplicate_of)} 个重复未计入，{len(rows) - len(good)} 个文件未能读取）",
            title,
        )
        heads = [
            "序号",
            "文件",
            "部门名称",
            "年度",
            f"全年预算数（{BATCH_UNIT}）",
            f"执行数（{BATCH_UNIT}）",
            "预算执行率",
            "执行率排名",
            "支出进度",
            f"政府采购支出总额（{BATCH_UNIT}）",
            "中小企业合同占比",
            "中小企业占比排名",
            "自评得分",
            "得分排名",
            "等级",
            "错误数",
            "警告数",
            "填报金额单位",
            "项目数",
            "完成自评项目数",
            "说明",
        ]
        ws.write_row(2, 0, heads, head)
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
        for i, r in enumerate(good, start=1):
            if r.errors:
                blank: list[object] = [
                    *(i, r.file, r.department, r.year or "-"),
                    *(["-"] * 11),
                    *(r.errors, r.warnings, r.unit or "未知"),
                    *(r.projects, "-"),  # projects listed; whether complete waits for the fixes
                    _note(r),
                ]
                for c, cell in enumerate(blank):
                    ws.write(2 + i, c, cell, text)
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
                _note(r),
            ]
            for c, (value, fmt) in enumerate(zip(values, formats, strict=True)):
                ws.write(2 + i, c, value, fmt)
        ws.set_column(0, 0, 6)
        ws.set_column(1, 2, 24)
        ws.set_column(3, len(heads) - 1, 12)
        ws.freeze_panes(3, 3)
        if good:
            ws.autofilter(2, 0, 2 + len(good), len(heads) - 1)

        grades = wb.add_worksheet("等级统计")
        counts = Counter(r.grade for r in valid if r.grade)
        grades.write_row(0, 0, ["等级", "部门数"], head)
        for i, grade in enumerate(GRADES, start=1):
            grades.write(i, 0, grade, text)
            grades.write(i, 1, counts.get(grade, 0), text)
        grades.write(len(GRADES) + 1, 0, "合计", head)
        grades.write(len(GRADES) + 1, 1, sum(counts.values()), head)
        chart = wb.add_chart({"type": "column"})
        chart.add_series(
            {
                "name": "部门数",
                "categories": ["等级统计", 1, 0, len(GRADES), 0],
                "values": ["等级统计", 1, 1, len(GRADES), 1],
                "data_labels": {"value": True},
            }
        )
        chart.set_title({"name": "自评等级分布", "name_font": {"name": "宋体"}})
        chart.set_legend({"none": True})
        grades.insert_chart(0, 3, chart)

        failed = wb.add_worksheet("未能读取")
        failed.write_row(0, 0, ["文件", "原因"], head)
        for i, r in enumerate((r for r in rows if r.failure), start=1):
            failed.write(i, 0, r.file, text)
            failed.write(i, 1, r.failure, text)
        failed.set_column(0, 0, 30)
        failed.set_column(1, 1, 100)
        wb.close()

    return atomic_write(target, build)


@dataclass(frozen=True, slots=True)
class BatchResult:
    rows: list[DepartmentRow]  # one per department workbook, in file-name order
    backup: Path | None  # the earlier file at the target, kept because it differed
    skipped: list[str]  # summary workbooks of earlier runs found in the folder (not departments)


def batch(
    folder: Path, target: Path, *, workers: int | None = None, progress: Callable[[int, int], None] | None = None
) -> BatchResult:
    """Evaluate every department workbook of ``folder`` and write the summary to ``target``.

    The target may not be one of the department workbooks (refused: it would replace a
    department's file and drop it from the summary); summary workbooks of earlier runs in the
    folder are recognised by their sheets and are not read as departments."""
    if not folder.is_dir():
        raise UnusableInput(f"“{folder}”不是文件夹：请指定存放各部门工作簿的文件夹")
    if target.suffix.lower() != ".xlsx":
        raise UnusableInput(f"汇总工作簿应保存为 .xlsx 文件（现为“{target.name}”）：请修改文件名")
    ensure_writable(target)
    found = workbooks(folder)
    summaries = [p for p in found if is_summary(p)]
    paths = [p for p in found if p not in summaries]
    not_an_input(target, paths, "文件夹中要汇总的部门工作簿", "（如 汇总.xlsx），或保存到该文件夹之外")
    if not paths:
        raise UnusableInput(f"文件夹“{folder}”中没有 .xlsx/.xlsm 工作簿")
    rows = mark_duplicates(collect(paths, workers=workers, progress=progress), lambda f: (folder / f).stat().st_mtime)
    kept = write_summary(target, rows)
    skipped = [p.name for p in summaries if not (target.exists() and os.path.samefile(p, target))]
    return BatchResult(rows, kept, skipped)
