"""The shareable copy: a macro-free .xlsx for colleagues without Python or the add-in.

Removed: the VBA project (and its signature), buttons and other form controls, the
xlwings.conf sheet, ribbon customisations; every JX_* formula is replaced by the value it
shows; author, last-modified-by, company and manager are cleared. Everything else keeps its
bytes, by the same package surgery as the report writer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .errors import UnusableInput
from .package.archive import check_workbook_file, open_package
from .package.package import Package, Plan, drop_override, drop_relationship, relationships
from .package.parts import rels_path, resolve_target
from .package.save import atomic_write, ensure_writable
from .package.sheets import drop_app_title, drop_sheet_entry
from .package.zipcopy import rewrite_zip

__all__ = ["CONFIG_SHEETS", "ShareSummary", "share_copy"]

CONFIG_SHEETS = ("xlwings.conf", "_xlwings.conf")
_MACRO_MAIN = (
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    "application/vnd.ms-excel.template.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
)
_SHEET_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
_VBA_TYPE = "application/vnd.ms-office.vbaProject"
_PRINTER_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.printerSettings"
_FORM_CONTROLS = ("Button", "Checkbox", "Drop", "List", "Spin", "Scroll", "Radio", "GBox", "Label", "Dialog", "EditBox")
_CELL = re.compile(r"<(?:\w+:)?c\b[^>]*>(?:(?!</(?:\w+:)?c>).)*</(?:\w+:)?c>", re.S)
_FORMULA = re.compile(r"<((?:\w+:)?)f\b([^>]*)(?:/>|>(.*?)</\1f>)", re.S)
_UDF = re.compile(r"\bJX_[A-Z_]+\s*\(", re.I)


@dataclass(frozen=True, slots=True)
class ShareSummary:
    formulas_frozen: int
    controls_removed: int
    vba_removed: bool
    sheets_removed: tuple[str, ...]


class _Share:
    def __init__(self, pkg: Package) -> None:
        self.pkg = pkg
        self.plan = Plan()
        self.workbook = pkg.workbook
        self.wb_rels = pkg.wb_rels
        self.types = pkg.content_types
        self.root_rels = pkg.text("_rels/.rels")
        self.frozen = 0
        self.controls = 0

    # -- helpers -------------------------------------------------------------------------------
    def text(self, part: str) -> str:
        replaced = self.plan.replace.get(part)
        return replaced.decode("utf-8") if replaced is not None else self.pkg.text(part)

    def put(self, part: str, text: str) -> None:
        self.plan.replace[part] = text.encode("utf-8")

    def drop(self, parts: set[str]) -> None:
        self.plan.remove |= parts
        for part in parts:
            self.plan.replace.pop(part, None)
            self.types = drop_override(self.types, part)

    # -- VBA -----------------------------------------------------------------------------------
    def drop_vba(self) -> bool:
        found = False
        for rel in relationships(self.wb_rels):
            if rel.get("Type", "").endswith("/vbaProject"):
                part = resolve_target(self.pkg.workbook_part, rel.get("Target", ""))
                self.drop(self.pkg.owned_parts(part))
                self.wb_rels = drop_relationship(self.wb_rels, rel.get("Id", ""))
                found = True
        for main in _MACRO_MAIN:
            self.types = self.types.replace(f'ContentType="{main}"', f'ContentType="{_SHEET_MAIN}"')
        other_bins = any(n.endswith(".bin") for n in self.pkg.names - self.plan.remove)
        vba_default = re.compile(rf'<((?:\w+:)?)Default\b[^>]*ContentType="{re.escape(_VBA_TYPE)}"[^>]*/>')
        self.types = vba_default.sub(
            (lambda m: f'<{m.group(1)}Default Extension="bin" ContentType="{_PRINTER_TYPE}"/>') if other_bins else "",
            self.types,
        )
        # Ribbon customisations call macros that no longer exist.
        for rel in relationships(self.root_rels):
            if "extensibility" in rel.get("Type", ""):
                self.drop(self.pkg.owned_parts(resolve_target("", rel.get("Target", ""))))
                self.root_rels = drop_relationship(self.root_rels, rel.get("Id", ""))
        return found

    # -- buttons and form controls -------------------------------------------------------------
    def drop_controls(self, sheet_part: str) -> str:
        sheet = self.text(sheet_part)
        rels_name = rels_path(sheet_part)
        rels = self.text(rels_name) if rels_name in self.pkg.names else ""
        for rel in relationships(rels):
            kind = rel.get("Type", "")
            target = resolve_target(sheet_part, rel.get("Target", ""))
            if kind.endswith("/vmlDrawing") and target in self.pkg.names:
                vml = self.text(target)
                kept = self._without_form_controls(vml)
                if kept != vml:
                    if re.search(r"<v:shape\b", kept):
                        self.put(target, kept)
                    else:
                        sheet = re.sub(rf'<(?:\w+:)?legacyDrawing\b[^>]*r:id="{rel.get("Id")}"[^>]*/>', "", sheet)
                        rels = drop_relationship(rels, rel.get("Id", ""))
                        self.drop({target})
            elif kind.endswith("/ctrlProp"):
                rels = drop_relationship(rels, rel.get("Id", ""))
                self.drop({target})
                self.controls += 1
            elif kind.endswith("/drawing") and target in self.pkg.names:
                drawing = self.text(target)
                # DrawingML twins of legacy controls, and shapes that run a macro on click.
                cleaned = re.sub(
                    r"<mc:AlternateContent\b(?:(?!</mc:AlternateContent>).)*?a14:compatExt(?:(?!</mc:AlternateContent>).)*"
                    r"</mc:AlternateContent>",
                    "",
                    drawing,
                    flags=re.S,
                )
                cleaned = re.sub(r'\bmacro="[^"]+"', 'macro=""', cleaned)
                if cleaned != drawing:
                    self.put(target, cleaned)
        sheet = re.sub(
            r"<mc:AlternateContent\b(?:(?!</mc:AlternateContent>).)*?<(?:\w+:)?controls\b.*?</mc:AlternateContent>",
            "",
            sheet,
            flags=re.S,
        )
        sheet = re.sub(r"<(?:\w+:)?controls\b.*?</(?:\w+:)?controls>", "", sheet, flags=re.S)
        if rels_name in self.pkg.names and rels != self.text(rels_name):
            self.put(rels_name, rels)
        return sheet

    def _without_form_controls(self, vml: str) -> str:
        def keep(match: re.Match[str]) -> str:
            kind = re.search(r'ObjectType="(\w+)"', match.group(0))
            if kind and kind.group(1) in _FORM_CONTROLS:
                self.controls += 1
                return ""
            return match.group(0)

        return re.sub(r"<v:shape\b.*?</v:shape>", keep, vml, flags=re.S)

    # -- JX_* formulas -------------------------------------------------------------------------
    def freeze_formulas(self, sheet: str) -> str:
        shared_masters: set[str] = set()

        def freeze(cell: re.Match[str]) -> str:
            text = cell.group(0)
            formula = _FORMULA.search(text)
            if formula is None:
                return text
            attrs, body = formula.group(2), formula.group(3) or ""
            si = re.search(r'\bsi="(\d+)"', attrs)
            follower = si is not None and not body and si.group(1) in shared_masters
            if not (body and _UDF.search(body)) and not follower:
                return text
            if si is not None and body:
                shared_masters.add(si.group(1))
            self.frozen += 1
            text = text[: formula.start()] + text[formula.end() :]
            return re.sub(r'\s(?:cm|vm)="\d+"', "", text, count=2)

        return _CELL.sub(freeze, sheet)

    # -- the xlwings.conf sheet ----------------------------------------------------------------
    def drop_sheet(self, index: int, name: str, rel_id: str, part: str) -> None:
        self.drop(self.pkg.owned_parts(part))
        self.workbook = drop_sheet_entry(self.workbook, index, name)
        if "docProps/app.xml" in self.pkg.names:
            app = self.text("docProps/app.xml")
            titled = drop_app_title(app, name)
            if titled != app:
                self.put("docProps/app.xml", titled)

    # -- personal metadata ---------------------------------------------------------------------
    def clear_people(self) -> None:
        if "docProps/core.xml" in self.pkg.names:
            core = self.text("docProps/core.xml")
            for tag in ("dc:creator", "cp:lastModifiedBy"):
                core = re.sub(rf"<{tag}>.*?</{tag}>", f"<{tag}></{tag}>", core, flags=re.S)
            self.put("docProps/core.xml", core)
        if "docProps/app.xml" in self.pkg.names:
            app = self.text("docProps/app.xml")
            for tag in ("Company", "Manager"):
                app = re.sub(rf"<{tag}>.*?</{tag}>", f"<{tag}></{tag}>", app, flags=re.S)
            self.put("docProps/app.xml", app)
        self.workbook = re.sub(r'(<(?:\w+:)?fileSharing\b[^>]*\buserName=")[^"]*"', r'\1"', self.workbook)


def share_copy(source: Path, target: Path) -> ShareSummary:
    """Write ``target`` (.xlsx): the workbook without macros, controls, UDF formulas or names."""
    if target.suffix.lower() != ".xlsx":
        raise UnusableInput(f"共享副本应保存为 .xlsx 文件（现为“{target.name}”）：请修改文件名")
    check_workbook_file(source)
    ensure_writable(target)
    size = source.stat().st_size
    with source.open("rb") as stream, open_package(source) as package:
        pkg = Package(package)
        share = _Share(pkg)
        vba = share.drop_vba()
        removed: list[str] = []
        for index, sheet in reversed(list(enumerate(pkg.sheets))):
            if sheet.name in CONFIG_SHEETS:
                share.drop_sheet(index, sheet.name, sheet.rel_id, sheet.part)
                removed.append(sheet.name)
        for sheet in pkg.sheets:
            if sheet.name in CONFIG_SHEETS or sheet.part not in pkg.names:
                continue
            xml = share.drop_controls(sheet.part)
            xml = share.freeze_formulas(xml)
            if xml != pkg.text(sheet.part):
                share.put(sheet.part, xml)
        if share.frozen:
            # Excel rebuilds the calculation chain; a stale one pointing at frozen cells is an error.
            for rel in relationships(share.wb_rels):
                if rel.get("Type", "").endswith("/calcChain"):
                    share.drop({resolve_target(pkg.workbook_part, rel.get("Target", ""))})
                    share.wb_rels = drop_relationship(share.wb_rels, rel.get("Id", ""))
        share.clear_people()
        share.put(pkg.workbook_part, share.workbook)
        share.put(pkg.wb_rels_part, share.wb_rels)
        share.put("[Content_Types].xml", share.types)
        share.put("_rels/.rels", share.root_rels)
        plan = share.plan
        atomic_write(target, lambda out: rewrite_zip(stream, size, out, plan.replace, plan.add, plan.remove))
    return ShareSummary(share.frozen, share.controls, vba, tuple(removed))
