"""Putting report sheets into an existing workbook package, and nothing else.

Every part other than the bookkeeping ones is copied byte for byte. The bookkeeping parts
(workbook.xml and its rels, [Content_Types].xml, styles.xml, docProps/app.xml, calcChain.xml)
are edited textually, by insertions and removals that concern only the report sheets. A
report sheet that is already there keeps its place, part name and relationship id; its old
drawing and charts are dropped with it.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import BinaryIO
from xml.sax.saxutils import escape, quoteattr

from defusedxml import DefusedXmlException, ElementTree

from ..errors import UnusableInput
from ..report.layout import SheetLayout
from ..report.styles import STYLES
from ..report.xml_chart import chart_xml, drawing_xml
from ..report.xml_sheet import quote_sheet, sheet_xml
from ..report.xml_styles import merge_styles
from .archive import read_part
from .parts import SheetPart, rels_path, resolve_target, sheet_parts
from .zipcopy import rewrite_zip

__all__ = ["inject_sheets"]

_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_T_SHEET = f"{_REL}/worksheet"
_T_DRAWING = f"{_REL}/drawing"
_T_CHART = f"{_REL}/chart"
_CT_SHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
_CT_DRAWING = "application/vnd.openxmlformats-officedocument.drawing+xml"
_CT_CHART = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
_STRICT = "http://purl.oclc.org/ooxml/"


@dataclass
class _Plan:
    replace: dict[str, bytes] = field(default_factory=dict)
    add: list[tuple[str, bytes]] = field(default_factory=list)
    remove: set[str] = field(default_factory=set)
    overrides: list[tuple[str, str]] = field(default_factory=list)

    def taken(self, names: set[str]) -> set[str]:
        return (names - self.remove) | {n for n, _ in self.add}


def _parse_safely(data: bytes, part: str) -> None:
    try:
        ElementTree.fromstring(data)
    except DefusedXmlException:
        raise UnusableInput(
            f"工作簿的 {part} 含有不安全的 XML 内容（实体或外部引用），已拒绝处理：请检查文件来源"
        ) from None
    except ElementTree.ParseError:
        raise UnusableInput(f"工作簿的 {part} 已损坏（XML 无法解析）：请用 Excel 打开并另存后再试") from None


def _free_name(pattern: str, taken: set[str]) -> str:
    n = 1
    while pattern.format(n) in taken:
        n += 1
    return pattern.format(n)


def _relationships(xml: str) -> list[dict[str, str]]:
    return [
        dict(re.findall(r'(\w+)="([^"]*)"', m.group(1)))
        for m in re.finditer(r"<(?:\w+:)?Relationship\b([^>]*)/?>", xml)
    ]


def _insert_before(text: str, closing: str, item: str) -> str:
    at = text.rfind(closing)
    if at < 0:
        raise UnusableInput(f"工作簿结构异常（缺少 {closing}）：请用 Excel 打开并另存后再试")
    return text[:at] + item + text[at:]


class _Package:
    def __init__(self, package: zipfile.ZipFile) -> None:
        self.zip = package
        self.names = set(package.namelist())
        root_rels = self.text("_rels/.rels")
        office = next((r for r in _relationships(root_rels) if r.get("Type", "").endswith("/officeDocument")), None)
        if office is None:
            raise UnusableInput("工作簿缺少主文档关系（_rels/.rels）：请用 Excel 打开并另存后再试")
        self.workbook_part = resolve_target("", office["Target"])
        self.workbook = self.text(self.workbook_part)
        if _STRICT in self.workbook[:2000]:
            raise UnusableInput("工作簿为“Strict Open XML”格式：请在 Excel 中另存为“Excel 工作簿(*.xlsx)”后再试")
        self.wb_rels_part = rels_path(self.workbook_part)
        self.wb_rels = self.text(self.wb_rels_part)
        self.content_types = self.text("[Content_Types].xml")
        self.sheets = sheet_parts(package, self.workbook_part)
        rels = _relationships(self.wb_rels)
        styles = next((r for r in rels if r.get("Type", "").endswith("/styles")), None)
        self.styles_part = resolve_target(self.workbook_part, styles["Target"]) if styles else ""
        self.rel_ids = {r.get("Id", "") for r in rels}

    def read(self, part: str) -> bytes:
        data = read_part(self.zip, part)
        _parse_safely(data, part)
        return data

    def text(self, part: str) -> str:
        if part not in self.names:
            raise UnusableInput(f"工作簿缺少 {part}：文件可能已损坏，请用 Excel 打开并另存后再试")
        return self.read(part).decode("utf-8")

    def part_rels(self, part: str) -> list[dict[str, str]]:
        path = rels_path(part)
        return _relationships(self.text(path)) if path in self.names else []

    def owned_parts(self, part: str) -> set[str]:
        """Parts reachable only from ``part`` (its rels, drawing, charts and their rels)."""
        owned = self._reachable([part])
        # Anything another part still points at (a shared image, say) stays, with what it needs.
        shared: set[str] = set()
        for name in self.names - owned:
            if name.endswith(".rels"):
                source = _rels_source(name)
                shared |= {resolve_target(source, rel.get("Target", "")) for rel in _relationships(self.text(name))}
        kept = self._reachable(sorted((shared & owned) - {part}))
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


def _rels_source(rels_name: str) -> str:
    """xl/worksheets/_rels/sheet1.xml.rels → xl/worksheets/sheet1.xml."""
    folder = posixpath.dirname(posixpath.dirname(rels_name))
    return posixpath.join(folder, posixpath.basename(rels_name)[: -len(".rels")])


def _next_rel_id(taken: set[str]) -> str:
    n = 1
    while f"rId{n}" in taken:
        n += 1
    taken.add(f"rId{n}")
    return f"rId{n}"


def _ns_prefix(text: str, root: str) -> str:
    match = re.search(rf"<(\w+):{root}\b", text)
    return f"{match.group(1)}:" if match else ""


def _rel_id_attribute(workbook: str, rel: str) -> str:
    """``r:id="rId9"`` with the prefix the root element declares, or a local declaration
    (some writers declare the namespace on each <sheet> instead of on <workbook>)."""
    root = re.search(r"<(?:\w+:)?workbook\b[^>]*>", workbook)
    declared = re.search(rf'xmlns:(\w+)="{re.escape(_REL)}"', root.group(0)) if root else None
    if declared is not None:
        return f'{declared.group(1)}:id="{rel}"'
    return f'xmlns:r="{_REL}" r:id="{rel}"'


def _drop_print_titles(workbook: str, index: int) -> str:
    return re.sub(
        rf'<(?:\w+:)?definedName\b[^>]*name="_xlnm\.Print_Titles"[^>]*localSheetId="{index}"[^>]*>.*?</(?:\w+:)?definedName>'
        rf'|<(?:\w+:)?definedName\b[^>]*localSheetId="{index}"[^>]*name="_xlnm\.Print_Titles"[^>]*>.*?</(?:\w+:)?definedName>',
        "",
        workbook,
        flags=re.S,
    )


def _add_print_titles(workbook: str, index: int, layout: SheetLayout, p: str) -> str:
    rows = layout.print_setup.repeat_rows
    if rows is None:
        return workbook
    item = (
        f'<{p}definedName name="_xlnm.Print_Titles" localSheetId="{index}">'
        f"{escape(quote_sheet(layout.name))}!${rows[0] + 1}:${rows[1] + 1}</{p}definedName>"
    )
    if re.search(rf"</{p}definedNames>", workbook):
        return _insert_before(workbook, f"</{p}definedNames>", item)
    empty = re.search(rf"<{p}definedNames\s*/>", workbook)
    if empty:
        return workbook[: empty.start()] + f"<{p}definedNames>{item}</{p}definedNames>" + workbook[empty.end() :]
    for anchor in (f"</{p}externalReferences>", f"</{p}sheets>"):
        at = workbook.find(anchor)
        if at >= 0:
            at += len(anchor)
            return workbook[:at] + f"<{p}definedNames>{item}</{p}definedNames>" + workbook[at:]
    return workbook


def _drop_calc_chain_sheet(xml: str, sheet_id: int) -> str | None:
    """calcChain.xml without the entries of one sheet; None when nothing remains.

    An entry without ``i`` belongs to the sheet of the entry before it, so kept entries get
    an explicit ``i`` wherever a dropped run would otherwise change their meaning.
    """
    head = re.search(r"<(?:\w+:)?calcChain\b[^>]*>", xml)
    tail = re.search(r"</(?:\w+:)?calcChain>", xml)
    if head is None or tail is None:
        return xml
    kept: list[str] = []
    current: int | None = None
    written: int | None = None
    for match in re.finditer(r"<((?:\w+:)?)c\b([^>]*)/>", xml[head.end() : tail.start()]):
        attrs = match.group(2)
        found = re.search(r'\bi="(\d+)"', attrs)
        if found:
            current = int(found.group(1))
        if current == sheet_id:
            continue
        element = match.group(0)
        if not found and current is not None and current != written:
            element = f'<{match.group(1)}c i="{current}"{attrs}/>'
        written = current
        kept.append(element)
    if not kept:
        return None
    return xml[: head.end()] + "".join(kept) + xml[tail.start() :]


def _update_app(app: str, names: Sequence[str]) -> str:
    """List new sheets in docProps/app.xml (worksheet count and TitlesOfParts).

    Worksheet names come first in TitlesOfParts, counted by the first HeadingPairs entry.
    An app.xml of any other shape is left as it is: Excel rebuilds it on save.
    """
    pairs = re.search(r"<HeadingPairs>.*?</HeadingPairs>", app, re.S)
    titles = re.search(r'<TitlesOfParts>\s*<vt:vector size="(\d+)" baseType="lpstr">(.*?)</vt:vector>', app, re.S)
    if pairs is None or titles is None:
        return app
    count = re.search(r"<vt:i4>(\d+)</vt:i4>", pairs.group(0))
    if count is None:
        return app
    worksheets = int(count.group(1))
    items = re.findall(r"<vt:lpstr>.*?</vt:lpstr>", titles.group(2), re.S)
    items[worksheets:worksheets] = [f"<vt:lpstr>{escape(n)}</vt:lpstr>" for n in names]
    new_titles = f'<TitlesOfParts><vt:vector size="{len(items)}" baseType="lpstr">{"".join(items)}</vt:vector>'
    start, end = pairs.start() + count.start(1), pairs.start() + count.end(1)
    # Titles come after HeadingPairs, so edit from the back to keep offsets valid.
    app = app[: titles.start()] + new_titles + app[titles.end() :]
    return app[:start] + str(worksheets + len(names)) + app[end:]


def inject_sheets(
    package: zipfile.ZipFile, source: BinaryIO, size: int, target: BinaryIO, layouts: Sequence[SheetLayout]
) -> None:
    """Write ``target``: the ``source`` package with ``layouts`` added or replacing same-named sheets."""
    pkg = _Package(package)
    plan = _Plan()
    workbook = pkg.workbook
    wb_rels = pkg.wb_rels
    content_types = pkg.content_types
    p = _ns_prefix(workbook, "workbook")
    rel_ids = set(pkg.rel_ids)
    sheet_ids = [s.sheet_id for s in pkg.sheets]
    by_name = {s.name: (i, s) for i, s in enumerate(pkg.sheets)}
    new_titles: list[str] = []

    styles_xml = pkg.read(pkg.styles_part) if pkg.styles_part in pkg.names else None
    if styles_xml is None:
        raise UnusableInput("工作簿缺少样式表（styles.xml）：请用 Excel 打开并另存后再试")
    used = {cell.style for layout in layouts for cell in layout.cells.values()}
    new_styles, xf = merge_styles(styles_xml, {name: STYLES[name] for name in sorted(used)})
    plan.replace[pkg.styles_part] = new_styles

    calc_chain = next((n for n in pkg.names if n.endswith("calcChain.xml")), None)
    for layout in layouts:
        existing: SheetPart | None = by_name.get(layout.name, (0, None))[1]
        if existing is not None and existing.part in pkg.names:
            index = by_name[layout.name][0]
            part = existing.part
            plan.remove |= pkg.owned_parts(part) - {part}
            if calc_chain and calc_chain not in plan.remove:
                chain = plan.replace.get(calc_chain) or pkg.read(calc_chain)
                trimmed = _drop_calc_chain_sheet(chain.decode("utf-8"), existing.sheet_id)
                if trimmed is None:
                    plan.remove.add(calc_chain)
                    plan.replace.pop(calc_chain, None)
                    wb_rels = _drop_relationship_to(wb_rels, posixpath.basename(calc_chain))
                elif trimmed != chain.decode("utf-8"):
                    plan.replace[calc_chain] = trimmed.encode("utf-8")
            workbook = _drop_print_titles(workbook, index)
            is_new = False
        else:
            index = len(pkg.sheets) + len(new_titles)
            part = _free_name("xl/worksheets/sheet{}.xml", plan.taken(pkg.names))
            rel = _next_rel_id(rel_ids)
            sheet_id = max([0, *sheet_ids]) + 1
            sheet_ids.append(sheet_id)
            target_name = posixpath.relpath(part, posixpath.dirname(pkg.workbook_part))
            workbook = _insert_before(
                workbook,
                f"</{p}sheets>",
                f'<{p}sheet name={quoteattr(layout.name)} sheetId="{sheet_id}" {_rel_id_attribute(workbook, rel)}/>',
            )
            q = _ns_prefix(wb_rels, "Relationships")
            wb_rels = _insert_before(
                wb_rels,
                f"</{q}Relationships>",
                f'<{q}Relationship Id="{rel}" Type="{_T_SHEET}" Target="{target_name}"/>',
            )
            plan.overrides.append((part, _CT_SHEET))
            new_titles.append(layout.name)
            is_new = True
        workbook = _add_print_titles(workbook, index, layout, p)

        additions, drawing_rel = _chart_parts(layout, part, plan.taken(pkg.names), plan.overrides)
        payload = sheet_xml(layout, xf, drawing_rel)
        if is_new:
            plan.add.append((part, payload))
        else:
            plan.replace[part] = payload
        plan.add.extend(additions)

    # A part re-created under its old name (a re-run) is replaced where it stood, so the
    # same data give the same package, byte for byte.
    reused = plan.remove & {name for name, _ in plan.add}
    plan.remove -= reused
    plan.replace.update((name, payload) for name, payload in plan.add if name in reused)
    plan.add = [(name, payload) for name, payload in plan.add if name not in reused]
    for removed in sorted(plan.remove):
        content_types = re.sub(rf'<(?:\w+:)?Override\b[^>]*PartName="/{re.escape(removed)}"[^>]*/>', "", content_types)
    t = _ns_prefix(content_types, "Types")
    for name, ctype in plan.overrides:
        if f'PartName="/{name}"' not in content_types:
            content_types = _insert_before(
                content_types, f"</{t}Types>", f'<{t}Override PartName="/{name}" ContentType="{ctype}"/>'
            )

    plan.replace[pkg.workbook_part] = workbook.encode("utf-8")
    plan.replace[pkg.wb_rels_part] = wb_rels.encode("utf-8")
    plan.replace["[Content_Types].xml"] = content_types.encode("utf-8")
    if new_titles and "docProps/app.xml" in pkg.names:
        app = pkg.text("docProps/app.xml")
        updated = _update_app(app, new_titles)
        if updated != app:
            plan.replace["docProps/app.xml"] = updated.encode("utf-8")
    rewrite_zip(source, size, target, plan.replace, plan.add, plan.remove)


def _chart_parts(
    layout: SheetLayout, sheet_part: str, taken: set[str], overrides: list[tuple[str, str]]
) -> tuple[list[tuple[str, bytes]], str | None]:
    """The sheet's rels, drawing and chart parts, and the drawing's id in the sheet's rels."""
    if not layout.charts:
        return [], None
    drawing = _free_name("xl/drawings/drawing{}.xml", taken)
    charts: list[str] = []
    for _ in layout.charts:
        charts.append(_free_name("xl/charts/chart{}.xml", taken | set(charts)))
    chart_rels = [f"rId{i + 1}" for i in range(len(charts))]
    parts = [
        (rels_path(sheet_part), _rels_xml([("rId1", _T_DRAWING, "../drawings/" + posixpath.basename(drawing))])),
        (drawing, drawing_xml(layout, chart_rels)),
        (
            rels_path(drawing),
            _rels_xml(
                [
                    (rid, _T_CHART, "../charts/" + posixpath.basename(chart))
                    for rid, chart in zip(chart_rels, charts, strict=True)
                ]
            ),
        ),
    ]
    overrides.append((drawing, _CT_DRAWING))
    for spec, chart in zip(layout.charts, charts, strict=True):
        parts.append((chart, chart_xml(layout, spec)))
        overrides.append((chart, _CT_CHART))
    return parts, "rId1"


def _drop_relationship_to(rels: str, basename: str) -> str:
    return re.sub(rf'<(?:\w+:)?Relationship\b[^>]*Target="[^"]*{re.escape(basename)}"[^>]*/>', "", rels)


def _rels_xml(rels: Sequence[tuple[str, str, str]]) -> bytes:
    items = "".join(f'<Relationship Id="{rid}" Type="{kind}" Target="{target}"/>' for rid, kind, target in rels)
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{items}</Relationships>'
    ).encode()
