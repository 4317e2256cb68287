"""``POST /api/batch``: the uploaded workbooks and the members of uploaded zips, read in the
worker pool, into the bureau summary workbook (addin/batch.py), answered at once or as a
stream of progress lines.

Every item has the label the clerk sees (in the progress lines, the page's table and the
summary workbook): the file's own name when no other item of the batch has that name;
otherwise the longer name that tells them apart (a zip member's ``各部门.zip/子文件夹/甲局.xlsx``),
numbered when even that repeats (two uploads named alike). Labels are unique: the summary
ranks rows by them. What was not taken (a zip member that is no workbook, a zip that cannot
be opened among other uploads) is a row with its reason: one bad file never fails the batch.
"""

from __future__ import annotations

import asyncio
import base64
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, replace
from pathlib import Path, PurePath, PurePosixPath
from typing import Any

from ..batch import DepartmentRow, mark_duplicates, presented, tally
from ..batch_files import passed_over
from ..core.numbers import round_half_up
from . import jobs
from .http import ascii_name, ndjson
from .pool import JobFailed
from .uploads import RequestSpace, Upload, disk_suffix, named, stem_of

__all__ = ["BatchItem", "BatchRun", "label_items", "row_json", "summary_names"]

Job = Callable[..., Awaitable[Any]]  # (space, func, *args) → the func's result, in a worker


@dataclass(frozen=True, slots=True)
class BatchItem:
    name: str  # the file's own name (a zip member's base name)
    full: str  # the name that tells it from others (a zip member with its zip and folders)
    path: Path | None  # the workbook on disk; None for what was not taken (``failure`` says why)
    failure: str = ""
    modified: float | None = None  # a zip member's date, an upload's (when the browser sent it)


def _member(
    zip_name: str, member_name: str, path: Path | None, failure: str = "", modified: float | None = None
) -> BatchItem:
    return BatchItem(PurePosixPath(member_name).name, f"{zip_name}/{member_name}", path, failure, modified)


def _numbered(label: str, n: int) -> str:
    suffix = PurePath(label).suffix
    return f"{label[: len(label) - len(suffix)]} ({n}){suffix}"


def label_items(items: list[BatchItem]) -> list[str]:
    """One unique label per item, in order (see the module's note)."""
    counts = Counter(item.name for item in items)
    used: set[str] = set()
    labels = []
    for item in items:
        label = item.name if counts[item.name] == 1 else item.full
        candidate, n = label, 1
        while candidate in used:
            n += 1
            candidate = _numbered(label, n)
        used.add(candidate)
        labels.append(candidate)
    return labels


def row_json(row: DepartmentRow) -> dict[str, Any]:
    """One row of the streamed batch, showing what the summary workbook shows (batch.presented:
    no score or grade for a workbook with errors)."""
    row = presented(row)
    return {
        "file": row.file,
        "department": row.department,
        "score": None if row.score is None else str(round_half_up(row.score, 2)),  # 四舍五入, as printed
        "grade": row.grade,
        "errors": row.errors,
        "warnings": row.warnings,
        "failure": row.failure,
        "duplicate_of": row.duplicate_of,
        "kept_because": row.kept_because,
        "years_note": row.years_note,
    }


def _ranked_once(rows: list[DepartmentRow], items: list[tuple[BatchItem, str]]) -> list[DepartmentRow]:
    """Copies of one department and year are ranked once, by the CLI's rule
    (batch.mark_duplicates: the most recently modified), with each item's date: a zip member's
    own, an upload's as the page sends it (``modified`` field); a date not known is stated."""
    dates = {label: item.modified for item, label in items}
    return mark_duplicates(rows, lambda label: dates.get(label))


def _is_zip(upload: Upload) -> bool:
    return disk_suffix(upload.filename) == ".zip"


def summary_names(files: list[Upload]) -> tuple[str, str]:
    """The summary workbook's name and its ASCII fallback: after the zip when one zip was
    uploaded (``二〇二三年各部门-汇总.xlsx``), else the generic name."""
    if len(files) == 1 and _is_zip(files[0]):
        stem = stem_of(files[0].filename)
        return f"{stem}-汇总.xlsx", ascii_name(stem, "summary", ".xlsx")
    return "部门整体支出绩效自评汇总.xlsx", "summary.xlsx"


class BatchRun:
    """One batch request: its folder, the door's way to run a job in a worker, and the bound
    on what a zip may unpack to."""

    def __init__(self, space: RequestSpace, job: Job, max_zip_bytes: int) -> None:
        self.space = space
        self.job = job
        self.max_zip_bytes = max_zip_bytes

    async def items(self, files: list[Upload]) -> list[tuple[BatchItem, str]]:
        """The workbooks to read, zips opened, each with its label. A zip that cannot be
        opened is listed like a file that cannot be read (alone, it is the request's error)."""
        items: list[BatchItem] = []
        for i, upload in enumerate(files, start=1):
            if not _is_zip(upload):
                if passed_over(upload.filename) == "" and len(files) > 1:
                    continue  # a lock or system file picked with the folder (~$外办.xlsx), as ``batch`` does
                items.append(BatchItem(upload.filename, upload.filename, upload.path, modified=upload.modified))
                continue
            folder = str(self.space.folder(f"zip-{i}"))
            try:
                extracted, skipped = await self.job(
                    self.space, jobs.unzip, str(upload.path), folder, self.max_zip_bytes
                )
            except JobFailed as exc:
                if len(files) == 1:
                    raise
                items.append(BatchItem(upload.filename, upload.filename, None, named(exc.message, [upload])))
                continue
            items.extend(_member(upload.filename, name, Path(path), "", date) for name, path, date in extracted)
            items.extend(_member(upload.filename, name, None, reason) for name, reason in skipped)
        return list(zip(items, label_items(items), strict=True))

    async def row(self, item: BatchItem, label: str) -> DepartmentRow:
        """The item's row; a file whose worker died or timed out is listed with the reason,
        like one that could not be read; the others go on."""
        if item.path is None:
            return DepartmentRow(label, failure=item.failure)
        try:
            row: DepartmentRow = await self.job(self.space, jobs.batch_row, str(item.path))
        except JobFailed as exc:
            row = DepartmentRow(label, failure=exc.message)
        return presented(replace(row, file=label, failure=row.failure.replace(item.path.name, label)))

    async def rows(self, items: list[tuple[BatchItem, str]]) -> list[DepartmentRow]:
        return _ranked_once(list(await asyncio.gather(*(self.row(item, label) for item, label in items))), items)

    async def summary(self, rows: list[DepartmentRow]) -> bytes:
        content: bytes = await self.job(self.space, jobs.batch_summary, rows, str(self.space.file("summary", ".xlsx")))
        return content

    async def stream(self, items: list[tuple[BatchItem, str]], name: str, fallback: str) -> AsyncIterator[bytes]:
        """Progress lines as each item is read, then the workbook; the request's folder is
        closed when the stream ends, also when the client leaves (items not yet started are
        not started)."""
        tasks: list[asyncio.Task[DepartmentRow]] = []
        try:
            total = len(items)
            yield ndjson({"event": "start", "total": total})
            tasks = [asyncio.ensure_future(self.row(item, label)) for item, label in items]
            for done, next_row in enumerate(asyncio.as_completed(tasks), start=1):
                row = await next_row
                yield ndjson({"event": "progress", "done": done, "total": total, "file": row.file})
            rows = _ranked_once([task.result() for task in tasks], items)
            try:
                content = await self.summary(rows)
            except JobFailed as exc:
                yield ndjson({"event": "error", "error": exc.message, "findings": exc.findings})
                return
            yield ndjson(
                {
                    "event": "done",
                    "filename": name,
                    "fallback": fallback,
                    "content": base64.b64encode(content).decode("ascii"),
                    "departments": [row_json(r) for r in rows],
                    "tally": tally(rows),
                }
            )
        finally:
            for task in tasks:
                task.cancel()
            self.space.close()
