"""A clerk's copies of the report sheets are theirs (report/ownership.py): Excel's, WPS's and
LibreOffice's 移动或复制 carries the sheet-level marker along with the sheet, pointing the copy's
at the copy's own A1, so a marker alone cannot tell a copy; the marker's name says which sheet it
was written on. A re-run replaces and removes only our own sheets under their own names, keeps
copies and renamed copies, and says by name what it replaced, removed and kept, in every door."""

from __future__ import annotations

import copy
import re
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.workbook.defined_name import DefinedName

from addin import buttons
from addin.cli import main
from addin.example.data import EXAMPLE_NOTE, EXAMPLE_TABLES
from addin.headless import generate
from addin.report.ownership import marker_name, owned_sheets, plan_sheets
from addin.workbook.builder import BuildOptions, build_workbook

from ..excel.doors import run_button
from ..libreoffice import copy_sheet

ARCHIVE = "【存档】"


def _example(path: Path, projects: int = 3) -> Path:
    tables = copy.deepcopy(EXAMPLE_TABLES)
    keep = [row[0] for row in EXAMPLE_TABLES["tblProjects"][:projects]]
    for name in ("tblProjects", "tblProjectFunds", "tblProjectIndicators"):
        tables[name] = [row for row in tables[name] if row[0] in keep]
    build_workbook(path, tables, BuildOptions(note=EXAMPLE_NOTE))
    return path


def _excel_copy(wb: openpyxl.Workbook, source: str, new_name: str) -> None:
    """What Excel's 移动或复制 → 建立副本 does to names: the copy gets each sheet-level name of
    the original, its references to the original sheet pointing at the copy."""
    original = wb[source]
    ws = wb.copy_worksheet(original)
    ws.title = new_name
    quoted = "'" + source.replace("'", "''") + "'"
    for name, defined in original.defined_names.items():
        text = (defined.attr_text or "").replace(quoted, "'" + new_name + "'")
        ws.defined_names[name] = DefinedName(name, attr_text=text, hidden=defined.hidden)
    ws["A1"] = ARCHIVE + str(ws["A1"].value)


COPIES = {"自评报告": "自评报告 (2)", "项目自评-2": "项目自评-2 (2)", "项目自评汇总": "2024年项目汇总"}


@pytest.fixture
def copied(tmp_path: Path) -> Path:
    """The example generated with 3 projects, then three copies made as Excel makes them (one
    renamed by the clerk) and marked 【存档】 in A1."""
    first = tmp_path / "first.xlsx"
    generate(_example(tmp_path / "book.xlsx"), first)
    wb = openpyxl.load_workbook(first)
    for source, new_name in COPIES.items():
        _excel_copy(wb, source, new_name)
    wb.save(first)
    return first


def _a1(path: Path) -> dict[str, Any]:
    return {ws.title: ws["A1"].value for ws in openpyxl.load_workbook(path).worksheets}


def test_copies_survive_a_rerun_and_only_our_stale_sheets_go(
    copied: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    one = _example(tmp_path / "one.xlsx", projects=1)
    capsys.readouterr()
    assert main(["generate", str(copied), "--from", str(one), "-o", str(tmp_path / "again.xlsx")]) == 0
    out = capsys.readouterr().out
    sheets = _a1(tmp_path / "again.xlsx")
    for new_name in COPIES.values():
        assert str(sheets[new_name]).startswith(ARCHIVE), new_name  # the clerk's copies, whole
    assert "项目自评-2" not in sheets and "项目自评-3" not in sheets  # ours, no longer wanted
    assert not str(sheets["自评报告"]).startswith(ARCHIVE)
    # every replacement, removal and copy kept is named
    assert "已用本次生成的内容替换上次生成的工作表“自评报告”“校验结果”“项目自评汇总”“项目自评-1”。" in out
    assert "已删除上次生成、现已没有对应项目的工作表“项目自评-2”“项目自评-3”。" in out
    assert "工作表“自评报告 (2)”“项目自评-2 (2)”“2024年项目汇总”是本工具所生成工作表的副本或已改名" in out
    checks = openpyxl.load_workbook(tmp_path / "again.xlsx")["校验结果"]
    notes = [row[2] for row in checks.iter_rows(values_only=True) if row[0] == "说明"]
    assert len(notes) == 4 and notes[3].startswith("数据校验码：")  # the data's code last (report.digest)
    assert notes[0].startswith("本工具生成的工作表：“自评报告”“校验结果”“项目自评汇总”“项目自评-1”；")
    assert "“项目自评-2”“项目自评-3”" in notes[1] and "“自评报告 (2)”" in notes[2]


def test_a_copy_keeps_surviving_and_our_sheets_keep_being_replaced(copied: Path, tmp_path: Path) -> None:
    """Twice over: the re-run writes its own markers, the copies keep theirs."""
    again, third = tmp_path / "again.xlsx", tmp_path / "third.xlsx"
    generate(copied, again)
    result = generate(again, third)
    sheets = _a1(third)
    assert all(str(sheets[name]).startswith(ARCHIVE) for name in COPIES.values())
    assert result.removed == () and [s for s in sheets if s.startswith("项目自评-")] == [
        "项目自评-1",
        "项目自评-2",
        "项目自评-3",
        "项目自评-2 (2)",
    ]


def test_a_copy_made_by_libreoffice_survives(tmp_path: Path) -> None:
    first = tmp_path / "first.xlsx"
    generate(_example(tmp_path / "book.xlsx"), first)
    copied = copy_sheet(first, "项目自评-2", "项目自评-2 (2)", tmp_path / "lo-copied.xlsx")
    with zipfile.ZipFile(copied) as z:
        workbook = z.read("xl/workbook.xml").decode()
    # LibreOffice copied the marker with the sheet, pointing at the copy's own A1
    assert re.search(r'name="jixiao_generated_project2"[^>]*>&apos;项目自评-2 \(2\)&apos;!\$A\$1<', workbook)
    result = generate(copied, tmp_path / "again.xlsx", data_from=_example(tmp_path / "one.xlsx", projects=1))
    sheets = _a1(tmp_path / "again.xlsx")
    assert sheets["项目自评-2 (2)"] == "项目支出绩效自评表" and "项目自评-2" not in sheets
    assert result.removed == ("项目自评-2", "项目自评-3")


def _plain_markers(path: Path) -> None:
    """The workbook as an earlier version marked it: every marker plain ``jixiao_generated``."""
    with zipfile.ZipFile(path) as z:
        parts = {info.filename: z.read(info) for info in z.infolist()}
    text = parts["xl/workbook.xml"].decode()
    parts["xl/workbook.xml"] = re.sub(r'name="jixiao_generated_\w+"', 'name="jixiao_generated"', text).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)


def test_a_copy_of_a_sheet_marked_by_an_earlier_version_survives(tmp_path: Path) -> None:
    first = tmp_path / "first.xlsx"
    generate(_example(tmp_path / "book.xlsx"), first)
    _plain_markers(first)
    wb = openpyxl.load_workbook(first)
    _excel_copy(wb, "自评报告", "自评报告 (2)")
    _excel_copy(wb, "项目自评-3", "项目自评-3 (2)")
    wb.save(first)
    result = generate(first, tmp_path / "again.xlsx", data_from=_example(tmp_path / "one.xlsx", projects=1))
    sheets = _a1(tmp_path / "again.xlsx")
    assert str(sheets["自评报告 (2)"]).startswith(ARCHIVE) and str(sheets["项目自评-3 (2)"]).startswith(ARCHIVE)
    assert result.removed == ("项目自评-2", "项目自评-3")  # an earlier version's own sheets still go
    assert result.sheets[:2] == ("自评报告", "校验结果")


def test_ownership_needs_the_marker_of_the_sheets_own_name() -> None:
    assert marker_name("自评报告") == "jixiao_generated_report"
    assert marker_name("项目自评-12 (2)") == "jixiao_generated_project12_2"
    ours, copies = owned_sheets(
        [
            ("自评报告", "jixiao_generated_report"),
            ("自评报告 (2)", "jixiao_generated_report"),  # Excel's copy
            ("项目自评-3", "jixiao_generated_project1"),  # a copy of 项目自评-1 renamed to a name of ours
            ("项目自评-1 (2)", "jixiao_generated_project1_2"),  # our own fallback beside a clerk's sheet
            ("项目自评-1 (3)", "jixiao_generated_project1_2"),  # a copy of that
            ("项目自评-4", "jixiao_generated"),  # an earlier version's marker on a base name
            ("项目自评-4 (2)", "jixiao_generated"),  # ... and on a copy's name
            ("项目自评-5", "Print_Area"),
        ]
    )
    assert ours == {"自评报告", "项目自评-1 (2)", "项目自评-4"}
    assert copies == ["自评报告 (2)", "项目自评-3", "项目自评-1 (3)", "项目自评-4 (2)"]
    plan = plan_sheets(["自评报告", "自评报告 (2)", "项目自评-3"], {"自评报告"}, ["自评报告", "项目自评-3"], copies)
    # the renamed copy is in the way of 项目自评-3: kept, and ours written beside it
    assert plan.names == {"自评报告": "自评报告", "项目自评-3": "项目自评-3 (2)"}
    assert plan.replaced == ["自评报告"] and plan.stale == []


def test_the_excel_door_keeps_the_copies_and_names_what_it_did(copied: Path) -> None:
    replay, actions = run_button(buttons.generate_report, copied)
    for new_name in COPIES.values():
        assert new_name not in replay.touched, new_name  # not one action on the clerk's copies
    written = [a["args"][1] for a in actions if a["func"] == "addSheet"]
    assert written == ["自评报告", "校验结果", "项目自评汇总", "项目自评-1", "项目自评-2", "项目自评-3"]
    marked = [a["args"][0] for a in actions if a["func"] == "namesAdd"]
    assert marked == [marker_name(name) for name in written]
    message = replay.alerts[-1][0]
    assert "替换上次生成的工作表“自评报告”“校验结果”“项目自评汇总”“项目自评-1”至“项目自评-3”" in message
    assert "“自评报告 (2)”“项目自评-2 (2)”“2024年项目汇总”是本工具所生成工作表的副本或已改名" in message
