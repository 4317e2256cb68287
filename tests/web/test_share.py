"""The web door's share copy says what the command line's ``share`` says (``ShareSummary.warnings``):
report sheets as last generated, JX formulas left in the copy, no report sheets at all; the API
in the ``X-Jixiao-Warnings`` header (the download itself stays a plain file for curl), the page
beside the download buttons. ``?regenerate=1`` (a button on the page) writes the report from
the upload's data first, so a copy of changed data carries its own figures."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote

import httpx
import openpyxl
import pytest
from playwright.sync_api import Page

from addin.cli import main
from addin.headless import generate
from addin.share import share_copy

from ..report.test_share_formulas import _jx_cells, resaved_by_openpyxl
from .conftest import TOKEN
from .server import Server, wait_empty


@pytest.fixture
def api(guarded_server: Server) -> Iterator[httpx.Client]:
    with guarded_server.client(TOKEN) as client:
        yield client
    assert wait_empty(guarded_server.temp) == []


@pytest.fixture
def stale(example_path: Path, tmp_path: Path) -> Path:
    """The example with its report, then 办本级's 执行数 changed (6,968.33 → 5,000 万元)."""
    generated = tmp_path / "generated.xlsm"
    generate(example_path, generated)
    wb = openpyxl.load_workbook(generated, keep_vba=True)
    wb["预算执行"]["E4"] = 5000
    target = tmp_path / "stale.xlsm"
    wb.save(target)
    return target


def _warnings(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    lines = json.loads(unquote(response.headers["x-jixiao-warnings"]))
    assert isinstance(lines, list)
    return lines


def _report_a4(content: bytes, tmp_path: Path) -> str:
    copy = tmp_path / "copy.xlsx"
    copy.write_bytes(content)
    return str(openpyxl.load_workbook(copy, read_only=True)["自评报告"]["A4"].value)


def test_the_api_says_what_the_command_line_says(
    api: httpx.Client, example_path: Path, stale: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    kept = resaved_by_openpyxl(stale, _jx_cells)  # JX formulas saved without a result, some not computable
    for source, expected in (
        (example_path, "副本中没有报告工作表"),
        (stale, "与工作簿当前的数据不一致"),
        (kept, "JX 公式没有保存的计算结果"),
    ):
        with source.open("rb") as stream:
            lines = _warnings(api.post("/api/share", files=[("file", (source.name, stream.read()))]))
        assert any(expected in line for line in lines), (source.name, lines)
        assert lines == share_copy(source, tmp_path / f"{source.stem}-cli.xlsx").warnings()
        assert main(["share", str(source), "-o", str(tmp_path / f"{source.stem}-printed.xlsx")]) == 0
        printed = capsys.readouterr().out.splitlines()
        assert lines == printed[1 : 1 + len(lines)]  # after the command line's one-line summary


def test_share_with_the_report_regenerated_carries_the_datas_figures(
    api: httpx.Client, stale: Path, tmp_path: Path
) -> None:
    files = [("file", ("stale.xlsm", stale.read_bytes()))]
    as_is = api.post("/api/share", files=files)
    assert "执行数 9,326.11 万元" in _report_a4(as_is.content, tmp_path)  # the last generate's
    fresh = api.post("/api/share?regenerate=1", files=files)
    assert _warnings(fresh) == []  # the report is the data's own: nothing to warn about
    assert "执行数 7,357.78 万元" in _report_a4(fresh.content, tmp_path)
    assert fresh.headers["content-type"].startswith("application/vnd.openxmlformats")


def test_the_page_shows_the_warnings_with_the_download_and_offers_to_regenerate(
    page: Page, open_server: Server, stale: Path, tmp_path: Path
) -> None:
    page.goto(open_server.url + "/")
    page.set_input_files("#file", str(stale))
    page.wait_for_selector("#result:not([hidden])")
    assert page.locator("#share-notes").is_hidden()
    assert "最近一次生成报告时的结果" in page.inner_text(".share-hint")  # said before the download too
    with page.expect_download() as got:
        page.click("#get-share")
    assert got.value.suggested_filename == "stale-共享副本.xlsx"
    notes = page.locator("#share-notes")
    notes.wait_for()
    assert "“自评报告”等 6 张报告工作表与工作簿当前的数据不一致" in notes.inner_text()
    assert "1 条提示" in page.inner_text("#status")

    with page.expect_download() as got:
        page.click("#get-share-fresh")
    saved = tmp_path / "fresh.xlsx"
    got.value.save_as(saved)
    assert "执行数 7,357.78 万元" in _report_a4(saved.read_bytes(), tmp_path)
    page.wait_for_function("document.getElementById('share-notes').hidden")
    assert wait_empty(open_server.temp) == []
