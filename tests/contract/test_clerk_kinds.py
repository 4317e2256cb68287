"""What a new user found trying to break the product (DESIGN.md, "Reading what clerks really
type"): each kind built in code from the example workbook, giving the right figure or one
located message, never a silent wrong figure and never a second, misleading error."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from addin.core import Evaluation
from addin.core.scoring import grade
from addin.errors import UnusableInput
from addin.headless import evaluate_file
from tests.contract.test_real_input import assert_nothing_written, assert_reference, codes

Tables = dict[str, list[list[Any]]]
Edit = Callable[[openpyxl.Workbook], None]


def errors(ev: Evaluation) -> list[tuple[str, str]]:
    return [(f.code, f.location) for f in ev.findings.errors]


def _budget_row(label: str, values: tuple[float, ...] = (950, 986.2, 951.87, 958.4)) -> list[Any]:
    return [label, "二级", *values, None]


def _unplug(sheet: str, table: str) -> Edit:
    """The sheet without its Excel Table (pasted data, a WPS or LibreOffice save): read by headers."""

    def edit(wb: openpyxl.Workbook) -> None:
        del wb[sheet].tables[table]

    return edit


# -- 1. a rule shared by a rate row and a count row ------------------------------------------


def test_a_rule_used_by_a_rate_row_and_a_count_row_is_one_error_at_the_rule(
    edited: Callable[..., Path], example_tables: Tables, tmp_path: Path
) -> None:
    rules = [
        *example_tables["tblRules"],
        ["场次区间", "区间", 0.6, None, 1, None],
        ["场次区间", "区间", 0, 0.6, 0.5, None],
    ]
    indicators = example_tables["tblIndicators"]
    indicators[0][8] = "场次区间"  # 重点工作任务完成率 (100%, a rate)
    indicators[1][8] = "场次区间"  # 举办重要国际会议及活动场次 (60/65, a count)
    path = edited(tblRules=rules, tblIndicators=indicators)
    ev = evaluate_file(path)
    assert errors(ev) == [("rule_rate_and_count", "计分规则!A10")]
    message = ev.findings.errors[0].message
    assert "绩效指标!I4" in message and "绩效指标!I5" in message
    assert "input_percent_points" not in codes(ev)  # 60 is not read as 60% for either row
    assert ev.as_json()["score"]["total"] is None
    assert_nothing_written(path, tmp_path)


# -- 2. 其中 rows ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "row",
    [
        _budget_row("其中：二级单位", (2350, 2432.36, 2357.78, 2370.13)),
        ["其中:办本级", "本级", 6850, 7215.46, 6968.33, 6990.12, None],
        _budget_row("其中 外事翻译室", (600, 612.58, 598.02, 601.15)),
    ],
)
def test_a_sub_item_row_is_not_summed_and_is_named(
    edited: Callable[..., Path], example_tables: Tables, row: list[Any]
) -> None:
    ev = evaluate_file(edited(tblBudget=[*example_tables["tblBudget"], row]))
    assert_reference(ev)
    assert codes(ev)["input_sub_item_row"] == {"预算执行!A8"}


def test_a_sub_item_row_in_procurement_and_one_larger_than_the_whole(
    edited: Callable[..., Path], example_tables: Tables
) -> None:
    procurement = [*example_tables["tblProcurement"], ["其中：小微企业", 126.34, 126.34, 126.34]]
    ev = evaluate_file(edited(tblProcurement=procurement))
    assert_reference(ev)
    assert codes(ev)["input_sub_item_row"] == {"采购汇总!A7"}
    budget = [*example_tables["tblBudget"], _budget_row("其中：项目支出", (9000, 9999, 9000, 9000))]
    ev = evaluate_file(edited(tblBudget=budget, name="bigger.xlsx"))
    assert errors(ev) == [("input_sub_item_exceeds", "预算执行!D8")]


# -- 3. rows typed below a table -------------------------------------------------------------


@pytest.mark.parametrize(("budget_gap", "contract_gap"), [(0, 1), (2, 2), (5, 5), (40, 40)])
def test_a_data_row_below_a_table_is_an_error_naming_it_however_far(
    edited: Callable[..., Path], tmp_path: Path, budget_gap: int, contract_gap: int
) -> None:
    # Right below (0 blank rows, or 1: still the block below) or past any number of blank rows.
    budget_row, contract_row = 7 + budget_gap + 1, 12 + contract_gap + 1  # tables end at rows 7 and 12

    def edit(wb: openpyxl.Workbook) -> None:
        ws = wb["预算执行"]
        for col, value in zip("ABCDEF", ["广州市友城服务中心", "二级", 100, 120, 110, 111], strict=True):
            ws[f"{col}{budget_row}"] = value
        contracts = wb["采购合同"]
        for col, value in zip("ABCDE", ["GZWB-2023-010", "办本级", "服务", 300, "大型"], strict=True):
            contracts[f"{col}{contract_row}"] = value

    path = edited(edit)
    ev = evaluate_file(path)
    assert set(errors(ev)) == {
        ("input_rows_outside_table", f"预算执行!A{budget_row}:G{budget_row}"),
        ("input_rows_outside_table", f"采购合同!A{contract_row}:G{contract_row}"),
    }
    assert "扩展" in ev.findings.errors[0].message
    assert ev.as_json()["budget"]["total"] is None
    assert_nothing_written(path, tmp_path)


def test_a_lone_note_a_number_or_a_contact_line_far_below_is_no_data(edited: Callable[..., Path]) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        ws = wb["预算执行"]
        ws["A12"] = "数据来源：部门决算"
        ws["C15"] = 9647.82  # a lone figure the clerk keeps beside the table
        ws["A18"], ws["B18"] = "联系电话", 13800000000

    assert_reference(evaluate_file(edited(edit)))


def test_a_total_row_or_a_footer_below_a_table_is_no_error(edited: Callable[..., Path]) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        ws = wb["预算执行"]
        ws["A8"], ws["D8"], ws["E8"] = "合计", 9647.82, 9326.11
        ws["A10"] = "填表人：张三"

    assert_reference(evaluate_file(edited(edit)))


# -- 4. 指标方向 against the target's comparison ------------------------------------------------


@pytest.mark.parametrize(
    ("row", "direction", "target", "actual"),
    [(1, "正向", "≤5天", "4天"), (11, "正向", "≤100%", 0.865), (0, "反向", "≥95%", 0.965)],
)
def test_a_direction_that_contradicts_the_target_sign_is_an_error_naming_both(
    edited: Callable[..., Path], example_tables: Tables, row: int, direction: str, target: str, actual: Any
) -> None:
    indicators = example_tables["tblIndicators"]
    indicators[row][4:7] = [direction, target, actual]
    ev = evaluate_file(edited(tblIndicators=indicators))
    sheet_row = row + 4
    assert errors(ev) == [("input_direction_contradicts_target", f"绩效指标!E{sheet_row}")]
    assert f"绩效指标!F{sheet_row}" in ev.findings.errors[0].message
    assert ev.as_json()["score"]["total"] is None


# -- 5, 6. percentages where amounts or points belong ---------------------------------------


def test_an_amount_cell_formatted_as_a_percent_is_the_same_error_as_the_text(edited: Callable[..., Path]) -> None:
    def formatted(wb: openpyxl.Workbook) -> None:
        wb["预算执行"]["E4"] = 0.9657
        wb["预算执行"]["E4"].number_format = "0.00%"

    def typed(wb: openpyxl.Workbook) -> None:
        wb["预算执行"]["E4"] = "96.57%"

    for edit, name in ((formatted, "f.xlsx"), (typed, "t.xlsx")):
        ev = evaluate_file(edited(edit, name=name))
        assert errors(ev) == [("input_percent_not_allowed", "预算执行!E4")]
        assert "96.57%" in ev.findings.errors[0].message
        assert ev.as_json()["budget"]["execution_rate"] is None
        assert "contract_unknown_unit" not in codes(ev)  # 办本级 failed to read; it is not missing


def test_a_contract_amount_formatted_as_a_percent_is_an_error(edited: Callable[..., Path]) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        wb["采购合同"]["D5"].number_format = "0%"

    assert errors(evaluate_file(edited(edit))) == [("input_percent_not_allowed", "采购合同!D5")]


@pytest.mark.parametrize("typed", ["percent format", "80%"])
def test_a_self_score_typed_as_a_percentage_is_ambiguous(edited: Callable[..., Path], typed: str) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        ws = wb["绩效指标"]
        if typed == "80%":
            ws["J8"] = "80%"
        else:
            ws["J8"] = 0.8
            ws["J8"].number_format = "0%"

    ev = evaluate_file(edited(edit))
    assert errors(ev) == [("input_percent_not_allowed", "绩效指标!J8")]
    assert "0.8 分" in ev.findings.errors[0].message


def test_number_examples_follow_the_kind_of_column(edited: Callable[..., Path]) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        wb["绩效指标"]["J8"] = "四分"
        wb["绩效指标"]["D4"] = "十五"
        wb["计分规则"]["F8"] = "半分"
        wb["计分规则"]["E4"] = "全部"

    ev = evaluate_file(edited(edit))
    shown = {f.location: f.message for f in ev.findings.errors}
    for cell in ("绩效指标!J8", "绩效指标!D4", "计分规则!F8"):
        assert "分数（如 4 或 4.5）" in shown[cell] and "95%" not in shown[cell]
    assert "比例（如 80% 或 0.8）" in shown["计分规则!E4"]


# -- 7. two columns for one contract column --------------------------------------------------


@pytest.mark.parametrize("second", ["全年预算数", "全年预算数2", "全年预算数\n（万元）"])
def test_two_header_cells_for_one_column_are_an_error_naming_both(edited: Callable[..., Path], second: str) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        ws = wb["预算执行"]
        del ws.tables["tblBudget"]
        ws["H3"] = second
        for r in range(4, 8):
            ws[f"H{r}"] = 1000

    with pytest.raises(UnusableInput) as caught:
        evaluate_file(edited(edit))
    assert caught.value.message.startswith("预算执行!D3、预算执行!H3：")


# -- 8. a template sample row recognised by its content -------------------------------------


def test_the_template_sample_row_is_named_even_without_its_mark(
    edited: Callable[..., Path], example_tables: Tables
) -> None:
    budget = [["示例单位", "本级", 1000, 1000, 950, 960, None], *example_tables["tblBudget"]]
    ev = evaluate_file(edited(tblBudget=budget))
    assert codes(ev)["input_sample_row"] == {"预算执行!4:4"}
    assert "input_sample_row" not in codes(evaluate_file(edited(name="example.xlsx")))  # 示例数据 is the example's


# -- 9. a budget cut mid-year ----------------------------------------------------------------


def test_a_negative_adjustment_rate_meets_a_reverse_target(edited: Callable[..., Path], example_tables: Tables) -> None:
    budget = example_tables["tblBudget"]
    budget[0][2] = 7500  # 年初 9,847.78 > 全年 9,647.82: 预算调整率 −2.03%
    ev = evaluate_file(edited(tblBudget=budget))
    assert_reference(ev)
    row = next(i for i in ev.as_json()["score"]["indicators"] if i["name"] == "预算调整率")
    assert row["score"] == "5.00"
    assert ev.budget.department.adjustment_rate is not None and ev.budget.department.adjustment_rate < 0


def test_a_negative_actual_on_a_forward_ratio_row_is_an_error_at_the_typed_cell(
    edited: Callable[..., Path], example_tables: Tables
) -> None:
    indicators = example_tables["tblIndicators"]
    indicators[10][6] = -0.05  # 固定资产账实相符率
    assert errors(evaluate_file(edited(tblIndicators=indicators))) == [("score_negative", "绩效指标!G14")]


# -- 10. 万 and 亿 -----------------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "unit"), [("万", "万元"), ("亿", "亿元")])
def test_short_amount_units_are_read_with_a_warning(
    edited: Callable[..., Path], example_tables: Tables, typed: str, unit: str
) -> None:
    example_tables["tblInfo"][2][1] = typed
    ev = evaluate_file(edited(tblInfo=example_tables["tblInfo"]))
    assert ev.ok and ev.as_json()["amount_unit"] == unit
    assert codes(ev)["input_unit_alias"] == {"基本信息!B6"}


def test_a_header_unit_written_short_matches(edited: Callable[..., Path]) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        del wb["预算执行"].tables["tblBudget"]
        wb["预算执行"]["D3"] = "全年预算数（万）"

    assert_reference(evaluate_file(edited(edit)))


# -- 11. line breaks and two-level headers ---------------------------------------------------


@pytest.mark.parametrize("table", [True, False])
def test_a_header_with_a_line_break_matches(edited: Callable[..., Path], table: bool) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        ws = wb["预算执行"]
        if not table:
            del ws.tables["tblBudget"]
        else:  # Excel stores the line break of a table column name as _x000a_
            ws.tables["tblBudget"].tableColumns[3].name = "全年预算数_x000a_（万元）"
        ws["D3"] = "全年预算数\n（万元）"

    assert_reference(evaluate_file(edited(edit)))


def _two_level(wb: openpyxl.Workbook) -> None:
    ws = wb["预算执行"]
    del ws.tables["tblBudget"]
    ws.insert_rows(4)
    ws["C3"], ws["D3"] = "预算数", None
    ws["C4"], ws["D4"] = "年初预算数", "全年预算数"
    ws.merge_cells("C3:D3")
    for col in "ABEFG":
        ws.merge_cells(f"{col}3:{col}4")


def test_a_two_level_published_header_is_read_from_both_rows(edited: Callable[..., Path]) -> None:
    ev = evaluate_file(edited(_two_level))
    assert_reference(ev)
    assert codes(ev)["input_two_level_header"] == {"预算执行!A3:G4"}
    assert ev.data.budget.lines[0].initial == Decimal(6850)


# -- 12. total labels and footers ------------------------------------------------------------


@pytest.mark.parametrize("label", ["合计：", "合计（万元）", "本部门合计", "合 计:"])
def test_total_labels_as_forms_print_them(edited: Callable[..., Path], example_tables: Tables, label: str) -> None:
    budget = [*example_tables["tblBudget"], [label, None, 9200, 9647.82, 9326.11, 9360.25, None]]
    ev = evaluate_file(edited(tblBudget=budget))
    assert_reference(ev)
    assert ev.data.budget.declared_total is not None


def test_footer_lines_on_a_sheet_without_a_table_end_it_with_one_warning(edited: Callable[..., Path]) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        ws = wb["预算执行"]
        del ws.tables["tblBudget"]
        ws["A8"], ws["D8"], ws["E8"], ws["F8"] = "合计", 9647.82, 9326.11, 9360.25
        ws["A10"] = "填表人：张三    审核人：李四"
        ws["A11"] = "注：金额单位为万元"

    ev = evaluate_file(edited(edit))
    assert_reference(ev)
    assert codes(ev)["input_footer_rows"] == {"预算执行!10:11"}
    assert "input_blank_row" not in codes(ev)


# -- 13. a broken rule: one error at its cell ------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "value"),
    [("F8", "扣0.5"), ("F8", "#N/A"), ("C8", "≥95%上下"), ("B8", "扣分制")],
)
def test_a_bad_rule_cell_is_one_error_and_its_indicators_stay_quiet(
    edited: Callable[..., Path], cell: str, value: str
) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        wb["计分规则"][cell] = value

    ev = evaluate_file(edited(edit))
    assert errors(ev) == [(errors(ev)[0][0], f"计分规则!{cell}")]
    assert ev.as_json()["score"]["total"] is None


def test_bad_band_ratios_give_no_second_error_at_the_indicator(edited: Callable[..., Path]) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        for r, v in zip(range(4, 8), (100, 95, 80, 60), strict=True):
            wb["计分规则"][f"E{r}"] = v

    ev = evaluate_file(edited(edit))
    assert {loc for _, loc in errors(ev)} == {f"计分规则!E{r}" for r in range(4, 8)}


# -- 14. errors at the cell to fix -----------------------------------------------------------


def test_a_missing_initial_budget_is_named_where_to_fill_it(
    edited: Callable[..., Path], example_tables: Tables
) -> None:
    budget = example_tables["tblBudget"]
    budget[0][2] = "-"
    ev = evaluate_file(edited(tblBudget=budget))
    assert errors(ev) == [("score_source_not_comparable", "预算执行!C4")]
    assert "基数为0" not in ev.findings.errors[0].message


def test_cleared_spending_is_named_where_to_fill_it(edited: Callable[..., Path], example_tables: Tables) -> None:
    for row in example_tables["tblBudget"]:
        row[5] = None
    ev = evaluate_file(edited(tblBudget=example_tables["tblBudget"]))
    assert errors(ev) == [("score_source_not_comparable", "预算执行!F4")]
    assert "基数为0" not in ev.findings.errors[0].message


def test_budget_rows_that_fail_to_read_give_no_error_at_computed_indicators(
    edited: Callable[..., Path], example_tables: Tables
) -> None:
    for row in example_tables["tblBudget"]:
        row[3] = "待定"
    ev = evaluate_file(edited(tblBudget=example_tables["tblBudget"]))
    assert {loc for _, loc in errors(ev)} == {f"预算执行!D{r}" for r in range(4, 8)}


def test_a_merged_data_source_is_named_as_a_merge(edited: Callable[..., Path]) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        ws = wb["绩效指标"]
        ws["H11"] = None
        ws.merge_cells("H10:H11")

    ev = evaluate_file(edited(edit))
    assert errors(ev) == [("input_merged_source", "绩效指标!H11")]
    assert "H10:H11" in ev.findings.errors[0].message


# -- 15. wording -----------------------------------------------------------------------------


def test_a_formula_without_a_result_is_one_error_that_does_not_repeat_its_place(edited: Callable[..., Path]) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        wb.create_sheet("源数据")["A1"] = 0.973
        wb["绩效指标"]["G12"] = "=源数据!A1"

    ev = evaluate_file(edited(edit))
    assert errors(ev) == [("input_formula_no_result", "绩效指标!G12")]
    assert "绩效指标!G12" not in ev.findings.errors[0].message


def test_a_zero_width_space_in_a_number_is_shown_and_stripped(
    edited: Callable[..., Path], example_tables: Tables
) -> None:
    example_tables["tblBudget"][0][3] = "7215.46\u200b"
    ev = evaluate_file(edited(tblBudget=example_tables["tblBudget"]))
    assert_reference(ev)
    read = [f for f in ev.findings if f.code == "input_text_number"]
    assert [f.location for f in read] == ["预算执行!D4"] and "U+200B" in read[0].message


def test_a_date_typed_as_digits_is_read_with_a_warning(edited: Callable[..., Path]) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        wb["采购合同"]["F4"] = 20230308
        wb["采购合同"]["F4"].number_format = "General"

    ev = evaluate_file(edited(edit))
    found = [f for f in ev.findings if f.code == "input_date_digits"]
    assert [f.location for f in found] == ["采购合同!F4"]
    assert "20230308.0" not in found[0].message and "2023-03-08" in found[0].message


def test_a_typed_rate_that_differs_from_the_computed_one_is_shown_in_percent(
    edited: Callable[..., Path], example_tables: Tables
) -> None:
    example_tables["tblIndicators"][6][6] = 0.9
    ev = evaluate_file(edited(tblIndicators=example_tables["tblIndicators"]))
    found = [f.message for f in ev.findings if f.code == "score_actual_differs"]
    assert len(found) == 1 and "90%" in found[0] and "96.67%" in found[0] and "0.96" not in found[0]


# -- 16. rows of spaces ----------------------------------------------------------------------


def test_a_row_of_spaces_is_a_blank_row(edited: Callable[..., Path], example_tables: Tables) -> None:
    budget = example_tables["tblBudget"]
    budget.insert(2, ["   ", "  ", " ", None, " ", "\u3000", None])
    ev = evaluate_file(edited(tblBudget=budget))
    assert_reference(ev)
    assert codes(ev)["input_blank_row"] == {"预算执行!6:6"}


# -- 19. the grade on the share of the declared total ----------------------------------------


def test_the_grade_is_judged_on_the_share_of_the_declared_total() -> None:
    assert grade(Decimal("27.60"), Decimal(30)) == "优"  # 92%
    assert grade(Decimal("23.99"), Decimal(30)) == "中"  # 79.97%
    assert grade(Decimal("89.995")) == "优" and grade(Decimal("89.994")) == "良"


# -- a 合计 typed in another column -------------------------------------------------------------


@pytest.mark.parametrize(
    ("table", "row", "where"),
    [
        ("tblContracts", [None, None, "合计", 1758.16, None, None, None], "采购合同!C13"),
        ("tblContracts", ["", "", "总 计", 1758.16, "", None, ""], "采购合同!C13"),
        ("tblBudget", [None, "合计", 9200, 9647.82, 9326.11, 9360.25, None], "预算执行!B8"),
    ],
)
def test_a_total_typed_in_another_column_is_one_error_at_that_cell(
    edited: Callable[..., Path], example_tables: Tables, table: str, row: list[Any], where: str
) -> None:
    ev = evaluate_file(edited(**{table: [*example_tables[table], row]}))
    assert errors(ev) == [("input_total_misplaced", where)]
    assert "像是合计行" in ev.findings.errors[0].message


# -- a 合计 closing a table from outside, and rows past blank rows or notes ----------------------


@pytest.mark.parametrize("gap", [0, 1, 2, 5, "note"])
def test_a_total_below_a_table_is_checked_as_one_inside_it(edited: Callable[..., Path], gap: int | str) -> None:
    row = 8 + (gap if isinstance(gap, int) else 1)  # the budget ends at row 7

    def edit(wb: openpyxl.Workbook) -> None:
        ws = wb["预算执行"]
        if gap == "note":
            ws["A8"] = "注：单位万元"
        ws[f"A{row}"], ws[f"D{row}"], ws[f"E{row}"] = "合计", 9500, 9326.11  # 全年预算数 off its units

    ev = evaluate_file(edited(edit))
    assert ("budget_units_vs_total", f"预算执行!D{row}") in errors(ev)
    assert "input_blank_row" not in codes(ev)  # the blank row between is outside the table


def test_a_right_total_right_below_a_table_says_nothing(edited: Callable[..., Path]) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        ws = wb["采购汇总"]
        ws["A8"], ws["B8"], ws["C8"], ws["D8"] = "总计", 1758.16, 1172.10, 126.34  # one blank row between

    ev = evaluate_file(edited(edit))
    assert_reference(ev)
    assert not ev.findings.errors


@pytest.mark.parametrize(
    ("sheet", "cells"),
    [
        ("基本信息", {"A15": "执行率口径", "B15": "年初预算数"}),  # the table ends at row 12
        ("预算执行", {"A10": "广州市友城服务中心", "D10": 120}),  # a name and 全年预算数 only
        ("预算执行", {"A10": "广州市友城服务中心", "B10": "二级", "C10": "100", "D10": "120"}),  # as text
        ("预算执行", {"A9": "注：单位为万元", "A11": "广州市友城服务中心", "D11": 120}),  # past a note
    ],
    ids=["info-key", "name-and-amount", "amounts-as-text", "past-a-note"],
)
def test_rows_that_would_be_read_inside_the_table_are_an_error_past_blank_rows(
    edited: Callable[..., Path], sheet: str, cells: dict[str, Any]
) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        for ref, value in cells.items():
            wb[sheet][ref] = value

    ev = evaluate_file(edited(edit))
    last = max(int(ref[1:]) for ref in cells)
    assert [c for c, where in errors(ev) if c == "input_rows_outside_table" and where.endswith(str(last))]
