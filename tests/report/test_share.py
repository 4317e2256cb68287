"""The shareable copy: no macros, no UDF formulas, no names of people; everything else equal."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
import python_calamine

from addin.errors import UnusableInput
from addin.headless import generate
from addin.share import SHARE_MARK, is_share_copy, share_copy

from ..libreoffice import convert, pdf_text
from ..reference import REFERENCE_FIGURES


def _with_people(path: Path, target: Path) -> Path:
    """The workbook as a clerk's Excel would have saved it: names in the document properties."""
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"<dc:creator>.*?</dc:creator>", "<dc:creator>张三</dc:creator>".encode(), data)
                data = data.replace(
                    b"</cp:coreProperties>",
                    "<cp:lastModifiedBy>李四</cp:lastModifiedBy><dc:description>张三 13800138000 备注</dc:description>"
                    "<cp:keywords>张三的关键字</cp:keywords></cp:coreProperties>".encode(),
                )
                if b"<dc:creator>" not in data:
                    data = data.replace(
                        b"</cp:coreProperties>", "<dc:creator>张三</dc:creator></cp:coreProperties>".encode()
                    )
            if info.filename == "docProps/custom.xml":
                data = data.replace(
                    b"</Properties>",
                    '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="9" name="审核人">'
                    "<vt:lpwstr>赵六</vt:lpwstr></property></Properties>".encode(),
                )
            if info.filename == "docProps/app.xml":
                data = re.sub(rb"<Company>.*?</Company>|<Company/>", "<Company>某某局</Company>".encode(), data)
                if "某某局".encode() not in data:
                    data = data.replace(b"</Properties>", "<Company>某某局</Company></Properties>".encode())
            out.writestr(info, data)
    return target


@pytest.fixture
def shared(example_copy: Path, tmp_path: Path) -> tuple[Path, Path]:
    with_report = tmp_path / "report.xlsm"
    generate(example_copy, with_report)
    source = _with_people(with_report, tmp_path / "clerk.xlsm")
    target = tmp_path / "shared.xlsx"
    summary = share_copy(source, target)
    assert summary.vba_removed and summary.formulas_frozen == 4 and summary.controls_removed == 4
    assert summary.sheets_removed == ("xlwings.conf",)
    return source, target


def test_the_copy_holds_no_macros_buttons_or_udf_formulas(shared: tuple[Path, Path]) -> None:
    _, target = shared
    with zipfile.ZipFile(target) as z:
        names = z.namelist()
        assert not any("vbaProject" in n for n in names)
        types = z.read("[Content_Types].xml").decode()
        assert "macroEnabled" not in types and "vbaProject" not in types
        for name in names:
            if name.endswith((".xml", ".vml")):
                text = z.read(name).decode("utf-8")
                assert not re.search(r"<f[ >][^<]*JX_", text), name
                assert "FmlaMacro" not in text and 'ObjectType="Button"' not in text, name


def test_the_copy_holds_no_names_of_people(shared: tuple[Path, Path]) -> None:
    source, target = shared
    with zipfile.ZipFile(source) as z:
        assert "张三".encode() in z.read("docProps/core.xml")
        assert "赵六".encode() in z.read("docProps/custom.xml")
    with zipfile.ZipFile(target) as z:
        core = z.read("docProps/core.xml").decode()
        app = z.read("docProps/app.xml").decode()
        custom = z.read("docProps/custom.xml").decode()
        assert is_share_copy(z)
    assert "张三" not in core and "李四" not in core and "13800138000" not in core and "某某局" not in app
    assert "审核人" not in custom and "赵六" not in custom and SHARE_MARK in custom
    assert "xlwings.conf" not in app


def test_every_other_sheet_has_the_same_values(shared: tuple[Path, Path]) -> None:
    source, target = shared
    with (
        python_calamine.CalamineWorkbook.from_path(str(source)) as a,
        python_calamine.CalamineWorkbook.from_path(str(target)) as b,
    ):
        assert b.sheet_names == [n for n in a.sheet_names if n != "xlwings.conf"]
        for name in b.sheet_names:
            assert a.get_sheet_by_name(name).to_python() == b.get_sheet_by_name(name).to_python(), name
        quick = b.get_sheet_by_name("使用说明").to_python()
    assert 0.9667 in {v for row in quick for v in row}  # the JX_EXEC_RATE cell kept its value


def test_libreoffice_renders_the_copy_with_the_reference_figures(shared: tuple[Path, Path], tmp_path: Path) -> None:
    _, target = shared
    text = pdf_text(convert(target, "pdf", tmp_path)).replace(" ", "")
    for figure in REFERENCE_FIGURES:
        assert figure in text, figure


def test_a_share_copy_must_be_xlsx(example_copy: Path, tmp_path: Path) -> None:
    with pytest.raises(UnusableInput, match=r"\.xlsx"):
        share_copy(example_copy, tmp_path / "copy.xlsm")
    assert not (tmp_path / "copy.xlsm").exists()


def test_the_share_says_its_report_sheets_are_the_last_generated(example_copy: Path, tmp_path: Path) -> None:
    """share copies the report sheets as they are, and says so (they are not recomputed)."""
    plain = share_copy(example_copy, tmp_path / "plain.xlsx")
    # A data-only copy says so: colleagues get no report.
    assert plain.report_sheets == () and plain.warnings() == [plain.report_note()]
    assert "副本中没有报告工作表" in plain.report_note() and "请先生成报告" in plain.report_note()
    generated = tmp_path / "generated.xlsm"
    generate(example_copy, generated)
    summary = share_copy(generated, tmp_path / "copy.xlsx")
    assert summary.report_sheets[:2] == ("自评报告", "校验结果") and len(summary.report_sheets) == 6
    # Its 校验结果 carries the code of the data the report came from, and they have not changed.
    assert summary.report_matches == "same" and summary.warnings() == [] and summary.warnings(regenerated=True) == []


def _edited(path: Path, target: Path, sheet: str, cell: str, value: object) -> Path:
    import openpyxl

    book = openpyxl.load_workbook(path, keep_vba=True)
    book[sheet][cell] = value
    book.save(target)
    return target


def test_a_report_whose_data_changed_since_is_named_as_not_theirs(example_copy: Path, tmp_path: Path) -> None:
    """Data changed after generate (a valid figure): the copy's report no longer matches them,
    and the note says so, unlike a fresh copy's; a report of an earlier version (no code) gets
    the everyday note, which cannot tell."""
    from addin.report.digest import DIGEST_LABEL

    generated = tmp_path / "generated.xlsm"
    generate(example_copy, generated)
    changed = _edited(generated, tmp_path / "changed.xlsm", "预算执行", "E4", 5000)
    summary = share_copy(changed, tmp_path / "copy.xlsx")
    assert summary.report_matches == "changed" and summary.data_errors == 0
    assert summary.warnings() == [summary.report_note()] and "与工作簿当前的数据不一致" in summary.report_note()
    import openpyxl

    book = openpyxl.load_workbook(generated, keep_vba=True)
    checks = book["校验结果"]
    for row in checks.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and DIGEST_LABEL in cell.value:
                cell.value = "说明"
    book.save(tmp_path / "older.xlsm")
    older = share_copy(tmp_path / "older.xlsm", tmp_path / "older.xlsx")
    assert older.report_matches == "" and "最近一次生成报告时的结果" in older.report_note()


def test_a_report_beside_data_with_errors_is_said_not_to_be_the_datas(example_copy: Path, tmp_path: Path) -> None:
    """The data changed after generate and now have an error: the copy's report cannot be theirs,
    and the note says so in words stronger than the everyday one."""
    import openpyxl

    generated = tmp_path / "generated.xlsm"
    generate(example_copy, generated)
    book = openpyxl.load_workbook(generated, keep_vba=True)
    book["预算执行"]["E4"] = "abc"
    book.save(generated)
    summary = share_copy(generated, tmp_path / "copy.xlsx")
    assert summary.data_errors == 1
    (note,) = summary.warnings()
    assert "当前的数据有 1 处错误" in note and "不是按当前数据生成的" in note
    fresh = share_copy(example_copy, tmp_path / "plain.xlsx")
    assert fresh.data_errors == 0  # no report sheets: the data are not even read
