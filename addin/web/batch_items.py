"""What a web batch is made of: the uploaded workbooks and the members of uploaded zips, each
with the label the clerk sees (in the progress lines, the page's table and the summary
workbook), and the JSON of one row.

A label is the file's own name when no other item of the batch has that name; otherwise the
longer name that tells them apart (a zip member's ``各部门.zip/子文件夹/甲局.xlsx``), numbered
when even that repeats (two uploads named alike). Labels are unique: the summary ranks rows
by them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path, PurePath, PurePosixPath
from typing import Any

from ..batch import DepartmentRow, presented
from ..core.numbers import round_half_up

__all__ = ["BatchItem", "label_items", "member", "row_json"]


@dataclass(frozen=True, slots=True)
class BatchItem:
    name: str  # the file's own name (a zip member's base name)
    full: str  # the name that tells it from others (a zip member with its zip and folders)
    path: Path | None  # the workbook on disk; None for what was not taken (``failure`` says why)
    failure: str = ""


def member(zip_name: str, member_name: str, path: Path | None, failure: str = "") -> BatchItem:
    return BatchItem(PurePosixPath(member_name).name, f"{zip_name}/{member_name}", path, failure)


def _numbered(label: str, n: int) -> str:
    path = PurePath(label)
    return f"{label[: len(label) - len(path.suffix)]} ({n}){path.suffix}"


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
    }
