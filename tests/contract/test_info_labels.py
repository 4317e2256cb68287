"""基本信息 labels as forms decorate them ("金额单位：", "金额单位（万元/元/亿元）") read with a warning
at the label; a label the product reads, given twice, is an error at the later cell naming the
earlier one, and nothing is written."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from addin.example.data import EXAMPLE_TABLES
from addin.workbook.template import evaluate_tables
from tests.contract.test_real_input import assert_nothing_written

Rows = list[list[Any]]


def _info(key: str, label: str, value: Any) -> Rows:
    rows = copy.deepcopy(EXAMPLE_TABLES["tblInfo"])
    for row in rows:
        if row[0] == key:
            row[0], row[1] = label, value
    return rows


@pytest.mark.parametrize(
    "label", ["金额单位：", "金额单位:", "金额单位（万元/元/亿元）", "金额单位(万元/元/亿元)：", "金额单位 （单位）"]
)
def test_a_decorated_amount_unit_label_is_read_with_a_warning(label: str) -> None:
    tables = copy.deepcopy(EXAMPLE_TABLES)
    tables["tblInfo"] = _info("金额单位", label, "元")
    evaluation = evaluate_tables(tables)
    assert evaluation.as_json()["amount_unit"] == "元"  # not the default 万元
    (read,) = [f for f in evaluation.findings if f.code == "info_label_read"]
    assert read.location == "基本信息!A6" and "已按“金额单位”读取" in read.message


def test_a_year_label_with_a_colon_is_the_year() -> None:
    tables = copy.deepcopy(EXAMPLE_TABLES)
    tables["tblInfo"] = _info("评价年度", "评价年度：", 2023)
    evaluation = evaluate_tables(tables)
    assert evaluation.ok and evaluation.as_json()["year"] == 2023


def test_an_invalid_year_is_null_in_the_json() -> None:
    tables = copy.deepcopy(EXAMPLE_TABLES)
    tables["tblInfo"] = _info("评价年度", "评价年度", "去年")
    evaluation = evaluate_tables(tables)
    assert [f.location for f in evaluation.findings.errors] == ["基本信息!B5"]
    assert evaluation.as_json()["year"] is None


@pytest.mark.parametrize(
    ("key", "value"),
    [("评价年度", 2024), ("金额单位", "元"), ("执行率口径", "年初预算数"), ("小微占比口径", "政府采购支出总额")],
)
def test_a_key_given_twice_is_an_error_at_the_later_cell(
    key: str, value: Any, make_workbook: Callable[..., Path], tmp_path: Path
) -> None:
    tables = copy.deepcopy(EXAMPLE_TABLES)
    first = next(i for i, row in enumerate(tables["tblInfo"]) if row[0] == key) + 4
    tables["tblInfo"].append([f"{key}：", value])
    evaluation = evaluate_tables(tables)
    (error,) = evaluation.findings.errors
    code = "info_duplicate_unit" if key == "金额单位" else "info_duplicate_key"
    assert (error.code, error.location) == (code, "基本信息!A13")
    if key == "金额单位":  # which unit the amounts are in is unsure: no amount is shown
        data = evaluation.as_json()
        assert data["budget"]["total"] is None and data["procurement"]["total"] is None
    assert f"基本信息!A{first}" in error.message and f"“{key}”填写了两次" in error.message
    assert_nothing_written(make_workbook(tblInfo=tables["tblInfo"]), tmp_path)


def test_a_blank_amount_unit_is_read_as_万元_with_a_warning_at_its_cell() -> None:
    tables = copy.deepcopy(EXAMPLE_TABLES)
    tables["tblInfo"] = _info("金额单位", "金额单位", None)
    evaluation = evaluate_tables(tables)
    assert evaluation.as_json()["amount_unit"] == "万元" and evaluation.ok
    (assumed,) = [f for f in evaluation.findings if f.code == "input_unit_default"]
    assert assumed.location == "基本信息!B6" and "未填写" in assumed.message


def test_a_missing_amount_unit_row_is_read_as_万元_with_a_warning_saying_so() -> None:
    tables = copy.deepcopy(EXAMPLE_TABLES)
    tables["tblInfo"] = [row for row in EXAMPLE_TABLES["tblInfo"] if row[0] != "金额单位"]
    evaluation = evaluate_tables(tables)
    (assumed,) = [f for f in evaluation.findings if f.code == "input_unit_default"]
    assert assumed.location.startswith("基本信息!") and "增加一行“金额单位”" in assumed.message


def test_a_stated_amount_unit_gives_no_such_warning() -> None:
    assert not [f for f in evaluate_tables(copy.deepcopy(EXAMPLE_TABLES)).findings if f.code == "input_unit_default"]
