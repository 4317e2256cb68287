"""A clerk's own sheets are never replaced or removed (report/ownership.py): only sheets the
product wrote carry its marker, and only those are replaced or removed on a re-run, through an
Excel/WPS/LibreOffice re-save and in every door. A sheet of the clerk's that is in the way keeps
its content, and ours is written beside it with a warning."""

from __future__ import annotations

import copy
import re
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from addin import buttons
from addin.example.data import EXAMPLE_NOTE, EXAMPLE_TABLES
from addin.headless import generate
from addin.report.ownership import marker_name, plan_sheets
from addin.workbook.builder import BuildOptions, build_workbook

from ..excel.doors import run_button
from ..libreoffice import convert, require

CLERKS = {  # the clerk's own sheets, by name: what each holds
    "自评报告": "我们自己写的报告初稿",
    "校验结果": "上次的核对记录",
    "项目自评汇总": "本局自制的项目自评汇总（手工）",
    "项目自评-1": "去年手工填的项目自评表",
    "项目自评-9": "我手工做的项目自评表",
}


def _example(path: Path, projects: int = 3) -> Path:
    tables = copy.deepcopy(EXAMPLE_TABLES)
    for name in ("tblProjects", "tblProjectFunds", "tblProjectIndicators"):
        keep = [row[0] for row in EXAMPLE_TABLES["tblProjects"][:projects]]
        tables[name] = [row for row in tables[name] if row[0] in keep]
    build_workbook(path, tables, BuildOptions(note=EXAMPLE_NOTE))
    return path


def _with_clerks_sheets(path: Path, names: dict[str, str] = CLERKS) -> Path:
    wb = openpyxl.load_workbook(path)
    for name, text in names.items():
        ws = wb.create_sheet(name)
        ws["A1"], ws["B2"] = text, 123.45
    wb.save(path)
    return path


def _sheets(path: Path) -> dict[str, Any]:
    wb = openpyxl.load_workbook(path)
    return {ws.title: ws["A1"].value for ws in wb.worksheets}


def _links(path: Path, sheet: str) -> list[str]:
    ws = openpyxl.load_workbook(path)[sheet]
    return [c.hyperlink.location for row in ws.iter_rows() for c in row if c.hyperlink is not None]


def test_the_clerks_sheets_are_kept_and_ours_written_beside_them(tmp_path: Path) -> None:
    source = _with_clerks_sheets(_example(tmp_path / "book.xlsx"))
    result = generate(source, tmp_path / "out.xlsx")
    sheets = _sheets(tmp_path / "out.xlsx")
    for name, text in CLERKS.items():
        assert sheets[name] == text, name  # untouched
    assert result.sheets == (
        "自评报告 (2)",
        "校验结果 (2)",
        "项目自评汇总 (2)",
        "项目自评-1 (2)",
        "项目自评-2",
        "项目自评-3",
    )
    assert sheets["自评报告 (2)"].endswith("部门整体支出绩效自评报告")
    assert sheets["项目自评-1 (2)"] == "项目支出绩效自评表"
    kept = [f for f in result.evaluation.findings if f.code == "output_sheet_kept"]
    assert [f.location for f in kept] == ["自评报告!A1", "校验结果!A1", "项目自评汇总!A1", "项目自评-1!A1"]
    assert "“项目自评-1 (2)”" in kept[3].message
    # the summary links to our sheets, not to the clerk's
    assert _links(tmp_path / "out.xlsx", "项目自评汇总 (2)")[0].startswith("'项目自评-1 (2)'!")
    # the findings sheet lists the warnings too
    findings = openpyxl.load_workbook(tmp_path / "out.xlsx")["校验结果 (2)"]
    assert any("不是本工具生成的" in str(c.value) for row in findings.iter_rows() for c in row)


@pytest.mark.parametrize("resave", [False, True])
def test_a_rerun_replaces_only_its_own_sheets_even_after_a_libreoffice_resave(tmp_path: Path, resave: bool) -> None:
    first = tmp_path / "first.xlsx"
    generate(_with_clerks_sheets(_example(tmp_path / "book.xlsx")), first)
    if resave:
        require("soffice")
        first = convert(first, "xlsx", tmp_path / "lo")
    again = tmp_path / "again.xlsx"
    generate(first, again, data_from=_example(tmp_path / "one.xlsx", projects=1))
    sheets = _sheets(again)
    for name, text in CLERKS.items():
        assert sheets[name] == text, name
    generated = [n for n in sheets if n not in CLERKS and n.startswith(("自评", "校验", "项目自评"))]
    # one project now: 项目自评-2 and -3 (ours) are removed; nothing written a third time
    assert generated == ["自评报告 (2)", "校验结果 (2)", "项目自评汇总 (2)", "项目自评-1 (2)"]


def test_a_generated_sheet_the_clerk_renamed_is_kept(tmp_path: Path) -> None:
    first = tmp_path / "first.xlsx"
    generate(_example(tmp_path / "book.xlsx"), first)
    wb = openpyxl.load_workbook(first)
    wb["项目自评-3"].title = "外事翻译项目（定稿）"
    wb.save(first)
    generate(first, tmp_path / "again.xlsx", data_from=_example(tmp_path / "one.xlsx", projects=1))
    sheets = _sheets(tmp_path / "again.xlsx")
    assert sheets["外事翻译项目（定稿）"] == "项目支出绩效自评表" and "项目自评-2" not in sheets


def test_every_sheet_written_carries_the_marker(tmp_path: Path) -> None:
    generate(_example(tmp_path / "book.xlsx"), tmp_path / "out.xlsx")
    with zipfile.ZipFile(tmp_path / "out.xlsx") as z:
        workbook = z.read("xl/workbook.xml").decode()
    marked = re.findall(r'<definedName name="(jixiao_generated\w*)" localSheetId="(\d+)" hidden="1">([^<]*)<', workbook)
    names = openpyxl.load_workbook(tmp_path / "out.xlsx").sheetnames
    assert all(name == marker_name(names[int(i)]) for name, i, _ in marked)  # each names its own sheet
    assert {names[int(i)] for _, i, _ in marked} == {
        "自评报告",
        "校验结果",
        "项目自评汇总",
        *(f"项目自评-{n}" for n in (1, 2, 3)),
    }
    assert all(target == f"'{names[int(i)]}'!$A$1" for _, i, target in marked)


def test_the_plan_is_case_blind_and_never_reuses_a_clerks_name() -> None:
    plan = plan_sheets(["项目自评-1", "项目自评-1 (2)", "自评报告"], {"自评报告"}, ["自评报告", "项目自评-1"])
    assert plan.names == {"自评报告": "自评报告", "项目自评-1": "项目自评-1 (3)"}
    assert plan.stale == [] and plan.displaced == [("项目自评-1", "项目自评-1 (3)")]


@pytest.mark.parametrize("entry", [buttons.generate_report, buttons.check_inputs])
def test_the_excel_door_keeps_the_clerks_sheets_too(tmp_path: Path, entry: Any) -> None:
    source = _with_clerks_sheets(_example(tmp_path / "book.xlsx"))
    replay, actions = run_button(entry, source)
    for name in CLERKS:
        assert name not in replay.touched, name  # not one action on the clerk's sheets
    written = [a["args"][1] for a in actions if a["func"] == "addSheet"]
    if entry is buttons.check_inputs:
        assert written == ["校验结果 (2)"]
    else:
        assert written[:4] == ["自评报告 (2)", "校验结果 (2)", "项目自评汇总 (2)", "项目自评-1 (2)"]
    marked = [a for a in actions if a["func"] == "namesAdd"]
    assert [a["args"][0] for a in marked] == [marker_name(name) for name in written]


def test_the_excel_door_replaces_the_sheets_the_headless_door_marked(tmp_path: Path) -> None:
    first = tmp_path / "first.xlsx"
    generate(_with_clerks_sheets(_example(tmp_path / "book.xlsx"), {"项目自评-9": "手工"}), first)
    replay, actions = run_button(buttons.generate_report, first)
    assert "项目自评-9" not in replay.touched
    written = [a["args"][1] for a in actions if a["func"] == "addSheet"]
    assert written == ["自评报告", "校验结果", "项目自评汇总", "项目自评-1", "项目自评-2", "项目自评-3"]


def test_generate_names_the_project_sheets_it_removed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from addin.cli import main

    first = tmp_path / "first.xlsx"
    generate(_example(tmp_path / "book.xlsx"), first)
    one = _example(tmp_path / "one.xlsx", projects=1)
    result = generate(first, tmp_path / "again.xlsx", data_from=one)
    assert result.removed == ("项目自评-2", "项目自评-3")
    capsys.readouterr()
    assert main(["generate", str(first), "--from", str(one), "-o", str(tmp_path / "third.xlsx")]) == 0
    assert "已删除上次生成、现已没有对应项目的工作表“项目自评-2”“项目自评-3”。" in capsys.readouterr().out
