"""Which sheets of a workbook are the product's own, and what its sheets are called this time.

A clerk may have sheets of their own called 项目自评-1 (last year's form typed by hand), 项目自评汇总
or even 自评报告, and copies of ours (Excel's 移动或复制 → “自评报告 (2)”, kept as an archive).
Only a sheet the product wrote, under the name it wrote it, is ever replaced or removed.

Each sheet it writes carries a hidden sheet-level defined name referring to the sheet's own A1
(a named range: Excel, WPS and LibreOffice keep it through a re-save, and xlwings' clients send
it in their payload, which lists named ranges only). The name itself says which sheet it was
written on: ``jixiao_generated_report`` on 自评报告, ``jixiao_generated_project3`` on 项目自评-3,
``jixiao_generated_project3_2`` on the fallback “项目自评-3 (2)`` (``marker_name``). A copy of the
sheet (Excel, WPS and LibreOffice copy sheet-level names with the sheet, and point the copy's at
the copy's own A1) or a renamed sheet carries a marker that names another sheet, so it is not
ours: kept, and said so. The marker of earlier versions, plain ``jixiao_generated``, names no
sheet: it is trusted on a base name only (自评报告, 项目自评-3, …), never on a “ (k)” name, which
is exactly what Excel calls a copy.

A sheet of the clerk's in the way of one of ours is kept, and ours is written beside it as
“项目自评-1 (2)”, with a warning naming both. Every door plans its sheets here (``plan_sheets``),
so they agree, and says what the plan replaced, removed and kept (``plan_notes``).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field

from ..contract.schema import CHECKS_SHEET, PROJECT_SHEET_PREFIX, PROJECTS_SUMMARY_SHEET, REPORT_SHEET
from ..core.evaluation import Evaluation
from ..core.findings import Findings
from .layout import SheetLayout

__all__ = [
    "MARKER",
    "SheetPlan",
    "is_generated_name",
    "is_marker",
    "marker_name",
    "marker_target",
    "owned_sheets",
    "plan_notes",
    "plan_sheets",
    "removed_note",
    "renamed",
    "sheet_notes",
    "sheet_of_marker",
    "sheets_text",
    "wanted_sheets",
]

MARKER = "jixiao_generated"  # the prefix of every marker name, and the whole name in earlier versions
_BASES = {REPORT_SHEET: "report", CHECKS_SHEET: "checks", PROJECTS_SUMMARY_SHEET: "projects"}
_CODES = {code: base for base, code in _BASES.items()}
_FAMILY = re.compile(
    rf"^(?:({re.escape(REPORT_SHEET)}|{re.escape(CHECKS_SHEET)}|{re.escape(PROJECTS_SUMMARY_SHEET)})"
    rf"|{re.escape(PROJECT_SHEET_PREFIX)}(\d+))(?: \((\d+)\))?$"
)
_MARKER_NAME = re.compile(rf"^{MARKER}(?:_(?:(report|checks|projects)|project(\d+))(?:_(\d+))?)?$", re.I)


def is_generated_name(name: str) -> bool:
    """A name the product gives its sheets (项目自评-3, 自评报告 (2), …)."""
    return _FAMILY.match(name) is not None


def marker_name(sheet: str) -> str:
    """The marker written on a sheet written under ``sheet`` (a generated name): 自评报告 →
    ``jixiao_generated_report``, 项目自评-12 (2) → ``jixiao_generated_project12_2``. Letters,
    digits and underscores only, as Excel, WPS and LibreOffice all take for a name."""
    match = _FAMILY.match(sheet)
    if match is None:
        raise ValueError(f"not a generated sheet name: {sheet!r}")
    base, number, copy = match.groups()
    code = _BASES[base] if base else f"project{int(number)}"
    return f"{MARKER}_{code}" + (f"_{int(copy)}" if copy else "")


def _written_on(marker: str) -> str | None:
    """The sheet name a marker names ("" for the earlier plain marker, which names none);
    None when it is no marker of ours."""
    match = _MARKER_NAME.match(marker)
    if match is None:
        return None
    base, number, copy = match.groups()
    if base is None and number is None:
        return ""
    name = _CODES[base.lower()] if base else f"{PROJECT_SHEET_PREFIX}{int(number)}"
    return name + (f" ({int(copy)})" if copy else "")


def is_marker(name: str) -> bool:
    """Whether a defined name is one of the product's markers (any version)."""
    return _MARKER_NAME.match(name) is not None


def owned_sheets(markers: Iterable[tuple[str, str]]) -> tuple[set[str], list[str]]:
    """From (sheet, defined name) pairs of sheet-level names, in workbook order: the sheets that
    are ours (a marker naming the sheet itself; the earlier plain marker on a base name), and
    the sheets that carry a marker of ours and are not: copies and renamed sheets, kept."""
    ours: set[str] = set()
    marked: list[str] = []
    for sheet, name in markers:
        written_on = _written_on(name)
        if written_on is None:
            continue
        if sheet not in marked:
            marked.append(sheet)
        family = _FAMILY.match(sheet)
        plain_base = written_on == "" and family is not None and family.group(3) is None
        if written_on.casefold() == sheet.casefold() or plain_base:
            ours.add(sheet)
    return ours, [sheet for sheet in marked if sheet not in ours]


def quote_sheet(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def marker_target(sheet: str) -> str:
    """What the marker refers to: the sheet's own A1 (``'项目自评-1'!$A$1``)."""
    return f"{quote_sheet(sheet)}!$A$1"


def sheet_of_marker(qualified: str) -> tuple[str, str] | None:
    """The sheet and the name of a marker as an application lists it
    (``'项目自评-1'!jixiao_generated_project1``, ``Sheet1!jixiao_generated``); None for any
    other name."""
    sheet, bang, name = qualified.rpartition("!")
    if not bang or not is_marker(name):
        return None
    if len(sheet) >= 2 and sheet[0] == sheet[-1] == "'":
        sheet = sheet[1:-1].replace("''", "'")
    return sheet, name


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
    replaced: list[str] = field(default_factory=list)  # sheets of ours written over, in workbook order
    copies: list[str] = field(default_factory=list)  # marked but not ours (copies, renamed): kept


def plan_sheets(
    existing: Sequence[str], ours: Collection[str], wanted: Sequence[str], copies: Sequence[str] = ()
) -> SheetPlan:
    """Names for the ``wanted`` sheets among the workbook's ``existing`` ones, of which ``ours``
    are the product's own (``owned_sheets``): a name taken by a sheet of the clerk's gets the
    first free “ (2)”, “ (3)” (or one of ours of that name); our sheets of earlier runs that are
    no longer written are stale. ``copies`` (marked sheets that are not ours) are only carried
    along for ``plan_notes``. Excel compares sheet names without regard to case."""
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
    replaced = [n for n in existing if n.casefold() in mine and n.casefold() in used]
    return SheetPlan(names, stale, displaced, replaced, [n for n in copies if n.casefold() not in mine])


def sheets_text(names: Sequence[str]) -> str:
    """Sheet names as a message lists them, runs of project sheets as a span:
    “自评报告”“校验结果”“项目自评-1”至“项目自评-30”."""
    out: list[str] = []
    run: list[tuple[int, str]] = []

    def flush() -> None:
        if len(run) > 2:
            out.append(f"“{run[0][1]}”至“{run[-1][1]}”")
        else:
            out.extend(f"“{name}”" for _, name in run)
        run.clear()

    for name in names:
        match = _FAMILY.match(name)
        number = int(match.group(2)) if match and match.group(2) and match.group(3) is None else None
        if number is None or (run and number != run[-1][0] + 1):
            flush()
        if number is None:
            out.append(f"“{name}”")
        else:
            run.append((number, name))
    flush()
    return "".join(out)


def removed_note(stale: Sequence[str]) -> str:
    """What a run says about the sheets of an earlier run it removed (projects no longer in
    项目), naming them; "" when none."""
    if not stale:
        return ""
    return f"已删除上次生成、现已没有对应项目的工作表{sheets_text(stale)}。"


def _copies_note(plan: SheetPlan) -> list[str]:
    if not plan.copies:
        return []
    return [f"工作表{sheets_text(plan.copies)}是本工具所生成工作表的副本或已改名，已原样保留（不替换、不删除）。"]


def plan_notes(plan: SheetPlan) -> list[str]:
    """What a run did to sheets that were already there, one sentence each, for the command
    line and the Excel door's message: the sheets of an earlier run it replaced and removed,
    and the marked sheets it left alone (copies of its sheets, renamed ones): nothing in the
    workbook changes unsaid."""
    notes = []
    if plan.replaced:
        notes.append(f"已用本次生成的内容替换上次生成的工作表{sheets_text(plan.replaced)}。")
    if plan.stale:
        notes.append(removed_note(plan.stale))
    return notes + _copies_note(plan)


def sheet_notes(plan: SheetPlan) -> list[str]:
    """The same for the 校验结果 sheet, which stays in the workbook: the sheets this run wrote
    (and a re-run replaces) said the same way on every run, so the same data still give the
    same file byte for byte; then what this run removed and the copies it kept."""
    written = sheets_text(list(plan.names.values()))
    notes = [f"本工具生成的工作表：{written}；重新生成时替换这些工作表，工作簿中的其他工作表不会被修改。"]
    if plan.stale:
        notes.append(removed_note(plan.stale))
    return notes + _copies_note(plan)


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
