"""Rates typed as 1 … 2 on a rate row (DESIGN.md, "Percent points"): 1.5 beside ≤5% is 1.5% with
a warning; 1 or 2 where either reading is possible (1 beside ≤5%: 100% or 1%? 2 beside ≥95%: 200%
or 2%?) is an error naming the cell; never a silent 100%–200%. The department's indicators and the
projects' are read alike."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from addin.core import Evaluation
from addin.example.data import EXAMPLE_TABLES
from addin.workbook.template import evaluate_tables

P = "测试项目"


def department(target: str, actual: Any, direction: str) -> Evaluation:
    tables = copy.deepcopy(EXAMPLE_TABLES)
    rows = tables["tblIndicators"]
    rows[:2] = [
        ["履职效能", "重点工作", "投诉率", 15, direction, target, actual, "台账", "比率", None, "原因"],
        ["履职效能", "重点工作", "其余", 10, "正向", "100%", 1, "台账", "比率", None, ""],
    ]
    return evaluate_tables(tables)


def a_project(target: str, actual: Any, direction: str) -> Evaluation:
    tables = copy.deepcopy(EXAMPLE_TABLES)
    tables["tblProjects"] = [[P, "某局", "本级", 10, "目标", "完成"]]
    tables["tblProjectFunds"] = [[P, "财政拨款", 100, 100, 100]]
    tables["tblProjectIndicators"] = [
        [P, "产出指标", "质量指标", "投诉率", 10, direction, target, actual, "比率", None, "原因"],
        [P, "产出指标", "数量指标", "其余", 80, "正向", "≥10个", "10个", "比率", None, ""],
    ]
    return evaluate_tables(tables)


CASES = [
    # target, typed actual, direction, what happens: "error" or the fraction read (with a warning)
    ("≤5%", 1, "反向", "error"),  # 100% (0.50 of 10 before) or 1%?
    ("≥95%", 2, "正向", "error"),  # 200% (full marks before) or 2%?
    ("≥95%", 1.2, "正向", "error"),
    ("≤5%", 1.5, "反向", "0.015"),  # ten times the target: 1.5%
    ("≤5%", 2, "反向", "0.02"),
]


@pytest.mark.parametrize(("target", "actual", "direction", "outcome"), CASES)
@pytest.mark.parametrize("where", ["department", "project"])
def test_a_rate_typed_between_1_and_2_is_never_read_silently(
    where: str, target: str, actual: Any, direction: str, outcome: str
) -> None:
    ev = department(target, actual, direction) if where == "department" else a_project(target, actual, direction)
    cell = "绩效指标!G4" if where == "department" else "项目指标!H4"
    at_cell = [f for f in ev.findings if f.location == cell]
    if outcome == "error":
        assert [f.code for f in at_cell] == ["input_percent_ambiguous"], [f.as_line() for f in ev.findings]
        assert not ev.ok and ev.as_json()["score"]["total"] is None
        assert f"{float(actual) * 100:g}%" in at_cell[0].message and f"{actual}%" in at_cell[0].message
        return
    assert ev.ok, [f.as_line() for f in ev.findings.errors]
    assert [f.code for f in at_cell] == ["input_percent_points"]
    indicators = ev.score.indicators if where == "department" else ev.projects.projects[0].score.indicators  # type: ignore[union-attr]
    assert str(indicators[0].indicator.actual) == outcome


def test_one_beside_a_target_of_100_percent_is_100_percent_as_excel_stores_it() -> None:
    ev = a_project("≥95%", 1, "正向")
    assert ev.ok and not [f for f in ev.findings if f.location == "项目指标!H4"]
    assert ev.projects.projects[0].score.indicators[0].score == 10  # type: ignore[union-attr]
