"""Bound words after (or around) a target's number: "96%以上", "100%以内", "96%（含）以上",
"控制在100%以内", "60场以上" read as ≥/≤ with the number and its unit, wherever a target is
read: the department's 绩效指标, the projects' 年度指标值 and JX_SCORE (one parser, ``bounds``)."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pytest

from addin.contract.bounds import AT_LEAST, AT_MOST, split_bound
from addin.contract.values import TypedValue, read_value_text
from addin.example.data import EXAMPLE_TABLES
from addin.workbook.template import evaluate_tables
from tests.excel.test_udfs import call

_ASSET = 10  # 固定资产账实相符率, 5 points, 正向
_THREE_PUBLIC = 11  # “三公”经费控制率, 10 points, 反向
_EVENTS = 1  # 举办重要国际会议及活动场次, 10 points, 60/65


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("96%以上", TypedValue(Decimal("0.96"), "%", AT_LEAST)),
        ("96%（含）以上", TypedValue(Decimal("0.96"), "%", AT_LEAST)),
        ("96%(含)以上", TypedValue(Decimal("0.96"), "%", AT_LEAST)),
        ("90%及以上", TypedValue(Decimal("0.9"), "%", AT_LEAST)),
        ("100%以下", TypedValue(Decimal(1), "%", AT_MOST)),
        ("100%以内", TypedValue(Decimal(1), "%", AT_MOST)),
        ("控制在100%以内", TypedValue(Decimal(1), "%", AT_MOST)),
        ("60场以上", TypedValue(Decimal(60), "场", AT_LEAST)),
        ("90万元以内", TypedValue(Decimal(90), "万元", AT_MOST)),
        ("不低于96%", TypedValue(Decimal("0.96"), "%", "不低于")),
        ("至少60场", TypedValue(Decimal(60), "场", "至少")),
    ],
)
def test_bound_words_read_as_a_comparison_keeping_the_unit(text: str, expected: TypedValue) -> None:
    assert read_value_text(text) == expected


def test_a_bound_word_alone_is_no_number() -> None:
    assert read_value_text("以上") is None
    assert split_bound("以上").sense == ""  # nothing before it: not a bound


def _score(tables: dict[str, list[list[Any]]], row: int) -> tuple[str, str, list[str]]:
    ev = evaluate_tables(tables)
    data = ev.as_json()
    return data["score"]["indicators"][row]["score"], data["score"]["total"], [f.code for f in ev.findings.errors]


def _department(row: int, target: Any, actual: Any = None) -> dict[str, list[list[Any]]]:
    tables = copy.deepcopy(EXAMPLE_TABLES)
    tables["tblIndicators"][row][5] = target
    if actual is not None:
        tables["tblIndicators"][row][6] = actual
    return tables


@pytest.mark.parametrize("target", ["96%以上", "96%（含）以上", "96%及以上", "不低于96%"])
def test_a_lower_bound_scores_as_its_sign(target: str) -> None:
    assert _score(_department(_ASSET, target), _ASSET) == _score(_department(_ASSET, "≥96%"), _ASSET)
    assert _score(_department(_ASSET, target), _ASSET)[0] == "4.79"  # 92% of 96%, not of 96


@pytest.mark.parametrize("target", ["100%以下", "100%以内", "控制在100%以内"])
def test_an_upper_bound_scores_as_its_sign(target: str) -> None:
    assert _score(_department(_THREE_PUBLIC, target, "110%"), _THREE_PUBLIC)[0] == "9.09"  # 100/110 of 10


def test_a_count_bound_keeps_its_unit() -> None:
    score, _, errors = _score(_department(_EVENTS, "60场以上", "65场"), _EVENTS)
    assert (score, errors) == ("10.00", [])


def test_a_reverse_row_with_a_lower_bound_word_is_the_contradiction_error() -> None:
    ev = evaluate_tables(_department(_THREE_PUBLIC, "100%以上"))
    found = [(f.code, f.location) for f in ev.findings.errors]
    assert found == [("input_direction_contradicts_target", "绩效指标!E15")]


def test_a_project_target_with_a_bound_word() -> None:
    tables = copy.deepcopy(EXAMPLE_TABLES)
    tables["tblProjectIndicators"][17][6] = "90%以上"  # 外事翻译服务采购项目, 使用单位满意度
    tables["tblProjectIndicators"][17][7] = 0.81
    project = evaluate_tables(tables).as_json()["projects"][2]["score"]
    assert project["indicators"][-1]["score"] == "9.00"
    assert (project["total"], project["grade"]) == ("97.96", "优")


def test_jx_score_reads_bound_words_as_check_does() -> None:
    assert call("JX_SCORE", "比率", 5, "96%以上", 0.92) == call("JX_SCORE", "比率", 5, "≥96%", 0.92)
    assert call("JX_SCORE", "比率", 10, "100%以内", "110%", "反向") == 9.09


@pytest.mark.parametrize("text", ["≥96%以下", "不超过60场以上", "不低于100%以内"])
def test_opposite_bound_words_are_no_target(text: str) -> None:
    assert split_bound(text).contradicts
    assert read_value_text(text) is None


def test_a_target_with_opposite_bound_words_is_an_error_at_its_cell() -> None:
    ev = evaluate_tables(_department(_ASSET, "≥96%以下"))
    errors = [(f.code, f.location) for f in ev.findings.errors]
    assert errors == [("input_target_bounds_contradict", "绩效指标!F14")]
    assert ev.as_json()["score"]["total"] is None
