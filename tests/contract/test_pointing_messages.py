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
