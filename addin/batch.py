"""Many department workbooks into one summary workbook: a finance bureau's consolidation.

Workbooks are read in parallel (a process pool over the cores); a file that cannot be read
is listed with its message and the rest go on. The summary (``batch_summary``) ranks departments
by execution rate, SME share and score within each 评价年度, counts grades per year, and carries
one row per department workbook (``batch_rows``) with its number of findings.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import sys
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from .batch_files import BACKUP, WORKBOOK_SUFFIXES, list_folder
from .batch_rows import DepartmentRow, mark_duplicates, presented, tally
from .batch_summary import BATCH_UNIT, write_summary
from .core.units import UNIT_FACTORS, convert
from .errors import AddinError, UnusableInput, is_native_panic
from .package.archive import open_package
from .package.file_kinds import OLE_KINDS
from .package.parts import sheet_parts
from .package.save import ensure_writable, not_an_input
from .share import is_share_copy

__all__ = [
    "BatchResult",
    "DepartmentRow",
    "batch",
    "collect",
    "is_summary",
    "mark_duplicates",
    "own_output",
    "presented",
    "summary_row",
    "tally",
    "write_summary",
]


def _one(path: str, tracebacks: bool = True) -> DepartmentRow:
    """Evaluate one workbook in a worker process; never raises. ``tracebacks``: an internal
    error's traceback goes to stderr (the command line asks for it only with --debug)."""
    from .headless import evaluate_file

    name = Path(path).name
    ours = own_output(Path(path))
    if ours is not None:  # a door that hands files over one by one (the web page's batch)
        return DepartmentRow(name, failure=ours)
    try:
        ev = evaluate_file(Path(path))
    except AddinError as exc:
        return DepartmentRow(name, failure=exc.message)
    except BaseException as exc:  # one broken file must not stop the bureau's batch
        if not (isinstance(exc, Exception) or is_native_panic(exc)):
            raise
        if tracebacks:
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
            basis=ev.procurement.basis,
            small_micro_share=ev.procurement.small_micro_share,
        )
    )


def summary_row(path: Path) -> DepartmentRow:
    """One workbook's row of the summary, evaluated in this process; never raises (a file that
    cannot be read gets a row with its ``failure``). The web door runs it in its own workers."""
    return _one(str(path))


SUMMARY_SHEETS = ("汇总", "等级统计", "未能读取")


def is_summary(path: Path) -> bool:
    """Whether ``path`` is a summary workbook this command wrote (it has exactly our sheets)."""
    return own_output(path) == _SUMMARY


_SUMMARY = "这是先前生成的汇总工作簿，不是部门工作簿"
_SHARE_COPY = "这是导出的共享副本（不含宏、公式已转为数值），不是部门工作簿：请汇总部门的原工作簿"


def own_output(path: Path) -> str | None:
    """Why ``path`` is one of this product's own outputs and no department workbook, recognised
    by content whatever its name: a summary of an earlier batch (exactly our three sheets) or a
    share copy (its mark, ``share.SHARE_MARK``); None for anything else. Backups keep their
    name.backup-… names and are passed over by name (``workbooks``)."""
    if path.suffix.lower() != ".xlsx":
        return None
    try:
        with open_package(path) as package:
            if tuple(s.name for s in sheet_parts(package)) == SUMMARY_SHEETS:
                return _SUMMARY
            return _SHARE_COPY if is_share_copy(package) else None
    except Exception:  # a file that cannot be read is no output of ours; its worker reports it
        return None


# Spreadsheets of other kinds a clerk puts among the departments (an .xls, WPS's .et): read like
# the others, so the summary lists each with the reader's own reason (package/file_kinds.py).
_OTHER_SPREADSHEETS = frozenset({".xlsb", ".ods", *(s for s, kind in OLE_KINDS.items() if kind.spreadsheet)})


# A workbook that takes longer than this in its worker is stopped and listed as failed.
FILE_TIME_LIMIT_S = 120.0


def _child(path: str, conn: Any, tracebacks: bool) -> None:
    """Worker process body: one workbook, the result sent back through the pipe."""
    try:
        conn.send(_one(path, tracebacks))
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
    tracebacks: bool = False,
) -> list[DepartmentRow]:
    """Evaluate every workbook, each in its own process; rows come back in the order of ``paths``.

    A worker that dies (a crash in a native library, memory exhausted) or runs past
    ``time_limit`` seconds costs only its own file, which is listed with a message; with
    ``tracebacks`` a worker's internal error is also printed to stderr (--debug)."""
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
            process = ctx.Process(target=_child, args=(item, writer, tracebacks), daemon=True)
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


@dataclass(frozen=True, slots=True)
class BatchResult:
    rows: list[DepartmentRow]  # one per department workbook, in file-name order, then each file passed over
    backup: Path | None  # the earlier file at the target, kept because it differed
    skipped: list[tuple[str, str]]  # our own outputs found in the folder (summaries, share copies), with why


def batch(
    folder: Path,
    target: Path,
    *,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    tracebacks: bool = False,
) -> BatchResult:
    """Evaluate every department workbook of ``folder`` and write the summary to ``target``.

    The target may not be one of the department workbooks (refused: it would replace a
    department's file and drop it from the summary); summary workbooks of earlier runs in the
    folder (and share copies, by their mark) are recognised by content and not read as departments."""
    if not folder.is_dir():
        raise UnusableInput(f"“{folder}”不是文件夹：请指定存放各部门工作簿的文件夹")
    if target.suffix.lower() != ".xlsx":
        raise UnusableInput(f"汇总工作簿应保存为 .xlsx 文件（现为“{target.name}”）：请修改文件名")
    ensure_writable(target)
    listing = list_folder(folder, _OTHER_SPREADSHEETS)
    ours = {p: (name, why) for p, name in listing.workbooks if (why := own_output(p)) is not None}
    chosen = [(p, name) for p, name in listing.workbooks if p not in ours]
    paths = [p for p, _ in chosen]
    not_an_input(target, paths, "文件夹中要汇总的部门工作簿", "（如 汇总.xlsx），或保存到该文件夹之外")
    if not any(p.suffix.lower() in WORKBOOK_SUFFIXES for p in paths):
        named = [name for _, name in chosen] + [name for name, _ in listing.passed]
        others = "、".join(named[:3]) + (" 等" if len(named) > 3 else "")
        found_only = f"（其中只有 {others}：请在 Excel 或 WPS 中另存为 .xlsx/.xlsm）" if named else ""
        raise UnusableInput(f"文件夹“{folder}”及其子文件夹中没有 .xlsx/.xlsm 工作簿{found_only}")
    # Rows are named by their path under the folder: two subfolders may each hold a 财政局.xlsx.
    read = [
        replace(row, file=name)
        for row, (_, name) in zip(
            collect(paths, workers=workers, progress=progress, tracebacks=tracebacks), chosen, strict=True
        )
    ]
    # A file passed over is listed like one that could not be read: no department is dropped unnamed.
    passed = [DepartmentRow(name, failure=why) for name, why in listing.passed]
    rows = mark_duplicates(read, lambda f: (folder / f).stat().st_mtime) + passed
    kept = write_summary(target, rows)
    skipped = [(name, why) for p, (name, why) in ours.items() if not (target.exists() and os.path.samefile(p, target))]
    skipped += [(name, BACKUP) for name in listing.backups]
    return BatchResult(rows, kept, skipped)
