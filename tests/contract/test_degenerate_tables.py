"""Excel Tables of degenerate shape (only a header row, a reversed range, a range over whole
columns, …) are read as what they hold, and a python-calamine panic or reading error is one
located message: never a Rust backtrace, a traceback or a crashed batch."""

from __future__ import annotations

import os
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
import python_calamine as calamine

from addin.batch import collect
from addin.cli import main
from addin.contract.calamine_guard import calamine_guard
from addin.errors import UnusableInput, is_native_panic
from addin.headless import evaluate_file
from tests.contract.test_real_input import assert_reference, summary_json_and_peak_rss

__all__ = ["empty_ledger"]

Edit = Callable[[openpyxl.Workbook], None]


def empty_ledger(ref: str = "A3:G3", **attributes: int) -> Edit:
    """tblContracts emptied and given ``ref`` (what some exporters write for an empty table)."""

    def edit(wb: openpyxl.Workbook) -> None:
        ws = wb["采购合同"]
        ws.delete_rows(4, ws.max_row)
        table = ws.tables["tblContracts"]
        table.ref = ref
        table.autoFilter = None
        for name, value in attributes.items():
            setattr(table, name, value)

    return edit


def table_ref(ref: str, **attributes: int) -> Edit:
    """tblContracts keeps its nine contracts (rows 4–12) and is given ``ref``."""

    def edit(wb: openpyxl.Workbook) -> None:
        table = wb["采购合同"].tables["tblContracts"]
        table.ref = ref
        table.autoFilter = None
        for name, value in attributes.items():
            setattr(table, name, value)

    return edit


def _no_crash_output(err: str) -> None:
    assert "panicked" not in err and "Traceback" not in err and "RUST_BACKTRACE" not in err, err


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(empty_ledger("A3:G3"), id="header-row-only"),
        pytest.param(empty_ledger("A3"), id="one-cell-ref-seven-columns"),
        pytest.param(empty_ledger("G3:A3"), id="header-row-only-reversed"),
        pytest.param(empty_ledger("A3:G4", totalsRowCount=1), id="header-and-totals-rows-only"),
        pytest.param(table_ref("G12:A3"), id="reversed-range-with-data"),
        pytest.param(table_ref("A3:G500"), id="range-below-the-sheet-data"),
        pytest.param(table_ref("A4:G12", headerRowCount=0), id="no-header-row"),
    ],
)
def test_degenerate_table_shapes_read_as_what_they_hold(
    edit: Edit, edited: Callable[..., Path], capfd: pytest.CaptureFixture[str]
) -> None:
    # The procurement figures come from 采购汇总 when the ledger is empty, from both otherwise:
    # either way the reference figures, with no ledger/summary disagreement.
    ev = evaluate_file(edited(edit))
    assert_reference(ev)
    assert not [f for f in ev.findings if f.location.startswith("采购合同")]
    _no_crash_output(capfd.readouterr().err)


def test_header_only_table_every_command_exits_0(
    edited: Callable[..., Path], tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    path = edited(empty_ledger())
    before = path.read_bytes()
    assert main(["summary", str(path)]) == 0
    assert main(["check", str(path)]) == 0
    assert main(["docx", str(path), "-o", str(tmp_path / "r.docx")]) == 0
    assert main(["generate", str(path), "-o", str(tmp_path / "out.xlsx")]) == 0
    assert path.read_bytes() == before
    captured = capfd.readouterr()
    assert "自评得分 97.96 优" in captured.out  # the headline figures (addin/report/headline.py)
    _no_crash_output(captured.err)
    rows = collect([path], workers=1)
    assert not rows[0].failure and rows[0].score is not None and str(rows[0].score) == "97.96"


def test_a_table_over_whole_columns_costs_what_its_data_cost(edited: Callable[..., Path]) -> None:
    # Select columns A:G and press Ctrl+T: the table reaches row 1,048,576. python-calamine's
    # table reader allocates every row of it (468 MiB and 3 s for seven columns; read here: 21 MiB).
    data, peak = summary_json_and_peak_rss(edited(table_ref("A3:G1048576")))
    assert data["score"]["total"] == "97.96" and data["procurement"]["total"] == "1758.16"
    assert peak <= 150, f"peak RSS {peak:.0f} MiB"


def test_a_table_range_that_is_not_a_range_is_a_located_message(edited: Callable[..., Path], tmp_path: Path) -> None:
    path = _patched(edited(), tmp_path, "xl/tables/table3.xml", rb'ref="A3:G12"', b'ref="A3:G"')
    with pytest.raises(UnusableInput) as caught:
        evaluate_file(path)
    assert "采购合同" in caught.value.message and "tblContracts" in caught.value.message
    assert "A3:G" in caught.value.message


def test_a_calamine_reading_error_is_a_located_message(
    edited: Callable[..., Path], tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    # A dimension python-calamine cannot parse: CalamineError from the sheet read, once an
    # internal error (exit 3).
    path = _patched(
        edited(), tmp_path, "xl/worksheets/sheet3.xml", rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:"/>'
    )
    assert main(["summary", str(path)]) == 2
    err = capfd.readouterr().err
    # Located, in Chinese; the library's own words are for --debug (the cause), not the clerk.
    assert "采购合同" in err and "读取组件出错" in err and "Calamine" not in err
    _no_crash_output(err)


def test_a_panic_inside_python_calamine_is_a_located_message(
    edited: Callable[..., Path], capfd: pytest.CaptureFixture[str]
) -> None:
    # python-calamine's own table reader panics on a header-only table ("invalid range
    # bounds"); the reader no longer asks it, so ask it here, inside the guard.
    path = edited(empty_ledger())
    where = "工作表“采购合同”的表格 tblContracts"
    with (
        calamine.CalamineWorkbook.from_path(str(path), load_tables=True) as wb,
        pytest.raises(UnusableInput) as caught,
        calamine_guard(path, where),
    ):
        wb.get_table_by_name("tblContracts")
    message = caught.value.message
    assert message.startswith(f"“{path.name}”中工作表“采购合同”的表格 tblContracts无法读取")
    assert "invalid range bounds" not in message  # the library's words are for --debug:
    cause = caught.value.__cause__
    assert cause is not None and is_native_panic(cause) and "invalid range bounds" in str(cause)
    assert any("panicked" in note for note in getattr(cause, "__notes__", []))  # kept for --debug
    _no_crash_output(capfd.readouterr().err)


def test_is_native_panic_tells_a_panic_from_an_interrupt(edited: Callable[..., Path]) -> None:
    path = edited(empty_ledger())
    with calamine.CalamineWorkbook.from_path(str(path), load_tables=True) as wb:
        try:
            wb.get_table_by_name("tblContracts")
        except BaseException as exc:  # the panic (a BaseException) is what this test is after
            panic = exc
    assert not isinstance(panic, Exception) and is_native_panic(panic)
    assert not is_native_panic(KeyboardInterrupt()) and not is_native_panic(ValueError("x"))


def test_output_other_than_a_panic_still_reaches_stderr(capfd: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    with calamine_guard(tmp_path / "x.xlsx", "工作簿"):
        os.write(2, b"a native library's own line\n")
    assert "a native library's own line" in capfd.readouterr().err


def _patched(source: Path, tmp_path: Path, part: str, pattern: bytes, replacement: bytes) -> Path:
    target = tmp_path / ("patched" + source.suffix)
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == part:
                data, n = re.subn(pattern, replacement, data, count=1)
                assert n == 1
            zout.writestr(info, data)
    return target
