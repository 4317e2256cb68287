"""The department workbooks inside an uploaded zip (``POST /api/batch`` with one zip).

Only .xlsx/.xlsm members are taken (Excel lock files ~$…, macOS __MACOSX entries and our own
backups are skipped); each is written under its base name alone (no folder from the archive
reaches the disk: ``../`` and absolute names cannot escape), renamed when two share a name.
Bounds before anything is decompressed, from the zip directory, and again while extracting
(a directory may lie): at most ``max_bytes`` in all, a member no more than 500 to 1, at most
2,000 workbooks. Names that Windows' 压缩 wrote in GBK (no UTF-8 flag) are decoded as GBK.
"""

from __future__ import annotations

import contextlib
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from ..errors import UnusableInput
from ..package.archive import MAX_RATIO

__all__ = ["MAX_MEMBERS", "extract_workbooks"]

MAX_MEMBERS = 2000
_UTF8_FLAG = 0x800
_CHUNK = 1 << 20


def _member_name(info: zipfile.ZipInfo) -> str:
    name = info.filename
    if not info.flag_bits & _UTF8_FLAG:
        # zipfile decoded the bytes as cp437; Chinese Windows wrote them in GBK.
        with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
            name = name.encode("cp437").decode("gbk")
    return name.replace("\\", "/")


def _wanted(name: str) -> bool:
    path = PurePosixPath(name)
    if any(part == "__MACOSX" for part in path.parts):
        return False
    base = path.name
    return path.suffix.lower() in (".xlsx", ".xlsm") and not base.startswith(("~$", ".")) and ".backup-" not in base


def _unique(folder: Path, name: str) -> Path:
    target = folder / name
    n = 1
    while target.exists():
        n += 1
        target = folder / f"{Path(name).stem} ({n}){Path(name).suffix}"
    return target


def extract_workbooks(archive: Path, folder: Path, max_bytes: int) -> tuple[list[str], list[str]]:
    """Extract the workbooks of ``archive`` into ``folder``: (paths written, members skipped
    as not workbooks). Raises UnusableInput for a file that is not a zip, a zip bomb, or a zip
    without workbooks."""
    try:
        package = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError):
        raise UnusableInput(
            f"“{archive.name}”不是有效的 zip 压缩文件：请重新压缩后再试，或直接选择多个工作簿"
        ) from None
    with package:
        members = [(info, _member_name(info)) for info in package.infolist() if not info.is_dir()]
        chosen = [(info, name) for info, name in members if _wanted(name)]
        skipped = [name for _, name in members if not _wanted(name)]
        if not chosen:
            raise UnusableInput(f"压缩文件“{archive.name}”中没有 .xlsx/.xlsm 工作簿：请把各部门的工作簿放入 zip 后再试")
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
        written: list[str] = []
        total = 0
        for info, name in chosen:
            target = _unique(folder, PurePosixPath(name).name)
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
                target.unlink(missing_ok=True)
                raise UnusableInput(
                    f"压缩文件“{archive.name}”中的“{name}”无法解压（已损坏或加密）：请重新压缩后再试"
                ) from None
            written.append(str(target))
    return written, skipped
