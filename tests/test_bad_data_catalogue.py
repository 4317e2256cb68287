"""The bad-data catalogue: each case names its sheet and cell, and an error leaves the file
untouched and writes nothing; a warning lets the report through with the warning in it."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from addin.errors import DataErrors, UnusableInput
from addin.headless import generate
from addin.workbook.builder import Formula

Tables = dict[str, list[list[Any]]]


def _set(table: str, row: int, col: int, value: Any) -> Callable[[Tables], None]:
    def change(t: Tables) -> None:
        t[table][row][col] = value

    return change


def _insert_blank(t: Tables) -> None:
    t["tblBudget"].insert(1, [None] * 7)


def _duplicate_unit(t: Tables) -> None:
    t["tblBudget"][1][0] = "办本级"


def _band_gap(t: Tables) -> None:
    t["tblRules"][2][3] = 0.85  # 80%–85% band, 85%–90% left uncovered


def _band_overlap(t: Tables) -> None:
    t["tblRules"][2][3] = 0.93  # 80%–93% overlaps 90%–95%


@dataclass(frozen=True)
class Case:
    change: Callable[[Tables], None]
    code: str
    location: str
    says: str


ERRORS = {
    "dash in a required amount": Case(_set("tblBudget", 0, 4, "—"), "input_not_number", "预算执行!E4", "—"),
    "words for a number": Case(_set("tblBudget", 0, 4, "约九千万"), "input_not_number", "预算执行!E4", "约九千万"),
    "negative amount": Case(_set("tblContracts", 2, 3, -55.0), "input_negative", "采购合同!D6", "负"),
    "#DIV/0!": Case(_set("tblBudget", 2, 5, Formula("=1/0", "#DIV/0!")), "input_error_value", "预算执行!F6", "#DIV/0!"),
    "#N/A": Case(_set("tblIndicators", 8, 6, Formula("=NA()", "#N/A")), "input_error_value", "绩效指标!G12", "#N/A"),
    "#REF!": Case(
        _set("tblProcurement", 0, 1, Formula("=#REF!", "#REF!")), "input_error_value", "采购汇总!B4", "#REF!"
    ),
    "category typo 货品": Case(
        _set("tblContracts", 0, 2, "货品"), "input_unknown_choice", "采购合同!C4", "货物/工程/服务"
    ),
    "size typo 小形": Case(
        _set("tblContracts", 1, 4, "小形"), "input_unknown_choice", "采购合同!E5", "大型/中型/小型/微型"
    ),
    "duplicate unit": Case(_duplicate_unit, "budget_duplicate_unit", "预算执行!A5", "重复"),
    "weights not summing": Case(_set("tblIndicators", 0, 3, 14), "score_weights_total", "绩效指标!D3", "99"),
    "manual score above 分值": Case(_set("tblIndicators", 4, 9, 6), "score_manual_out_of_range", "绩效指标!J8", "6"),
    "overlapping bands": Case(_band_overlap, "rule_band_overlap", "计分规则!C5", "重叠"),
}

WARNINGS = {
    "thousands separator": Case(_set("tblBudget", 0, 3, "7,215.46"), "input_text_number", "预算执行!D4", "7215.46"),
    "万元 suffix": Case(_set("tblBudget", 0, 3, "7,215.46万元"), "input_text_number", "预算执行!D4", "7215.46"),
    "full-width digits": Case(_set("tblBudget", 1, 3, "９８６.２０"), "input_text_number", "预算执行!D5", "986.2"),
    "blank row inside a table": Case(_insert_blank, "input_blank_row", "预算执行!5:5", "空行"),
    "gap between bands": Case(_band_gap, "rule_band_gap", "计分规则!C5", "85%"),  # a rate rule: in percent
}


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("name", ERRORS)
def test_errors_name_the_cell_and_nothing_is_written(
    name: str, make_workbook: Callable[..., Path], example_tables: Tables, tmp_path: Path
) -> None:
    case = ERRORS[name]
    case.change(example_tables)
    path = make_workbook(example_tables)
    before = digest(path)
    out = tmp_path / "out.xlsx"
    with pytest.raises(DataErrors) as raised:
        generate(path, out)
    found = [f for f in raised.value.findings if f.code == case.code]
    assert found, [f.code for f in raised.value.findings]
    assert found[0].location == case.location
    assert case.says in found[0].message
    assert digest(path) == before and not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == [path.name]
    with pytest.raises(DataErrors):  # in place too: no backup, no report
        generate(path)
    assert digest(path) == before and [p.name for p in tmp_path.iterdir()] == [path.name]


@pytest.mark.parametrize("name", WARNINGS)
def test_warnings_name_the_cell_and_appear_in_the_report(
    name: str, make_workbook: Callable[..., Path], example_tables: Tables, tmp_path: Path
) -> None:
    case = WARNINGS[name]
    case.change(example_tables)
    path = make_workbook(example_tables)
    out = tmp_path / "out.xlsx"
    result = generate(path, out)
    found = [f for f in result.evaluation.findings if f.code == case.code]
    assert found and found[0].location == case.location and case.says in found[0].message
    assert result.evaluation.ok
    checks = openpyxl.load_workbook(out)["校验结果"]
    assert case.location in [row[1] for row in checks.iter_rows(min_row=2, values_only=True)]


def _edit(path: Path, edit: Callable[[openpyxl.Workbook], None]) -> Path:
    wb = openpyxl.load_workbook(path)
    edit(wb)
    wb.save(path)
    return path


STRUCTURE = {
    "missing sheet": (lambda wb: wb.remove(wb["计分规则"]), "缺少工作表“计分规则”"),
    "renamed sheet without its table": (
        lambda wb: (wb["采购汇总"].tables.pop("tblProcurement"), setattr(wb["采购汇总"], "title", "汇总")),
        "缺少工作表“采购汇总”",
    ),
    "renamed column": (
        lambda wb: (wb["采购合同"].tables.pop("tblContracts"), wb["采购合同"].cell(3, 4, "金额")),
        "缺少列“合同金额”",
    ),
}


@pytest.mark.parametrize("name", STRUCTURE)
def test_structure_problems_are_unusable_input(name: str, make_workbook: Callable[..., Path], tmp_path: Path) -> None:
    edit, says = STRUCTURE[name]
    path = _edit(make_workbook(), edit)
    before = digest(path)
    with pytest.raises(UnusableInput, match=says):
        generate(path, tmp_path / "out.xlsx")
    assert digest(path) == before and not (tmp_path / "out.xlsx").exists()


def test_merged_cells_are_named(make_workbook: Callable[..., Path], tmp_path: Path) -> None:
    path = _edit(make_workbook(), lambda wb: wb["预算执行"].merge_cells("B4:B5"))
    before = digest(path)
    with pytest.raises(DataErrors) as raised:
        generate(path, tmp_path / "out.xlsx")
    merged = [f for f in raised.value.findings if f.code == "input_merged_cell"]
    assert merged[0].location == "预算执行!B5" and "合并" in merged[0].message
    assert digest(path) == before


def test_header_with_spaces_and_full_width_characters(make_workbook: Callable[..., Path], tmp_path: Path) -> None:
    def pad(wb: openpyxl.Workbook) -> None:
        ws = wb["采购汇总"]
        ws.tables.pop("tblProcurement")
        ws["B3"] = " 支出金额\u3000"

    result = generate(_edit(make_workbook(), pad), tmp_path / "out.xlsx")
    assert [f.location for f in result.evaluation.findings if f.code == "input_header_normalised"] == ["采购汇总!B3"]


def test_a_missing_sheet_names_what_the_clerk_knows_and_what_to_do(
    make_workbook: Callable[..., Path], tmp_path: Path
) -> None:
    """The sheet and its header row, where to get it (the template) and how; the Excel table
    name only as such, last."""
    path = _edit(make_workbook(), lambda wb: wb.remove(wb["绩效指标"]))
    with pytest.raises(UnusableInput) as raised:
        generate(path, tmp_path / "out.xlsx")
    message = str(raised.value)
    assert message.startswith("缺少工作表“绩效指标”（表头为：一级指标、二级指标、三级指标")
    assert "请从空白模板（部门整体支出绩效自评模板.xlsm）把工作表“绩效指标”复制到本工作簿" in message
    assert "建立副本" in message and "请把工作表名改回“绩效指标”" in message
    assert message.endswith("（Excel 表格名称 tblIndicators）") and "（表格 tblIndicators）" not in message

    # A sheet that is there without its header row: the header named, the table name last.
    def headless(wb: openpyxl.Workbook) -> None:
        sheet = wb["计分规则"]
        sheet.tables.pop("tblRules")
        sheet.delete_rows(1, 3)

    path = _edit(make_workbook(name="headless.xlsx"), headless)
    with pytest.raises(UnusableInput) as raised:
        generate(path, tmp_path / "out.xlsx")
    message = str(raised.value)
    assert message.startswith("工作表“计分规则”中找不到表头行（应为：规则名称")
    assert "请把表头改回模板中的写法" in message and message.endswith("（Excel 表格名称 tblRules）")
