"""A report sheet's layout (``SheetLayout``) rendered into a Word document, for the annex of
the Word report: the same description the sheet writers render, so the 项目支出绩效自评表 reads
the same in the workbook and in Word.

Bordered rows become one Word table with the layout's merges and proportional column widths;
the lines around them (title, subtitle, footnotes) become paragraphs. Numbers are shown as the
sheet's number format shows them (#,##0.00, 0.00%, 0.00).
"""

from __future__ import annotations

from decimal import Decimal

from docx.document import Document as DocxDocument
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Pt
from docx.table import Table
from docx.text.run import Run

from .core.numbers import format_amount, round_half_up
from .report.layout import Cell, SheetLayout
from .report.styles import AMOUNT_FORMAT, PERCENT1_FORMAT, PERCENT2_FORMAT, SCORE_FORMAT, STYLES

__all__ = ["add_layout", "display"]

TABLE_FONT = "宋体"
TABLE_SIZE = Pt(9)
_ALIGN = {"center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT, "left": WD_ALIGN_PARAGRAPH.LEFT}


def display(cell: Cell) -> str:
    """A layout value as the sheet shows it under its style's number format."""
    value = cell.value
    if value is None:
        return ""
    if not isinstance(value, Decimal):
        return str(value)
    fmt = STYLES[cell.style].number_format
    if fmt == AMOUNT_FORMAT:
        return format_amount(value)
    if fmt in (PERCENT2_FORMAT, PERCENT1_FORMAT):
        places = 2 if fmt == PERCENT2_FORMAT else 1
        return f"{round_half_up(value * 100, places)}%"
    if fmt == SCORE_FORMAT:
        return f"{round_half_up(value, 2)}"
    return f"{value.normalize():f}"


def _font(run: Run, size: Pt, bold: bool = False, name: str = TABLE_FONT) -> None:
    run.font.name = name
    run.font.size = size
    run.font.bold = bold
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:eastAsia", "w:ascii", "w:hAnsi"):
        fonts.set(qn(attr), name)


def _shade(cell: object, rgb: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), rgb)
    cell._tc.get_or_add_tcPr().append(shading)  # type: ignore[attr-defined]


def _narrow_margins(table: Table) -> None:
    """Cell margins of 0.07 cm instead of Word's 0.19 cm: the form's narrow number columns
    (分值, 得分) then hold "100.00" and "105.42%" on one line."""
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        element = OxmlElement(f"w:{side}")
        element.set(qn("w:w"), "40")
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    table._tbl.tblPr.append(margins)


def _table(doc: DocxDocument, layout: SheetLayout, rows: list[int], width: int) -> Table:
    cols = len(layout.widths)
    table: Table = doc.add_table(rows=len(rows), cols=cols)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    total = sum(layout.widths)
    widths = [Emu(int(width * w / total)) for w in layout.widths]
    _narrow_margins(table)
    for c, column in enumerate(table.columns):
        column.width = widths[c]  # the grid LibreOffice lays out by; cells' own widths for Word
    index = {r: i for i, r in enumerate(rows)}
    for i, r in enumerate(rows):
        for c in range(cols):
            cell = table.cell(i, c)
            cell.width = widths[c]
            item = layout.cells.get((r, c))
            if item is None or item.value in (None, ""):
                continue
            style = STYLES[item.style]
            paragraph = cell.paragraphs[0]
            paragraph.alignment = _ALIGN.get(style.halign, WD_ALIGN_PARAGRAPH.LEFT)
            _font(paragraph.add_run(display(item)), TABLE_SIZE, style.bold)
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            if style.fill:
                _shade(cell, style.fill)
    for r1, c1, r2, c2 in layout.merges:
        if r1 in index and r2 in index:
            table.cell(index[r1], c1).merge(table.cell(index[r2], c2))
    return table


def _line(doc: DocxDocument, item: Cell, new_page: bool) -> None:
    style = STYLES[item.style]
    paragraph = doc.add_paragraph()
    paragraph.paragraph_format.page_break_before = new_page
    paragraph.alignment = _ALIGN.get(style.halign, WD_ALIGN_PARAGRAPH.LEFT)
    paragraph.paragraph_format.space_after = Pt(2)
    size = Pt(16) if item.style == "title" else Pt(min(style.size, 10.5))
    _font(paragraph.add_run(display(item)), size, style.bold, "黑体" if item.style == "title" else TABLE_FONT)


def add_layout(doc: DocxDocument, layout: SheetLayout, width: int, *, new_page: bool = False) -> None:
    """Append the printed part of ``layout`` (its print area) to ``doc``; ``width`` in EMU;
    ``new_page`` starts it on a new page."""
    area = layout.print_setup.print_area
    last_row = area[2] if area else layout.last_row
    last_col = area[3] if area else len(layout.widths) - 1
    run: list[int] = []
    for r in range(last_row + 1):
        items = [layout.cells.get((r, c)) for c in range(last_col + 1)]
        present = [item for item in items if item is not None]
        if any(STYLES[item.style].border for item in present):
            run.append(r)
            continue
        if run:
            _table(doc, layout, run, width)
            run = []
        first = next((item for item in present if item.value not in (None, "")), None)
        if first is not None:
            _line(doc, first, new_page)
            new_page = False
    if run:
        _table(doc, layout, run, width)
