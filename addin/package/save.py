"""Saving without ever losing the clerk's file: lock and permission checks, a timestamped
backup for in-place saves, and an atomic replace (temp file, fsync, rename).

The rule for an output file (every verb's -o, and the files the buttons write beside the
workbook): it may not be one of the command's inputs (refused); an existing file there whose
bytes differ from the new ones is first kept as name.backup-YYYYMMDD-HHMMSS.ext beside it, as
the in-place run does. Re-running with the same inputs rewrites the same bytes and keeps nothing.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import BinaryIO

from ..errors import UnusableInput, WorkbookBusy

__all__ = ["FIXED_CREATED", "atomic_write", "backup", "ensure_writable", "lock_file", "lock_files", "not_an_input"]

# The creation date every file we build carries (never the clock): the same inputs give the
# same bytes, so re-running a command keeps no backup of an unchanged output.
FIXED_CREATED = dt.datetime(2024, 1, 1)


def lock_file(path: Path) -> Path:
    """The owner file Excel (and WPS) keeps beside a workbook while it is open."""
    return path.with_name("~$" + path.name)


def lock_files(path: Path) -> tuple[Path, ...]:
    """Every owner file an office suite keeps beside an open workbook: Excel's and WPS's
    ``~$name``, LibreOffice's ``.~lock.name#`` (信创 machines)."""
    return lock_file(path), path.with_name(f".~lock.{path.name}#")


def ensure_writable(path: Path) -> None:
    if path.is_dir():
        raise UnusableInput(f"“{path}”是文件夹：请在 -o 中写出要保存的文件名")
    if any(lock.exists() for lock in lock_files(path)):
        raise WorkbookBusy(f"“{path.name}”正在 Excel、WPS 或 LibreOffice 中打开：请先保存并关闭该文件，再重新生成")
    # The mode bits too: a file marked read-only stays so even for an administrator.
    if path.exists() and (not os.access(path, os.W_OK) or not path.stat().st_mode & 0o222):
        raise WorkbookBusy(f"“{path.name}”是只读文件：请取消只读属性，或用 -o 另存为新文件")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.exists():
        raise WorkbookBusy(f"文件夹“{folder}”不存在：请先创建该文件夹或换一个输出位置")
    if not os.access(folder, os.W_OK):
        raise WorkbookBusy(f"无法写入文件夹“{folder}”（没有写入权限）：请换一个输出位置")


def not_an_input(output: Path, inputs: Iterable[Path], what: str = "本次的输入文件", hint: str = "") -> None:
    """UnusableInput when ``output`` is the same file as one of ``inputs`` (``what`` says which
    input it is, ``hint`` adds what to do)."""
    if not output.exists():
        return
    for source in inputs:
        try:
            same = source.exists() and os.path.samefile(output, source)
        except OSError:
            same = False
        if same:
            raise UnusableInput(f"输出文件“{output.name}”是{what}，不能用结果覆盖它：请用 -o 指定另一个文件名{hint}")


def _same_bytes(a: Path, b: Path) -> bool:
    if a.stat().st_size != b.stat().st_size:
        return False
    with a.open("rb") as x, b.open("rb") as y:
        while True:
            block = x.read(1 << 20)
            if block != y.read(1 << 20):
                return False
            if not block:
                return True


def backup(path: Path, now: dt.datetime | None = None) -> Path:
    """Copy ``path`` to name.backup-YYYYMMDD-HHMMSS.ext beside it (never overwriting one)."""
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.stem}.backup-{stamp}{path.suffix}")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.stem}.backup-{stamp}-{n}{path.suffix}")
    shutil.copy2(path, target)
    return target


def atomic_write(path: Path, write: Callable[[BinaryIO], None], *, keep_existing: bool = True) -> Path | None:
    """Write through a temporary file in the same folder, then rename over ``path``.

    With ``keep_existing``, an existing ``path`` whose bytes differ from the new ones is first
    copied to a backup beside it; returns that backup (None when nothing needed keeping)."""
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    kept = None
    try:
        with temp.open("wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            shutil.copymode(path, temp)
            if keep_existing and not _same_bytes(path, temp):
                kept = backup(path)
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    try:
        fd = os.open(path.parent if str(path.parent) else ".", os.O_RDONLY)
    except OSError:
        return kept
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
    return kept
