"""Reading the contract from real .xlsx files written by XlsxWriter and edited by openpyxl."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal as D
from pathlib import Path

import openpyxl
import pytest

from addin.core import Evaluation
from addin.errors import UnusableInput
from addin.headless import evaluate_file
from addin.workbook.builder import Formula

Make = Callable[..., Path]


def codes_at(ev: Evaluation) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for f in ev.findings:
        found.setdefault(f.code, []).append(f.location)
    return found


def test_example_reads_clean(example_path: Path) -> None:
    ev = evaluate_file(example_path)
    assert ev.ok
    # the reference report's two executed amounts, and the example project that spent 105.42%
    # and the typed 项目绩效自评完成率 (97.3%, kept for the reference score) beside the projects' 100.00%
    assert [f.code for f in ev.findings] == [
        "budget_executed_vs_spent",
        "score_completion_typed_differs",
        "project_over_executed",
    ]
    assert len(ev.data.contracts or []) == 9
    assert ev.data.info.department == "中共广州市委外事工作委员会办公室"


def test_numbers_stored_as_text_are_read_with_warnings(make_workbook: Make, example_tables) -> None:  # type: ignore[no-untyped-def]
    budget = example_tables["tblBudget"]
    budget[0][3] = "7,215.46"
    budget[1][3] = "９８６.２０"
    budget[2][3] = "612.58万元"
    budget[3][3] = "833.58  "
    ev = evaluate_file(make_workbook(example_tables))
    assert ev.ok
    assert ev.budget.department.total == D("9647.82")
    assert codes_at(ev)["input_text_number"] == ["预算执行!D4", "预算执行!D5", "预算执行!D6", "预算执行!D7"]


def test_text_where_a_number_must_be_is_an_error_naming_the_cell(make_workbook: Make, example_tables) -> None:  # type: ignore[no-untyped-def]
    example_tables["tblBudget"][1][4] = "约九千万"
    ev = evaluate_file(make_workbook(example_tables))
    assert not ev.ok
    error = ev.findings.errors[0]
    assert (error.code, error.location) == ("input_not_number", "预算执行!E5")
    assert "约九千万" in error.message


def test_excel_error_values_are_named(make_workbook: Make, example_tables) -> None:  # type: ignore[no-untyped-def]
    example_tables["tblBudget"][0][4] = Formula("=1/0", "#DIV/0!")
    example_tables["tblIndicators"][3][6] = Formula("=NA()", "#N/A")
    ev = evaluate_file(make_workbook(example_tables))
    errors = {(f.code, f.location): f.message for f in ev.findings.errors}
    assert "#DIV/0!" in errors[("input_error_value", "预算执行!E4")]
    assert "#N/A" in errors[("input_error_value", "绩效指标!G7")]


def test_blank_rows_inside_a_table_are_skipped_with_a_warning(make_workbook: Make, example_tables) -> None:  # type: ignore[no-untyped-def]
    example_tables["tblContracts"].insert(2, [None] * 7)
    ev = evaluate_file(make_workbook(example_tables))
    assert ev.ok
    assert codes_at(ev)["input_blank_row"] == ["采购合同!6:6"]
    assert ev.procurement.total == D("1758.16")


def test_unknown_choices_are_errors(make_workbook: Make, example_tables) -> None:  # type: ignore[no-untyped-def]
    example_tables["tblContracts"][0][2] = "货品"
    example_tables["tblContracts"][1][4] = "小形"
    ev = evaluate_file(make_workbook(example_tables))
    assert codes_at(ev)["input_unknown_choice"] == ["采购合同!C4", "采购合同!E5"]


def test_a_total_row_is_checked_against_the_units(make_workbook: Make, example_tables) -> None:  # type: ignore[no-untyped-def]
    example_tables["tblBudget"].append(["合计", None, 9200.0, 9647.82, 9326.11, 9360.25, None])
    ev = evaluate_file(make_workbook(example_tables))
    assert ev.ok and len(ev.budget.units) == 4
    example_tables["tblBudget"][-1][3] = 9647.00
    ev = evaluate_file(make_workbook(example_tables))
    assert codes_at(ev)["budget_units_vs_total"] == ["预算执行!D8"]


def _edit(path: Path, edit: Callable[[openpyxl.Workbook], None]) -> Path:
    wb = openpyxl.load_workbook(path)
    edit(wb)
    wb.save(path)
    return path


def test_a_table_is_found_by_name_on_a_renamed_sheet(make_workbook: Make) -> None:
    path = _edit(make_workbook(), lambda wb: setattr(wb["预算执行"], "title", "2023预算"))
    ev = evaluate_file(path)
    assert ev.ok and ev.budget.department.total == D("9647.82")
    assert ev.findings[0].location.startswith("2023预算!")


def test_a_sheet_without_its_table_is_read_from_its_header_row(make_workbook: Make) -> None:
    def drop(wb: openpyxl.Workbook) -> None:
        del wb["采购合同"].tables["tblContracts"]

    ev = evaluate_file(_edit(make_workbook(), drop))
    assert ev.ok and ev.procurement.total == D("1758.16")


def test_missing_sheet_is_unusable_input_naming_it(make_workbook: Make) -> None:
    path = _edit(make_workbook(), lambda wb: wb.remove(wb["绩效指标"]))
    with pytest.raises(UnusableInput, match="绩效指标"):
        evaluate_file(path)


def test_missing_column_is_unusable_input_naming_it_and_the_header_row(make_workbook: Make) -> None:
    def drop(wb: openpyxl.Workbook) -> None:
        ws = wb["预算执行"]
        del ws.tables["tblBudget"]
        ws["E3"] = "执行金额"

    with pytest.raises(UnusableInput, match=r"预算执行!A3.*执行数"):
        evaluate_file(_edit(make_workbook(), drop))


def test_a_header_with_extra_or_full_width_spaces_is_accepted_with_a_warning(make_workbook: Make) -> None:
    def pad(wb: openpyxl.Workbook) -> None:
        ws = wb["预算执行"]
        del ws.tables["tblBudget"]
        ws["A3"] = "\u3000单位 名称 "

    ev = evaluate_file(_edit(make_workbook(), pad))
    assert ev.ok
    assert codes_at(ev)["input_header_normalised"] == ["预算执行!A3"]


def test_merged_cells_in_a_required_column_are_named(make_workbook: Make) -> None:
    def merge(wb: openpyxl.Workbook) -> None:
        wb["采购合同"].merge_cells("D4:D6")

    ev = evaluate_file(_edit(make_workbook(), merge))
    merged = [f for f in ev.findings.errors if f.code == "input_merged_cell"]
    assert [f.location for f in merged] == ["采购合同!D5", "采购合同!D6"]
    assert "合并" in merged[0].message
    # A merged 单位名称 over contracts is each row's unit, as the clerk sees it (filled down).
    ev = evaluate_file(_edit(make_workbook(), lambda wb: wb["采购合同"].merge_cells("B4:B6")))
    assert ev.ok and codes_at(ev)["input_merged_filled"] == ["采购合同!B4:B6"]


def test_negative_amounts_are_errors(make_workbook: Make, example_tables) -> None:  # type: ignore[no-untyped-def]
    example_tables["tblContracts"][0][3] = -86.40
    ev = evaluate_file(make_workbook(example_tables))
    assert codes_at(ev)["input_negative"] == ["采购合同!D4"]
