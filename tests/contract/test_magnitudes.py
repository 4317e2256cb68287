"""An amount in the wrong unit (core/plausibility.py, and number formats that show 元 as 万元),
and the typed 项目绩效自评完成率 beside the projects' own: warnings naming the cell, built in
code from the example; the example and every shared real-input case get none of the new ones."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from addin.headless import evaluate_file

from .test_real_input import CASES, assert_reference, codes

Tables = dict[str, list[list[Any]]]

# What this work added that a clean workbook must not get.
NEW_CODES = frozenset(
    {
        "plausibility_unit_magnitude",
        "plausibility_contract_exceeds_budget",
        "plausibility_category_exceeds_budget",
        "plausibility_procurement_exceeds_budget",
        "plausibility_project_exceeds_budget",
        "input_amount_scaled_format",
        "input_row_repeated",
        "input_identifier_repeated",
        "input_merged_unit",
        "input_actual_bound",
    }
)


def _warnings(ev: Any, code: str) -> list[Any]:
    return [f for f in ev.findings if f.code == code]


def test_a_contract_typed_in_yuan_is_named(edited: Callable[..., Path], example_tables: Tables) -> None:
    contracts = example_tables["tblContracts"]
    contracts[3][3] = 5860600  # GZWB-2023-004: 586.06 万元 typed in 元, at 采购合同!D7
    ev = evaluate_file(edited(tblContracts=contracts, tblProcurement=[]))
    [warning] = _warnings(ev, "plausibility_contract_exceeds_budget")
    assert warning.location == "采购合同!D7" and "疑似按元填写，本表金额单位为万元" in warning.message
    assert "9,326.11 万元" in warning.message


def test_a_category_typed_in_yuan_is_named(edited: Callable[..., Path], example_tables: Tables) -> None:
    summary = example_tables["tblProcurement"]
    summary[2][1] = 15446300  # 服务 at 采购汇总!B6
    ev = evaluate_file(edited(tblContracts=[], tblProcurement=summary))
    assert codes(ev)["plausibility_category_exceeds_budget"] == {"采购汇总!B6"}


def test_a_budget_row_in_yuan_is_named(edited: Callable[..., Path], example_tables: Tables) -> None:
    budget = example_tables["tblBudget"]
    budget[0][2:6] = [68500000, 72154600, 69683300, 69901200]
    ev = evaluate_file(edited(tblBudget=budget))
    [warning] = _warnings(ev, "plausibility_unit_magnitude")
    assert warning.location == "预算执行!D4" and "疑似按元填写" in warning.message


def test_a_project_typed_in_yuan_is_named(edited: Callable[..., Path], example_tables: Tables) -> None:
    funds = example_tables["tblProjectFunds"]
    funds[3][2:5] = [3000000, 3205000, 3378600]  # 国际友好城市交流合作项目 财政拨款, at 项目资金!D7
    ev = evaluate_file(edited(tblProjectFunds=funds))
    [warning] = _warnings(ev, "plausibility_project_exceeds_budget")
    assert warning.location == "项目资金!D7" and "9,647.82 万元" in warning.message
    assert "疑似按元填写" in warning.message


def test_projects_and_contracts_a_few_times_a_small_department_are_checked_not_converted(
    edited: Callable[..., Path], example_tables: Tables
) -> None:
    """The example's projects (1,250 万元 …) and contracts under a department of 200 万元: more than
    its whole year, not by a unit factor: "请核实", never "疑似按元填写 … 请换算"."""
    budget = example_tables["tblBudget"][:1]
    budget[0][2:6] = [200, 200, 193.33, 193.33]
    ev = evaluate_file(edited(tblBudget=budget))
    funds = _warnings(ev, "plausibility_project_exceeds_budget")
    assert funds and funds[0].location == "项目资金!D4" and "1,250.00 万元" in funds[0].message
    contracts = _warnings(ev, "plausibility_contract_exceeds_budget")
    assert contracts and "请核实（跨年度合同按合同总额填写时可能如此" in contracts[0].message
    for warning in funds + contracts:
        assert "疑似" not in warning.message and "请换算" not in warning.message
        assert "请核实" in warning.message


@pytest.mark.parametrize("code", ["0!.0000", "#,##0!.0000", '0"."0000'])
def test_yuan_shown_as_wan_by_a_number_format_is_named_at_the_cell(
    edited: Callable[..., Path], example_tables: Tables, code: str
) -> None:
    budget = example_tables["tblBudget"]
    budget[0][2:6] = [68500000, 72154600, 69683300, 69901200]

    def edit(wb: openpyxl.Workbook) -> None:
        for col in "CDEF":
            wb["预算执行"][f"{col}4"].number_format = code

    ev = evaluate_file(edited(edit, tblBudget=budget))
    [warning] = _warnings(ev, "input_amount_scaled_format")
    assert warning.location == "预算执行!C4"
    assert "显示为 6850.0000，实际数值为 68500000" in warning.message and "共 4 个" in warning.message
    assert "疑似按元填写、按万元显示" in warning.message


def test_the_example_keeps_its_typed_completion_rate_with_a_warning(example_path: Path) -> None:
    ev = evaluate_file(example_path)
    assert_reference(ev)  # 97.96 on the typed 97.3%
    [warning] = _warnings(ev, "score_completion_typed_differs")
    assert warning.location == "绩效指标!G12"
    assert "97.3%" in warning.message and "100.00%" in warning.message and "数据来源" in warning.message


def test_no_completion_warning_when_it_agrees_or_comes_from_the_projects(
    edited: Callable[..., Path], example_tables: Tables
) -> None:
    rows = example_tables["tblIndicators"]
    rows[8][6] = 1.0  # the projects' 100.00% typed
    ev = evaluate_file(edited(tblIndicators=rows))
    assert not _warnings(ev, "score_completion_typed_differs")
    rows[8][6:8] = [None, "项目绩效自评完成率"]
    ev = evaluate_file(edited(tblIndicators=rows, name="source.xlsx"))
    assert not _warnings(ev, "score_completion_typed_differs")
    assert ev.as_json()["score"]["total"] is not None
    # Without project tables the typed figure stands alone.
    bare = {name: [] for name in ("tblProjects", "tblProjectFunds", "tblProjectIndicators")}
    assert not _warnings(evaluate_file(edited(name="bare.xlsx", **bare)), "score_completion_typed_differs")


def _cases() -> list[Path]:
    return sorted(CASES.glob("*.xlsm")) + sorted((CASES / "batch-partial").glob("*.xlsm"))


@pytest.mark.skipif(not CASES.exists(), reason="shared real-input cases not present")
def test_clean_and_real_input_workbooks_get_none_of_the_new_findings(example_path: Path) -> None:
    cases = _cases()
    assert len(cases) >= 12
    for path in [example_path, *cases]:
        ev = evaluate_file(path)
        assert not {f.code for f in ev.findings} & NEW_CODES, (path.name, [f.as_line() for f in ev.findings])
