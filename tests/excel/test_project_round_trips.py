"""The project sheets through the Excel door, on xlwings' remote engine: what each sheet costs
in round trips does not depend on how many projects the workbook holds."""

from __future__ import annotations

import copy
from collections import Counter
from pathlib import Path
from typing import Any

import openpyxl
import xlwings as xw

from addin import buttons
from addin.example.data import EXAMPLE_NOTE, EXAMPLE_TABLES
from addin.headless import generate
from addin.workbook.builder import BuildOptions, build_workbook

from .payload import payload
from .replay import Replay


def _projects(path: Path, copies: int) -> Path:
    """The example with its three projects repeated ``copies`` times (renamed, same figures)."""
    tables = copy.deepcopy(EXAMPLE_TABLES)
    for name in ("tblProjects", "tblProjectFunds", "tblProjectIndicators"):
        tables[name] = [[f"{row[0]}（{n}）", *row[1:]] for n in range(1, copies + 1) for row in EXAMPLE_TABLES[name]]
    build_workbook(path, tables, BuildOptions(note=EXAMPLE_NOTE))
    return path


def _run(path: Path) -> tuple[Replay, dict[str, list[str]]]:
    """The generate button on the workbook; the actions it queued, by the sheet they target."""
    data = payload(path)
    book = xw.Book(json=copy.deepcopy(data))
    buttons.generate_report(book)
    actions: list[dict[str, Any]] = book.json()["actions"]
    sheets = [s["name"] for s in data["sheets"]]
    by_sheet: dict[str, list[str]] = {}
    for a in actions:
        if a["func"] == "addSheet":
            index, name = a["args"]
            sheets.insert(index, name)
            by_sheet.setdefault(name, []).append(a["func"])
        elif a["sheet_position"] is not None:
            name = sheets[a["sheet_position"]]
            by_sheet.setdefault(name, []).append(a["func"])
            if a["func"] == "sheetDelete":
                sheets.pop(a["sheet_position"])
    return Replay.of(data, actions), by_sheet


def test_each_sheet_costs_the_same_whatever_the_number_of_projects(tmp_path: Path) -> None:
    _, three = _run(_projects(tmp_path / "three.xlsx", 1))
    _, thirty = _run(_projects(tmp_path / "thirty.xlsx", 10))
    sixty_replay, sixty = _run(_projects(tmp_path / "sixty.xlsx", 20))
    assert sixty_replay.alerts[-1][3] == "info", sixty_replay.alerts
    assert len([n for n in sixty if n.startswith("项目自评-")]) == 60
    for n in range(1, 61):  # project n has the shape of project (n - 1) % 3 + 1
        assert sixty[f"项目自评-{n}"] == three[f"项目自评-{(n - 1) % 3 + 1}"], n
    # The summary (and the report, whose findings list each project's warning) grow by rows,
    # not by calls: one values block (links included), one height for rows alike, formats by
    # rectangles. (A call or two can differ between a handful of rows and many, where the most
    # common format of the sheet becomes another one.)
    for sheet in ("校验结果", "项目自评汇总"):
        assert thirty[sheet] == sixty[sheet], sheet  # the same calls, in the same order
        assert abs(len(three[sheet]) - len(sixty[sheet])) <= 5, sheet
    # The report's calls depend on where its pages break too (a table's header rows written
    # again on the page it goes on to, report.pages): a few calls more or less, never a row's.
    assert abs(len(three["自评报告"]) - len(sixty["自评报告"])) <= 15
    assert abs(len(thirty["自评报告"]) - len(sixty["自评报告"])) <= 15
    assert Counter(sixty["项目自评汇总"])["setValues"] == 1
    assert len(sixty_replay.state["项目自评汇总"].links) == 60
    per_project = {n: len(three[f"项目自评-{n}"]) for n in (1, 2, 3)}
    print(f"\nxlwings actions per project sheet: {per_project}; summary sheet: {len(sixty['项目自评汇总'])}")
    assert max(per_project.values()) < 150


def test_project_sheets_no_longer_wanted_are_deleted(tmp_path: Path) -> None:
    three = _projects(tmp_path / "three.xlsx", 1)
    with_six = tmp_path / "with-six.xlsx"
    generate(three, with_six, data_from=_projects(tmp_path / "six.xlsx", 2))  # six sheets, three projects
    assert "项目自评-6" in openpyxl.load_workbook(with_six).sheetnames
    replay, by_sheet = _run(with_six)
    assert [n for n in replay.sheets if n.startswith("项目自评")] == [
        "项目自评汇总",
        "项目自评-1",
        "项目自评-2",
        "项目自评-3",
    ]
    assert all(by_sheet[f"项目自评-{n}"] == ["sheetDelete"] for n in (4, 5, 6))
