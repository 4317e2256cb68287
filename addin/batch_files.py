"""Which files of a batch are department workbooks, and why each other file is passed over.

One listing for every door: ``batch FOLDER`` walks the folder and its subfolders; the web door's
``POST /api/batch`` walks a zip's members (``web/unzip.py``). Only .xlsx/.xlsm are read; every
other file is named with the reason (an old .xls, a WPS .et, an .ods, a CSV, a Word document, …)
so no department is dropped in silence, except what no clerk put there: Excel's lock files ~$…,
hidden files, macOS' __MACOSX and ._ entries, .DS_Store, Thumbs.db, desktop.ini.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .package.file_kinds import OLE_KINDS, ole_kind, save_as

__all__ = ["BACKUP", "WORKBOOK_SUFFIXES", "FolderListing", "list_folder", "passed_over"]

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
_SYSTEM_FILES = frozenset({".ds_store", "thumbs.db", "desktop.ini"})
_NESTED = "压缩包未解开，未汇总：请把其中的工作簿{put}"


def _reasons(then: str) -> dict[str, str]:
    """Why each kind of file is not read, ending with what to do ``then`` ("后放入压缩包"): the
    old binary files by the headless reader's names and remedies (package/file_kinds.py)."""
    also = save_as(ole_kind(".xls"), then)
    return {
        **{
            suffix: f"{kind.what}，未汇总：{save_as(kind, then)}"
            if kind.spreadsheet
            else f"{kind.what}，不是工作簿，未汇总"
            for suffix, kind in OLE_KINDS.items()
        },
        ".xlsb": f"二进制工作簿（.xlsb），未汇总：{also}",
        ".ods": f"OpenDocument 表格（.ods），未汇总：{also}",
        ".csv": f"CSV 文本文件，不是工作簿，未汇总：{also}",
        ".docx": "Word 文档，不是工作簿，未汇总",
        ".pdf": "PDF 文件，不是工作簿，未汇总",
        ".zip": _NESTED,
        ".rar": _NESTED,
        ".7z": _NESTED,
    }


_IN_ZIP = _reasons("后放入压缩包")
_IN_FOLDER = _reasons("后再汇总")
BACKUP = "本工具生成的备份文件，未汇总"


def passed_over(name: str, *, zipped: bool = False) -> str | None:
    """For a file's path inside the batch ("外办.xlsm", "二级单位/某局.xls"; a member of an
    uploaded zip when ``zipped``): None to read it, "" to pass over it in silence (lock and
    system files), else why it is not read (``BACKUP`` for the product's own backups,
    name.backup-….xlsx)."""
    path = PurePosixPath(name)
    base = path.name
    hidden = any(part == "__MACOSX" or (part.startswith(".") and part.strip(".")) for part in path.parts[:-1])
    if hidden or base.startswith(("~$", ".")):
        return ""
    if base.lower() in _SYSTEM_FILES:
        return ""
    suffix = path.suffix.lower()
    if suffix in WORKBOOK_SUFFIXES:
        return BACKUP if ".backup-" in base else None
    reason = (_IN_ZIP if zipped else _IN_FOLDER).get(suffix, "不是 Excel 工作簿（.xlsx/.xlsm），未汇总")
    if reason == _NESTED:
        put = "直接放入上传的压缩包" if zipped else "解压后放入文件夹"
        return ("压缩包中的" if zipped else "") + reason.format(put=put)
    return reason


@dataclass(slots=True)
class FolderListing:
    workbooks: list[tuple[Path, str]] = field(default_factory=list)  # (path, name relative to the folder)
    passed: list[tuple[str, str]] = field(default_factory=list)  # (relative name, why), backups excepted
    backups: list[str] = field(default_factory=list)  # relative names of the product's backups


def list_folder(folder: Path, also_read: Iterable[str] = ()) -> FolderListing:
    """Every file of ``folder`` and its subfolders, in name order, named by its path relative to
    ``folder`` with "/" ("二级单位/某局.xlsm": two departments may share a file name in two
    subfolders). Files whose suffix is in ``also_read`` (other spreadsheets: .xls, .et, .ods) are
    handed to the reader with the workbooks, which names each with its own reason. Symbolic
    links to folders are not followed (a link to a parent would loop)."""
    also = frozenset(also_read)
    listing = FolderListing()
    found: list[tuple[str, Path]] = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".") and d != "__MACOSX"]
        for file in files:
            path = Path(root) / file
            found.append((path.relative_to(folder).as_posix(), path))
    for name, path in sorted(found):
        why = None if path.suffix.lower() in also and not path.name.startswith(("~$", ".")) else passed_over(name)
        if why is None:
            listing.workbooks.append((path, name))
        elif why == BACKUP:
            listing.backups.append(name)
        elif why:
            listing.passed.append((name, why))
    return listing
