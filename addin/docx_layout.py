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
from docx.oxml import parse_xml
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Pt
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from .core.numbers import format_amount, round_half_up
from .report.layout import Cell, SheetLayout
from .report.styles import AMOUNT_FORMAT, AMOUNT_FORMATS, PERCENT1_FORMAT, PERCENT2_FORMAT, SCORE_FORMAT, STYLES

__all__ = ["add_layout", "display"]

TABLE_FONT = "宋体"
TABLE_SIZE = Pt(9)


def display(cell: Cell) -> str:
    """A layout value as the sheet shows it under its style's number format."""
    value = cell.value
    if value is None:
        return ""
    if not isinstance(value, Decimal):
        return str(value)
    fmt = STYLES[cell.style].number_format
    if fmt in _AMOUNT_PLACES:
        return format_amount(value, _AMOUNT_PLACES[fmt])
    if fmt in (PERCENT2_FORMAT, PERCENT1_FORMAT):
        places = 2 if fmt == PERCENT2_FORMAT else 1
        return f"{round_half_up(value * 100, places)}%"
    if fmt == SCORE_FORMAT:
        return f"{round_half_up(value, 2)}"
    return f"{value.normalize():f}"


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_SECT_PR = f"{{{_W}}}sectPr"
_JC = {"center": "center", "right": "right", "left": "left"}
# Cell margins of 0.07 cm instead of Word's 0.19 cm: the form's narrow number columns (分值,
# 得分) then hold "100.00" and "105.42%" on one line.
_CELL_MARGIN = 40  # twips
_CONTROL = {i: None for i in range(32) if i not in (9, 10, 13)}  # not allowed in XML 1.0


# The widest text each number format prints in a form (amounts up to 9,999,999.99; rates up to
# 9999.99%), so its column is never narrower: Word and LibreOffice would break it mid-number.
_WIDEST = {AMOUNT_FORMAT: len("9,999,999.99"), PERCENT2_FORMAT: len("9999.99%"), PERCENT1_FORMAT: len("999.9%")}
_WIDEST[SCORE_FORMAT] = len("100.00")
_AMOUNT_PLACES = {code: places for places, code in AMOUNT_FORMATS.items()}
# 亿元 amounts with more decimals: 9,999.999999 at most.
_WIDEST.update({code: len("9,999.") + places for places, code in AMOUNT_FORMATS.items() if places != 2})
# Twips per character of a 9 pt digit: half an em in 宋体, a little more in the CJK fonts other
# machines fall back on, and more in bold; plus the cell's margins.
_DIGIT = {False: 118, True: 128}


def _needed(item: Cell) -> int:
    """The width (twips) a number cell needs to stay on one line; 0 for text."""
    style = STYLES[item.style]
    chars = _WIDEST.get(style.number_format or "")
    if chars is None or not isinstance(item.value, Decimal):
        return 0
    return chars * _DIGIT[bool(style.bold)] + 2 * _CELL_MARGIN


def _widths(layout: SheetLayout, rows: list[int], twips: list[int]) -> list[int]:
    """Column widths in proportion to the sheet's, except that a column holding numbers is at
    least as wide as its widest number needs; the text columns give up the difference."""
    spans = {(span[0], span[1]): span[3] for span in layout.merges}
    need = [0] * len(twips)
    cells = layout.cells
    for r in rows:
        for c in range(len(twips)):
            item = cells.get((r, c))
            needed = 0 if item is None else _needed(item)
            if not needed:
                continue  # text: needs no more than its column has (a need of 0 changes nothing)
            last = spans.get((r, c), c)
            shortfall = needed - sum(twips[c : last + 1])
            need[c] = max(need[c], twips[c] + max(0, shortfall))
    wider = [max(t, n) for t, n in zip(twips, need, strict=True)]
    extra = sum(wider) - sum(twips)
    if extra <= 0:
        return twips
    free = [c for c in range(len(twips)) if need[c] <= twips[c]]
    room = sum(twips[c] for c in free)
    if room <= extra:
        return twips  # nothing sensible to take from: keep the sheet's proportions
    for c in free:
        wider[c] = twips[c] - extra * twips[c] // room
    return wider


def _cell_xml(item: Cell | None, width: int, span: int, vmerge: str | None) -> str:
    """One <w:tc>: width, span, vertical merge, shading, and the text in 宋体 9 pt (a number
    never wrapped)."""
    props = [f'<w:tcW w:w="{width}" w:type="dxa"/>']
    if span > 1:
        props.append(f'<w:gridSpan w:val="{span}"/>')
    if vmerge is not None:
        props.append(f'<w:vMerge w:val="{vmerge}"/>' if vmerge == "restart" else "<w:vMerge/>")
    style = STYLES[item.style] if item is not None else None
    if style is not None and style.fill:
        props.append(f'<w:shd w:val="clear" w:color="auto" w:fill="{style.fill}"/>')
    if item is not None and _needed(item):
        props.append("<w:noWrap/>")  # (the schema's order: after shd, before vAlign)
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


def _header_rows(layout: SheetLayout, rows: list[int]) -> set[int]:
    """The leading rows of ``rows`` whose cells are headers (style th; a side label merged down
    column A aside)."""
    heads: set[int] = set()
    for r in rows:
        styles = {item.style for c in range(len(layout.widths)) if (item := layout.cells.get((r, c))) is not None}
        if "th" not in styles or not styles <= {"th", "side"}:
            break
        heads.add(r)
    return heads


def _table(anchor: BaseOxmlElement, layout: SheetLayout, rows: list[int], width: int) -> None:
    """The rows as one table before ``anchor``, written as WordprocessingML in one pass
    (python-docx's cell API costs a whole-grid walk per cell and merge: minutes for hundreds of
    projects)."""
    cols = len(layout.widths)
    total = sum(layout.widths)
    twips = [int(width / 635 * w / total) for w in layout.widths]  # EMU → twips (1 twip = 635 EMU)
    twips = _widths(layout, rows, twips)
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
    heads = _header_rows(layout, rows)
    for r in rows:
        # A table's header rows repeat at the top of each page it goes on to (the indicators' header).
        out.append("<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>" if r in heads else "<w:tr>")
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
    anchor.addprevious(parse_xml("".join(out)))


def _line(doc: DocxDocument, anchor: BaseOxmlElement, item: Cell, new_page: bool) -> None:
    """A line outside the table (title, subtitle, a footnote) as a paragraph: its properties
    written as WordprocessingML (python-docx's property setters, ten per line, cost a third of
    the annex of 300 projects), its text set by python-docx's run (tabs, breaks, spaces)."""
    style = STYLES[item.style]
    size = Pt(16) if item.style == "title" else Pt(min(style.size, 10.5))
    font = "黑体" if item.style == "title" else TABLE_FONT
    page = "<w:pageBreakBefore/>" if new_page else '<w:pageBreakBefore w:val="0"/>'
    if item.style in ("title", "subtitle"):  # the form's title stays with its table
        page += "<w:keepNext/>"
    bold = "<w:b/>" if style.bold else '<w:b w:val="0"/>'
    paragraph = parse_xml(
        f'<w:p xmlns:w="{_W}"><w:pPr>{page}<w:spacing w:after="{Pt(2).twips}"/>'
        f'<w:jc w:val="{_JC.get(style.halign, "left")}"/></w:pPr><w:r><w:rPr>'
        f'<w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:eastAsia="{font}"/>{bold}<w:sz w:val="{round(size.pt * 2)}"/>'
        "</w:rPr></w:r></w:p>"
    )
    anchor.addprevious(paragraph)
    Run(paragraph.r_lst[0], Paragraph(paragraph, doc._body)).text = display(item)


_SPACER = (
    f'<w:p xmlns:w="{_W}"><w:pPr><w:spacing w:before="0" w:after="0" w:line="20" w:lineRule="exact"/>'
    '<w:rPr><w:sz w:val="2"/></w:rPr></w:pPr></w:p>'
)


def _blocks(layout: SheetLayout, rows: list[int]) -> list[list[int]]:
    """Bordered rows cut where a side label (a merge down column A) begins: each block of the
    form (项目资金, 年度总体目标, 绩效指标 with its 总分 row) gets the column widths its own cells
    need (the money's columns would squeeze the indicators' words to one character a line)."""
    edges = {r1 for r1, c1, r2, _ in layout.merges if c1 == 0 and r2 > r1}
    blocks: list[list[int]] = []
    for r in rows:
        if not blocks or r in edges or r != blocks[-1][-1] + 1:
            blocks.append([])
        blocks[-1].append(r)
    return blocks


def _tables(anchor: BaseOxmlElement, layout: SheetLayout, rows: list[int], width: int) -> None:
    """The bordered rows as one table per block, a hairline apart."""
    for i, block in enumerate(_blocks(layout, rows)):
        if i:
            anchor.addprevious(parse_xml(_SPACER))
        _table(anchor, layout, block, width)


def add_layout(doc: DocxDocument, layout: SheetLayout, width: int, *, new_page: bool = False) -> None:
    """Append the printed part of ``layout`` (its print area) to ``doc``; ``width`` in EMU;
    ``new_page`` starts it on a new page."""
    area = layout.print_setup.print_area
    last_row = area[2] if area else layout.last_row
    last_col = area[3] if area else len(layout.widths) - 1
    # Everything goes before the body's sectPr, its last child (python-docx finds it by a walk
    # over the body's children, thousands of them in an annex of hundreds of projects).
    body = doc.element.body
    anchor = body[-1] if len(body) and body[-1].tag == _SECT_PR else body.sectPr
    run: list[int] = []
    for r in range(last_row + 1):
        items = [layout.cells.get((r, c)) for c in range(last_col + 1)]
        present = [item for item in items if item is not None]
        if any(STYLES[item.style].border for item in present):
            run.append(r)
            continue
        if run:
            _tables(anchor, layout, run, width)
            run = []
        first = next((item for item in present if item.value not in (None, "")), None)
        if first is not None:
            _line(doc, anchor, first, new_page)
            new_page = False
    if run:
        _tables(anchor, layout, run, width)
