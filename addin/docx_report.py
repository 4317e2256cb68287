"""The narrative report as a Word document, in the reference report's structure.

一、基本情况 … 二、综合评价分析 … 三、存在的主要问题 四、下一步改进措施, with the computed figures
in sentences (全年预算数 9,647.82 万元，执行数 9,326.11 万元，完成预算的 96.67%) and the clerk's
paragraphs from 文字材料. Chinese text carries an explicit East-Asian font (w:eastAsia), so
Word and WPS show 仿宋/黑体/楷体 rather than a Latin fallback.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.section import Section
from docx.shared import Cm, Pt
from docx.table import _Row
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from .contract.schema import NARRATIVE_SECTIONS, OTHER_SECTION
from .core.evaluation import Evaluation
from .core.numbers import format_amount, round_half_up
from .docx_layout import add_layout
from .errors import UnusableInput
from .package.save import FIXED_CREATED, atomic_write, ensure_writable
from .package.zipcopy import with_fixed_times
from .report import sentences
from .report.project_content import project_layout

__all__ = ["write_docx"]

BODY_FONT = "仿宋"
HEADING_FONT = "黑体"
SUBHEADING_FONT = "楷体"
TITLE_FONT = "宋体"
BODY_SIZE = Pt(16)  # 三号, as official documents are set
# A4 with the 公文 margins (GB/T 9704-2012: 版心 156 mm wide)
PAGE_WIDTH_CM, LEFT_MARGIN_CM, RIGHT_MARGIN_CM = 21.0, 2.8, 2.6


def _font(run: Run, name: str, size: Pt | None = None, bold: bool = False) -> None:
    run.font.name = name
    run.font.bold = bold
    if size is not None:
        run.font.size = size
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:eastAsia", "w:ascii", "w:hAnsi"):
        fonts.set(qn(attr), name)


def _paragraph(
    doc: DocxDocument,
    text: str,
    *,
    font: str = BODY_FONT,
    bold: bool = False,
    indent: bool = True,
    align: WD_ALIGN_PARAGRAPH | None = None,
    size: Pt = BODY_SIZE,
    keep: bool = False,
) -> Paragraph:
    """A paragraph of the report; ``keep`` holds it on the page of the next one (a heading is
    never the last line of a page)."""
    p = doc.add_paragraph()
    fmt = p.paragraph_format
    if keep:
        fmt.keep_with_next = True
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(28)
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    if indent:
        fmt.first_line_indent = Pt(size.pt * 2)
    if align is not None:
        p.alignment = align
    _font(p.add_run(text), font, size, bold)
    return p


_CHINESE_NUMBERS = "一二三四五六七八九十"


def _narrative(ev: Evaluation) -> dict[str, str]:
    texts: dict[str, list[str]] = {}
    for item in ev.data.narrative:
        if item.content:
            texts.setdefault(item.section.strip(), []).append(item.content.strip())
    return {section: "\n".join(parts) for section, parts in texts.items()}


def _paragraphs(doc: DocxDocument, texts: Iterable[str]) -> None:
    for text in texts:
        for part in text.split("\n"):
            if part.strip():
                _paragraph(doc, part.strip())


def _score_table(doc: DocxDocument, ev: Evaluation) -> None:
    s = ev.score
    table = doc.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _header_row(table.rows[0])
    for cell, text in zip(table.rows[0].cells, ("评价维度", "分值", "得分", "得分率"), strict=True):
        cell.text = ""
        _font(cell.paragraphs[0].add_run(text), HEADING_FONT, Pt(12))
    for d in s.dimensions:
        cells = table.add_row().cells
        rate = "-" if d.score is None or not d.weight else f"{round_half_up(d.score / d.weight * 100, 2)}%"
        values = (d.name, format_amount(d.weight), "-" if d.score is None else format_amount(d.score), rate)
        for cell, text in zip(cells, values, strict=True):
            cell.text = ""
            _font(cell.paragraphs[0].add_run(text), BODY_FONT, Pt(12))
    cells = table.add_row().cells
    total = "-" if s.total is None else format_amount(s.total)
    for cell, text in zip(
        cells, ("合计", format_amount(s.declared_total), total, f"等级：{s.grade or '-'}"), strict=True
    ):
        cell.text = ""
        _font(cell.paragraphs[0].add_run(text), BODY_FONT, Pt(12), bold=True)


def _header_row(row: _Row) -> None:
    """Mark a table's first row as its header row: Word repeats it at the top of each page the
    table goes on to, and keeps it with the row after it."""
    props = row._tr.get_or_add_trPr()
    for tag in ("w:cantSplit", "w:tblHeader"):
        props.append(OxmlElement(tag))


def _field(run: Run, instruction: str) -> None:
    """A Word field (PAGE) inside ``run``: begin, instruction, separate, shown value, end."""
    for kind, text in (("begin", None), (None, instruction), ("separate", None), (None, "1"), ("end", None)):
        if kind is not None:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText" if text == instruction else "w:t")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._element.append(element)


def _page_numbers(doc: DocxDocument, section: Section) -> None:
    """公文 page numbers (GB/T 9704-2012 7.5): “— 1 —” in 4号 宋体 below the text block, odd
    pages on the right and even pages on the left, each one character in from the edge."""
    doc.settings.odd_and_even_pages_header_footer = True
    for footer, align in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0]
        paragraph.alignment = align
        indent = Pt(14)
        if align == WD_ALIGN_PARAGRAPH.RIGHT:
            paragraph.paragraph_format.right_indent = indent
        else:
            paragraph.paragraph_format.left_indent = indent
        for text in ("— ", None, " —"):
            run = paragraph.add_run(text or "")
            _font(run, TITLE_FONT, Pt(14))
            if text is None:
                _field(run, " PAGE ")


def _annex(doc: DocxDocument, ev: Evaluation) -> None:
    """附件：项目支出绩效自评表, one project per page, from the layout the sheets are written from."""
    width = int(Cm(PAGE_WIDTH_CM - LEFT_MARGIN_CM - RIGHT_MARGIN_CM))
    for i, figures in enumerate(ev.projects.projects):
        if i == 0:
            _paragraph(
                doc, "附件", font=HEADING_FONT, indent=False, keep=True
            ).paragraph_format.page_break_before = True
        add_layout(doc, project_layout(ev, figures), width, new_page=i > 0)


def build_document(ev: Evaluation) -> DocxDocument:
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(PAGE_WIDTH_CM)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(LEFT_MARGIN_CM), Cm(RIGHT_MARGIN_CM)
    normal = doc.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = BODY_SIZE
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    # Our own core properties (python-docx's default template says "generated by python-docx"):
    # what the document is, for whom and which year; no person's name, no clock.
    props = doc.core_properties
    props.author = ""
    props.last_modified_by = ""
    props.title = sentences.title(ev)
    props.subject = f"{ev.data.info.department} {ev.data.info.year}年度部门整体支出绩效自评"
    props.comments = "部门整体支出绩效自评报告"
    props.keywords = "部门整体支出绩效自评"
    props.category = ""
    props.created = props.modified = FIXED_CREATED
    props.revision = 1
    _page_numbers(doc, section)

    text = _narrative(ev)
    _paragraph(
        doc, sentences.title(ev), font=TITLE_FONT, bold=True, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER, size=Pt(22)
    )
    _paragraph(doc, "", indent=False)

    # Headings keep with what follows them: none ends a page, its text on the next.
    def heading(title: str) -> None:
        _paragraph(doc, title, font=HEADING_FONT, indent=True, keep=True)

    def subheading(title: str) -> None:
        _paragraph(doc, title, font=SUBHEADING_FONT, indent=True, keep=True)

    def subheading_item(title: str) -> None:
        _paragraph(doc, title, keep=True)

    heading("一、基本情况")
    subheading("（一）部门概况")
    _paragraphs(doc, [text.get("部门概况") or sentences.units_sentence(ev)])
    subheading("（二）年度工作和重点工作任务")
    _paragraphs(doc, [text.get("年度工作和重点工作任务", "")])
    subheading("（三）部门整体收支情况")
    _paragraphs(doc, [text.get("部门整体支出绩效目标", ""), sentences.budget_sentence(ev)])
    subheading("（四）部门整体绩效管理情况")
    _paragraphs(doc, [text.get("部门整体绩效管理情况", "")])

    heading("二、综合评价分析")
    subheading("（一）自评结论综述")
    _paragraphs(doc, [sentences.score_sentence(ev)])
    _score_table(doc, ev)
    subheading("（二）履职效能分析")
    _paragraphs(doc, [text.get("履职效能分析", "")])
    subheading("（三）管理效率分析")
    subheading_item("1.预算编制情况")
    _paragraphs(doc, [text.get("预算编制情况", "")])
    subheading_item("2.预算执行情况")
    _paragraphs(doc, [sentences.spending_sentence(ev), text.get("预算执行情况", "")])
    subheading_item("3.绩效管理情况")
    _paragraphs(doc, [text.get("绩效管理情况", ""), sentences.projects_sentence(ev)])
    subheading_item("4.政府采购情况")
    _paragraphs(doc, [text.get("政府采购情况", ""), sentences.procurement_sentence(ev)])
    subheading_item("5.资产管理情况")
    _paragraphs(doc, [text.get("资产管理情况", "")])

    heading("三、存在的主要问题")
    _paragraphs(doc, [text.get("存在的主要问题", "") or "（请在“文字材料”工作表的“存在的主要问题”章节填写。）"])
    heading("四、下一步改进措施")
    _paragraphs(doc, [text.get("下一步改进措施", "") or "（请在“文字材料”工作表的“下一步改进措施”章节填写。）"])
    others = [(name, body) for name, body in text.items() if name not in NARRATIVE_SECTIONS and body]
    if others:  # paragraphs under a 章节 the report has no place for (a warning names each)
        heading(OTHER_SECTION)
        for number, (name, body) in enumerate(others, start=1):
            subheading(f"（{_CHINESE_NUMBERS[min(number, 10) - 1]}）{name}")
            _paragraphs(doc, [body])
    _annex(doc, ev)
    return doc


def write_docx(ev: Evaluation, target: Path) -> Path | None:
    """Write the Word report atomically (a half-written .docx never replaces a good one); an
    existing report there (perhaps edited by the clerk in Word) is kept as a backup first, and
    that backup returned."""
    if target.suffix.lower() != ".docx":
        raise UnusableInput(f"Word 报告应保存为 .docx 文件（现为“{target.name}”）：请修改文件名")
    ensure_writable(target)
    doc = build_document(ev)
    return atomic_write(target, lambda out: write_document(doc, out))


def write_document(doc: DocxDocument, out: BinaryIO) -> None:
    """The document's bytes, the same for the same content (python-docx stamps each zip entry
    with the clock; the core properties carry fixed dates)."""
    buffer = io.BytesIO()
    doc.save(buffer)
    with_fixed_times(buffer.getvalue(), out)
