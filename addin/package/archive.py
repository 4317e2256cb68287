"""Opening a workbook file safely: what kind of file it is, and bounds on what it unpacks to.

Limits (also in the README): a package may unpack to at most 2 GiB in all, one part to at most
1 GiB, and a part larger than 1 MiB may not be compressed more than 500 to 1. Real workbooks
compress 5–30 to 1; a sheet of a million identical rows about 200 to 1.
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

from ..errors import UnusableInput
from .file_kinds import PASSWORD_REMEDY, is_a, ole_kind, save_as
from .integrity import check_integrity, damaged
from .parts import part_label, read_part  # read_part: exported here too, where callers found it

__all__ = [
    "MAX_PART_BYTES",
    "MAX_RATIO",
    "MAX_TOTAL_BYTES",
    "check_whole",
    "check_workbook_file",
    "open_package",
    "read_part",
    "workbook_suffix",
]

MAX_TOTAL_BYTES = 2 * 1024**3
MAX_PART_BYTES = 1024**3
MAX_RATIO = 500
_RATIO_FLOOR = 1024**2

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SAVE_AS = save_as(ole_kind(".xls"))


def _name(path: Path) -> str:
    return path.name


# The file last found whole, by its identity and modification time: a verb checks its input
# once though several layers ask (generate checks the workbook, then its reader does).
_checked: list[tuple[int, int, int, int, int]] = []


def check_workbook_file(path: Path, *, whole: bool = True) -> None:
    """Raise UnusableInput with an actionable message unless ``path`` is an .xlsx/.xlsm package
    that is whole (``integrity.check_integrity``: every part there, well-formed, consistent).
    ``whole=False`` leaves the integrity check to a later ``check_whole`` (the reader runs it
    while python-calamine reads without the GIL)."""
    if not path.exists():
        raise UnusableInput(f"找不到文件“{path}”：请检查路径和文件名")
    if path.is_dir():
        raise UnusableInput(f"“{path}”是文件夹，不是 Excel 工作簿：请指定 .xlsx 或 .xlsm 文件")
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
    except PermissionError:
        raise UnusableInput(f"无法读取“{_name(path)}”（没有读取权限）：请检查文件权限") from None
    if not head:
        raise UnusableInput(f"“{_name(path)}”是空文件（0 字节）：请重新保存该工作簿后再试")
    if head.startswith(_OLE):
        if _is_encrypted_ooxml(path):
            raise UnusableInput(f"“{_name(path)}”设有打开密码（已加密）：{PASSWORD_REMEDY}")
        kind = ole_kind(path.suffix)
        raise UnusableInput(f"“{_name(path)}”{is_a(kind)}{'：' if kind.spreadsheet else '，'}{save_as(kind)}")
    if not head.startswith(b"PK"):
        raise UnusableInput(f"“{_name(path)}”不是 Excel 工作簿：{_SAVE_AS}")
    with open_package(path) as package:
        names = set(package.namelist())
        # What kind of package it is comes first: another program's document is refused for
        # what it is (a LibreOffice file with macros carries DOCTYPEs in its Basic/*.xml),
        # and none of its XML is parsed.
        _refuse_other_packages(package, names, path)
        _refuse_document_types(package, path)
        if "xl/workbook.xml" not in names:
            if any(n.startswith("xl/") for n in names):
                raise damaged(_name(path), "缺少工作簿主体")
            raise UnusableInput(f"“{_name(path)}”是压缩文件，但不是 Excel 工作簿：{_SAVE_AS}")
        if whole:
            check_whole(package, path)


def check_whole(package: zipfile.ZipFile, path: Path) -> None:
    """The integrity check ``check_workbook_file(path, whole=False)`` left out, on ``path``
    opened as ``package`` (once per file version); UnusableInput naming the part when the
    package is not whole."""
    stat = path.stat()
    identity = (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)
    if identity not in _checked:
        check_integrity(package, path)
        _checked[:] = [identity]


def _refuse_other_packages(package: zipfile.ZipFile, names: set[str], path: Path) -> None:
    if "xl/workbook.bin" in names:
        raise UnusableInput(f"“{_name(path)}”是二进制工作簿（.xlsb）：{_SAVE_AS}")
    if "mimetype" in names:
        kind = read_part(package, "mimetype")[:100] if package.getinfo("mimetype").file_size <= 100 else b""
        if not kind or b"spreadsheet" in kind:
            raise UnusableInput(f"“{_name(path)}”是 OpenDocument 表格（.ods）：{_SAVE_AS}")
        raise UnusableInput(f"“{_name(path)}”是 OpenDocument 文档，不是 Excel 工作簿：{_SAVE_AS}")
    if "word/document.xml" in names:
        raise UnusableInput(f"“{_name(path)}”是 Word 文档，不是 Excel 工作簿：请选择填好的自评工作簿（.xlsx 或 .xlsm）")
    if "ppt/presentation.xml" in names:
        raise UnusableInput(
            f"“{_name(path)}”是 PowerPoint 演示文稿，不是 Excel 工作簿：请选择填好的自评工作簿（.xlsx 或 .xlsm）"
        )


def workbook_suffix(path: Path) -> str:
    """The extension the package's content calls for: ".xlsm" when its workbook part is
    macro-enabled (Excel refuses to open such a package named .xlsx, and the reverse), else
    ".xlsx". ``path`` has passed check_workbook_file."""
    with open_package(path) as package:
        types = read_part(package, "[Content_Types].xml") if "[Content_Types].xml" in package.namelist() else b""
    return ".xlsm" if b"macroEnabled.main+xml" in types else ".xlsx"


def _refuse_document_types(package: zipfile.ZipFile, path: Path) -> None:
    """No part of a real workbook declares a DTD; one that does is an entity-expansion or
    external-entity attack (billion laughs, XXE), refused before any XML parser sees it."""
    for info in package.infolist():
        if not info.filename.endswith((".xml", ".rels", ".vml")):
            continue
        try:
            with package.open(info) as stream:
                head = stream.read(4096)
        except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError, zlib.error):
            raise damaged(_name(path), f"{part_label(package, info.filename)}无法解压") from None
        if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
            raise UnusableInput(
                f"“{_name(path)}”的{part_label(package, info.filename)}含有 XML 实体声明（DOCTYPE），可能是恶意文件，"
                "已拒绝处理：请检查文件来源"
            )


def _is_encrypted_ooxml(path: Path) -> bool:
    # An encrypted .xlsx is an OLE file holding an EncryptionInfo stream; its directory
    # entries are UTF-16 names, so a byte search of the first sectors suffices.
    with path.open("rb") as handle:
        head = handle.read(1 << 16)
    return "EncryptionInfo".encode("utf-16-le") in head


def open_package(path: Path) -> zipfile.ZipFile:
    """Open the zip and refuse bombs before anything is decompressed."""
    try:
        package = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise UnusableInput(f"“{_name(path)}”已损坏（无法解压）：请用 Excel 打开并修复，或使用备份文件") from None
    total = 0
    for info in package.infolist():
        total += info.file_size
        too_big = info.file_size > MAX_PART_BYTES
        too_dense = info.file_size > _RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1)
        if too_big or too_dense or total > MAX_TOTAL_BYTES:
            where = part_label(package, info.filename) if too_big or too_dense else "工作簿内容"
            package.close()
            raise UnusableInput(f"“{_name(path)}”的{where}解压后过大，可能是损坏或恶意文件：请检查文件来源")
    return package
