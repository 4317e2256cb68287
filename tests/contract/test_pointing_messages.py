"""Real forms refused with a message that sends the clerk the right way: a 数据来源 that is
nearly one the tool computes, names whose brackets differ between tables."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path

import pytest

from addin.core.evaluation import FIGURE_SOURCES
from addin.example.data import EXAMPLE_TABLES
from addin.workbook.template import evaluate_tables
from tests.contract.test_real_input import assert_nothing_written, assert_reference

_EXECUTION = 6  # 预算执行率, 数据来源 预算执行率, 实际值 blank


@pytest.mark.parametrize(
    ("typed", "meant"), [("部门预算执行率", "预算执行率"), ("中小企业合同占比（%）", "中小企业合同占比")]
)
def test_a_source_near_a_computed_one_names_the_valid_ones(
    typed: str, meant: str, make_workbook: Callable[..., Path], tmp_path: Path
) -> None:
    tables = copy.deepcopy(EXAMPLE_TABLES)
    tables["tblIndicators"][_EXECUTION][7] = typed
    evaluation = evaluate_tables(tables)
    (error,) = evaluation.findings.errors
    assert (error.code, error.location) == ("score_source_not_computed", "绩效指标!H10")
    assert f"请把数据来源改为“{meant}”" in error.message
    assert all(name in error.message for name in FIGURE_SOURCES)
    assert_nothing_written(make_workbook(tblIndicators=tables["tblIndicators"]), tmp_path)


def test_a_project_name_with_half_width_brackets_meets_its_funds_and_indicators() -> None:
    tables = copy.deepcopy(EXAMPLE_TABLES)
    name = tables["tblProjects"][1][0]
    tables["tblProjects"][1][0] = f"{name}(二期)"
    for table in ("tblProjectFunds", "tblProjectIndicators"):
        for row in tables[table]:
            if row[0] == name:
                row[0] = f"{name}（二期）"
    evaluation = evaluate_tables(tables)
    assert_reference(evaluation)
    assert evaluation.as_json()["projects"][1]["score"]["total"] is not None
    (read,) = [f for f in evaluation.findings if f.code == "input_name_brackets"]
    assert read.location == "项目!A5" and f"已按全角括号读取为“{name}（二期）”" in read.message


def test_a_refused_band_row_leaves_no_gap_warning() -> None:
    tables = copy.deepcopy(EXAMPLE_TABLES)
    tables["tblRules"][1][4] = 95  # 得分比例 95 for 0.95
    evaluation = evaluate_tables(tables)
    assert [(f.code, f.location) for f in evaluation.findings.errors] == [("rule_ratio_range", "计分规则!E5")]
    assert not any(f.code == "rule_band_gap" for f in evaluation.findings)


def _report_date(value: object) -> dict[str, list[list[object]]]:
    tables = copy.deepcopy(EXAMPLE_TABLES)
    for row in tables["tblInfo"]:
        if row[0] == "报告日期":
            row[1] = value
    return tables


def test_a_report_date_pasted_as_a_serial_number_is_read_as_that_date() -> None:
    evaluation = evaluate_tables(_report_date(45366))
    assert evaluation.ok and evaluation.data.info.report_date == "2024-03-15"
    (read,) = [f for f in evaluation.findings if f.code == "info_date_serial"]
    assert read.location == "基本信息!B10" and "已按 Excel 日期读取为 2024-03-15" in read.message


def test_a_report_date_that_is_no_date_is_an_error(make_workbook: Callable[..., Path], tmp_path: Path) -> None:
    tables = _report_date(12)
    evaluation = evaluate_tables(tables)
    assert [(f.code, f.location) for f in evaluation.findings.errors] == [("info_date", "基本信息!B10")]
    assert_nothing_written(make_workbook(tblInfo=tables["tblInfo"]), tmp_path)
