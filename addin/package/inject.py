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
from pathlib import Path
from typing import BinaryIO
from xml.sax.saxutils import escape, quoteattr

from ..core.model import column_letter
from ..report.layout import SheetLayout
from ..report.ownership import MARKER, marker_target
from ..report.styles import STYLES
from ..report.xml_chart import chart_xml, drawing_xml
from ..report.xml_sheet import quote_sheet, sheet_xml
from ..report.xml_styles import EMPTY_STYLES, merge_styles
from .package import (
    REL,
    Package,
    Plan,
    drop_override,
    drop_relationship,
    drop_relationship_to,
    free_name,
    insert_before,
    next_rel_id,
    ns_prefix,
    verify_xml,
)
from .parts import SheetPart, rels_path
from .sheets import drop_app_title, drop_sheet_entry
from .zipcopy import rewrite_zip

__all__ = ["inject_sheets", "marked_sheets"]

_REL = REL
_T_SHEET = f"{_REL}/worksheet"
_T_DRAWING = f"{_REL}/drawing"
_T_CHART = f"{_REL}/chart"
_T_STYLES = f"{_REL}/styles"
_CT_STYLES = "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"
_CT_SHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
_CT_DRAWING = "application/vnd.openxmlformats-officedocument.drawing+xml"
_CT_CHART = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
STRICT = "http://purl.oclc.org/ooxml/"


def _rel_id_attribute(workbook: str, rel: str) -> str:
    """``r:id="rId9"`` with the prefix the root element declares, or a local declaration
    (some writers declare the namespace on each <sheet> instead of on <workbook>)."""
    root = re.search(r"<(?:\w+:)?workbook\b[^>]*>", workbook)
    declared = re.search(rf'xmlns:(\w+)="{re.escape(_REL)}"', root.group(0)) if root else None
    if declared is not None:
        return f'{declared.group(1)}:id="{rel}"'
    return f'xmlns:r="{_REL}" r:id="{rel}"'


_PRINT_NAMES = ("_xlnm.Print_Titles", "_xlnm.Print_Area", MARKER)


def marked_sheets(workbook: str, sheets: Sequence[str]) -> set[str]:
    """The sheets (of ``sheets``, in workbook order) that carry the product's marker name
    (``report.ownership``): the only sheets a run may replace or remove."""
    out: set[str] = set()
    for match in re.finditer(r"<(?:\w+:)?definedName\b([^>]*)>", workbook):
        head = match.group(1)
        name = re.search(r'\bname="([^"]*)"', head)
        local = re.search(r'\blocalSheetId="(\d+)"', head)
        if name and local and name.group(1).lower() == MARKER and int(local.group(1)) < len(sheets):
            out.add(sheets[int(local.group(1))])
    return out


def _drop_print_names(workbook: str, indices: set[int]) -> str:
    """Remove the sheet-local print titles, print areas and markers of the sheets at ``indices``
    (in one pass: a pass per sheet was quadratic in the number of project sheets)."""
    if not indices:
        return workbook

    def local_print_name(match: re.Match[str]) -> str:
        head = match.group(1)
        name = re.search(r'\bname="([^"]*)"', head)
        sheet = re.search(r'\blocalSheetId="(\d+)"', head)
        if name and sheet and name.group(1) in _PRINT_NAMES and int(sheet.group(1)) in indices:
            return ""
        return match.group(0)

    pattern = r"<(?:\w+:)?definedName\b([^>]*)>.*?</(?:\w+:)?definedName>"
    return re.sub(pattern, local_print_name, workbook, flags=re.S)


def _print_names(index: int, layout: SheetLayout, p: str) -> str:
    """The sheet's print area and titles, and the marker that says the product wrote it."""
    setup = layout.print_setup
    sheet = escape(quote_sheet(layout.name))
    items = [
        f'<{p}definedName name="{MARKER}" localSheetId="{index}" hidden="1">'
        f"{escape(marker_target(layout.name))}</{p}definedName>"
    ]
    if setup.print_area is not None:
        r1, c1, r2, c2 = setup.print_area
        area = f"{sheet}!${column_letter(c1)}${r1 + 1}:${column_letter(c2)}${r2 + 1}"
        items.append(f'<{p}definedName name="_xlnm.Print_Area" localSheetId="{index}">{area}</{p}definedName>')
    if setup.repeat_rows is not None:
        first, last = setup.repeat_rows
        rows = f"{sheet}!${first + 1}:${last + 1}"
        items.append(f'<{p}definedName name="_xlnm.Print_Titles" localSheetId="{index}">{rows}</{p}definedName>')
    return "".join(items)


def _add_defined_names(workbook: str, item: str, p: str) -> str:
    """``item`` (definedName elements) at the end of <definedNames>, created where it belongs
    when the workbook has none."""
    if not item:
        return workbook
    if re.search(rf"</{p}definedNames>", workbook):
        return insert_before(workbook, f"</{p}definedNames>", item)
    empty = re.search(rf"<{p}definedNames\s*/>", workbook)
    if empty:
        return workbook[: empty.start()] + f"<{p}definedNames>{item}</{p}definedNames>" + workbook[empty.end() :]
    for anchor in (f"</{p}externalReferences>", f"</{p}sheets>"):
        at = workbook.find(anchor)
        if at >= 0:
            at += len(anchor)
            return workbook[:at] + f"<{p}definedNames>{item}</{p}definedNames>" + workbook[at:]
    return workbook


class _FreeNames:
    """``free_name`` over the names a plan leaves taken, for many new parts in a row: the taken
    names are lowered once and then kept up to date as parts are added (recomputed only when
    the plan removes parts), and the search for a pattern goes on from its last answer (the
    names before it are still taken while nothing is removed). The same answers as
    ``free_name(pattern, plan.taken(names))`` at each call, without its cost per call."""

    def __init__(self, names: set[str], plan: Plan) -> None:
        self.names = names
        self.plan = plan
        self.removed = -1
        self.added = 0
        self.lowered: set[str] = set()
        self.next: dict[str, int] = {}

    def taken(self) -> set[str]:
        plan = self.plan
        if len(plan.remove) != self.removed:
            self.removed, self.added = len(plan.remove), len(plan.add)
            self.lowered = {name.lower() for name in plan.taken(self.names)}
            self.next = {}
        elif len(plan.add) != self.added:
            self.lowered.update(name.lower() for name, _ in plan.add[self.added :])
            self.added = len(plan.add)
        return self.lowered

    def free(self, pattern: str) -> str:
        lowered = self.taken()
        n = self.next.get(pattern, 1)
        while pattern.format(n).lower() in lowered:
            n += 1
        self.next[pattern] = n
        return pattern.format(n)


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


def _trim_calc_chain(pkg: Package, plan: Plan, calc_chain: str | None, sheet_id: int, wb_rels: str) -> str:
    """Drop one sheet's entries from calcChain.xml (the part itself when none remain)."""
    if not calc_chain or calc_chain in plan.remove:
        return wb_rels
    chain = plan.replace.get(calc_chain) or pkg.read(calc_chain)
    trimmed = _drop_calc_chain_sheet(chain.decode("utf-8"), sheet_id)
    if trimmed is None:
        plan.remove.add(calc_chain)
        plan.replace.pop(calc_chain, None)
        return drop_relationship_to(wb_rels, posixpath.basename(calc_chain))
    if trimmed != chain.decode("utf-8"):
        plan.replace[calc_chain] = trimmed.encode("utf-8")
    return wb_rels


def inject_sheets(
    package: zipfile.ZipFile,
    source: BinaryIO,
    size: int,
    target: BinaryIO,
    layouts: Sequence[SheetLayout],
    remove: Sequence[str] = (),
) -> None:
    """Write ``target``: the ``source`` package with ``layouts`` added or replacing same-named
    sheets, and the sheets named in ``remove`` (generated sheets no longer wanted) taken out."""
    pkg = Package(package)
    plan = Plan()
    workbook = pkg.workbook
    wb_rels = pkg.wb_rels
    content_types = pkg.content_types
    p = ns_prefix(workbook, "workbook")
    rel_ids = set(pkg.rel_ids)
    sheet_ids = [s.sheet_id for s in pkg.sheets]
    new_titles: list[str] = []
    calc_chain = next((n for n in pkg.names if n.endswith("calcChain.xml")), None)
    present = {s.name for s in pkg.sheets}
    dropped = {name for name in remove if name in present and name not in {layout.name for layout in layouts}}
    # docProps/app.xml lists the sheets' names: read only when the list changes.
    kept = {s.name for s in pkg.sheets if s.part in pkg.names}
    changes_list = bool(dropped) or any(layout.name not in kept for layout in layouts)
    app = pkg.text("docProps/app.xml") if changes_list and "docProps/app.xml" in pkg.names else None
    app_before = app
    for index, sheet in reversed(list(enumerate(pkg.sheets))):
        if sheet.name not in dropped:
            continue
        if sheet.part in pkg.names:
            plan.remove |= pkg.owned_parts(sheet.part)
        wb_rels = drop_relationship(wb_rels, sheet.rel_id)
        wb_rels = _trim_calc_chain(pkg, plan, calc_chain, sheet.sheet_id, wb_rels)
        workbook = drop_sheet_entry(workbook, index, sheet.name)
        if app is not None:
            app = drop_app_title(app, escape(sheet.name))
    sheets = [s for s in pkg.sheets if s.name not in dropped]
    by_name = {s.name: (i, s) for i, s in enumerate(sheets)}

    used = {cell.style for layout in layouts for cell in layout.cells.values()}
    if pkg.styles_part in pkg.names:
        new_styles, xf = merge_styles(pkg.read(pkg.styles_part), {name: STYLES[name] for name in sorted(used)})
        plan.replace[pkg.styles_part] = new_styles
    else:
        # A package without a styles part is valid OOXML (some generators write none): add one.
        new_styles, xf = merge_styles(EMPTY_STYLES, {name: STYLES[name] for name in sorted(used)})
        taken = {n.lower() for n in plan.taken(pkg.names)}
        styles_part = "xl/styles.xml"
        if styles_part in taken:
            styles_part = free_name("xl/styles{}.xml", taken)
        plan.add.append((styles_part, new_styles))
        plan.overrides.append((styles_part, _CT_STYLES))
        q = ns_prefix(wb_rels, "Relationships")
        relative = posixpath.relpath(styles_part, posixpath.dirname(pkg.workbook_part))
        wb_rels = insert_before(
            wb_rels,
            f"</{q}Relationships>",
            f'<{q}Relationship Id="{next_rel_id(rel_ids)}" Type="{_T_STYLES}" Target="{relative}"/>',
        )

    # The old print names of the sheets replaced go first, in one pass; new sheets, their
    # relationships and every sheet's print names are inserted once after the loop, in the
    # loop's order (one insertion per sheet copied the whole workbook.xml each time).
    replaced = [by_name[layout.name] for layout in layouts if layout.name in by_name]
    workbook = _drop_print_names(workbook, {index for index, sheet in replaced if sheet.part in pkg.names})
    names = _FreeNames(pkg.names, plan)
    new_sheets: list[str] = []
    new_rels: list[str] = []
    print_names: list[str] = []
    q = ns_prefix(wb_rels, "Relationships")
    sheet_id = max([0, *sheet_ids])
    for layout in layouts:
        existing: SheetPart | None = by_name.get(layout.name, (0, None))[1]
        if existing is not None and existing.part in pkg.names:
            index = by_name[layout.name][0]
            part = existing.part
            plan.remove |= pkg.owned_parts(part) - {part}
            wb_rels = _trim_calc_chain(pkg, plan, calc_chain, existing.sheet_id, wb_rels)
            is_new = False
        else:
            index = len(sheets) + len(new_titles)
            part = names.free("xl/worksheets/sheet{}.xml")
            rel = next_rel_id(rel_ids)
            sheet_id += 1
            target_name = posixpath.relpath(part, posixpath.dirname(pkg.workbook_part))
            new_sheets.append(
                f'<{p}sheet name={quoteattr(layout.name)} sheetId="{sheet_id}" {_rel_id_attribute(workbook, rel)}/>'
            )
            new_rels.append(f'<{q}Relationship Id="{rel}" Type="{_T_SHEET}" Target="{target_name}"/>')
            plan.overrides.append((part, _CT_SHEET))
            new_titles.append(layout.name)
            is_new = True
        print_names.append(_print_names(index, layout, p))

        additions, drawing_rel = _chart_parts(layout, part, names, plan.overrides)
        payload = sheet_xml(layout, xf, drawing_rel)
        if is_new:
            plan.add.append((part, payload))
        else:
            plan.replace[part] = payload
        plan.add.extend(additions)
    if new_sheets:
        workbook = insert_before(workbook, f"</{p}sheets>", "".join(new_sheets))
        wb_rels = insert_before(wb_rels, f"</{q}Relationships>", "".join(new_rels))
    workbook = _add_defined_names(workbook, "".join(print_names), p)

    # A part re-created under its old name (a re-run) is replaced where it stood, so the
    # same data give the same package, byte for byte.
    reused = plan.remove & {name for name, _ in plan.add}
    plan.remove -= reused
    plan.replace.update((name, payload) for name, payload in plan.add if name in reused)
    plan.add = [(name, payload) for name, payload in plan.add if name not in reused]
    for removed in sorted(plan.remove):
        content_types = drop_override(content_types, removed)
    t = ns_prefix(content_types, "Types")
    declared = set(re.findall(r'PartName="/([^"]*)"', content_types))
    overrides: list[str] = []
    for name, ctype in plan.overrides:
        if name not in declared:
            declared.add(name)
            overrides.append(f'<{t}Override PartName="/{name}" ContentType="{ctype}"/>')
    if overrides:
        content_types = insert_before(content_types, f"</{t}Types>", "".join(overrides))

    plan.replace[pkg.workbook_part] = workbook.encode("utf-8")
    plan.replace[pkg.wb_rels_part] = wb_rels.encode("utf-8")
    plan.replace["[Content_Types].xml"] = content_types.encode("utf-8")
    if app is not None:
        if new_titles:
            app = _update_app(app, new_titles)
        if app != app_before:
            plan.replace["docProps/app.xml"] = app.encode("utf-8")
    verify_xml(plan, Path(package.filename or "").name)
    rewrite_zip(source, size, target, plan.replace, plan.add, plan.remove)


def _chart_parts(
    layout: SheetLayout, sheet_part: str, names: _FreeNames, overrides: list[tuple[str, str]]
) -> tuple[list[tuple[str, bytes]], str | None]:
    """The sheet's rels, drawing and chart parts, and the drawing's id in the sheet's rels."""
    if not layout.charts:
        return [], None
    taken = names.taken()
    drawing = free_name("xl/drawings/drawing{}.xml", taken)
    charts: list[str] = []
    for _ in layout.charts:
        charts.append(free_name("xl/charts/chart{}.xml", taken | set(charts)))
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


def _rels_xml(rels: Sequence[tuple[str, str, str]]) -> bytes:
    items = "".join(f'<Relationship Id="{rid}" Type="{kind}" Target="{target}"/>' for rid, kind, target in rels)
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{items}</Relationships>'
    ).encode()
