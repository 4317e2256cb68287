"""The Word report: its structure, its sentences with the computed figures, its fonts."""

from __future__ import annotations

import copy
import re
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import docx
from docx.oxml.ns import qn

from addin.docx_report import write_docx
from addin.example.data import EXAMPLE_TABLES
from addin.headless import evaluate_file

from ..libreoffice import convert, pdf_pages, pdf_text


def test_libreoffice_converts_it_with_every_figure_in_sentences(example_path: Path, tmp_path: Path) -> None:
    target = tmp_path / "report.docx"
    write_docx(evaluate_file(example_path), target)
    text = pdf_text(convert(target, "pdf", tmp_path)).replace(" ", "").replace("\n", "")
    for sentence in (
        "全年预算数9,647.82万元，执行数9,326.11万元，完成预算的96.67%",
        "本年支出数9,360.25万元，支出进度为97.02%",
        "政府采购支出总额1,758.16万元",
        "政府采购货物支出213.53万元",
        "政府采购服务支出1,544.63万元",
        "授予中小企业合同金额1,172.10万元，占政府采购支出总额的66.7%",
        "授予小微企业合同金额126.34万元，占授予中小企业合同金额的10.8%",
        "货物采购授予中小企业合同金额占货物支出金额的100.0%",
        "工程采购授予中小企业合同金额占工程支出金额的-（基数为0，不可比）",
        "服务采购授予中小企业合同金额占服务支出金额的62.1%",
        "自评得分97.96分",
    ):
        assert sentence in text, sentence


def test_it_follows_the_reference_structure(example_path: Path, tmp_path: Path) -> None:
    target = tmp_path / "report.docx"
    write_docx(evaluate_file(example_path), target)
    paragraphs = [p.text for p in docx.Document(str(target)).paragraphs]
    headings = [p for p in paragraphs if p[:2] in ("一、", "二、", "三、", "四、")]
    assert headings == ["一、基本情况", "二、综合评价分析", "三、存在的主要问题", "四、下一步改进措施"]
    assert paragraphs[0] == "2023年度中共广州市委外事工作委员会办公室部门整体支出绩效自评报告"
    assert any(p.startswith("一是预算编制水平和精准度有待进一步提升") for p in paragraphs)


def test_every_run_names_an_east_asian_font(example_path: Path, tmp_path: Path) -> None:
    target = tmp_path / "report.docx"
    write_docx(evaluate_file(example_path), target)
    document = docx.Document(str(target))
    runs = [r for p in document.paragraphs for r in p.runs if r.text.strip()]
    assert runs
    for run in runs:
        fonts = run._element.rPr.rFonts
        assert fonts.get(qn("w:eastAsia")) in ("仿宋", "黑体", "楷体", "宋体"), run.text
    assert document.core_properties.author == ""


def test_a_paragraph_under_an_unknown_section_goes_to_a_last_part(
    make_workbook: Callable[..., Path], example_tables: dict[str, list[list[Any]]], tmp_path: Path
) -> None:
    example_tables["tblNarrative"].append(["其他说明", "补充说明文字"])
    ev = evaluate_file(make_workbook(example_tables))
    assert [f.location for f in ev.findings if f.code == "narrative_other_section"] == ["文字材料!A16"]
    target = tmp_path / "report.docx"
    write_docx(ev, target)
    paragraphs = [p.text for p in docx.Document(str(target)).paragraphs]
    at = paragraphs.index("五、其他说明")
    assert paragraphs[at : at + 3] == ["五、其他说明", "（一）其他说明", "补充说明文字"]
    assert at > paragraphs.index("四、下一步改进措施")
    plain = tmp_path / "plain.docx"
    write_docx(evaluate_file(make_workbook(name="plain.xlsx")), plain)
    assert "五、其他说明" not in [p.text for p in docx.Document(str(plain)).paragraphs]


def test_the_projects_are_an_annex_one_per_page_with_official_page_numbers(example_path: Path, tmp_path: Path) -> None:
    target = tmp_path / "report.docx"
    write_docx(evaluate_file(example_path), target)
    pdf = convert(target, "pdf", tmp_path)
    pages = pdf_pages(pdf)
    texts = [pdf_text(pdf, page, page) for page in range(1, pages + 1)]
    # 公文 page numbers: “— N —” at the foot of every page, odd pages right and even pages left
    boxes = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for number, (text, page) in enumerate(zip(texts, re.split(r"<page ", boxes)[1:], strict=True), start=1):
        footer = [line for line in text.splitlines() if line.strip()][-1]
        assert re.fullmatch(rf"\s*—\s*{number}\s*—\s*", footer), (number, footer)
        dashes = [float(x) for x, y in re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>—<', page) if float(y) > 760]
        assert len(dashes) == 2, (number, dashes)
        assert (min(dashes) > 400) if number % 2 else (max(dashes) < 200), (number, dashes)
    annex = [i for i, text in enumerate(texts) if "项目支出绩效自评表" in text]
    assert len(annex) == 3 and annex == list(range(pages - 3, pages))  # one project per page, at the end
    assert "附件" in texts[annex[0]]
    body = "".join(texts).replace(" ", "").replace("\n", "")
    assert "本年度开展项目支出绩效自评的项目共3个，完成自评3个，项目绩效自评完成率100.00%" in body
    flat = [t.replace(" ", "").replace("\n", "") for t in texts]
    cities = flat[annex[1]]
    assert "国际友好城市交流合作项目" in cities and "105.42%" in cities and "99.44" in cities
    assert "个别交流活动因对" in cities and "评价等级：优" in cities
    assert "外事翻译服务采购项目" in flat[annex[2]] and "14.40" in flat[annex[2]] and "98.96" in flat[annex[2]]


def test_annex_amounts_up_to_9_999_999_99_are_never_broken_mid_number(make_workbook: Any, tmp_path: Path) -> None:
    """Bold totals and plain amounts of seven digits, rates and scores each stay on one line of
    the 项目支出绩效自评表 in Word (LibreOffice renders it; pdftotext reads each number whole), the
    example's 1,250.00 too; and each project still fits its page."""
    tables = copy.deepcopy(EXAMPLE_TABLES)
    funds = tables["tblProjectFunds"]
    funds[0][2:] = [9999999.99, 9999999.99, 9876543.21]  # 年度资金总额 (bold)
    funds[1][2:] = [9999899.99, 9999899.99, 9876443.21]  # its 财政拨款 (and 上年结转 100)
    target = tmp_path / "report.docx"
    ev = evaluate_file(make_workbook(tables))
    assert ev.ok, [f.as_line() for f in ev.findings.errors]
    write_docx(ev, target)
    pdf = convert(target, "pdf", tmp_path)
    pages = pdf_pages(pdf)
    annex = pdf_text(pdf, pages - 2, pages)  # the three projects, one a page
    numbers = re.findall(r"[\d,]+\.\d+%?", annex)
    for whole in ("9,999,999.99", "9,876,543.21", "9,999,899.99", "9,876,443.21", "98.77%", "100.00"):
        assert whole in numbers, (whole, numbers)
    # nothing left of a broken number: every amount has its two decimals
    assert not [n for n in numbers if re.fullmatch(r"[\d,]+\.\d", n)], numbers
    example = tmp_path / "example.docx"
    write_docx(evaluate_file(make_workbook()), example)
    text = pdf_text(convert(example, "pdf", tmp_path))
    for whole in ("1,200.00", "1,250.00", "1,236.48", "98.92%", "105.42%"):
        assert whole in re.findall(r"[\d,]+\.\d+%?", text), whole


def test_its_document_properties_are_ours_and_name_no_one(example_path: Path, tmp_path: Path) -> None:
    """Title, subject (department and year), our comments; no author, no "python-docx", no clock."""
    target = tmp_path / "report.docx"
    write_docx(evaluate_file(example_path), target)
    props = docx.Document(str(target)).core_properties
    assert props.title == "2023年度中共广州市委外事工作委员会办公室部门整体支出绩效自评报告"
    assert props.subject == "中共广州市委外事工作委员会办公室 2023年度部门整体支出绩效自评"
    assert props.comments == "部门整体支出绩效自评报告" and "python-docx" not in props.comments
    assert props.author == "" and props.last_modified_by == ""
    with zipfile.ZipFile(target) as z:
        assert {info.date_time for info in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}


_HEADING = re.compile(r"^([一二三四五六七八九十]、|（[一二三四五六七八九十]）|\d\.)")


def test_no_heading_ends_a_page_and_table_headers_repeat(example_path: Path, tmp_path: Path) -> None:
    """Headings keep with the paragraph after them (w:keepNext): LibreOffice never prints one
    as the last line of a page (the example's （三）部门整体收支情况 and 三、存在的主要问题 did);
    the score table's and the annex forms' header rows repeat on a new page (w:tblHeader)."""
    target = tmp_path / "report.docx"
    write_docx(evaluate_file(example_path), target)
    document = docx.Document(str(target))
    headings = [p for p in document.paragraphs if _HEADING.match(p.text.strip()) and len(p.text.strip()) < 25]
    assert len(headings) >= 15
    for p in headings:
        assert p.paragraph_format.keep_with_next, p.text
    xml = zipfile.ZipFile(target).read("word/document.xml").decode()
    header_rows = re.findall(r"<w:tr>(?:(?!</w:tr>).)*?<w:tblHeader/>(?:(?!</w:tr>).)*?</w:tr>", xml, re.S)
    texts = ["".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", row)) for row in header_rows]
    assert any(t.startswith("评价维度") for t in texts)
    assert sum(1 for t in texts if "一级指标二级指标三级指标" in t) == 3  # each project's indicators
    pages = pdf_text(convert(target, "pdf", tmp_path)).split("\f")
    for number, page in enumerate(pages, start=1):
        lines = [
            line.strip()
            for line in page.splitlines()
            if line.strip() and not re.fullmatch(r"—\s*\d+\s*—", line.strip())
        ]
        if lines and number < len(pages):
            assert not (_HEADING.match(lines[-1]) and len(lines[-1]) < 25), (number, lines[-1])
