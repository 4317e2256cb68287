"""The workbook's bookkeeping parts: which sheet lives in which part."""

from __future__ import annotations

import posixpath
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

from defusedxml import ElementTree

from ..errors import UnusableInput

__all__ = [
    "NS",
    "SheetPart",
    "TablePart",
    "part_label",
    "read_part",
    "rels_path",
    "resolve_target",
    "sheet_parts",
    "styles_part",
    "table_parts",
]

NS = {
    "main": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
    "ct": "http://schemas.openxmlformats.org/package/2006/content-types",
}


@dataclass(frozen=True, slots=True)
class SheetPart:
    name: str
    sheet_id: int
    rel_id: str
    part: str  # zip member name, e.g. xl/worksheets/sheet1.xml
    state: str  # visible / hidden / veryHidden


def read_part(package: zipfile.ZipFile, name: str) -> bytes:
    """A part's bytes, read with the size the directory declared as a hard cap."""
    info = package.getinfo(name)
    with package.open(info) as stream:
        data = stream.read(info.file_size + 1)
    if len(data) > info.file_size:
        raise UnusableInput(f"工作簿中{part_label(package, name)}的大小与目录不符，文件可能已损坏：请检查文件来源")
    return data


def rels_path(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def resolve_target(source_part: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(source_part), target))


def sheet_parts(
    package: zipfile.ZipFile,
    workbook_part: str = "xl/workbook.xml",
    read: Callable[[zipfile.ZipFile, str], bytes] = read_part,
) -> list[SheetPart]:
    workbook = ElementTree.fromstring(read(package, workbook_part))
    rels = ElementTree.fromstring(read(package, rels_path(workbook_part)))
    targets = {
        rel.get("Id"): resolve_target(workbook_part, rel.get("Target", ""))
        for rel in rels.findall("rel:Relationship", NS)
    }
    sheets = []
    for sheet in workbook.findall("main:sheets/main:sheet", NS):
        rel_id = sheet.get(f"{{{NS['r']}}}id", "")
        sheets.append(
            SheetPart(
                name=sheet.get("name", ""),
                sheet_id=int(sheet.get("sheetId", "0")),
                rel_id=rel_id,
                part=targets.get(rel_id, ""),
                state=sheet.get("state", "visible"),
            )
        )
    return sheets


_T_TABLE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/table"


@dataclass(frozen=True, slots=True)
class TablePart:
    name: str
    ref: str  # e.g. A3:G12, header row (and totals row) included
    header_rows: int = 1  # headerRowCount: 0 when the table shows no header row
    totals_rows: int = 0  # totalsRowCount
    columns: tuple[str, ...] = ()  # the tableColumn names, left to right


def table_parts(package: zipfile.ZipFile, sheet_part: str) -> list[TablePart]:
    """The Excel Tables (ListObjects) of one worksheet, by name and range."""
    rels_name = rels_path(sheet_part)
    if rels_name not in package.namelist():
        return []
    rels = ElementTree.fromstring(read_part(package, rels_name))
    found = []
    for rel in rels.findall("rel:Relationship", NS):
        if rel.get("Type") != _T_TABLE or rel.get("TargetMode") == "External":
            continue
        part = resolve_target(sheet_part, rel.get("Target", ""))
        if part not in package.namelist():
            continue
        table = ElementTree.fromstring(read_part(package, part))
        name = table.get("displayName") or table.get("name") or ""
        ref = table.get("ref") or ""
        if name and ref:
            columns = tuple(c.get("name", "") for c in table.iterfind("main:tableColumns/main:tableColumn", NS))
            found.append(
                TablePart(
                    name,
                    ref,
                    _count(table.get("headerRowCount"), 1),
                    _count(table.get("totalsRowCount"), 0),
                    columns,
                )
            )
    return found


def _count(value: str | None, default: int) -> int:
    """A row count attribute; a value that is not a small whole number counts as the default."""
    return int(value) if value is not None and value.isdigit() and len(value) < 3 else default


def styles_part(package: zipfile.ZipFile, workbook_part: str = "xl/workbook.xml") -> str:
    """The styles part the workbook's relationships name, "" when there is none."""
    rels_name = rels_path(workbook_part)
    if rels_name not in package.namelist():
        return ""
    rels = ElementTree.fromstring(read_part(package, rels_name))
    for rel in rels.findall("rel:Relationship", NS):
        if rel.get("Type", "").endswith("/styles"):
            part = resolve_target(workbook_part, rel.get("Target", ""))
            return part if part in package.namelist() else ""
    return ""


# What part_label reads of a package it is already refusing: the workbook part and its
# relationships, only when the directory declares them small and not dense (they may be the
# bomb), and never through read_part, whose own refusal names a part by this function.
_LABEL_READ_BYTES = 4 * 1024**2
_LABEL_RATIO = 100


def _small(package: zipfile.ZipFile, name: str) -> bytes:
    info = package.getinfo(name)
    if info.file_size > _LABEL_READ_BYTES or info.file_size > _LABEL_RATIO * max(info.compress_size, 1) + 4096:
        raise ValueError(name)
    with package.open(info) as stream:
        return stream.read(info.file_size)


def part_label(package: zipfile.ZipFile, part: str) -> str:
    """A part as a clerk knows it, for a message about it: "工作表“预算执行”" for a worksheet
    whose sheet the workbook names, else "工作簿内容" (no internal name such as
    xl/worksheets/sheet1.xml reaches a clerk). Never raises: a workbook part that cannot be read
    (damaged, too large, the very part refused) leaves the generic words."""
    try:
        for sheet in sheet_parts(package, read=_small):
            if sheet.part.lower() == part.lower() and sheet.name:
                return f"工作表“{sheet.name}”"
    except Exception:  # the package is being refused already: the message must still be said
        pass
    return "工作簿内容"
