"""A report sheet's layout (``SheetLayout``) rendered into a Word document, for the annex of
the Word report: the same description the sheet writers render, so the 项目支出绩效自评表 reads
the same in the workbook and in Word.

Bordered rows become one Word table with the layout's merges and proportional column widths;
the lines around them (title, subtitle, footnotes) become paragraphs. Numbers are shown as the
sheet's number format shows them (#,##0.00, 0.00%, 0.00).
"""

from __future__ import annotations

from decimal import Decimal
from xml.sax.saxutils import escape

from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docx.shared import Pt
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


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_JC = {"center": "center", "right": "right", "left": "left"}
# Cell margins of 0.07 cm instead of Word's 0.19 cm: the form's narrow number columns (分值,
# 得分) then hold "100.00" and "105.42%" on one line.
_CELL_MARGIN = 40  # twips
_CONTROL = {i: None for i in range(32) if i not in (9, 10, 13)}  # not allowed in XML 1.0


def _cell_xml(item: Cell | None, width: int, span: int, vmerge: str | None) -> str:
    """One <w:tc>: width, span, vertical merge, shading, and the text in 宋体 9 pt."""
    props = [f'<w:tcW w:w="{width}" w:type="dxa"/>']
    if span > 1:
        props.append(f'<w:gridSpan w:val="{span}"/>')
    if vmerge is not None:
        props.append(f'<w:vMerge w:val="{vmerge}"/>' if vmerge == "restart" else "<w:vMerge/>")
    style = STYLES[item.style] if item is not None else None
    if style is not None and style.fill:
        props.append(f'<w:shd w:val="clear" w:color="auto" w:fill="{style.fill}"/>')
    props.append('<w:vAlign w:val="center"/>')
    text = "" if item is None or vmerge == "continue" else display(item)
    paragraph = '<w:pPr><w:spacing w:after="0"/>'
    if style is not None and style.halign in _JC:
        paragraph += f'<w:jc w:val="{_JC[style.halign]}"/>'
    paragraph += "</w:pPr>"
    if text:
        bold = "<w:b/>" if style is not None and style.bold else ""
        size = int(TABLE_SIZE.pt * 2)
        fonts = f'<w:rFonts w:ascii="{TABLE_FONT}" w:hAnsi="{TABLE_FONT}" w:eastAsia="{TABLE_FONT}"/>'
        paragraph += f'<w:r><w:rPr>{fonts}{bold}<w:sz w:val="{size}"/></w:rPr>'
        paragraph += f'<w:t xml:space="preserve">{escape(text.translate(_CONTROL))}</w:t></w:r>'
    return f"<w:tc><w:tcPr>{''.join(props)}</w:tcPr><w:p>{paragraph}</w:p></w:tc>"


def _table(doc: DocxDocument, layout: SheetLayout, rows: list[int], width: int) -> None:
    """The rows as one table, written as WordprocessingML in one pass (python-docx's cell API
    costs a whole-grid walk per cell and merge: minutes for hundreds of projects)."""
    cols = len(layout.widths)
    total = sum(layout.widths)
    twips = [int(width / 635 * w / total) for w in layout.widths]  # EMU → twips (1 twip = 635 EMU)
    covering: dict[tuple[int, int], tuple[int, int, int, int]] = {}
    for span in layout.merges:
        if span[0] in rows and span[2] in rows:
            for r in range(span[0], span[2] + 1):
                covering[(r, span[1])] = span
    out = [
        f'<w:tbl xmlns:w="{_W}"><w:tblPr><w:tblStyle w:val="TableGrid"/><w:jc w:val="center"/>',
        f'<w:tblW w:w="{sum(twips)}" w:type="dxa"/><w:tblLayout w:type="fixed"/>',
        f'<w:tblCellMar><w:left w:w="{_CELL_MARGIN}" w:type="dxa"/><w:right w:w="{_CELL_MARGIN}" w:type="dxa"/>',
        '</w:tblCellMar><w:tblLook w:val="04A0"/></w:tblPr><w:tblGrid>',
        *(f'<w:gridCol w:w="{t}"/>' for t in twips),
        "</w:tblGrid>",
    ]
    for r in rows:
        out.append("<w:tr>")
        c = 0
        while c < cols:
            merged = covering.get((r, c))
            if merged is None:
                out.append(_cell_xml(layout.cells.get((r, c)), twips[c], 1, None))
                c += 1
                continue
            r1, c1, r2, c2 = merged
            vmerge = None if r1 == r2 else ("restart" if r == r1 else "continue")
            out.append(_cell_xml(layout.cells.get((r1, c1)), sum(twips[c1 : c2 + 1]), c2 - c1 + 1, vmerge))
            c = c2 + 1
        out.append("</w:tr>")
    out.append("</w:tbl>")
    body = doc.element.body
    body.sectPr.addprevious(parse_xml("".join(out)))


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
