"""What a clerk typed is used or said to be unused, never dropped silently: a 得分系数 beside another
计分方法, and the 实际值 / 自评得分 / 得分系数 of a 不适用 row. A 得分系数 scores a qualitative row (系数 ×
分值 needs no numeric actual). Department and project indicators alike."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from addin.core import Evaluation
from addin.example.data import EXAMPLE_TABLES
from addin.workbook.template import evaluate_tables

P = "测试项目"


def evaluate(row: list[Any], where: str) -> Evaluation:
    """``row``: 三级指标, 分值, 指标方向, 目标值, 实际值, 计分方法, 自评得分, 得分系数; the rest fills to 100."""
    name, weight, direction, target, actual, method, manual, coefficient = row
    tables = copy.deepcopy(EXAMPLE_TABLES)
    if where == "department":
        typed = [name, weight, direction, target, actual, "台账", method, manual, "原因", coefficient]
        tables["tblIndicators"] = [
            ["履职效能", "重点工作", *typed],
            ["履职效能", "重点工作", "其余", 100 - weight, "正向", "100%", 1, "台账", "比率", None, "", None],
        ]
    else:
        tables["tblProjects"] = [[P, "某局", "本级", 10, "目标", "完成"]]
        tables["tblProjectFunds"] = [[P, "财政拨款", 100, 100, 100]]
        typed = [name, weight, direction, target, actual, method, manual, "原因", coefficient]
        tables["tblProjectIndicators"] = [
            [P, "效益指标", "社会效益指标", *typed],
            [P, "产出指标", "数量指标", "其余", 90 - weight, "正向", "≥10个", "10个", "比率", None, "", None],
        ]
    return evaluate_tables(tables)


def cells(where: str) -> dict[str, str]:
    if where == "department":
        return {
            "实际值": "绩效指标!G4",
            "计分方法": "绩效指标!I4",
            "自评得分": "绩效指标!J4",
            "得分系数": "绩效指标!L4",
        }
    return {"实际值": "项目指标!H4", "计分方法": "项目指标!I4", "自评得分": "项目指标!J4", "得分系数": "项目指标!L4"}


def first(ev: Evaluation, where: str) -> Any:
    if where == "department":
        return ev.score.indicators[0], ev.as_json()["score"]["indicators"][0]
    project = ev.projects.projects[0]
    assert project.score is not None
    return project.score.indicators[0], ev.as_json()["projects"][0]["score"]["indicators"][0]


WHERE = pytest.mark.parametrize("where", ["department", "project"])


@WHERE
@pytest.mark.parametrize(
    "row",
    [
        ["重点工作完成率", 50, "正向", "100%", 0.95, "比率", None, 0.6],  # scored 47.50 by 比率
        ["社会影响", 50, "定性", "显著", "较显著", "定性", 45, 0.6],
    ],
)
def test_a_coefficient_beside_another_method_is_a_warning_naming_both_cells(row: list[Any], where: str) -> None:
    ev = evaluate(row, where)
    assert ev.ok, [f.as_line() for f in ev.findings.errors]
    at = cells(where)
    hit = [f for f in ev.findings if f.code == "score_coefficient_unused"]
    assert [f.location for f in hit] == [at["得分系数"]]
    assert at["计分方法"] in hit[0].message and "60%" in hit[0].message and f"“{row[5]}”" in hit[0].message
    scored, shown = first(ev, where)
    assert scored.raw == (50 * 0.95 if row[5] == "比率" else 45)
    assert shown["coefficient"] is None  # not what scored the row


@WHERE
def test_a_qualitative_row_is_scored_by_its_coefficient(where: str) -> None:
    ev = evaluate(["社会影响", 20, "定性", "显著", "较显著", "得分系数", None, 0.9], where)
    assert ev.ok, [f.as_line() for f in ev.findings.errors]
    scored, shown = first(ev, where)
    assert scored.raw == 18 and shown["coefficient"] == "90.00"


@WHERE
@pytest.mark.parametrize(
    ("actual", "manual", "coefficient", "columns"),
    [
        ("1个", None, None, ["实际值"]),
        (None, 15, None, ["自评得分"]),
        ("1个", 15, 0.5, ["实际值", "自评得分", "得分系数"]),
        (None, None, None, []),
    ],
)
def test_a_not_applicable_row_with_a_typed_value_says_it_is_unused(
    where: str, actual: Any, manual: Any, coefficient: Any, columns: list[str]
) -> None:
    ev = evaluate(["经济效益", 20, "正向", "≥2个", actual, "不适用", manual, coefficient], where)
    assert ev.ok, [f.as_line() for f in ev.findings.errors]
    hit = [f for f in ev.findings if f.code == "score_not_applicable_filled"]
    assert [f.location for f in hit] == [cells(where)[c] for c in columns]
    assert all("不适用" in f.message and "未使用" in f.message for f in hit)
    scored, _ = first(ev, where)
    assert not scored.applicable and scored.score is None
