"""The department workbooks inside an uploaded zip (``POST /api/batch``).

Only .xlsx/.xlsm members are extracted; every other member is listed with the reason it was
not (an old .xls, a Word document, a zip inside the zip, …), except what no clerk put there:
folders, Excel's lock files ~$…, macOS' __MACOSX and ._ entries, .DS_Store, Thumbs.db (one
listing with ``batch FOLDER``: ``batch_files.passed_over``).
Each workbook is written under a short name of ours (no name or folder from the archive
reaches the disk: ``../`` and absolute names cannot escape, and a long Chinese name cannot
exceed the file system's limit); the member's name is returned beside it.

Bounds before anything is decompressed, from the zip directory, and again while extracting
(a directory may lie): at most ``max_bytes`` in all, a member no more than 500 to 1, at most
2,000 workbooks.

Member names: with the UTF-8 flag they are UTF-8; without it they are whatever the zipping
program wrote: UTF-8 (Info-ZIP on Linux and 信创 machines, macOS' Archive Utility), GBK
(Windows' own 压缩 on a Chinese system) or, by the zip standard, cp437. They are tried in
that order: a GBK name is almost never valid UTF-8.
"""

from __future__ import annotations

import contextlib
import time
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from ..batch_files import passed_over
from ..errors import UnusableInput
from ..package.archive import MAX_RATIO

__all__ = ["MAX_MEMBERS", "extract_workbooks", "member_date", "member_name"]

MAX_MEMBERS = 2000
_UTF8_FLAG = 0x800
_CHUNK = 1 << 20


def member_name(info: zipfile.ZipInfo) -> str:
    """The member's name as its author wrote it (see the module's note on encodings)."""
    name = info.filename
    if not info.flag_bits & _UTF8_FLAG:
        with contextlib.suppress(UnicodeEncodeError):
            raw = name.encode("cp437")  # zipfile decoded the bytes as cp437: get them back
            for encoding in ("utf-8", "gbk"):
                try:
                    name = raw.decode(encoding)
                    break
                except UnicodeDecodeError:
                    continue
    return name.replace("\\", "/")


def member_date(info: zipfile.ZipInfo) -> float | None:
    """The member's modification time (seconds since the epoch) from its zip entry, None when
    it has none: the zip format stores local time without a zone (read as the server's, which
    orders the members of one zip exactly) and 1980-01-01 00:00 is what a zipping program
    writes when it has no date."""
    if info.date_time == (1980, 1, 1, 0, 0, 0):
        return None
    try:
        return time.mktime((*info.date_time, 0, 0, -1))
    except (OverflowError, ValueError):
        return None


def _reason(name: str) -> str | None:
    """None to extract the member, "" to pass over it in silence, else why it is not taken
    (the listing ``batch FOLDER`` uses too)."""
    return passed_over(name, zipped=True)


def extract_workbooks(
    archive: Path, folder: Path, max_bytes: int
) -> tuple[list[tuple[str, str, float | None]], list[tuple[str, str]]]:
    """Extract the workbooks of ``archive`` into ``folder``: ([(member name, path written, its
    date: ``member_date``)], [(member name, why it was not taken)]). Raises UnusableInput for a file that is not a
    zip, a zip bomb, or a zip without workbooks."""
    try:
        package = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError):
        raise UnusableInput(
            f"“{archive.name}”不是有效的 zip 压缩文件：请重新压缩后再试，或直接选择多个工作簿"
        ) from None
    with package:
        chosen: list[tuple[zipfile.ZipInfo, str]] = []
        skipped: list[tuple[str, str]] = []
        for info in package.infolist():
            if info.is_dir():
                continue
            name = member_name(info)
            reason = _reason(name)
            if reason is None:
                chosen.append((info, name))
            elif reason:
                skipped.append((name, reason))
        if not chosen:
            others = "、".join(PurePosixPath(n).name for n, _ in skipped[:3]) + (" 等" if len(skipped) > 3 else "")
            found = f"（其中只有 {others}）" if skipped else ""
            raise UnusableInput(
                f"压缩文件“{archive.name}”中没有 .xlsx/.xlsm 工作簿{found}：请把各部门的工作簿放入 zip 后再试"
            )
        if len(chosen) > MAX_MEMBERS:
            raise UnusableInput(
                f"压缩文件“{archive.name}”中有 {len(chosen)} 个工作簿，超过 {MAX_MEMBERS} 个：请分批汇总"
            )
        declared = sum(info.file_size for info, _ in chosen)
        dense = [
            name
            for info, name in chosen
            if info.file_size > _CHUNK and info.file_size > MAX_RATIO * max(info.compress_size, 1)
        ]
        if declared > max_bytes or dense:
            raise UnusableInput(
                f"压缩文件“{archive.name}”解压后过大（{(dense or [''])[0] or f'{declared // 2**20} MiB'}），"
                "可能是损坏或恶意文件：请检查文件来源，或分批上传"
            )
        written: list[tuple[str, str, float | None]] = []
        total = 0
        for i, (info, name) in enumerate(chosen, start=1):
            target = folder / f"member-{i}{PurePosixPath(name).suffix.lower()}"
            try:
                with package.open(info) as source, target.open("wb") as out:
                    while chunk := source.read(_CHUNK):
                        total += len(chunk)
                        if total > max_bytes:
                            raise UnusableInput(
                                f"压缩文件“{archive.name}”解压后超过 {max_bytes // 2**20} MiB（目录中的大小不实）："
                                "可能是损坏或恶意文件，请检查文件来源"
                            )
                        out.write(chunk)
            except (zipfile.BadZipFile, EOFError, OSError, zlib.error, NotImplementedError, RuntimeError):
                # One damaged or encrypted member is listed; the others are summarised.
                target.unlink(missing_ok=True)
                skipped.append((name, "无法解压（已损坏或加密），未汇总：请重新压缩后再试"))
                continue
            written.append((name, str(target), member_date(info)))
    return written, skipped
