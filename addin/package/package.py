"""A workbook package opened for editing: its bookkeeping parts as text, and the plan of
what a rewrite replaces, adds and removes. XML is checked as defusedxml parses it first
(refusing entity tricks); edits are textual so that everything not edited keeps its bytes."""

from __future__ import annotations

import posixpath
import pyexpat
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field

from defusedxml import DefusedXmlException, ElementTree

from ..errors import BrokenOutput, UnusableInput
from .archive import read_part
from .parts import part_label, rels_path, resolve_target, sheet_parts

__all__ = [
    "REL",
    "Package",
    "Plan",
    "check_xml",
    "drop_override",
    "drop_relationship",
    "drop_relationship_to",
    "free_name",
    "insert_before",
    "next_rel_id",
    "ns_prefix",
    "parse_safely",
    "relationships",
    "rels_source",
    "verify_xml",
]

REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
STRICT = "http://purl.oclc.org/ooxml/"


@dataclass
class Plan:
    replace: dict[str, bytes] = field(default_factory=dict)
    add: list[tuple[str, bytes]] = field(default_factory=list)
    remove: set[str] = field(default_factory=set)
    overrides: list[tuple[str, str]] = field(default_factory=list)

    def taken(self, names: set[str]) -> set[str]:
        return (names - self.remove) | {n for n, _ in self.add}


class _Doctype(Exception):
    """A part with a document type declaration: defusedxml decides what it may declare."""


def _doctype(*_: object) -> None:
    raise _Doctype


def check_xml(data: bytes) -> None:
    """Accept or refuse ``data`` exactly as defusedxml's ``ElementTree.fromstring`` would
    (``ElementTree.ParseError`` when it is not well-formed XML with namespaces,
    ``DefusedXmlException`` for entity declarations and external references), without building
    its tree: expat itself checks well-formedness, in C, with the namespace processing
    ElementTree asks of it (an unbound prefix is an error there too), and without a DTD an
    undeclared entity is already an error. Only a part with a DOCTYPE, where entities can be
    declared, is parsed by defusedxml. (Its tree is built by pure-Python callbacks: three
    hundred project sheets took 0.3 s.) One difference: a part declaring a multi-byte encoding
    expat cannot read (GBK) is a ``ParseError`` here, where both parsers raise ValueError."""
    parser = pyexpat.ParserCreate(None, "}")
    parser.StartDoctypeDeclHandler = _doctype
    try:
        try:
            parser.Parse(data, True)
        except _Doctype:
            ElementTree.fromstring(data)
    except pyexpat.ExpatError as exc:
        error = ElementTree.ParseError(str(exc))
        error.code, error.position = exc.code, (exc.lineno, exc.offset)
        raise error from None
    except DefusedXmlException:
        raise  # (a ValueError too)
    except ValueError as exc:  # "multi-byte encodings are not supported"
        raise ElementTree.ParseError(str(exc)) from None


def parse_safely(data: bytes, where: str) -> None:
    """Raise UnusableInput unless ``data`` is safe, well-formed XML; ``where`` is the part as the
    clerk knows it (parts.part_label)."""
    try:
        check_xml(data)
    except DefusedXmlException:
        raise UnusableInput(
            f"工作簿的{where}含有不安全的 XML 内容（实体或外部引用），已拒绝处理：请检查文件来源"
        ) from None
    except ElementTree.ParseError:
        raise UnusableInput(f"工作簿的{where}已损坏（XML 无法解析）：请用 Excel 打开并另存后再试") from None


_XML_PARTS = (".xml", ".rels", ".vml")


def verify_xml(plan: Plan, workbook: str) -> None:
    """Every XML part ``plan`` rewrites or adds parses (``check_xml``). The parts are edited as text
    and were well-formed when read (``Package.read``), so one that no longer parses is a defect
    of the edit: refused here, before the file is written."""
    for part, data in [*plan.replace.items(), *plan.add]:
        if not part.lower().endswith(_XML_PARTS):
            continue
        try:
            check_xml(data)
        except (ElementTree.ParseError, DefusedXmlException) as exc:
            raise BrokenOutput(
                # The parser's own (English) words stay in the cause (--debug).
                f"程序内部错误：为“{workbook}”生成的 {part} 不是完整的 XML，未写入任何文件：请把该工作簿发给技术支持"
            ) from exc


def free_name(pattern: str, taken: set[str]) -> str:
    """The first free part name of ``pattern``. OPC part names are case-insensitive, so
    "xl/worksheets/Sheet1.xml" takes "xl/worksheets/sheet1.xml" too."""
    lowered = {name.lower() for name in taken}
    n = 1
    while pattern.format(n).lower() in lowered:
        n += 1
    return pattern.format(n)


def relationships(xml: str) -> list[dict[str, str]]:
    return [
        dict(re.findall(r'(\w+)="([^"]*)"', m.group(1)))
        for m in re.finditer(r"<(?:\w+:)?Relationship\b([^>]*)/?>", xml)
    ]


def insert_before(text: str, closing: str, item: str) -> str:
    at = text.rfind(closing)
    if at < 0:
        raise UnusableInput("工作簿内容的结构异常：请在 Excel 或 WPS 中打开并另存后再试")
    return text[:at] + item + text[at:]


class Package:
    def __init__(self, package: zipfile.ZipFile) -> None:
        self.zip = package
        self.names = set(package.namelist())
        root_rels = self.text("_rels/.rels")
        office = next((r for r in relationships(root_rels) if r.get("Type", "").endswith("/officeDocument")), None)
        if office is None:
            raise UnusableInput("工作簿内容中没有指向工作簿主体的关系：请在 Excel 或 WPS 中打开并另存后再试")
        self.workbook_part = resolve_target("", office["Target"])
        self.workbook = self.text(self.workbook_part)
        if STRICT in self.workbook[:2000]:
            raise UnusableInput("工作簿为“Strict Open XML”格式：请在 Excel 中另存为“Excel 工作簿(*.xlsx)”后再试")
        self.wb_rels_part = rels_path(self.workbook_part)
        self.wb_rels = self.text(self.wb_rels_part)
        self.content_types = self.text("[Content_Types].xml")
        self.sheets = sheet_parts(package, self.workbook_part)
        rels = relationships(self.wb_rels)
        styles = next((r for r in rels if r.get("Type", "").endswith("/styles")), None)
        self.styles_part = resolve_target(self.workbook_part, styles["Target"]) if styles else ""
        self.rel_ids = {r.get("Id", "") for r in rels}
        self._rels: dict[str, list[dict[str, str]]] = {}
        self._pointers: dict[str, set[str]] | None = None

    def read(self, part: str) -> bytes:
        data = read_part(self.zip, part)
        try:
            check_xml(data)
        except (DefusedXmlException, ElementTree.ParseError):
            parse_safely(data, part_label(self.zip, part))  # says which, naming the sheet
        return data

    def text(self, part: str) -> str:
        if part not in self.names:
            raise UnusableInput("工作簿内容不完整，文件可能已损坏：请在 Excel 或 WPS 中打开并另存后再试")
        return self.read(part).decode("utf-8")

    def rels_of(self, rels_name: str) -> list[dict[str, str]]:
        """The relationships of the .rels part ``rels_name`` (read and parsed once: the package
        is the source file, which a rewrite never changes)."""
        found = self._rels.get(rels_name)
        if found is None:
            found = self._rels[rels_name] = relationships(self.text(rels_name))
        return found

    def part_rels(self, part: str) -> list[dict[str, str]]:
        path = rels_path(part)
        return self.rels_of(path) if path in self.names else []

    def _pointed_at(self) -> dict[str, set[str]]:
        """Every target any .rels part names (resolved) → the .rels parts that name it, built
        once: asked for each of three hundred project sheets replaced, a scan of every .rels part
        per sheet was quadratic."""
        if self._pointers is None:
            pointers: dict[str, set[str]] = {}
            for name in self.names:
                if name.endswith(".rels"):
                    source = rels_source(name)
                    for rel in self.rels_of(name):
                        pointers.setdefault(resolve_target(source, rel.get("Target", "")), set()).add(name)
            self._pointers = pointers
        return self._pointers

    def owned_parts(self, part: str) -> set[str]:
        """Parts reachable only from ``part`` (its rels, drawing, charts and their rels)."""
        owned = self._reachable([part])
        # Anything a .rels part outside them still points at (a shared image, say) stays, with
        # what it needs.
        pointers = self._pointed_at()
        shared = {target for target in owned if any(rels not in owned for rels in pointers.get(target, ()))}
        kept = self._reachable(sorted(shared - {part}))
        return owned - kept

    def _reachable(self, roots: Sequence[str]) -> set[str]:
        seen = set(roots)
        frontier = list(roots)
        while frontier:
            current = frontier.pop()
            path = rels_path(current)
            if path in self.names:
                seen.add(path)
            for rel in self.part_rels(current):
                if rel.get("TargetMode") == "External":
                    continue
                target = resolve_target(current, rel.get("Target", ""))
                if target in self.names and target not in seen:
                    seen.add(target)
                    frontier.append(target)
        return seen


def rels_source(rels_name: str) -> str:
    """xl/worksheets/_rels/sheet1.xml.rels → xl/worksheets/sheet1.xml."""
    folder = posixpath.dirname(posixpath.dirname(rels_name))
    return posixpath.join(folder, posixpath.basename(rels_name)[: -len(".rels")])


def next_rel_id(taken: set[str]) -> str:
    n = 1
    while f"rId{n}" in taken:
        n += 1
    taken.add(f"rId{n}")
    return f"rId{n}"


def ns_prefix(text: str, root: str) -> str:
    match = re.search(rf"<(\w+):{root}\b", text)
    return f"{match.group(1)}:" if match else ""


def drop_relationship(rels: str, rel_id: str) -> str:
    """The rels text without the relationship ``rel_id``."""
    return re.sub(rf'<(?:\w+:)?Relationship\b[^>]*\bId="{re.escape(rel_id)}"[^>]*/>', "", rels)


def drop_override(content_types: str, part: str) -> str:
    """[Content_Types].xml without the Override of ``part`` (a zip member name)."""
    return re.sub(rf'<(?:\w+:)?Override\b[^>]*PartName="/{re.escape(part)}"[^>]*/>', "", content_types)


def drop_relationship_to(rels: str, basename: str) -> str:
    return re.sub(rf'<(?:\w+:)?Relationship\b[^>]*Target="[^"]*{re.escape(basename)}"[^>]*/>', "", rels)
