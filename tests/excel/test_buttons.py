"""The Excel door on xlwings' own remote engine: what the buttons queue is what Excel would do."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlwings as xw

from addin import buttons
from addin.contract import schema
from addin.example.data import EXAMPLE_NOTE, EXAMPLE_TABLES
from addin.workbook.builder import BuildOptions, build_workbook

from .doors import assert_same_sheets, run_button
from .payload import payload

INPUT_SHEETS = {spec.sheet for spec in schema.ALL_TABLES}


def test_generate_report_equals_the_headless_report_cell_for_cell(example_path: Path, tmp_path: Path) -> None:
    replay, _ = run_button(buttons.generate_report, example_path)
    assert len(replay.state[schema.REPORT_SHEET].values) > 40
    projects = ("项目自评汇总", "项目自评-1", "项目自评-2", "项目自评-3")
    compared = assert_same_sheets(replay, example_path, tmp_path, (schema.REPORT_SHEET, *projects))
    assert compared[schema.REPORT_SHEET] > 200 and all(compared[name] > 40 for name in projects)
    assert tuple(replay.sheets[-4:]) == projects
    links = replay.state["项目自评汇总"].links
    assert sorted(links.values()) == ["#'项目自评-1'!A1", "#'项目自评-2'!A1", "#'项目自评-3'!A1"]
    assert [a[0] for a in replay.alerts] == [
        "报告已生成：自评得分 97.96 分，评价等级“优”。已生成 3 个项目的项目支出绩效自评表（项目绩效自评完成率 "
        "100.00%），汇总见“项目自评汇总”。有 3 处警告，见“校验结果”工作表。"
    ]


def test_no_action_touches_an_input_sheet(example_path: Path) -> None:
    replay, _ = run_button(buttons.generate_report, example_path)
    projects = {"项目自评汇总", "项目自评-1", "项目自评-2", "项目自评-3"}
    assert replay.touched == {schema.REPORT_SHEET, schema.CHECKS_SHEET} | projects
    assert replay.sheets[-6:-4] == [schema.REPORT_SHEET, schema.CHECKS_SHEET]


def _hundredfold(path: Path) -> Path:
    tables = copy.deepcopy(EXAMPLE_TABLES)
    contracts = []
    for row in tables["tblContracts"]:
        for i in range(100):
            copy_row = list(row)
            copy_row[0] = f"{row[0]}-{i:03d}"
            copy_row[3] = round(row[3] / 100, 6)  # 100 × 0.7213 is exactly 72.13 in Decimal
            contracts.append(copy_row)
    tables["tblContracts"] = contracts
    build_workbook(path, tables, BuildOptions(note=EXAMPLE_NOTE))
    return path


def test_round_trips_do_not_grow_with_contract_rows(example_path: Path, tmp_path: Path) -> None:
    _, small = run_button(buttons.generate_report, example_path)
    big_replay, big = run_button(buttons.generate_report, _hundredfold(tmp_path / "big.xlsx"))
    assert big_replay.alerts[-1][3] == "info", big_replay.alerts
    print(f"\nxlwings actions per full report: {len(small)} (9 contracts), {len(big)} (900 contracts)")
    assert len(small) == len(big)
    assert [a["func"] for a in small] == [a["func"] for a in big]
    assert (
        big_replay.state[schema.REPORT_SHEET].values
        == run_button(buttons.generate_report, example_path)[0].state[schema.REPORT_SHEET].values
    )


def test_bad_data_gives_one_alert_and_the_findings_sheet(
    make_workbook: Callable[..., Path], example_tables: dict[str, Any]
) -> None:
    example_tables["tblBudget"][1][4] = "约九千万"
    replay, _ = run_button(buttons.generate_report, make_workbook(example_tables))
    assert len(replay.alerts) == 1
    message, _, _, mode, _ = replay.alerts[0]
    assert mode == "critical" and "1 处错误" in message and "校验结果" in message
    assert replay.touched == {schema.CHECKS_SHEET}
    values = replay.state[schema.CHECKS_SHEET].values
    row = next(r for (r, c), v in values.items() if v == "预算执行!E5")
    assert values[(row, 0)] == "错误" and "约九千万" in values[(row, 2)]


def test_unusable_workbook_gives_one_alert_naming_what_is_missing(make_workbook: Callable[..., Path]) -> None:
    path = make_workbook()
    wb = openpyxl.load_workbook(path)
    wb.remove(wb["绩效指标"])
    wb.save(path)
    replay, _ = run_button(buttons.generate_report, path)
    assert len(replay.alerts) == 1 and "绩效指标" in replay.alerts[0][0]
    assert replay.touched == {schema.CHECKS_SHEET}


def test_check_inputs_lists_findings_without_a_report(example_path: Path) -> None:
    replay, _ = run_button(buttons.check_inputs, example_path)
    assert replay.touched == {schema.CHECKS_SHEET}
    # 执行数 vs 支出数, the typed 项目绩效自评完成率 beside the projects', the project over its budget
    assert replay.alerts[0][0] == "校验完成：0 处错误，3 处警告。"


def test_rerunning_replaces_the_report_sheets_in_place(example_path: Path) -> None:
    data = payload(example_path)
    book = xw.Book(json=copy.deepcopy(data))
    buttons.generate_report(book)
    first = len(book.json()["actions"])
    names = [s.name for s in book.sheets]
    assert names[-6:-4] == [schema.REPORT_SHEET, schema.CHECKS_SHEET]
    buttons.generate_report(book)
    assert [s.name for s in book.sheets] == names
    second = book.json()["actions"][first:]
    assert [a["func"] for a in second].count("sheetDelete") == 6  # two report sheets, four project sheets


@pytest.mark.parametrize("value", ["=1+1", "+SUM(A1)", "-3", "@x"])
def test_formula_like_text_is_written_as_text(
    value: str, make_workbook: Callable[..., Path], example_tables: dict[str, Any]
) -> None:
    example_tables["tblIndicators"][3][10] = value
    replay, _ = run_button(buttons.generate_report, make_workbook(example_tables))
    written = [v for v in replay.state[schema.REPORT_SHEET].values.values() if isinstance(v, str) and value in v]
    assert written and all(not v.startswith(("=", "+", "-", "@")) for v in written)


@pytest.mark.parametrize("broken", [False, True])
def test_screen_updating_is_off_during_the_work_and_back_on_after(
    broken: bool, make_workbook: Callable[..., Path], example_tables: dict[str, Any]
) -> None:
    if broken:
        example_tables["tblBudget"][1][4] = "约九千万"
    _, actions = run_button(buttons.generate_report, make_workbook(example_tables))
    switches = [a["args"][0] for a in actions if a["func"] == "setScreenUpdating"]
    assert switches == [False, True]
    assert actions[0]["func"] == "setScreenUpdating"
    writes = [i for i, a in enumerate(actions) if a["func"] == "setValues"]
    off, on = (i for i, a in enumerate(actions) if a["func"] == "setScreenUpdating")
    assert all(off < i < on for i in writes)
