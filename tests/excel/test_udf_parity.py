"""The scoring functions give the report's figure or a reason, never another figure.

JX_SCORE and JX_TOTAL_SCORE read their cells with the file reader's own layer and score them
with the core; these tests put the same row into a workbook's tables (as ``check`` reads them)
and into the function (as Excel calls it), and compare.
"""

from __future__ import annotations

import copy
import re
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from addin.contract import schema
from addin.core.numbers import round_half_up
from addin.example.data import EXAMPLE_TABLES
from addin.workbook.template import evaluate_tables

from ..real_forms import chongqing_department
from .test_udfs import call

RULES = [list(schema.RULES.headers), *[[("" if v is None else v) for v in r] for r in EXAMPLE_TABLES["tblRules"]]]


def test_what_a_new_user_met() -> None:
    """Percent points, reverse rows and count units read as ``check`` reads them."""
    assert call("JX_SCORE", "比率", 15, "≥95%", 92) == 14.53  # 92 in a % row is 92%
    assert call("JX_SCORE", "比率", 10, "≤100%", 103, "反向") == 9.71
    assert call("JX_SCORE", "比率", 10, "≥120场", "135场") == 10
    # A target of 1 beside 98: 98% or 98? Without the cell's percent format the sheet asks too.
    assert call("JX_SCORE", "比率", 15, 1, 98).startswith("错误：指标“该指标”的实际值 98 与目标值 1量级相差十倍以上")


def _core(row: list[Any]) -> tuple[Decimal | None, bool, bool]:
    """The row's score on its own 分值 as the file reader and core give it (the row in place of
    the example's first indicator), whether the evaluation had no error at all, and whether an
    error sits on the row itself."""
    tables = copy.deepcopy(EXAMPLE_TABLES)
    tables["tblIndicators"][0] = row
    evaluation = evaluate_tables(tables)
    on_row = any(re.fullmatch(r"绩效指标![A-Z]+4", f.location) for f in evaluation.findings.errors)
    return evaluation.score.indicators[0].raw, evaluation.ok, on_row


_FRACTIONS = st.sampled_from([0.5, 0.8, 0.92, 0.95, 0.973, 1.0, 1.03])
_TYPED = st.one_of(
    _FRACTIONS,
    st.sampled_from([1, 2, 3, 40, 60, 65, 86.5, 92, 95, 97.3, 98, 100, 103, 120, 135]),
    st.sampled_from(["≥95%", "95%", "≤10%", "≤100%", "≥98%", "92%", "103%", "92百分比", "9.5%"]),
    st.sampled_from(["≥120场", "135场", "60场", "≥60个", "2例", "0例", "98", "０.９２", "影响较好", ""]),
)


@settings(max_examples=120)
@given(
    method=st.sampled_from(["比率", "满意度区间", "执行率扣分", "完成率扣分", "定性", "得分系数"]),
    direction=st.sampled_from(["正向", "反向"]),
    target=_TYPED,
    actual=_TYPED,
    name=st.sampled_from(["重点工作任务完成率", "举办活动场次", "服务对象满意度", "国际友好关系城市数量"]),
    coefficient=st.sampled_from([None, 0.76, 1.0]),
)
def test_a_score_is_the_cores_or_a_reason(
    method: str, direction: str, target: Any, actual: Any, name: str, coefficient: Any
) -> None:
    qualitative = method == "定性"
    row = ["履职效能", "重点工作", name, 15, direction, target, None if qualitative else actual]
    row += ["台账", method, actual if qualitative else None, "", coefficient]
    raw, _, on_row = _core(row)
    for label in (name, None):
        got = call("JX_SCORE", method, 15, target, "" if qualitative else actual, direction, RULES, coefficient, label)
        if qualitative:
            got = call("JX_SCORE", method, 15, target, actual, direction, RULES, coefficient, label)
        if isinstance(got, str):
            assert got.startswith("错误：") and len(got) > 6, got
            continue
        # A number where the sheet has none only for a conflict with other rows the function is
        # not given (a rule shared with a project's rate row: 校验数据 names it at the rule).
        assert not on_row, (row, label, got)
        if raw is not None:
            assert got == float(round_half_up(raw, 2)), (row, label, got, raw)


def _variants() -> dict[str, dict[str, list[list[Any]]]]:
    example = copy.deepcopy(EXAMPLE_TABLES)
    initial = copy.deepcopy(EXAMPLE_TABLES)
    for row in initial["tblInfo"]:
        if row[0] == "执行率口径":
            row[1] = "年初预算数"
    not_applicable = copy.deepcopy(EXAMPLE_TABLES)
    not_applicable["tblIndicators"][1][8] = "不适用"
    in_yuan = copy.deepcopy(EXAMPLE_TABLES)
    in_yuan["tblIndicators"][2][4:7] = ["反向", "≤90万元", 850000]
    for row in in_yuan["tblInfo"]:
        if row[0] == "金额单位":
            row[1] = "元"
    return {
        "example": example,
        "年初预算数": initial,
        "不适用": not_applicable,
        "元": in_yuan,
        "重庆": chongqing_department(),
    }


@pytest.mark.parametrize("name", list(_variants()))
def test_total_score_is_the_summarys(name: str) -> None:
    """The advertised formula with every table given is the report's 自评总分 (or a reason
    where the report has none)."""
    tables = _variants()[name]
    evaluation = evaluate_tables(tables)
    expected = evaluation.score.total if evaluation.ok else None
    args = [
        [list(spec.headers), *[[("" if v is None else v) for v in r] for r in tables.get(spec.table, [])]]
        for spec in (schema.INDICATORS, schema.RULES, schema.BUDGET, schema.CONTRACTS, schema.PROCUREMENT, schema.INFO)
    ]
    projects = [
        [list(spec.headers), *[[("" if v is None else v) for v in r] for r in tables.get(spec.table, [])]]
        for spec in schema.PROJECT_TABLES
    ]
    got = call("JX_TOTAL_SCORE", *args, *projects)
    if expected is None:
        assert isinstance(got, str) and got.startswith("错误："), got
    else:
        assert got == float(round_half_up(expected, 2)), (got, expected)
