"""Rows a clerk typed twice and units split over rows (DESIGN.md, "Reading what clerks really
type"): a row repeating an earlier one is an error at the later row (one contract pasted twice,
or two alike?), one identifier on differing rows a warning with both rows counted, and the
rows of one budget unit under a merged 单位名称 summed as that unit. Each kind built in code from
the example; nothing is written while an error stands."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from addin.headless import evaluate_file

from .test_real_input import assert_nothing_written, assert_reference, codes

Tables = dict[str, list[list[Any]]]


def _only(ev: Any, code: str) -> Any:
    found = [f for f in ev.findings if f.code == code]
    assert len(found) == 1, [f.as_line() for f in ev.findings]
    return found[0]


# -- a row pasted twice --------------------------------------------------------------------


def test_a_contract_pasted_twice_is_an_error_at_the_later_row_and_nothing_is_written(
    edited: Callable[..., Path], example_tables: Tables, tmp_path: Path
) -> None:
    contracts = [*example_tables["tblContracts"], list(example_tables["tblContracts"][-1])]
    path = edited(tblContracts=contracts, tblProcurement=[])  # the ledger alone decides the figures
    ev = evaluate_file(path)
    error = _only(ev, "input_row_repeated")
    assert error.severity.value == "error" and error.location == "采购合同!A13:G13"
    assert "第 13 行与第 12 行" in error.message and "删除第 13 行" in error.message
    data = ev.as_json()
    assert data["procurement"]["total"] is None and data["procurement"]["sme_share"] is None  # never 1,772.50
    assert_nothing_written(path, tmp_path)


def test_alike_contracts_without_a_number_are_both_counted_with_one_warning(
    edited: Callable[..., Path], example_tables: Tables
) -> None:
    # Two contracts of one unit, category, amount and size are ordinary; without 合同编号 nothing
    # tells a paste from a second contract, so both count and one warning names the pairs.
    contracts = [[None, *row[1:]] for row in example_tables["tblContracts"]]
    contracts.append(list(contracts[-1]))
    contracts.append(list(contracts[0]))
    ev = evaluate_file(edited(tblContracts=contracts, tblProcurement=[]))
    assert not ev.findings.errors, [f.as_line() for f in ev.findings.errors]
    warning = _only(ev, "input_rows_alike")
    assert warning.location == "采购合同!A13:G13"
    assert "第 12 行与第 13 行" in warning.message and "第 4 行与第 14 行" in warning.message
    assert ev.as_json()["procurement"]["total"] != "1758.16"  # both counted, as typed, and said


def test_a_contract_split_into_lines_under_one_number_counts_both_with_a_warning(
    edited: Callable[..., Path], example_tables: Tables
) -> None:
    contracts = example_tables["tblContracts"]
    first = list(contracts[3])  # GZWB-2023-004, 586.06 at 采购合同!D7
    second = list(first)
    first[3], second[3] = 500.00, 86.06
    second[6] = "第二期"
    contracts[3:4] = [first, second]
    ev = evaluate_file(edited(tblContracts=contracts))
    assert_reference(ev)  # 1,758.16 as before: both lines count
    warning = _only(ev, "input_identifier_repeated")
    assert warning.location == "采购合同!A8"
    assert "GZWB-2023-004" in warning.message and "采购合同!A7" in warning.message and "采购合同!A8" in warning.message


def test_a_procurement_category_twice(edited: Callable[..., Path], example_tables: Tables) -> None:
    summary = example_tables["tblProcurement"]
    ev = evaluate_file(edited(tblContracts=[], tblProcurement=[*summary, list(summary[2])], name="again.xlsx"))
    assert codes(ev)["input_row_repeated"] == {"采购汇总!A7:D7"}
    assert ev.as_json()["procurement"]["total"] is None
    # 服务 given on two differing rows (two lines of one statement): both count, one warning.
    split = [*summary[:2], ["服务", 1000.00, 600.00, 20.00], ["服务", 544.63, 358.57, 19.94]]
    ev = evaluate_file(edited(tblContracts=[], tblProcurement=split, name="split.xlsx"))
    assert_reference(ev)
    assert codes(ev)["input_identifier_repeated"] == {"采购汇总!A7"}


@pytest.mark.parametrize(
    ("table", "index", "where"),
    [
        ("tblBudget", 3, "预算执行!A8:G8"),
        ("tblIndicators", 1, "绩效指标!A16:L16"),
        ("tblProjectIndicators", 0, None),
    ],
)
def test_a_repeated_row_in_any_counted_table_is_an_error(
    edited: Callable[..., Path], example_tables: Tables, tmp_path: Path, table: str, index: int, where: str | None
) -> None:
    rows = example_tables[table]
    path = edited(**{table: [*rows, list(rows[index])]})
    ev = evaluate_file(path)
    found = codes(ev)
    assert len(found["input_row_repeated"]) == 1
    if where is not None:
        assert found["input_row_repeated"] == {where}
    # the repeat is not read, so no second finding about the same row (a duplicate unit, weights)
    assert "budget_duplicate_unit" not in found and "score_weights_total" not in found
    assert ev.as_json()["score"]["total"] is None
    assert_nothing_written(path, tmp_path)


# -- a unit split over rows ----------------------------------------------------------------

# 办本级 (6850.00 / 7215.46 / 6968.33 / 6990.12) as 基本支出 and 项目支出 rows.
_PARTS = [
    ["办本级", "本级", 5000.00, 5215.46, 5000.00, 5010.12, "基本支出"],
    [None, None, 1850.00, 2000.00, 1968.33, 1980.00, "项目支出"],
]


def _split_budget(example_tables: Tables, second_name: str | None = None) -> list[list[Any]]:
    parts = [list(row) for row in _PARTS]
    if second_name is not None:
        parts[1][0:2] = [second_name, "本级"]
    return [*parts, *example_tables["tblBudget"][1:]]


def _merge_names(wb: openpyxl.Workbook) -> None:
    wb["预算执行"].merge_cells("A4:A5")


def test_rows_under_one_merged_unit_name_are_summed_as_that_unit(
    edited: Callable[..., Path], example_tables: Tables
) -> None:
    ev = evaluate_file(edited(_merge_names, tblBudget=_split_budget(example_tables)))
    assert_reference(ev)
    units = ev.as_json()["budget"]["units"]
    assert [u["name"] for u in units][:2] == ["办本级", "广州市人民对外友好协会"]
    assert units[0]["total"] == "7215.46" and units[0]["executed"] == "6968.33"
    warning = _only(ev, "input_merged_unit")
    assert warning.location == "预算执行!A4:A5"
    assert "第 4、5 行按同一单位合计" in warning.message and "7,215.46 万元" in warning.message
    assert not any("取消合并" in f.message for f in ev.findings)


def test_advice_on_a_unit_split_over_rows_leads_to_an_accepted_form(
    edited: Callable[..., Path], example_tables: Tables, tmp_path: Path
) -> None:
    # Unmerged, with the name on both rows: one unit twice, or two units typed alike?
    path = edited(tblBudget=_split_budget(example_tables, "办本级"))
    ev = evaluate_file(path)
    error = _only(ev, "budget_duplicate_unit")
    assert error.location == "预算执行!A5" and "合计为一行" in error.message and "向下合并" in error.message
    assert_nothing_written(path, tmp_path)
    # The second row's name left blank without a merge (what the Excel door sees of a merge).
    ev = evaluate_file(edited(tblBudget=_split_budget(example_tables), name="blank.xlsx"))
    error = next(f for f in ev.findings if f.location == "预算执行!A5")
    assert error.code == "input_missing" and "合计为一行" in error.message
    # Summing the rows into one, as advised, is the example itself.
    assert_reference(evaluate_file(edited(name="summed.xlsx")))


def test_a_merged_amount_cell_stays_an_error_without_advice_to_unmerge(edited: Callable[..., Path]) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        ws = wb["预算执行"]
        ws["D5"] = None
        ws.merge_cells("D4:D5")

    error = _only(evaluate_file(edited(edit)), "input_merged_cell")
    assert error.location == "预算执行!D5" and "取消合并" not in error.message


# -- an actual typed as a bound -----------------------------------------------------------


@pytest.mark.parametrize("typed", [">60", "＞60", "60以上", "不少于60", "至少60", "超过60", "60余", "约65", "≥60场"])
def test_an_actual_typed_as_a_bound_or_estimate_is_an_error_at_the_cell(
    edited: Callable[..., Path], example_tables: Tables, typed: str
) -> None:
    rows = example_tables["tblIndicators"]
    rows[1][6] = typed  # 举办重要国际会议及活动场次: target 60, actual 65 at 绩效指标!G5
    ev = evaluate_file(edited(tblIndicators=rows))
    error = _only(ev, "input_actual_bound")
    assert error.location == "绩效指标!G5" and "实际值应填写实际完成的确数" in error.message
    assert ev.as_json()["score"]["total"] is None


@pytest.mark.parametrize("typed", ["65", "65场", "=65", "达到65"])
def test_an_actual_stated_as_a_value_is_read(edited: Callable[..., Path], example_tables: Tables, typed: str) -> None:
    rows = example_tables["tblIndicators"]
    rows[1][5:7] = ["≥60场" if "场" in typed else 60, typed]
    assert_reference(evaluate_file(edited(tblIndicators=rows)))


def test_a_project_actual_typed_as_a_bound_is_an_error_at_the_cell(
    edited: Callable[..., Path], example_tables: Tables, tmp_path: Path
) -> None:
    rows = example_tables["tblProjectIndicators"]
    rows[0][7] = "60场以上"  # 举办重要国际会议及活动场次, target ≥60, actual 65 at 项目指标!H4
    path = edited(tblProjectIndicators=rows)
    ev = evaluate_file(path)
    assert codes(ev)["input_actual_bound"] == {"项目指标!H4"}
    assert_nothing_written(path, tmp_path)


def test_a_bound_typed_where_a_computed_figure_is_missing_is_no_actual(
    edited: Callable[..., Path], example_tables: Tables
) -> None:
    """预算调整率 without any 年初预算数 falls back to the typed actual: "<5%" is no figure."""
    for row in example_tables["tblBudget"]:
        row[2] = None
    rows = example_tables["tblIndicators"]
    rows[5][6] = "<5%"
    ev = evaluate_file(edited(tblIndicators=rows, tblBudget=example_tables["tblBudget"]))
    assert "绩效指标!G9" in {f.location for f in ev.findings.errors}
    assert ev.as_json()["score"]["total"] is None


def test_a_units_contracts_under_its_merged_name_are_each_its_contract(edited: Callable[..., Path]) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        ws = wb["采购合同"]
        ws["B5"] = None  # GZWB-2023-002, 办本级 as GZWB-2023-001 above it
        ws.merge_cells("B4:B5")

    ev = evaluate_file(edited(edit))
    assert_reference(ev)
    assert codes(ev)["input_merged_filled"] == {"采购合同!B4:B5"}
