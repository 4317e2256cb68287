"""Which sheets of a workbook are the product's own, and what its sheets are called this time.

A clerk may have sheets of their own called 项目自评-1 (last year's form typed by hand), 项目自评汇总
or even 自评报告. Only a sheet the product wrote is ever replaced or removed: each sheet it writes
carries a sheet-level defined name, ``MARKER``, referring to the sheet's own A1 (a named range:
Excel, WPS and LibreOffice keep it through a re-save, follow it through a rename, and xlwings'
clients send it in their payload). A sheet of the clerk's in the way of one of ours is kept, and
ours is written beside it as “项目自评-1 (2)”, with a warning naming both. Every door plans its
sheets here (``plan_sheets``), so they agree.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from ..contract.schema import CHECKS_SHEET, PROJECT_SHEET_PREFIX, PROJECTS_SUMMARY_SHEET, REPORT_SHEET
from ..core.evaluation import Evaluation
from ..core.findings import Findings
from .layout import SheetLayout

__all__ = [
    "MARKER",
    "SheetPlan",
    "is_generated_name",
    "marker_target",
    "plan_sheets",
    "removed_note",
    "renamed",
    "sheet_of_marker",
    "wanted_sheets",
]

MARKER = "jixiao_generated"
_FAMILY = re.compile(
    rf"^(?:{re.escape(REPORT_SHEET)}|{re.escape(CHECKS_SHEET)}|{re.escape(PROJECTS_SUMMARY_SHEET)}"
    rf"|{re.escape(PROJECT_SHEET_PREFIX)}\d+)(?: \(\d+\))?$"
)


def is_generated_name(name: str) -> bool:
    """A name the product gives its sheets (项目自评-3, 自评报告 (2), …): with the marker, a sheet
    of that name that is no longer wanted is removed; a marked sheet the clerk renamed is kept."""
    return _FAMILY.match(name) is not None


def quote_sheet(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def marker_target(sheet: str) -> str:
    """What the marker refers to: the sheet's own A1 (``'项目自评-1'!$A$1``)."""
    return f"{quote_sheet(sheet)}!$A$1"


def sheet_of_marker(qualified: str) -> str | None:
    """The sheet of a marker name as an application lists it (``'项目自评-1'!jixiao_generated``,
    ``Sheet1!jixiao_generated``); None for any other name."""
    sheet, bang, name = qualified.rpartition("!")
    if not bang or name.lower() != MARKER:
        return None
    if len(sheet) >= 2 and sheet[0] == sheet[-1] == "'":
        sheet = sheet[1:-1].replace("''", "'")
    return sheet


def wanted_sheets(ev: Evaluation) -> list[str]:
    """The sheets a report of ``ev`` consists of, by their own names, in order."""
    from .project_content import project_sheet_name

    projects = ev.projects.projects
    names = [REPORT_SHEET, CHECKS_SHEET]
    if projects:
        names += [PROJECTS_SUMMARY_SHEET, *(project_sheet_name(p.number) for p in projects)]
    return names


@dataclass(frozen=True, slots=True)
class SheetPlan:
    names: dict[str, str]  # a sheet's own name → the name it is written under
    stale: list[str] = field(default_factory=list)  # sheets of ours no longer wanted: removed
    displaced: list[tuple[str, str]] = field(default_factory=list)  # (the clerk's sheet, ours)


def removed_note(stale: Sequence[str]) -> str:
    """What a run says about the sheets of an earlier run it removed (projects no longer in
    项目), naming them; "" when none."""
    if not stale:
        return ""
    names = "".join(f"“{name}”" for name in stale)
    return f"已删除上次生成、现已没有对应项目的工作表{names}。"


def plan_sheets(existing: Sequence[str], ours: Collection[str], wanted: Sequence[str]) -> SheetPlan:
    """Names for the ``wanted`` sheets among the workbook's ``existing`` ones, of which ``ours``
    carry the marker: a name taken by a sheet of the clerk's gets the first free “ (2)”, “ (3)”
    (or one of ours of that name); our sheets of earlier runs that are no longer written are
    stale. Excel compares sheet names without regard to case."""
    taken = {n.casefold() for n in existing}
    mine = {n.casefold() for n in ours}
    names: dict[str, str] = {}
    displaced: list[tuple[str, str]] = []
    used: set[str] = set()
    for base in wanted:
        name, k = base, 1
        while (name.casefold() in taken and name.casefold() not in mine) or name.casefold() in used:
            k += 1
            name = f"{base} ({k})"
        names[base] = name
        used.add(name.casefold())
        if name != base:
            displaced.append((base, name))
    stale = [n for n in existing if n.casefold() in mine and is_generated_name(n) and n.casefold() not in used]
    return SheetPlan(names, stale, displaced)


def report_displaced(plan: SheetPlan, findings: Findings) -> None:
    """One warning per sheet of the clerk's that one of ours had to be written beside."""
    for theirs, ours in plan.displaced:
        findings.warning(
            "output_sheet_kept",
            f"工作表“{theirs}”不是本工具生成的，已原样保留；本次生成的内容写入“{ours}”："
            f"如“{theirs}”已不需要，请删除或重命名后重新生成",
            f"{theirs}!A1",
        )


def renamed(layouts: Sequence[SheetLayout], names: dict[str, str]) -> list[SheetLayout]:
    """The layouts under the names of ``plan_sheets``, their links to each other following."""
    moved = {base: name for base, name in names.items() if base != name}
    if not moved:
        return list(layouts)
    for layout in layouts:
        layout.name = moved.get(layout.name, layout.name)
        for pos, cell in list(layout.cells.items()):
            if cell.link is None:
                continue
            sheet, bang, target = cell.link.rpartition("!")
            if bang and sheet in moved:
                layout.cells[pos] = cell._replace(link=f"{moved[sheet]}!{target}")
    return list(layouts)
