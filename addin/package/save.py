"""Saving without ever losing the clerk's file: lock and permission checks, a timestamped
backup for in-place saves, and an atomic replace (temp file, fsync, rename)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from ..errors import WorkbookBusy

__all__ = ["atomic_write", "backup", "ensure_writable", "lock_file"]


def lock_file(path: Path) -> Path:
    """The owner file Excel keeps beside a workbook while it is open."""
    return path.with_name("~$" + path.name)


def ensure_writable(path: Path) -> None:
    if lock_file(path).exists():
        raise WorkbookBusy(f"“{path.name}”正在 Excel 或 WPS 中打开：请先保存并关闭该文件，再重新生成")
    # The mode bits too: a file marked read-only stays so even for an administrator.
    if path.exists() and (not os.access(path, os.W_OK) or not path.stat().st_mode & 0o222):
        raise WorkbookBusy(f"“{path.name}”是只读文件：请取消只读属性，或用 -o 另存为新文件")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.exists():
        raise WorkbookBusy(f"文件夹“{folder}”不存在：请先创建该文件夹或换一个输出位置")
    if not os.access(folder, os.W_OK):
        raise WorkbookBusy(f"无法写入文件夹“{folder}”（没有写入权限）：请换一个输出位置")


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


def atomic_write(path: Path, write: Callable[[BinaryIO], None]) -> None:
    """Write through a temporary file in the same folder, then rename over ``path``."""
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with temp.open("wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            shutil.copymode(path, temp)
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    try:
        fd = os.open(path.parent if str(path.parent) else ".", os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
