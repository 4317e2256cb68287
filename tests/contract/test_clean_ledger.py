"""The column-wise ledger reader decides nothing the row-wise reader would decide otherwise.

``clean_ledger`` answers only when every row is a plain contract row; then its ledger equals the
row-wise reader's and the row-wise reader would have said nothing. Tables here are built at the
edge of each condition it tests (and drawn at random from those edges), so a condition it
missed makes the two readers disagree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from addin.contract import schema
from addin.contract.clean_ledger import clean_ledger
from addin.contract.coerce import Coercer
from addin.contract.parse import _contract_rows
from addin.contract.raw import RawTable
from addin.contract.rows import ContractTable
from addin.core.findings import Findings
from addin.core.model import ContractLedger

HEADERS = ["合同编号", "单位名称", "采购类别", "合同金额", "供应商规模", "签订日期", "备注"]
PLAIN = ["HT-001", "某某局第1单位", "货物", 424.43, "微型", dt.date(2023, 7, 21), ""]


def table(rows: Sequence[Sequence[Any]], headers: Sequence[str] = HEADERS, **facts: Any) -> ContractTable:
    raw = RawTable(
        spec=schema.CONTRACTS,
        sheet="采购合同",
        name="tblContracts",
        header_row=3,
        first_col=0,
        headers=list(headers),
        rows=[list(row) for row in rows],
        first_row=4,
        **facts,
    )
    return ContractTable(raw, Findings(), "万元")


def row_wise(t: ContractTable) -> tuple[ContractLedger, Findings]:
    findings = Findings()
    t.findings = findings
    ledger = _contract_rows(t, Coercer(findings, "万元"))
    return ledger, findings


def fields(ledger: ContractLedger) -> tuple[list[Any], ...]:
    return tuple(
        list(v) for v in (ledger.numbers, ledger.units, ledger.categories, ledger.amounts, ledger.sizes, ledger.rows)
    )


def plain(i: int, **changes: Any) -> list[Any]:
    row = dict(zip(HEADERS, PLAIN, strict=True))
    row["合同编号"] = f"HT-{i:03d}"
    row["单位名称"] = f"某某局第{i % 3}单位"
    row["合同金额"] = 100.0 + i
    row.update(changes)
    return list(row.values())


def assert_same(rows: Sequence[Sequence[Any]], **facts: Any) -> ContractLedger | None:
    """Both readers on the same rows: the column-wise one answers only when the row-wise one
    says nothing, and then with the same ledger."""
    clean = clean_ledger(table(rows, **facts))
    ledger, findings = row_wise(table(rows, **facts))
    if clean is not None:
        assert not list(findings), [f.message for f in findings]
        assert fields(clean) == fields(ledger)
    return clean


def test_a_ledger_of_plain_rows_is_read_column_wise_as_the_rows_read_it() -> None:
    rows = [plain(i) for i in range(50)]
    clean = assert_same(rows)
    assert clean is not None
    assert clean.rows == list(range(4, 54)) and str(clean.amounts[7]) == "107.0"


# Each a row that is not plain: the column-wise reader must step aside for the row-wise one.
NOT_PLAIN = {
    "合计 row": plain(99, 合同编号="合计", 单位名称=None, 采购类别=None, 供应商规模=None),
    "小计 row": plain(99, 合同编号="小计", 采购类别=None, 供应商规模=None),
    "blank row": [None] * 7,
    "spaces-only row": ["  ", "\u3000", None, None, None, None, ""],
    "footer line": ["填表人：张三", None, None, None, None, None, None],
    "sample mark in a cell": plain(99, 备注="示例"),
    "sample label in 合同编号": plain(99, 合同编号="示例-001"),
    "sample label in 单位名称": plain(99, 单位名称="（示例）某某局"),
    "amount typed as text": plain(99, 合同金额="424.43"),
    "amount negative": plain(99, 合同金额=-1.0),
    "amount NaN": plain(99, 合同金额=float("nan")),
    "amount blank": plain(99, 合同金额=None),
    "amount no real figure reaches": plain(99, 合同金额=1e12),  # 10^16 元 in 万元
    "amount infinite": plain(99, 合同金额=float("inf")),
    "category not listed": plain(99, 采购类别="其他"),
    "size not listed": plain(99, 供应商规模="小微"),
    "unit with spaces": plain(99, 单位名称=" 某某局第1单位"),
    "unit with half-width bracket": plain(99, 单位名称="某某局(本级)"),
    "unit blank": plain(99, 单位名称=""),
    "date typed as text": plain(99, 签订日期="2023年7月21日"),
    "合同编号 typed as a number": plain(99, 合同编号=20230001.0),
    "first cell opening with a space": plain(99, 合同编号=" HT-099"),
    "repeated row": plain(3),
}


@pytest.mark.parametrize("kind", NOT_PLAIN)
def test_a_row_that_is_not_plain_sends_the_whole_table_to_the_row_wise_reader(kind: str) -> None:
    rows = [plain(i) for i in range(10)]
    rows.insert(5, NOT_PLAIN[kind])
    assert assert_same(rows) is None


def test_a_percent_format_on_an_amount_is_read_row_wise() -> None:
    rows = [plain(i) for i in range(5)]
    assert clean_ledger(table(rows, percent_cells=frozenset({(6, 3)}))) is None


def test_ragged_rows_are_read_row_wise() -> None:
    rows = [plain(i) for i in range(5)]
    rows[2] = rows[2][:6]
    assert clean_ledger(table(rows)) is None


def test_a_ledger_without_合同编号_compares_rows_on_unit_and_amount() -> None:
    headers = [h for h in HEADERS if h != "合同编号"]
    rows = [plain(i)[1:] for i in range(6)]
    assert assert_same_headers(rows, headers) is not None
    rows.append(list(rows[0]))  # a repeated row: the row-wise reader names it
    assert assert_same_headers(rows, headers) is None


def assert_same_headers(rows: list[list[Any]], headers: list[str]) -> ContractLedger | None:
    clean = clean_ledger(table(rows, headers))
    ledger, findings = row_wise(table(rows, headers))
    if clean is not None:
        assert not list(findings)
        assert fields(clean) == fields(ledger)
    return clean


@pytest.mark.parametrize("amount", [1e-05, 0.1 + 0.2, 972.91000000000008, 0.0, 99999999999.99])
def test_amounts_are_the_figures_the_cells_show_on_either_path(amount: float) -> None:
    rows = [plain(i) for i in range(3)]
    rows[1][3] = amount
    clean = assert_same(rows)
    assert clean is not None


# Random tables drawn from plain rows and the edges above: the readers never disagree.
EDGE_VALUES: dict[int, list[Any]] = {
    0: ["HT-1", "HT-1 ", "合计", "小计", "示例-1", "", None, " HT", 1.0, "注：见附件"],
    1: ["某某局", "某某局 ", "某某局(本级)", "某某局（本级）", "", None, "示例单位"],
    2: ["货物", "工程", "服务", "其他", None],
    3: [0.0, 1.5, 1e-05, 1e16, -2.0, float("nan"), "3", None, 0.1 + 0.2],
    4: ["大型", "中型", "小型", "微型", "小微", None],
    5: [dt.date(2023, 1, 1), dt.datetime(2023, 1, 1, 8), None, "", " ", "2023-01-01"],
    6: ["", None, "示例", "备注"],
}


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.integers(0, 9), min_size=7, max_size=7), min_size=1, max_size=8))
def test_random_tables_are_read_alike(picks: list[list[int]]) -> None:
    rows = []
    for i, pick in enumerate(picks):
        row = plain(i)
        for col, choice in enumerate(pick):
            values = EDGE_VALUES[col]
            if choice < len(values):
                row[col] = values[choice]
        rows.append(row)
    assert_same(rows)
