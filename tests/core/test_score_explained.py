"""No score without a reason: whenever the 自评得分 cannot be computed, an error says why (and
nothing is written), never a report or a summary with ok: true and a null score."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from addin.example.data import EXAMPLE_TABLES
from addin.workbook.template import evaluate_tables
from tests.contract.test_real_input import assert_nothing_written, codes

Tables = dict[str, list[list[Any]]]


def _no_indicators(t: Tables) -> None:
    t["tblIndicators"] = []


def _all_not_applicable(t: Tables) -> None:
    for row in t["tblIndicators"]:
        row[8] = "不适用"


def _no_actual(t: Tables) -> None:
    t["tblIndicators"][0][6] = None


def _unknown_method(t: Tables) -> None:
    t["tblIndicators"][0][8] = "按规定计分"


def _unreadable_weights(t: Tables) -> None:
    for row in t["tblIndicators"]:
        row[3] = "十分"


def _qualitative_without_score(t: Tables) -> None:
    t["tblIndicators"][4][9] = None


@pytest.mark.parametrize(
    "edit",
    [_no_indicators, _all_not_applicable, _no_actual, _unknown_method, _unreadable_weights, _qualitative_without_score],
)
def test_a_missing_score_always_has_an_error(edit: Callable[[Tables], None]) -> None:
    tables = copy.deepcopy(EXAMPLE_TABLES)
    edit(tables)
    evaluation = evaluate_tables(tables)
    assert evaluation.score.total is None or not evaluation.ok
    assert not evaluation.ok
    assert evaluation.as_json()["score"]["total"] is None
    assert "score_not_computed" not in codes(evaluation)  # each kind has its own reason


def test_no_indicators_is_an_error_at_the_header(make_workbook: Callable[..., Path], tmp_path: Path) -> None:
    """A 绩效指标 table left empty: 分值 0 against 指标总分 100, at the 分值 header; nothing written."""
    path = make_workbook(tblIndicators=[])
    evaluation = evaluate_tables({**copy.deepcopy(EXAMPLE_TABLES), "tblIndicators": []})
    assert codes(evaluation)["score_no_indicators"] == {"绩效指标!D3"}
    assert "分值合计 0，与指标总分 100 不一致" in evaluation.findings.errors[0].message
    assert_nothing_written(path, tmp_path)
