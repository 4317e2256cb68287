"""小计 rows (DESIGN.md, "Total rows"): a subtotal of its group, checked there; never a unit with
blank cells ("未填写"), never compared with the whole table (a 合计 row does that)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from addin.contract.labels import subtotal_of
from addin.example.data import EXAMPLE_TABLES
from addin.headless import evaluate_file
from addin.workbook.template import evaluate_tables
from tests.contract.test_real_input import assert_nothing_written, assert_reference

Rows = list[list[Any]]


@pytest.mark.parametrize(
    ("label", "unit"),
    [
        ("小计", ""),
        ("小 计", ""),
        ("小计：", ""),
        ("小计（万元）", ""),
        ("局本级 小计", "局本级"),
        ("局本级小计", "局本级"),
        ("小计：局本级", "局本级"),
        ("小计(局本级)", "局本级"),
        ("其中：局本级小计", "局本级"),
        ("　小计　", ""),
        ("合计", None),
        ("办本级", None),
        ("小计划单列", None),
        ("小计 局本级", "局本级"),
    ],
)
def test_what_a_subtotal_label_names(label: str, unit: str | None) -> None:
    assert subtotal_of(label) == unit


def _by_unit(rows: Rows, label: Callable[[str], str], *, wrong: float = 0) -> Rows:
    """The ledger grouped by unit, each group closed by a subtotal row, then a 合计 row."""
    out: Rows = []
    units = list(dict.fromkeys(r[1] for r in rows))
    for n, unit in enumerate(units):
        group = [r for r in rows if r[1] == unit]
        out += group
        amount = float(sum(Decimal(str(r[3])) for r in group)) + (wrong if n == 0 else 0)
        out.append([label(unit), None, None, amount, None, None, None])
    out.append(["合计", None, None, float(sum(Decimal(str(r[3])) for r in rows)), None, None, None])
    return out


@pytest.mark.parametrize(
    "label", [lambda u: "小计", lambda u: f"{u} 小计", lambda u: f"小计：{u}", lambda u: f"其中：{u}小计"]
)
def test_a_ledger_with_a_subtotal_after_each_unit(
    label: Callable[[str], str], make_workbook: Callable[..., Path]
) -> None:
    ledger = _by_unit(copy.deepcopy(EXAMPLE_TABLES["tblContracts"]), label)
    evaluation = evaluate_file(make_workbook(tblContracts=ledger))
    assert_reference(evaluation)
    assert not any(f.code == "input_required_blank" for f in evaluation.findings)


def test_a_subtotal_off_its_group_is_an_error_at_its_cell() -> None:
    tables = copy.deepcopy(EXAMPLE_TABLES)
    tables["tblContracts"] = _by_unit(tables["tblContracts"], lambda u: "小计", wrong=1)
    evaluation = evaluate_tables(tables)
    errors = [f for f in evaluation.findings.errors]
    assert [f.code for f in errors] == ["input_subtotal_mismatch"]
    # 办本级's four contracts come first (rows 4–7), its subtotal on row 8.
    assert errors[0].location == "采购合同!D8"
    assert "合同金额 1,257.89 与其上第 4–7 行之和 1,256.89 不一致（相差 1.00）" in errors[0].message
    assert evaluation.as_json()["procurement"]["total"] is None  # withheld: the ledger has an error


def test_a_named_subtotal_sums_its_units_rows_wherever_they_are() -> None:
    tables = copy.deepcopy(EXAMPLE_TABLES)
    office = sum(Decimal(str(r[3])) for r in tables["tblContracts"] if r[1] == "办本级")
    tables["tblContracts"].append(["小计：办本级", None, None, float(office), None, None, None])
    assert evaluate_tables(tables).ok
    tables["tblContracts"][-1][3] = float(office) + 0.01
    (error,) = evaluate_tables(tables).findings.errors
    assert "与单位“办本级”各行之和" in error.message and error.location == "采购合同!D13"


def test_budget_and_procurement_subtotals() -> None:
    tables = copy.deepcopy(EXAMPLE_TABLES)
    budget = tables["tblBudget"]
    tables["tblBudget"] = [budget[0], ["小计", None, *budget[0][2:6], None], *budget[1:]]
    tables["tblBudget"].append(["二级单位小计", None, 2350.0, 2432.36, 2357.78, 2370.13, None])
    evaluation = evaluate_tables(tables)
    assert_reference(evaluation)
    tables["tblBudget"][-1][3] = 2432.37
    (error,) = evaluate_tables(tables).findings.errors
    assert error.location == "预算执行!D9" and "与单位级次为“二级”的各行之和 2,432.36" in error.message
    tables = copy.deepcopy(EXAMPLE_TABLES)
    tables["tblProcurement"].append(["小计", 1758.16, 1172.1, 126.34])
    tables["tblContracts"] = []
    assert evaluate_tables(tables).ok


def test_a_subtotal_with_nothing_above_it() -> None:
    tables = copy.deepcopy(EXAMPLE_TABLES)
    tables["tblBudget"].insert(0, ["小计", None, None, 1, None, None, None])
    (error,) = evaluate_tables(tables).findings.errors
    assert error.code == "input_subtotal_empty" and error.location == "预算执行!4:4"


# -- a subtotal naming a 级次 or a 采购类别 (合计/汇总/小计 whatever 单位级次 says) --------------------

_LEVEL2 = [2350.0, 2432.36, 2357.78, 2370.13]  # the three 二级 units of the example (rows 5–7)


@pytest.mark.parametrize(
    ("label", "level"),
    [
        ("二级单位合计", "二级"),
        ("二级单位汇总", "二级"),
        ("二级单位小计", None),
        ("二级单位合计（万元）", None),
        ("所属单位合计", "二级"),  # names no 级次: the 单位级次 typed in its own row says which rows
        ("二级单位总计", "本级"),  # the label names 二级: its own cell does not make it a unit
    ],
)
def test_a_subtotal_naming_a_level_is_never_a_unit(label: str, level: str | None) -> None:
    tables = copy.deepcopy(EXAMPLE_TABLES)
    tables["tblBudget"].append([label, level, *_LEVEL2, None])
    assert_reference(evaluate_tables(tables))  # 全年预算数 9,647.82, not 12,080.18
    tables["tblBudget"][-1][3] = 2432.46
    evaluation = evaluate_tables(tables)
    (error,) = evaluation.findings.errors
    assert error.location == "预算执行!D8"
    assert "与单位级次为“二级”的各行之和 2,432.36 不一致（相差 0.10）" in error.message
    assert evaluation.as_json()["budget"]["total"] is None


def test_a_subtotal_row_that_is_off_is_refused_and_nothing_is_written(
    make_workbook: Callable[..., Path], tmp_path: Path
) -> None:
    off = ["二级单位合计", "二级", 2350.0, 2500, 2357.78, 2370.13, None]
    budget = [*copy.deepcopy(EXAMPLE_TABLES["tblBudget"]), off]
    path = make_workbook(tblBudget=budget)
    assert_nothing_written(path, tmp_path)


@pytest.mark.parametrize("label", ["服务小计", "服务类小计", "小计：服务"])
def test_a_category_subtotal_in_the_ledger_sums_that_category(label: str) -> None:
    tables = copy.deepcopy(EXAMPLE_TABLES)
    tables["tblContracts"].append([label, None, "服务", 1544.63, None, None, None])  # the six 服务 contracts
    tables["tblProcurement"] = []
    evaluation = evaluate_tables(tables)
    assert evaluation.ok and evaluation.as_json()["procurement"]["total"] == "1758.16"
    tables["tblContracts"][-1][3] = 1544.00
    (error,) = evaluate_tables(tables).findings.errors
    assert error.location == "采购合同!D13"
    assert "与采购类别为“服务”的各行之和 1,544.63 不一致（相差 0.63）" in error.message


@pytest.mark.parametrize("label", ["政府采购合计", "采购合计"])
def test_a_procurement_total_named_for_procurement_is_the_total_row(label: str) -> None:
    tables = copy.deepcopy(EXAMPLE_TABLES)
    tables["tblProcurement"].append([label, 1758.16, 1172.10, 126.34])
    evaluation = evaluate_tables(tables)
    assert evaluation.ok and evaluation.as_json()["procurement"]["total"] == "1758.16"
    tables["tblProcurement"][-1][1] = 1758.17
    assert [f.code for f in evaluate_tables(tables).findings.errors] == ["procurement_category_sum"]


@pytest.mark.parametrize(
    ("label", "named"),
    [
        ("二级单位合计", "二级单位"),
        ("所属单位汇总", "所属单位"),
        ("服务小计", "服务"),
        ("部门合计", None),
        ("汇总表", None),
    ],
)
def test_what_a_total_word_names(label: str, named: str | None) -> None:
    assert subtotal_of(label) == named
