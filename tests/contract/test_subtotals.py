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
from tests.contract.test_real_input import assert_reference

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
    assert error.location == "预算执行!D9" and "其上第 6–8 行之和 2,432.36" in error.message
    tables = copy.deepcopy(EXAMPLE_TABLES)
    tables["tblProcurement"].append(["小计", 1758.16, 1172.1, 126.34])
    tables["tblContracts"] = []
    assert evaluate_tables(tables).ok


def test_a_subtotal_with_nothing_above_it() -> None:
    tables = copy.deepcopy(EXAMPLE_TABLES)
    tables["tblBudget"].insert(0, ["小计", None, None, 1, None, None, None])
    (error,) = evaluate_tables(tables).findings.errors
    assert error.code == "input_subtotal_empty" and error.location == "预算执行!4:4"
