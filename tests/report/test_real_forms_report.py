"""The published forms through every output: the report sheet, the Word report, the share copy,
the batch workbook and the Excel door. A figure the form does not state is never printed."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pytest

from addin import buttons
from addin.batch import batch
from addin.contract import schema
from addin.docx_report import write_docx
from addin.example.data import EXAMPLE_TABLES
from addin.headless import evaluate_file, generate
from addin.share import share_copy

from .. import real_forms as forms
from ..excel.doors import assert_same_report, run_button

FORMS = {
    "category_amounts": lambda: (forms.reference_department(forms.REFERENCE_CATEGORY_AMOUNTS), None),
    "total_only": lambda: (forms.reference_department(forms.REFERENCE_TOTAL_ONLY), None),
    "project": lambda: (
        forms.project_budget("棠溪镇人民政府", forms.CHIZHOU_PROJECT),
        {"tblBudget": forms.PROJECT_BUDGET_HEADERS},
    ),
    "chongqing": lambda: (forms.chongqing_department(), None),
}


def _form(name: str, folder: Path) -> Path:
    tables, headers = FORMS[name]()
    return forms.write_form(folder / f"{name}.xlsx", tables, headers)


def _report_rows(path: Path) -> dict[str, list[Any]]:
    """The 自评报告 rows keyed by their first cell (a label used twice keeps its last row)."""
    ws = openpyxl.load_workbook(path)[schema.REPORT_SHEET]
    return {str(row[0]): list(row) for row in ws.iter_rows(max_col=10, values_only=True) if row[0] is not None}


def _section(path: Path, start: str, end: str) -> list[list[Any]]:
    ws = openpyxl.load_workbook(path)[schema.REPORT_SHEET]
    rows = [list(r) for r in ws.iter_rows(max_col=10, values_only=True)]
    first = next(i for i, r in enumerate(rows) if str(r[0]).startswith(start))
    last = next(i for i, r in enumerate(rows) if i > first and str(r[0]).startswith(end))
    return rows[first:last]


def _docx_text(ev: Any, target: Path) -> str:
    write_docx(ev, target)
    return "".join(p.text for p in docx.Document(str(target)).paragraphs).replace(" ", "")


def test_category_amounts_print_only_what_was_stated(tmp_path: Path) -> None:
    source = _form("category_amounts", tmp_path)
    out = tmp_path / "out.xlsx"
    generate(source, out)
    table = {str(r[0]): r for r in _section(out, "三、政府采购情况", "四、")}
    # A to J: 类别 | 支出金额 (B:C) | 占比 | 中小企业金额 (E:F) | 占比 | 小微金额 (H:I) | 占比
    goods = table["货物"]
    assert (goods[1], goods[3]) == (213.53, 0.121)
    assert [goods[i] for i in (4, 6, 7, 9)] == ["未填报"] * 4
    works = table["工程"]
    assert (works[4], works[6]) == (0, "-")  # nothing awarded out of 0, its share not comparable
    total = table["合计"]
    assert (total[1], total[4], total[6], total[7], total[9]) == (1758.16, 1172.1, 0.667, 126.34, 0.108)
    note = next(str(r[0]) for r in table.values() if str(r[0]).startswith("数据来源"))
    assert "未填报" in note and "基数为0，不可比" in note
    text = _docx_text(evaluate_file(source), tmp_path / "r.docx")
    assert "政府采购货物支出213.53万元" in text
    assert "授予中小企业合同金额1,172.10万元，占政府采购支出总额的66.7%" in text
    assert "授予小微企业合同金额126.34万元，占授予中小企业合同金额的10.8%" in text
    assert "采购授予中小企业合同金额占" not in text  # no per-category share: not stated


def test_a_total_only_statement_has_no_category_rows(tmp_path: Path) -> None:
    source = _form("total_only", tmp_path)
    out = tmp_path / "out.xlsx"
    generate(source, out)
    section = _section(out, "三、政府采购情况", "四、")
    assert not [r for r in section if r[0] in schema.CATEGORIES]
    total = next(r for r in section if r[0] == "合计")
    assert (total[1], total[4], total[6]) == (1758.16, 1172.1, 0.667)
    text = _docx_text(evaluate_file(source), tmp_path / "r.docx")
    assert "政府采购支出总额1,758.16万元。授予中小企业合同金额1,172.10万元" in text
    assert "政府采购货物支出" not in text and "采购授予中小企业合同金额占" not in text
    chart = openpyxl.load_workbook(out)[schema.REPORT_SHEET]
    assert any(c.value == "合计" for row in chart.iter_rows(min_col=12, max_col=12) for c in row)  # charted


def test_a_project_without_spent_prints_no_progress(tmp_path: Path) -> None:
    source = _form("project", tmp_path)
    out = tmp_path / "out.xlsx"
    generate(source, out)
    unit = _report_rows(out)["委托业务项目"]
    assert unit[4:8] == [90, 89.97, 89.97, 1]
    assert unit[8:10] == ["未填报", "未填报"]
    text = _docx_text(evaluate_file(source), tmp_path / "r.docx")
    assert "完成预算的100.00%" in text and "本年支出数" not in text and "支出进度" not in text
    shared = tmp_path / "shared.xlsx"
    share_copy(out, shared)
    assert _report_rows(shared)["委托业务项目"][8] == "未填报"


@pytest.mark.parametrize("name", list(FORMS))
def test_the_excel_door_writes_the_same_report(name: str, tmp_path: Path) -> None:
    source = _form(name, tmp_path)
    replay, _ = run_button(buttons.generate_report, source)
    assert replay.alerts[-1][3] == "info", replay.alerts
    assert assert_same_report(replay, source, tmp_path) > 100


def test_batch_compares_departments_in_wan_yuan(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    forms.write_form(folder / "万元.xlsx", copy.deepcopy(EXAMPLE_TABLES))
    yuan: dict[str, list[list[Any]]] = copy.deepcopy(EXAMPLE_TABLES)
    yuan["tblInfo"][2][1] = "元"
    for row in yuan["tblBudget"]:
        row[2:6] = [round(v * 10000) for v in row[2:6]]
    for row in yuan["tblContracts"]:
        row[3] = round(row[3] * 10000)
    for row in yuan["tblProcurement"]:
        row[1:4] = [round(v * 10000) for v in row[1:4]]
    forms.write_form(folder / "元.xlsx", yuan)
    forms.write_form(folder / "全国.xlsx", forms.procurement_statement("全国", 2023, forms.NATIONAL_2023))
    out = tmp_path / "汇总.xlsx"
    batch(folder, out, workers=1)
    ws = openpyxl.load_workbook(out)["汇总"]
    heads = [c.value for c in ws[3]]
    rows = {r[1]: dict(zip(heads, r, strict=True)) for r in ws.iter_rows(min_row=4, values_only=True) if r[1]}
    assert rows["万元.xlsx"]["全年预算数（万元）"] == rows["元.xlsx"]["全年预算数（万元）"] == 9647.82
    assert rows["元.xlsx"]["政府采购支出总额（万元）"] == 1758.16
    assert [rows[f]["填报金额单位"] for f in ("万元.xlsx", "元.xlsx", "全国.xlsx")] == ["万元", "元", "亿元"]
    # The national disclosure has errors (no budget, no indicators; the 0.1 gap): listed, without figures.
    assert rows["全国.xlsx"]["错误数"] == 3 and rows["全国.xlsx"]["政府采购支出总额（万元）"] == "-"


def test_libreoffice_prints_a_category_amounts_report_whole(tmp_path: Path) -> None:
    """The report with 未填报 cells and the longer procurement note still prints on at most two
    A4 pages with nothing cut off and no text over other text."""
    from ..libreoffice import pdf_pages, pdf_text, require
    from .test_report_pages import _clipped, _overlaps, _renderer, _word_boxes

    require("soffice", "pdftoppm", "pdfinfo", "pdftotext")
    out = tmp_path / "out.xlsx"
    generate(_form("category_amounts", tmp_path), out)
    pdf, _ = _renderer().render(out, tmp_path)
    assert pdf_pages(pdf) in (1, 2)
    assert _clipped(out, pdf) == []
    assert "未填报" in pdf_text(pdf)
    assert _overlaps(_word_boxes(pdf)) == []
