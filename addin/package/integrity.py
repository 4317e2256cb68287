"""Whether a workbook package is whole, checked before any verb reads or writes it.

Excel checks a package before it opens one and offers to repair it when a part is missing,
cut short or contradicts another. The product makes the same checks first, so a damaged package
is one Chinese line naming the file, the sheet where there is one (else "工作簿内容": no internal
part name such as xl/worksheets/sheet1.xml reaches a clerk, parts.part_label) and what to do
(exit 2), never an exception deep in a reader, a native library's panic, or a copy of the damage
written as if it were a report:

- the zip holds each part once (OPC part names are case-insensitive), and every part
  decompresses to its checksum; [Content_Types].xml and _rels/.rels exist, the main part the
  root relationships name is xl/workbook.xml, and every part a relationship reaches has a
  content type (a worksheet, table, styles or shared-strings part the one of its kind);
- every XML part is well-formed (expat, no handler per element). A part larger than
  ``FULL_PARSE_BYTES`` (the shared strings of a 200,000-contract workbook) is checked for its
  start and a complete ending only: its content is what python-calamine parses, and a full
  second parse would cost a noticeable share of a ``summary``. A worksheet that large (the
  ledger: 54 MB) is not even decompressed here: the reader, which holds its bytes anyway, checks
  the ending of each sheet it reads (``complete``);
- every internal relationship leads to a part that exists, and every ``r:id`` (``r:embed``, …)
  a part uses names one of its own relationships (a sheet's tables, drawings, comments,
  controls; a drawing's charts and pictures);
- the workbook's sheets each have a name (unique ignoring case, as Excel compares names), a
  relationship of their own and a whole-number sheetId (unique); a table part belongs to one
  sheet, table names are unique ignoring case, a table's range lies inside A1:XFD1048576 and its
  id and row counts are whole numbers (python-calamine refuses the workbook otherwise).

A relationship to a missing package-properties part (docProps/core.xml, app.xml, custom.xml, a
thumbnail) is passed over: nothing reads them, and Excel opens such files.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote
from xml.etree.ElementTree import Element
from xml.parsers import expat

from defusedxml import DefusedXmlException, ElementTree

from ..errors import UnusableInput
from .parts import part_label
from .sheetscan import grid_cell

__all__ = ["FULL_PARSE_BYTES", "check_integrity", "complete", "damaged"]

FULL_PARSE_BYTES = 4 * 1024**2
_CHUNK = 1 << 20
_TAIL = 1 << 12
_XML_PARTS = (".xml", ".rels", ".vml")

_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_T_WORKSHEET = f"{_R_NS}/worksheet"
_T_TABLE = f"{_R_NS}/table"
_T_OFFICE = f"{_R_NS}/officeDocument"
_STRICT_OFFICE = "http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument"
# Package properties: optional parts no reader or writer needs; a relationship to one that is
# missing (openpyxl's test data has such a file) is passed over, as Excel does.
_PROPERTIES = (
    "/metadata/core-properties",
    "/extended-properties",
    "/custom-properties",
    "/metadata/thumbnail",
)
_FIRST_TAG = re.compile(rb"<([A-Za-z_][\w.:-]*)")
_R_PREFIX = re.compile(rb'xmlns:([\w.-]+)="' + re.escape(_R_NS.encode()) + rb'"')


def damaged(name: str, what: str) -> UnusableInput:
    """The one line for a damaged package: the file, what is wrong, and what to do."""
    return UnusableInput(f"“{name}”已损坏：{what}。请在 Excel 或 WPS 中打开该文件（按提示修复）并另存后再试")


class _Doctype(Exception):
    """A DTD inside a part (refused: entity expansion, external entities)."""


def _refuse_doctype(*_: object) -> None:
    raise _Doctype


def _parser() -> expat.XMLParserType:
    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = _refuse_doctype
    parser.EntityDeclHandler = _refuse_doctype
    return parser


def _chunks(package: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
    read = 0
    with package.open(info) as stream:
        while chunk := stream.read(_CHUNK):
            read += len(chunk)
            if read > info.file_size:  # the directory declared less than the part holds
                raise ValueError(info.filename)
            yield chunk


def complete(xml: bytes) -> bool:
    """Whether the part ends with the closing tag of the element it starts with."""
    head = xml[:4096]
    if b"<!--" in head:  # a tag quoted in a comment is not the root
        head = re.sub(rb"<!--.*?(?:-->|\Z)", b"", head, flags=re.S)
    root = _FIRST_TAG.search(head)
    return root is not None and re.search(b"</" + re.escape(root.group(1)) + rb">\s*\Z", xml[-_TAIL:]) is not None


def _well_formed(package: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """True when the part parses; a large part: when its start parses and it ends with the
    closing tag of its root element."""
    parser = _parser()
    if info.file_size <= FULL_PARSE_BYTES:
        for chunk in _chunks(package, info):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
        return True
    head = b""
    tail = b""
    for chunk in _chunks(package, info):
        if not head:
            head = chunk
            parser.Parse(chunk, False)  # raises on a garbled start
        tail = (tail + chunk)[-_TAIL:]
    return complete(head[:4096] + tail)


def _check_parts(package: zipfile.ZipFile, name: str, worksheets: set[str]) -> None:
    """Every part decompresses to what its checksum says (a writer copies parts as they are:
    a damaged VBA project or picture would be written on), and every XML part is well-formed."""
    for info in package.infolist():
        if info.is_dir():
            continue
        if info.file_size > FULL_PARSE_BYTES and info.filename in worksheets:
            continue  # the reader checks its ending (see the module's docstring)
        xml = info.filename.lower().endswith(_XML_PARTS)
        try:
            whole = _well_formed(package, info) if xml else all(True for _ in _chunks(package, info))
        except _Doctype:
            raise UnusableInput(
                f"“{name}”的{part_label(package, info.filename)}含有 XML 实体声明（DOCTYPE），可能是恶意文件，"
                "已拒绝处理：请检查文件来源"
            ) from None
        except _UNZIP_ERRORS as exc:
            raise damaged(name, f"{part_label(package, info.filename)}无法解压") from exc
        except (expat.ExpatError, ValueError) as exc:
            raise damaged(name, f"{part_label(package, info.filename)}不完整或有错误（XML 无法解析）") from exc
        if not whole:
            raise damaged(name, f"{part_label(package, info.filename)}不完整（XML 在结尾前中断）")


def _read(package: zipfile.ZipFile, part: str) -> bytes:
    return b"".join(_chunks(package, package.getinfo(part)))


_UNZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, OSError, RuntimeError)


def _parse(package: zipfile.ZipFile, part: str, name: str) -> Element:
    try:
        data = _read(package, part)
    except _UNZIP_ERRORS as exc:
        raise damaged(name, f"{part_label(package, part)}无法解压") from exc
    try:
        root: Element = ElementTree.fromstring(data)
    except (ElementTree.ParseError, DefusedXmlException) as exc:  # checked well-formed first: a defect
        raise damaged(name, f"{part_label(package, part)}无法解析") from exc
    return root


def _source_of(rels: str) -> str:
    """xl/worksheets/_rels/sheet1.xml.rels → xl/worksheets/sheet1.xml; _rels/.rels → ""."""
    folder = posixpath.dirname(posixpath.dirname(rels))
    return posixpath.join(folder, posixpath.basename(rels)[: -len(".rels")])


def _target(source: str, target: str) -> str:
    target = unquote(target.split("#", 1)[0])
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target))


class _Relationships:
    """Every relationship of the package: source part (lower case) → {Id: (Type, target part)},
    the target "" for an external one; ``missing`` holds those that lead nowhere (reported once
    the sheets are known, so a missing worksheet is named by its sheet)."""

    def __init__(self, package: zipfile.ZipFile, name: str, parts: dict[str, str]) -> None:
        self.by_source: dict[str, dict[str, tuple[str, str]]] = {}
        # (source part lower case, Id) → (the rels part, the target it names)
        self.missing: dict[tuple[str, str], tuple[str, str]] = {}
        for lower, rels in sorted(parts.items()):
            if not lower.endswith(".rels") or "_rels/" not in lower:
                continue
            source = _source_of(rels)
            found: dict[str, tuple[str, str]] = {}
            for rel in _parse(package, rels, name).iter(f"{{{_REL_NS}}}Relationship"):
                kind, written = rel.get("Type", ""), rel.get("Target", "")
                # A hyperlink's target is a place ("#Sheet1!A1"), not a part.
                if rel.get("TargetMode") == "External" or written.startswith("#") or kind.endswith("/hyperlink"):
                    found[rel.get("Id", "")] = (kind, "")
                    continue
                target = _target(source, written)
                if target.lower() not in parts and kind.endswith(_PROPERTIES):
                    continue
                if target.lower() not in parts:
                    self.missing[(source.lower(), rel.get("Id", ""))] = (rels, target)
                    found[rel.get("Id", "")] = (kind, "")
                    continue
                found[rel.get("Id", "")] = (kind, parts[target.lower()])
            self.by_source[source.lower()] = found

    def of(self, part: str) -> dict[str, tuple[str, str]]:
        return self.by_source.get(part.lower(), {})

    def nowhere(self, key: tuple[str, str]) -> str:
        _, target = self.missing[key]
        # No part name reaches the clerk: which part is missing is the same repair to them.
        return "工作簿内容中引用的一部分不存在" if target else f"工作簿内容中的关系“{key[1]}”没有目标"


def _main_part(package: zipfile.ZipFile, name: str, rels: _Relationships) -> str:
    for key in rels.missing:
        if not key[0]:  # the root relationships: the workbook itself may be what is missing
            raise damaged(name, rels.nowhere(key))
    main = [t for kind, t in rels.of("").values() if kind in (_T_OFFICE, _STRICT_OFFICE) and t]
    if not main:
        raise damaged(name, "工作簿内容中没有指向工作簿主体的关系")
    if main[0].lower() != "xl/workbook.xml":  # where every reader (python-calamine too) looks
        raise damaged(name, "工作簿主体不在 Excel 规定的位置")
    return main[0]


def _check_sheets(package: zipfile.ZipFile, name: str, rels: _Relationships, workbook: str) -> list[tuple[str, str]]:
    """(sheet name, part) of every sheet, after checking names, ids and relationships."""
    root = _parse(package, workbook, name)
    own = rels.of(workbook)
    names: set[str] = set()
    ids: set[str] = set()
    rel_ids: set[str] = set()
    sheets: list[tuple[str, str]] = []
    for sheet in root.iterfind(f"{{{_MAIN_NS}}}sheets/{{{_MAIN_NS}}}sheet"):
        title = sheet.get("name", "")
        rel_id = sheet.get(f"{{{_R_NS}}}id", "")
        sheet_id = sheet.get("sheetId", "")
        label = f"工作表“{title}”"
        if not title.strip():
            raise damaged(name, "有一个工作表没有名称")
        if title.casefold() in names:
            raise damaged(name, f"有两个工作表都叫“{title}”")
        if not sheet_id.isdigit() or len(sheet_id) > 9 or sheet_id in ids:
            raise damaged(name, f"{label}的编号（sheetId）“{sheet_id}”无效或重复")
        if (workbook.lower(), rel_id) in rels.missing:
            raise damaged(name, f"工作表“{title}”的内容不存在")
        if not own.get(rel_id, ("", ""))[1]:
            raise damaged(name, f"{label}没有对应的工作表部件（关系“{rel_id}”不存在）")
        if rel_id in rel_ids:
            raise damaged(name, f"{label}与另一个工作表指向同一份内容")
        names.add(title.casefold())
        ids.add(sheet_id)
        rel_ids.add(rel_id)
        sheets.append((title, own[rel_id][1]))
    if not sheets:
        raise damaged(name, "工作簿中没有任何工作表")
    return sheets


def _check_references(package: zipfile.ZipFile, name: str, rels: _Relationships, titles: dict[str, str]) -> None:
    """Every attribute in the relationships namespace (r:id, r:embed, r:link, …) of an XML part
    names one of that part's own relationships (a sheet's tables, drawings, comments, controls;
    a drawing's charts and pictures)."""
    for info in package.infolist():
        part = info.filename
        if not part.lower().endswith((".xml", ".vml")) or info.file_size > FULL_PARSE_BYTES:
            continue
        xml = _read(package, part)
        if _R_NS.encode() not in xml:
            continue
        if b"<!--" in xml:  # what a comment holds is no reference
            xml = re.sub(rb"<!--.*?-->", b"", xml, flags=re.S)
        own = rels.of(part)
        for prefix in set(_R_PREFIX.findall(xml)):
            for used in re.findall(rb"\s" + re.escape(prefix) + rb':[A-Za-z]+="([^"]+)"', xml):
                rel_id = used.decode("utf-8", "replace")
                if rel_id not in own:
                    where = f"工作表“{titles[part]}”" if part in titles else "工作簿内容中"
                    raise damaged(name, f"{where}使用的关系“{rel_id}”不存在")


def _check_tables(package: zipfile.ZipFile, name: str, rels: _Relationships, sheets: list[tuple[str, str]]) -> None:
    """A table part serves one sheet; table names are unique; a table's range is a range."""
    tables: dict[str, str] = {}
    table_names: dict[str, str] = {}
    for title, part in sheets:
        for kind, target in rels.of(part).values():
            if kind != _T_TABLE:
                continue
            if target in tables:
                raise damaged(name, f"同一个表格同时属于工作表“{tables[target]}”和“{title}”")
            tables[target] = title
            table = _parse(package, target, name)
            table_name = table.get("displayName") or table.get("name") or ""
            if table_name.casefold() in table_names:
                raise damaged(name, f"工作表“{table_names[table_name.casefold()]}”和“{title}”有同名的表格 {table_name}")
            table_names[table_name.casefold()] = title
            where = f"工作表“{title}”的表格 {table_name}"
            ref = table.get("ref") or ""
            if not _is_range(ref):
                raise damaged(name, f"{where}的区域“{ref}”无效")
            for attribute in ("id", "headerRowCount", "totalsRowCount"):  # whole numbers to every reader
                value = table.get(attribute)
                if value is not None and not (value.isdigit() and len(value) < 10):
                    raise damaged(name, f"{where}的 {attribute}“{value}”无效")


def _is_range(ref: str) -> bool:
    """ "A3:G12" or "A3" with both corners inside the sheet's grid (A1:XFD1048576)."""
    corners = ref.split(":")
    return 1 <= len(corners) <= 2 and all(grid_cell(c) is not None for c in corners)


# The content type a part of these relationship types must have (its ending): Excel does not
# read a worksheet typed only as "application/xml".
_TYPED = {
    _T_WORKSHEET: "spreadsheetml.worksheet+xml",
    _T_TABLE: "spreadsheetml.table+xml",
    f"{_R_NS}/styles": "spreadsheetml.styles+xml",
    f"{_R_NS}/sharedStrings": "spreadsheetml.sharedStrings+xml",
    _T_OFFICE: ".main+xml",
}


def _check_content_types(package: zipfile.ZipFile, name: str, rels: _Relationships) -> None:
    """Every part a relationship reaches has a content type (an Override, or a Default for its
    extension), and the workbook's own parts the one of their kind: Excel does not open a
    part it cannot type."""
    types = _parse(package, "[Content_Types].xml", name)
    ct = "{http://schemas.openxmlformats.org/package/2006/content-types}"
    defaults = {d.get("Extension", "").lower(): d.get("ContentType", "") for d in types.iter(f"{ct}Default")}
    overrides = {
        o.get("PartName", "").lstrip("/").lower(): o.get("ContentType", "") for o in types.iter(f"{ct}Override")
    }
    for found in rels.by_source.values():
        for kind, part in found.values():
            if not part:
                continue
            typed = overrides.get(part.lower())
            if typed is None:
                typed = defaults.get(posixpath.splitext(part)[1].lstrip(".").lower())
            if typed is None:
                raise damaged(name, f"{part_label(package, part)}没有登记内容类型")
            wanted = _TYPED.get(kind)
            if wanted is not None and not typed.endswith(wanted):
                raise damaged(name, f"{part_label(package, part)}登记的内容类型“{typed}”不对")


def check_integrity(package: zipfile.ZipFile, path: Path) -> None:
    """Raise UnusableInput naming ``path`` and the part when the package is not whole (see the
    module's docstring); ``package`` has passed ``archive.open_package``'s bounds."""
    name = path.name
    members = package.namelist()
    parts: dict[str, str] = {}
    for member in members:
        if member.lower() in parts:
            raise damaged(name, f"{part_label(package, member)}在压缩包中出现了两次")
        parts[member.lower()] = member
    for required in ("[Content_Types].xml", "_rels/.rels"):
        if required.lower() not in parts:
            raise damaged(name, "缺少工作簿内容的目录（内容类型或关系）")
    rels = _Relationships(package, name, parts)
    _check_parts(
        package,
        name,
        {part for found in rels.by_source.values() for kind, part in found.values() if kind == _T_WORKSHEET},
    )
    workbook = _main_part(package, name, rels)
    sheets = _check_sheets(package, name, rels, workbook)
    titles = {part.lower(): title for title, part in sheets}
    for key, (_, target) in rels.missing.items():
        if key[0] in titles and target:
            raise damaged(name, f"工作表“{titles[key[0]]}”引用的内容（表格、图片、批注等）不存在")
        raise damaged(name, rels.nowhere(key))
    _check_content_types(package, name, rels)
    _check_references(package, name, rels, {part: title for title, part in sheets})
    _check_tables(package, name, rels, sheets)
