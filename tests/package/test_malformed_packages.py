"""Every malformed package a clerk may hold, derived in code from the example workbook
(``malformed.py``), through the real command line: each verb ends with exit 0, 1 or 2 and a
Chinese line (never a traceback, a Rust panic report or an English exception name), writes
nothing when it refuses, and a package that lost nothing the figures need gives the reference
figures. The verbs run as ``python -m addin`` would, each in a process of its own
(``malformed_driver.py`` forks them from one interpreter that has the product loaded)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import warnings
import zipfile
from pathlib import Path
from typing import Any

import pytest

from addin.package.archive import check_workbook_file

from .malformed import ANY, FINDING, READS, REFUSED, Variant, read_members, variants, write_package

SOURCE = Path(__file__).resolve().parents[2] / "workbook_templates" / "部门整体支出绩效自评示例.xlsm"
DRIVER = Path(__file__).with_name("malformed_driver.py")
NAME = "部门.xlsm"
VARIANTS = variants(SOURCE)
ORIGINAL = Variant("original", lambda members: members, READS)
WRITERS = {"generate": "out.xlsm", "share": "share.xlsx", "docx": "report.docx"}
# An exception's class name, as Python or a library spells it (KeyError, WorksheetNotFound, ParseError…).
ENGLISH_CLASS = re.compile(r"\b(?:[A-Z][a-z0-9]+)+(?:Error|Exception|NotFound|Warning|Interrupt|Exit)\b|BadZipFile")
CHINESE = re.compile(r"[\u4e00-\u9fff]")
FIGURES = ("budget", "procurement", "score", "projects")

Outcomes = dict[str, dict[str, dict[str, Any]]]
# What the line names for some kinds: the sheet and part, or the sheet and cell.
SAID = {
    "remove-xl_worksheets_sheet3.xml": "工作表“预算执行”的内容不存在",
    "remove-xl_tables_table2.xml": "工作表“预算执行”引用的内容（表格、图片、批注等）不存在",
    "truncate-end-xl_workbook.xml": "工作簿内容不完整",
    "truncate-end-xl_worksheets_sheet3.xml": "工作表“预算执行”不完整",
    "sheet-listed-twice": "工作表“预算执行2”与另一个工作表指向同一份内容",
    "table-in-two-sheets": "同一个表格同时属于工作表“预算执行”和“采购合同”",
    "shared-string-index-text": "工作表“预算执行”的单元格 A4 引用的共享字符串编号无效",
    "cell-ref-huge-row-number": "工作表“预算执行”的单元格位置“C99999999999999999999”超出工作表范围",
    "zip-member-corrupt-vba": "工作簿内容无法解压",
}
# What a clerk never reads: the package's internal names (xl/worksheets/sheet3.xml, _rels/…).
_PART_NAME = re.compile(r"xl/|_rels|\[Content_Types\]|\.xml\b|\.rels\b|\.bin\b")


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Outcomes, Path]:
    """Every variant built and run through the five verbs (one driver process for all)."""
    root = tmp_path_factory.mktemp("malformed")
    members = read_members(SOURCE)
    jobs = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # zipfile's "Duplicate name" for zip-member-twice
        for variant in [ORIGINAL, *VARIANTS]:
            folder = root / variant.id
            (folder / "out").mkdir(parents=True)
            workbook = write_package(variant.mutate(dict(members)), folder / NAME)
            jobs.append([variant.id, str(workbook), str(folder / "out")])
    (root / "jobs.json").write_text(json.dumps(jobs, ensure_ascii=False), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(DRIVER), str(root / "jobs.json")], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout), root


@pytest.fixture(scope="module")
def reference(runs: tuple[Outcomes, Path]) -> dict[str, Any]:
    outcome = runs[0]["original"]
    assert {verb: r["code"] for verb, r in outcome.items()} == dict.fromkeys(outcome, 0)
    figures: dict[str, Any] = json.loads(outcome["summary"]["stdout"])
    assert figures["score"]["total"] == "97.96"
    return figures


def _clean(verb: str, result: dict[str, Any]) -> None:
    """Ended by itself with 0, 1 or 2, and nothing a clerk cannot read on the terminal."""
    assert result["signal"] is None, f"{verb}: killed by signal {result['signal']}"
    assert result["code"] in (0, 1, 2), f"{verb}: exit {result['code']}: {result['stderr']}"
    for stream in ("stdout", "stderr"):
        assert "Traceback" not in result[stream], f"{verb}: {result[stream]}"
        assert "panicked" not in result[stream], f"{verb}: {result[stream]}"
    assert not ENGLISH_CLASS.search(result["stderr"]), f"{verb}: {result['stderr']}"
    if result["code"] != 0:
        said = result["stderr"].strip() or result["stdout"].strip()
        assert CHINESE.search(said), f"{verb}: {said!r}"


def _refusal(verb: str, result: dict[str, Any]) -> str:
    message: str = result["stderr"].strip()
    assert "\n" not in message, f"{verb}: more than one line: {message}"
    assert f"“{NAME}”" in message, f"{verb}: the file is not named: {message}"
    assert any(w in message for w in ("另存", "修复", "来源")), f"{verb}: nothing to do is said: {message}"
    return message


def _written(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir())


def _whole(path: Path) -> None:
    """What the product wrote is a whole package by its own rules (and every XML part parses)."""
    if path.suffix == ".docx":
        with zipfile.ZipFile(path) as z:
            assert z.testzip() is None
        return
    check_workbook_file(path)


@pytest.mark.parametrize("variant", VARIANTS, ids=[v.id for v in VARIANTS])
def test_malformed_package(variant: Variant, runs: tuple[Outcomes, Path], reference: dict[str, Any]) -> None:
    outcomes, root = runs
    outcome = outcomes[variant.id]
    out = root / variant.id / "out"
    for verb, result in outcome.items():
        _clean(verb, result)
    readers = {verb: r for verb, r in outcome.items() if verb != "share"}
    codes = {verb: r["code"] for verb, r in readers.items()}
    if variant.expect == REFUSED:
        assert codes == dict.fromkeys(readers, 2), codes
    elif variant.expect == READS:
        assert codes == dict.fromkeys(readers, 0), {v: (r["code"], r["stderr"]) for v, r in readers.items()}
        figures = json.loads(outcome["summary"]["stdout"])
        assert {k: figures[k] for k in FIGURES} == {k: reference[k] for k in FIGURES}
    elif variant.expect == FINDING:
        assert codes == dict.fromkeys(readers, 1), codes
        figures = json.loads(outcome["summary"]["stdout"])
        errors = [c for c in figures["checks"] if c["severity"] == "error"]
        assert figures["ok"] is False and figures["score"]["total"] is None
        assert [c["location"] for c in errors][:1] == [variant.where], errors
    else:
        assert variant.expect == ANY
    if not variant.cells and variant.expect in (REFUSED, READS):
        assert outcome["share"]["code"] == codes["summary"], outcome["share"]
    # One message for one damage: every verb that refused says the same line.
    refusals = {_refusal(verb, r) for verb, r in outcome.items() if r["code"] == 2}
    assert len(refusals) <= 1, refusals
    assert not any(_PART_NAME.search(r) for r in refusals), refusals
    if variant.id in SAID:
        assert SAID[variant.id] in refusals.pop(), variant.id
    # Nothing written by a verb that did not succeed; what a verb wrote is whole.
    for verb, file in WRITERS.items():
        target = out / file
        if outcome[verb]["code"] != 0:
            assert not target.exists(), f"{verb} wrote {file} and exited {outcome[verb]['code']}"
        else:
            assert target.exists(), verb
            _whole(target)
    assert set(_written(out)) <= {file for verb, file in WRITERS.items() if outcome[verb]["code"] == 0}


def test_the_variants_cover_every_part_and_each_kind() -> None:
    names = list(read_members(SOURCE))
    ids = {v.id for v in VARIANTS}
    assert len(ids) == len(VARIANTS)
    for name in names:
        slug = name.replace("[Content_Types].xml", "content-types").replace("/", "_")
        assert f"remove-{slug}" in ids, name
        if name.endswith((".xml", ".rels", ".vml")):
            assert f"truncate-middle-{slug}" in ids, name
    kinds = {v.id.split("-")[0] for v in VARIANTS}
    assert {"remove", "drop", "truncate", "flip", "rels", "sheet", "table", "shared", "cell", "defined", "zip"} <= kinds


SAMPLE = (
    "remove-xl_worksheets_sheet3.xml",
    "truncate-middle-xl_workbook.xml",
    "sheet-listed-twice",
    "shared-string-index-text",
    "cell-ref-huge-row-number",
    "drop-xl_styles.xml",
    "cell-value-not-a-number",
)


def test_batch_lists_each_malformed_workbook_with_its_reason(runs: tuple[Outcomes, Path], tmp_path: Path) -> None:
    """The bureau's batch over a folder of damaged workbooks: each listed, none stops the run."""
    import openpyxl

    outcomes, root = runs
    folder = tmp_path / "各部门"
    folder.mkdir()
    for ident in SAMPLE:
        (folder / f"{ident}.xlsm").write_bytes((root / ident / NAME).read_bytes())
    out = tmp_path / "汇总.xlsx"
    done = subprocess.run(
        [sys.executable, "-m", "addin", "batch", str(folder), "-o", str(out), "--workers", "2"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "panicked" not in done.stderr
    book = openpyxl.load_workbook(out, read_only=True)
    unreadable = {row[0]: row[1] for row in book["未能读取"].iter_rows(min_row=2, values_only=True) if row[0]}
    for ident in SAMPLE:
        refused = outcomes[ident]["summary"]["code"] == 2
        assert (f"{ident}.xlsm" in unreadable) == refused, ident
        if refused:
            assert unreadable[f"{ident}.xlsm"] == outcomes[ident]["summary"]["stderr"].strip().replace(
                f"“{NAME}”", f"“{ident}.xlsm”"
            )
    listed = [str(c) for row in book["汇总"].iter_rows(values_only=True) for c in row if c]
    assert any("drop-xl_styles.xml.xlsm" in c for c in listed)
    assert any("cell-value-not-a-number.xlsm" in c for c in listed)


@pytest.mark.parametrize(
    ("variant", "said"),
    [
        ("truncate-end-xl_worksheets_sheet3.xml", "工作表“预算执行”不完整"),
        ("truncate-end-xl_sharedStrings.xml", "工作簿内容不完整（XML 在结尾前中断）"),
        ("truncate-start-xl_sharedStrings.xml", "工作簿内容不完整或有错误"),
    ],
)
def test_large_parts_are_checked_by_their_ends(
    variant: str, said: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Parts over FULL_PARSE_BYTES (the ledger of a 200,000-contract workbook) are not parsed
    whole: their start and ending are checked, a worksheet's by the reader that holds its bytes."""
    from addin.errors import UnusableInput
    from addin.headless import evaluate_file
    from addin.package import integrity

    monkeypatch.setattr(integrity, "FULL_PARSE_BYTES", 1000)  # the example's sheets count as large
    mutate = next(v.mutate for v in VARIANTS if v.id == variant)
    path = write_package(mutate(read_members(SOURCE)), tmp_path / NAME)
    with pytest.raises(UnusableInput) as refused:
        evaluate_file(path)
    assert refused.value.message.startswith(f"“{NAME}”已损坏：") and said in refused.value.message
    whole = write_package(read_members(SOURCE), tmp_path / "whole.xlsm")
    assert evaluate_file(whole).as_json()["score"]["total"] == "97.96"
