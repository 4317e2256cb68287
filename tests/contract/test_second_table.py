"""A sheet without an Excel Table holding a second table below the first (last year's, under a
caption): reading stops where it begins, with one warning naming the row; its header and caption
are never read as data (no "单位级次“单位级次”不是可选值")."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import openpyxl

from addin.headless import evaluate_file
from tests.contract.test_real_input import assert_reference


def _second_table(caption: bool) -> Callable[[openpyxl.Workbook], None]:
    def edit(wb: openpyxl.Workbook) -> None:
        ws = wb["预算执行"]
        del ws.tables["tblBudget"]
        row = 9
        if caption:
            ws["A9"] = "附：2022年度预算执行情况"
            row = 10
        for col in "ABCDEFG":
            ws[f"{col}{row}"] = ws[f"{col}3"].value
        for col, value in zip("ABCDEF", ["办本级", "本级", 6000, 6500, 6000, 6000], strict=True):
            ws[f"{col}{row + 1}"] = value

    return edit


def test_a_second_table_under_a_caption_is_not_read(edited: Callable[..., Path]) -> None:
    evaluation = evaluate_file(edited(_second_table(caption=True)))
    assert_reference(evaluation)
    (warning,) = [f for f in evaluation.findings if f.code == "input_second_table"]
    assert warning.location == "预算执行!9:9"
    assert "第 9 行起是另一张表（第 10 行重复了表头），只读取第 4–7 行" in warning.message


def test_a_second_table_right_below_is_not_read(edited: Callable[..., Path]) -> None:
    evaluation = evaluate_file(edited(_second_table(caption=False)))
    assert_reference(evaluation)
    assert [f.location for f in evaluation.findings if f.code == "input_second_table"] == ["预算执行!9:9"]
