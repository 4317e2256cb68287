"""Each interpretation names its cell, and each figure reads as the clerk reads it: 评价年度 typed
as text, names with spaces around them, a small-micro amount left out of one category, a blank
部门名称, band bounds and values on rate rows in percent."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from addin.example.data import EXAMPLE_TABLES
from addin.workbook.template import evaluate_tables
from tests.contract.test_real_input import assert_reference

Tables = dict[str, list[list[Any]]]


def _info(tables: Tables, item: str, value: Any) -> Tables:
    for row in tables["tblInfo"]:
        if row[0] == item:
            row[1] = value
    return tables


@pytest.mark.parametrize("typed", ["2023年", "2023年度", " 2023 "])
def test_a_year_typed_as_text_is_read_with_a_warning_at_its_cell(typed: str) -> None:
    evaluation = evaluate_tables(_info(copy.deepcopy(EXAMPLE_TABLES), "评价年度", typed))
    assert_reference(evaluation)
    (said,) = [f for f in evaluation.findings if f.code == "input_year_text"]
    assert said.location == "基本信息!B5" and said.read_as == "2023"


def test_a_year_of_two_digits_is_shown_as_typed() -> None:
    evaluation = evaluate_tables(_info(copy.deepcopy(EXAMPLE_TABLES), "评价年度", 24.0))
    (error,) = evaluation.findings.errors
    assert error.location == "基本信息!B5" and "评价年度“24”无效" in error.message


def test_a_blank_department_name_is_reported_at_its_cell() -> None:
    evaluation = evaluate_tables(_info(copy.deepcopy(EXAMPLE_TABLES), "部门名称", None))
    (error,) = evaluation.findings.errors
    assert (
        error.location == "基本信息!B4" and error.message == "基本信息的部门名称未填写：请在 基本信息!B4 填写部门全称"
    )


def test_names_with_spaces_around_them_are_read_with_a_warning_once_per_name() -> None:
    tables = copy.deepcopy(EXAMPLE_TABLES)
    name = tables["tblProjects"][0][0]
    funds = [r for r in tables["tblProjectFunds"] if r[0] == name]
    funds[0][0] = f"{name} "
    indicators = [r for r in tables["tblProjectIndicators"] if r[0] == name]
    for row in indicators:
        row[0] = f"{name}\u3000"  # a full-width space, as a Chinese input method types it
    tables["tblBudget"][1][0] = " 广州市人民对外友好协会"
    evaluation = evaluate_tables(tables)
    assert_reference(evaluation)
    spaced = [f for f in evaluation.findings if f.code == "input_name_spaces"]
    assert len(spaced) == 3  # one per name and column, not one per row
    assert {f.location.split("!")[0] for f in spaced} == {"项目资金", "项目指标", "预算执行"}
    assert all(f.read_as in (name, "广州市人民对外友好协会") for f in spaced)


def test_a_small_micro_amount_left_out_of_one_category_is_said_as_the_sme_one_is() -> None:
    tables = copy.deepcopy(EXAMPLE_TABLES)
    tables["tblContracts"] = []
    tables["tblProcurement"][0][3] = None  # 货物's small-micro amount
    evaluation = evaluate_tables(tables)
    (said,) = [f for f in evaluation.findings if f.code == "procurement_partial_split"]
    assert said.location == "采购汇总!D4" and "货物类未填写其中授予小微企业合同金额" in said.message
    tables["tblProcurement"][0][2:4] = [None, None]  # both left out: named once, for the SME amount
    (said,) = [f for f in evaluate_tables(tables).findings if f.code == "procurement_partial_split"]
    assert said.location == "采购汇总!C4"


def test_bands_and_values_of_a_rate_rule_are_said_in_percent() -> None:
    tables = copy.deepcopy(EXAMPLE_TABLES)
    tables["tblRules"][1] = ["满意度区间", "区间", 0.9, 0.96, 0.95, None]  # overlaps [95%, 不限)
    tables["tblIndicators"][3][5:7] = ["≥95%", "92%"]
    messages = [f.message for f in evaluate_tables(tables).findings]
    assert any("区间 [90%, 96%) 与 [95%, 不限) 重叠" in m for m in messages), messages
    tables = copy.deepcopy(EXAMPLE_TABLES)
    tables["tblRules"][1:3] = [
        ["满意度区间", "区间", 0.9, 0.95, 0.95, None],
        ["满意度区间", "区间", 0.8, 0.85, 0.8, None],
    ]
    tables["tblIndicators"][3][5:7] = ["≥95%", "88%"]
    messages = [f.message for f in evaluate_tables(tables).findings]
    assert any("在 85% 与 90% 之间没有区间" in m for m in messages), messages
    assert any("实际值 88% 不在规则“满意度区间”的任何区间内" in m for m in messages), messages
