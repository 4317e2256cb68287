"""A number cell holding NaN or infinity: a located error, never a crash or a figure.

Excel never saves such a value, but a damaged or program-written file can ("NaN", "inf" or
"1e999" in a <v> element), and python-calamine reads it as a float that no Decimal figure may
come from. Every number cell of every input sheet is tried, the ledger's column-wise path too.
"""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from addin.errors import UnusableInput
from addin.headless import evaluate_file

Make = Callable[..., Path]
# An untyped number cell without a formula: <c r="D4" s="12"><v>7215.46</v></c>.
_NUMBER_CELL = re.compile(rb'(<c r="([A-Z]+\d+)"(?: s="\d+")?><v>)[-\d.E]+(</v></c>)')
SHEETS = {  # sheet part → sheet name, as the builder writes them
    "sheet1": "基本信息",
    "sheet2": "预算执行",
    "sheet3": "采购合同",
    "sheet4": "采购汇总",
    "sheet5": "绩效指标",
    "sheet6": "计分规则",
    "sheet8": "项目",
    "sheet9": "项目资金",
    "sheet10": "项目指标",
}


def poisoned(path: Path, part: str, token: bytes) -> tuple[Path, list[str]]:
    """A copy with every plain number cell of ``part`` holding ``token``; the cells changed."""
    member = f"xl/worksheets/{part}.xml"
    target = path.with_name(f"{part}-{token.decode()}.xlsx")
    cells: list[str] = []

    def change(match: re.Match[bytes]) -> bytes:
        cells.append(match.group(2).decode())
        return match.group(1) + token + match.group(3)

    with zipfile.ZipFile(path) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for name in src.namelist():
            data = src.read(name)
            out.writestr(name, _NUMBER_CELL.sub(change, data) if name == member else data)
    return target, cells


@pytest.mark.parametrize("token", [b"NaN", b"inf", b"-inf", b"1e999"])
@pytest.mark.parametrize("part", SHEETS)
def test_a_non_finite_number_is_an_error_at_its_cell(part: str, token: bytes, make_workbook: Make) -> None:
    path, cells = poisoned(make_workbook(), part, token)
    assert cells
    try:
        ev = evaluate_file(path)
    except UnusableInput:
        return  # refused whole, with its message: no figure either
    assert not ev.ok
    located = {f.location for f in ev.findings if f.code == "input_not_finite"}
    # Each sheet names its cells (评价年度 is refused as a year instead).
    assert located or part == "sheet1", [f.message for f in ev.findings if f.severity == "error"]
    assert located <= {f"{SHEETS[part]}!{cell}" for cell in cells}
    for where in located:  # said once: no second error ("实际值为空") at the same cell
        assert [f.location for f in ev.findings.errors].count(where) == 1, where


def test_the_cli_says_where_and_exits_1_without_writing(make_workbook: Make) -> None:
    path, _ = poisoned(make_workbook(), "sheet3", b"inf")  # 采购合同: the ledger's fast paths
    before = path.read_bytes()
    result = subprocess.run(
        [sys.executable, "-m", "addin", "generate", str(path)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "采购合同!D" in result.stdout + result.stderr and "Traceback" not in result.stderr
    assert "程序内部错误" not in result.stdout + result.stderr
    assert path.read_bytes() == before


# Amount sheets: 预算执行, 采购合同, 采购汇总, 项目资金.
AMOUNT_PARTS = ("sheet2", "sheet3", "sheet4", "sheet9")


@pytest.mark.parametrize("token", [b"1E+30", b"9.99999999999999E+307", b"1E+16"])
@pytest.mark.parametrize("part", AMOUNT_PARTS)
def test_an_amount_no_real_figure_reaches_is_an_error_at_its_cell(part: str, token: bytes, make_workbook: Make) -> None:
    path, cells = poisoned(make_workbook(), part, token)
    ev = evaluate_file(path)
    assert not ev.ok
    located = {f.location for f in ev.findings if f.code == "input_amount_impossible"}
    assert located and located <= {f"{SHEETS[part]}!{cell}" for cell in cells}
    assert "超过 1 亿亿元" in next(f.message for f in ev.findings if f.code == "input_amount_impossible")


@pytest.mark.parametrize("token", [b"1E-300", b"1E+300", b"-1E-300"])
@pytest.mark.parametrize("part", SHEETS)
def test_extreme_numbers_anywhere_never_crash_the_run(part: str, token: bytes, make_workbook: Make) -> None:
    path, _ = poisoned(make_workbook(), part, token)
    try:
        ev = evaluate_file(path)
    except UnusableInput:
        return
    ev.as_json()  # every figure presented, at whatever size
    for finding in ev.findings:
        assert len(finding.message) < 600, finding.message  # no 300-digit figure spelt out


def test_a_ratio_over_a_base_near_zero_is_rounded_not_refused() -> None:
    from decimal import Decimal

    from addin.core.amount_pair import amount_pair
    from addin.core.numbers import round_half_up

    assert round_half_up(Decimal("9326.11") / Decimal("1E-300"), 2) == Decimal("9326.11E+300")
    assert amount_pair(Decimal("1E-300"), Decimal(0), "万元").first == "0.000000000000 万元"
