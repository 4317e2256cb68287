"""The shareable copy: a macro-free .xlsx for colleagues without Python or the add-in.

Removed: the VBA project (and its signature), buttons and other form controls, the
xlwings.conf sheet, ribbon customisations; every JX_* formula is replaced by the value it
shows; personal metadata is cleared (author, last editor, comments, keywords, company, manager,
every custom property such as 审核人) and the copy marked as ours (a custom property, so batch
never reads it as a department). Everything else keeps its bytes, by the same package surgery
as the report writer.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from xml.sax.saxutils import escape

import python_calamine

from .contract.schema import CHECKS_SHEET
from .errors import AddinError, UnusableInput
from .jx_values import FormulaValues, NotComputable
from .package.archive import check_workbook_file, open_package, read_part
from .package.inject import marked_sheets
from .package.package import (
    Package,
    Plan,
    drop_override,
    drop_relationship,
    insert_before,
    next_rel_id,
    ns_prefix,
    relationships,
    verify_xml,
)
from .package.parts import rels_path, resolve_target
from .package.save import atomic_write, ensure_writable, not_an_input
from .package.sheets import drop_app_title, drop_sheet_entry
from .package.xmlspans import Element, drop_empty_alternates, elements, remove_elements
from .package.zipcopy import rewrite_zip
from .quick_checks import current_form, earlier_lines

__all__ = ["CONFIG_SHEETS", "SHARE_MARK", "ShareSummary", "is_share_copy", "share_copy"]

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
_OBJECT_TYPE = re.compile(r'ObjectType\s*=\s*"(\w+)"')
_SHAPE_NUMBER = re.compile(r"_s(\d+)$")  # VML "_x0000_s1025" is the control of shapeId 1025
# A cell with content; an empty <c …/> before it must not start the match (it has no formula).
_CELL = re.compile(r"<(?:\w+:)?c\b[^>]*(?<!/)>(?:(?!</(?:\w+:)?c>).)*</(?:\w+:)?c>", re.S)
_FORMULA = re.compile(r"<((?:\w+:)?)f\b([^>]*)(?:/>|>(.*?)</\1f>)", re.S)
_UDF = re.compile(r"\bJX_[A-Z_]+\s*\(", re.I)
# The share copy's only custom document property: how batch tells our copy from a department's
# workbook (Excel, WPS and LibreOffice keep custom properties through a re-save).
SHARE_MARK = "jixiao_share_copy"
_CUSTOM_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
_CUSTOM_TYPE = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
_CUSTOM_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
    'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    f'<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="2" name="{SHARE_MARK}">'
    "<vt:lpwstr>部门整体支出绩效自评共享副本</vt:lpwstr></property></Properties>"
)
# docProps/core.xml elements that may name people or carry their notes: emptied.
PERSONAL_CORE = ("dc:creator", "cp:lastModifiedBy", "dc:description", "cp:keywords")
PERSONAL_APP = ("Company", "Manager")


def is_share_copy(package: zipfile.ZipFile) -> bool:
    """Whether the package is a share copy this product wrote (its custom property says so)."""
    names = set(package.namelist())
    for part in ("docProps/custom.xml", *(n for n in names if n.lower().endswith("custom.xml"))):
        if part in names and SHARE_MARK.encode() in read_part(package, part):
            return True
    return False


def _is_form_control(shape: Element, text: str) -> bool:
    kind = _OBJECT_TYPE.search(text, shape.inner_start, shape.inner_end)
    return kind is not None and kind.group(1) in _FORM_CONTROLS


def _with_id(rel_id: str) -> Callable[[Element, str], bool]:
    return lambda element, _text: element.attr("id") == rel_id


@dataclass(frozen=True, slots=True)
class ShareSummary:
    formulas_frozen: int  # JX_* formulas replaced by their value (saved or computed)
    controls_removed: int
    vba_removed: bool
    sheets_removed: tuple[str, ...]
    formulas_computed: int = 0  # of formulas_frozen: saved without a result, computed from the cells
    formulas_kept: tuple[tuple[str, str], ...] = ()  # (cell, why): no result and not computable
    backup: Path | None = None  # what was at the target before, when it differed
    report_sheets: tuple[str, ...] = ()  # the product's own sheets in the copy, as last generated
    # Errors in the workbook's data as it is now (checked only when it has report sheets): a
    # report cannot have been generated from data with errors, so its figures are not theirs.
    data_errors: int = 0
    # The report against the data now (``report.digest``): "same", "changed", or "" when the
    # report carries no code (written by an earlier version) or there is no report.
    report_matches: str = ""
    # An earlier template's quick checks (sums of whole columns): (cell, the current formula, why
    # it could not be computed, "" when the copy holds its value).
    earlier_checks: tuple[tuple[str, str, str], ...] = ()
    # JX formulas whose saved result is not what the data give now (Excel set to 手动计算, or
    # cells written by a program): (cell, saved, now); the copy holds the value of now.
    formulas_recomputed: tuple[tuple[str, str, str], ...] = ()

    def report_note(self) -> str:
        """What the copy's report sheets are: the last generate's, not recomputed by share (and
        certainly not the current data's when those have errors); or, without any, that
        colleagues get the data only."""
        if not self.report_sheets:
            return (
                "注意：副本中没有报告工作表（“自评报告”等），同事只能看到填报的数据：如需共享报告，"
                "请先生成报告，再导出共享副本"
            )
        first = self.report_sheets[0]
        more = f"等 {len(self.report_sheets)} 张" if len(self.report_sheets) > 1 else ""
        if self.data_errors:
            return (
                f"警告：工作簿当前的数据有 {self.data_errors} 处错误，副本中的“{first}”{more}报告工作表"
                "不是按当前数据生成的，其中的数字可能与同事看到的数据不一致：请先改正错误（运行“校验数据”查看）"
                "并重新生成报告，再导出共享副本"
            )
        if self.report_matches == "same":
            return ""  # the report is the current data's: nothing to warn about
        if self.report_matches == "changed":
            return (
                f"警告：副本中的“{first}”{more}报告工作表与工作簿当前的数据不一致（如生成报告后修改过数据），"
                "同事会看到与数据不符的数字：请先重新生成报告，再导出共享副本"
            )
        return (
            f"注意：副本中的“{first}”{more}报告工作表是最近一次生成报告时的结果，导出共享副本不会重新计算："
            "如之后修改过数据，请先重新生成报告，再导出共享副本"
        )

    def kept_lines(self) -> list[str]:
        """One warning per JX formula left in the copy, naming its cell and what to do."""
        return [
            f"警告 {cell}：JX 公式没有保存的计算结果，且无法直接计算（{why}），副本中保留了公式，"
            "没有安装本插件的同事会看到 #NAME?：请先在装有本插件的 Excel 中打开并保存原工作簿，再导出共享副本"
            for cell, why in self.formulas_kept
        ]

    def recomputed_lines(self) -> list[str]:
        """One note per JX formula whose saved result the copy replaced by the data's value."""
        return [
            f"注意 {cell}：保存的计算结果 {saved} 已不是当前数据的结果（当前数据有错误），副本中显示该错误的说明"
            "——请先按校验结果改正数据"
            if now.startswith("错误")
            else f"注意 {cell}：保存的计算结果 {saved} 与当前数据不符（Excel 可能设为“手动计算”），"
            f"副本中已按当前数据填入 {now}。请在 Excel 中按 F9 重新计算并保存原工作簿"
            for cell, saved, now in self.formulas_recomputed
        ]

    def earlier_lines(self) -> list[str]:
        """What the copy did with an earlier template's quick checks, naming the cells."""
        return earlier_lines(self.earlier_checks)

    def warnings(self, *, regenerated: bool = False) -> list[str]:
        """What every door says with the copy, in this order: each formula left unfrozen, an
        earlier template's quick checks, then what the report sheets are (nothing about them
        when the door has just ``regenerated`` them from the same data)."""
        note = "" if regenerated else self.report_note()
        return self.kept_lines() + self.recomputed_lines() + self.earlier_lines() + ([note] if note else [])


def _has_result(cell: str) -> bool:
    """Whether a cell (its formula taken out) holds a saved result. An empty <v/> is an empty
    text only on a text-typed cell; #NAME? is what Excel saved where the add-in was not loaded."""
    if re.search(r"<(?:\w+:)?is\b", cell):
        return True
    value = re.search(r"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>", cell)
    if value is None:
        return False
    typed = re.search(r'^<[^>]*\bt="(\w+)"', cell)
    kind = typed.group(1) if typed else "n"
    if kind == "e":
        return value.group(1) != "#NAME?"
    return bool(value.group(1)) or kind == "str"


def _is_array(attrs: str) -> bool:
    """Whether a formula's attributes make it an array formula over several cells."""
    spans = re.search(r'\bref="([A-Z]+\d+):([A-Z]+\d+)"', attrs)
    return spans is not None and spans.group(1) != spans.group(2)


def _saved_value(cell: str) -> object:
    """A cell's saved result as a value: a float, text, a boolean; None for anything else
    (an error value, a rich text)."""
    value = re.search(r"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>", cell)
    typed = re.search(r'^<[^>]*\bt="(\w+)"', cell)
    kind = typed.group(1) if typed else "n"
    if value is None:
        return None
    text = unescape(value.group(1))
    if kind == "n":
        try:
            return float(text)
        except ValueError:
            return None
    if kind == "b":
        return text == "1"
    return text if kind == "str" else None


def _same_value(saved: object, now: object) -> bool:
    if isinstance(saved, float) and isinstance(now, int | float) and not isinstance(now, bool):
        return abs(saved - float(now)) <= 1e-9 * max(1.0, abs(saved))
    return saved == now or (saved == "" and now is None)


def _shown(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.15g}"
    return "（空）" if value is None or value == "" else str(value)


def _with_value(cell: str, value: object) -> str:
    """The cell (formula taken out) holding ``value``: a number, inline text, or nothing."""
    start = re.match(r"<((?:\w+:)?)c\b([^>]*?)/?>", cell)
    assert start is not None  # _CELL matched a <c> element
    p = start.group(1)
    attrs = re.sub(r'\s+t="[^"]*"', "", start.group(2))
    if value is None:
        return f"<{p}c{attrs}/>"
    if isinstance(value, bool):
        return f'<{p}c{attrs} t="b"><{p}v>{int(value)}</{p}v></{p}c>'
    if isinstance(value, int | float):
        return f"<{p}c{attrs}><{p}v>{float(value)!r}</{p}v></{p}c>"
    text = escape(str(value))
    return f'<{p}c{attrs} t="inlineStr"><{p}is><{p}t xml:space="preserve">{text}</{p}t></{p}is></{p}c>'


class _Share:
    def __init__(self, pkg: Package, path: Path) -> None:
        self.pkg = pkg
        self.path = path
        self.plan = Plan()
        self.workbook = pkg.workbook
        self.wb_rels = pkg.wb_rels
        self.types = pkg.content_types
        self.root_rels = pkg.text("_rels/.rels")
        self.frozen = 0
        self.computed = 0  # of the frozen: formulas saved without a result, computed here
        self.kept: list[tuple[str, str]] = []  # (cell, why) of JX formulas left in place
        self.earlier: list[tuple[str, str, str]] = []  # earlier quick checks: (cell, current, why not)
        self.recomputed: list[tuple[str, str, str]] = []  # (cell, saved, now): saved results off the data
        self.values: FormulaValues | None = None
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
        original = self.text(sheet_part)
        # <controls> (form and ActiveX controls) sits in mc:AlternateContent, and each control in
        # its own inside it (Excel and LibreOffice alike): removed whole, then the emptied wrappers.
        sheet, removed = remove_elements(original, ("controls",))
        if removed:
            sheet = drop_empty_alternates(sheet)
        shapes = {
            shape_id
            for block in removed
            for control in elements(original[block.start : block.end], ("control",))
            if (shape_id := control.attr("shapeId"))
        }
        in_sheet = len(shapes)
        rels_name = rels_path(sheet_part)
        rels = self.text(rels_name) if rels_name in self.pkg.names else ""
        in_vml = 0
        drawings: list[str] = []
        for rel in relationships(rels):
            kind = rel.get("Type", "")
            rel_id = rel.get("Id", "")
            target = resolve_target(sheet_part, rel.get("Target", ""))
            if kind.endswith("/vmlDrawing") and target in self.pkg.names:
                vml = self.text(target)
                kept, gone = remove_elements(vml, ("shape",), _is_form_control)
                if gone:
                    in_vml += len(gone)
                    shapes |= {m.group(1) for e in gone if (m := _SHAPE_NUMBER.search(e.attr("id") or ""))}
                    if elements(kept, ("shape",)):
                        self.put(target, kept)
                    else:
                        sheet, _ = remove_elements(sheet, ("legacyDrawing",), _with_id(rel_id))
                        rels = drop_relationship(rels, rel_id)
                        self.drop({target})
            elif kind.endswith("/ctrlProp"):
                rels = drop_relationship(rels, rel_id)
                self.drop({target})
            elif kind.endswith("/drawing") and target in self.pkg.names:
                drawings.append(target)
        for target in drawings:
            self._drop_drawing_twins(target, shapes)
        # A form control appears in the sheet's <controls>, in the VML, or both: count it once.
        self.controls += max(in_sheet, in_vml)
        if rels_name in self.pkg.names and rels != self.text(rels_name):
            self.put(rels_name, rels)
        return sheet

    def _drop_drawing_twins(self, target: str, shapes: set[str]) -> None:
        """DrawingML twins of removed controls (Excel marks them a14:compatExt, LibreOffice gives
        them the control's shape id), and the macro of any shape that runs one on click."""
        drawing = self.text(target)

        def twin(element: Element, text: str) -> bool:
            inner = text[element.start : element.end]
            if elements(inner, ("compatExt",)):
                return True
            return any(e.attr("id") in shapes for e in elements(inner, ("cNvPr",)))

        cleaned, _ = remove_elements(drawing, ("AlternateContent",), twin)
        cleaned = re.sub(r'\bmacro="[^"]+"', 'macro=""', cleaned)
        if cleaned != drawing:
            self.put(target, cleaned)

    # -- JX_* formulas -------------------------------------------------------------------------
    def freeze_formulas(self, name: str, sheet: str) -> str:
        """The sheet with each JX_* formula replaced by its saved result; a formula saved without
        one (a file written by a program) is computed (``jx_values``), or kept and named in
        ``self.kept`` when it cannot be."""
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
            frozen = text[: formula.start()] + text[formula.end() :]
            frozen = re.sub(r'\s(?:cm|vm)="\d+"', "", frozen, count=2)
            ref = re.search(r'\br="([A-Z]+\d+)"', text)
            where = f"{name}!{ref.group(1) if ref else '?'}"
            current = current_form(body)
            if current is not None:  # an earlier template's quick check: the report's figure instead
                try:
                    value = self.formula_values().compute(name, current)
                except NotComputable as exc:
                    self.earlier.append((where, current, str(exc)))
                else:
                    self.earlier.append((where, current, ""))
                    self.frozen += 1
                    self.computed += not _has_result(frozen)
                    return _with_value(frozen, value)
            if _has_result(frozen):
                self.frozen += 1
                return self.checked(frozen, where, name, body, follower or _is_array(attrs))
            try:
                if follower:
                    raise NotComputable("共享公式中的单元格")
                if _is_array(attrs):
                    raise NotComputable("数组公式")
                value = self.formula_values().compute(name, body)
            except NotComputable as exc:
                self.kept.append((where, str(exc)))
                return text
            self.frozen += 1
            self.computed += 1
            return _with_value(frozen, value)

        return _CELL.sub(freeze, sheet)

    def checked(self, cell: str, where: str, sheet: str, body: str, alone: bool) -> str:
        """A cell holding its saved result, as the data give it now: a result saved before the
        data changed (Excel set to 手动计算, a program writing cells) would show colleagues a
        figure the report contradicts. A formula that cannot be computed here keeps its result."""
        if alone:
            return cell
        try:
            value = self.formula_values().compute(sheet, body)
        except NotComputable:
            return cell
        saved = _saved_value(cell)
        if saved is None or _same_value(saved, value):
            return cell
        self.recomputed.append((where, _shown(saved), _shown(value)))
        return _with_value(cell, value)

    def formula_values(self) -> FormulaValues:
        if self.values is None:
            self.values = FormulaValues(self.path, self.pkg.zip)
        return self.values

    # -- the xlwings.conf sheet ----------------------------------------------------------------
    def drop_sheet(self, index: int, name: str, rel_id: str, part: str) -> None:
        self.drop(self.pkg.owned_parts(part))
        self.workbook = drop_sheet_entry(self.workbook, index, name)
        self.wb_rels = drop_relationship(self.wb_rels, rel_id)  # no relationship to the removed part
        if "docProps/app.xml" in self.pkg.names:
            app = self.text("docProps/app.xml")
            titled = drop_app_title(app, name)
            if titled != app:
                self.put("docProps/app.xml", titled)

    # -- personal metadata ---------------------------------------------------------------------
    def clear_people(self) -> None:
        """Empty who wrote, edited and reviewed the workbook: core author, last editor, comments
        and keywords, the company and manager, the sharing user name, and every custom property
        (审核人, 经办人 …), which the copy's own mark replaces."""
        if "docProps/core.xml" in self.pkg.names:
            core = self.text("docProps/core.xml")
            for tag in PERSONAL_CORE:
                core = re.sub(rf"<{tag}>.*?</{tag}>", f"<{tag}></{tag}>", core, flags=re.S)
            self.put("docProps/core.xml", core)
        if "docProps/app.xml" in self.pkg.names:
            app = self.text("docProps/app.xml")
            for tag in PERSONAL_APP:
                app = re.sub(rf"<{tag}>.*?</{tag}>", f"<{tag}></{tag}>", app, flags=re.S)
            self.put("docProps/app.xml", app)
        self.workbook = re.sub(r'(<(?:\w+:)?fileSharing\b[^>]*\buserName=")[^"]*"', r'\1"', self.workbook)
        self.mark_copy()

    def mark_copy(self) -> None:
        """The custom properties replaced by the copy's mark (added when there were none)."""
        for rel in relationships(self.root_rels):
            if rel.get("Type", "") == _CUSTOM_REL:
                part = resolve_target("", rel.get("Target", ""))
                if part in self.pkg.names:
                    self.put(part, _CUSTOM_XML)
                    return
                self.root_rels = drop_relationship(self.root_rels, rel.get("Id", ""))
        part = "docProps/custom.xml"
        if part in self.pkg.names:  # a stray part without its relationship: replaced and linked
            self.put(part, _CUSTOM_XML)
        else:
            self.plan.add.append((part, _CUSTOM_XML.encode("utf-8")))
            t = ns_prefix(self.types, "Types")
            self.types = insert_before(
                self.types, f"</{t}Types>", f'<{t}Override PartName="/{part}" ContentType="{_CUSTOM_TYPE}"/>'
            )
        r = ns_prefix(self.root_rels, "Relationships")
        rel_id = next_rel_id({rel.get("Id", "") for rel in relationships(self.root_rels)})
        self.root_rels = insert_before(
            self.root_rels,
            f"</{r}Relationships>",
            f'<{r}Relationship Id="{rel_id}" Type="{_CUSTOM_REL}" Target="{part}"/>',
        )


def share_copy(source: Path, target: Path) -> ShareSummary:
    """Write ``target`` (.xlsx): the workbook without macros, controls, UDF formulas or names."""
    if target.suffix.lower() != ".xlsx":
        raise UnusableInput(f"共享副本应保存为 .xlsx 文件（现为“{target.name}”）：请修改文件名")
    check_workbook_file(source)
    not_an_input(target, [source], "要导出的工作簿本身")
    ensure_writable(target)
    size = source.stat().st_size
    with source.open("rb") as stream, open_package(source) as package:
        pkg = Package(package)
        names = [sheet.name for sheet in pkg.sheets]
        generated = marked_sheets(pkg.workbook, names)[0]
        report_sheets = tuple(name for name in names if name in generated)
        data_errors, matches = _against_data(source, report_sheets) if report_sheets else (0, "")
        share = _Share(pkg, source)
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
            xml = share.freeze_formulas(sheet.name, xml)
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
        if share.values is not None:
            share.values.close()
        plan = share.plan
        verify_xml(plan, source.name)
        kept = atomic_write(target, lambda out: rewrite_zip(stream, size, out, plan.replace, plan.add, plan.remove))
    return ShareSummary(
        share.frozen,
        share.controls,
        vba,
        tuple(removed),
        share.computed,
        tuple(share.kept),
        kept,
        report_sheets,
        data_errors,
        matches,
        tuple(share.earlier),
        tuple(share.recomputed),
    )


def _against_data(source: Path, report_sheets: Sequence[str]) -> tuple[int, str]:
    """How many errors the workbook's data have now (1 when they cannot be read at all), and
    whether the report's 数据校验码 is theirs ("same"/"changed"; "" without a code)."""
    from .headless import evaluate_file  # the reader and core: only when there is a report
    from .report.digest import data_digest

    try:
        ev = evaluate_file(source)
    except AddinError:
        return 1, ""
    errors = len(ev.findings.errors)
    if errors:  # no report comes from data with errors: its code need not be read
        return errors, ""
    written = _written_code(source, [name for name in report_sheets if name.startswith(CHECKS_SHEET)])
    if written is None:
        return 0, ""
    return 0, "same" if written == data_digest(ev) else "changed"


def _written_code(source: Path, checks: Sequence[str]) -> str | None:
    """The 数据校验码 on the first of our 校验结果 sheets, None without one (or the sheet)."""
    from .report.digest import written_digest

    if not checks:
        return None
    try:
        with python_calamine.CalamineWorkbook.from_path(str(source)) as book:
            rows = book.get_sheet_by_name(checks[0]).to_python()
    except Exception:  # an unreadable sheet of ours: no code, the plain note
        return None
    return written_digest(cell for row in rows for cell in row)
