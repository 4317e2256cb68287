"""Two real servers for the whole session (starting one costs a second or two): one open with
the default limits, one as a bureau would run it (token, 1 MiB upload limit, an upload that
stalls for 2 s given up)."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from addin.example.data import EXAMPLE_TABLES
from addin.workbook.builder import BuildOptions, build_workbook

from ..libreoffice import require
from .browser import CHROMIUM, launch
from .server import Server, running_server

TOKEN = "bureau-token-2024"


@pytest.fixture(scope="session")
def open_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with running_server(tmp_path_factory.mktemp("open-server"), "--workers", "2") as server:
        yield server


@pytest.fixture(scope="session")
def guarded_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("guarded-server")
    with running_server(
        folder, "--workers", "2", "--token", TOKEN, "--max-upload-mb", "1", "--upload-idle-timeout", "2"
    ) as server:
        yield server


def department(folder: Path, name: str, executed_factor: float = 1.0, score_cut: int = 0, **changes: Any) -> Path:
    """A department workbook (.xlsx) built from the example's tables, with its own name and figures."""
    tables: dict[str, Any] = copy.deepcopy(EXAMPLE_TABLES)
    tables["tblInfo"][0][1] = name
    for row in tables["tblBudget"]:
        row[4] = round(row[4] * executed_factor, 2)
    tables["tblIndicators"][4][9] = 5 - score_cut
    tables.update(changes)
    path = folder / f"{name}.xlsx"
    build_workbook(path, tables, BuildOptions())
    return path


@pytest.fixture(scope="session")
def bureau(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Three departments' workbooks."""
    folder = tmp_path_factory.mktemp("bureau")
    return [department(folder, "甲局"), department(folder, "乙局", 0.9, 3), department(folder, "丙局", 0.95, 5)]


@pytest.fixture(scope="session")
def broken_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workbook whose data have an error (text where 执行数 must be a number)."""
    budget = copy.deepcopy(EXAMPLE_TABLES["tblBudget"])
    budget[1][4] = "九百"
    return department(tmp_path_factory.mktemp("broken"), "丁局", tblBudget=budget)


def without_results(path: Path) -> Path:
    """``path`` with formulas saved without their results, as a program writes a file that was
    never opened in Excel or WPS (a row of 预算执行 taken from another sheet)."""
    wb = openpyxl.load_workbook(path)
    source = wb.create_sheet("源数据")
    source.append(["广州对外交流发展中心", "二级", 800, 833.58, 807.89, 810.58])
    for col in "ABCDEF":
        wb["预算执行"][f"{col}7"] = f"=源数据!{col}1"
    wb.save(path)
    return path


@pytest.fixture
def text_as_workbook(tmp_path: Path) -> Path:
    """A text file renamed .xlsx, as clerks do."""
    path = tmp_path / "数据.xlsx"
    path.write_text("单位名称,全年预算数\n办本级,100\n", encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    require(CHROMIUM)
    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(accept_downloads=True, locale="zh-CN", viewport={"width": 1200, "height": 900})
    page = context.new_page()
    page.set_default_timeout(60_000)
    problems: list[str] = []
    # A script error or a Content-Security-Policy violation is a defect; an HTTP error status
    # the page then explains to the clerk is not.
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "console",
        lambda message: (
            problems.append(message.text)
            if message.type == "error" and "Failed to load resource" not in message.text
            else None
        ),
    )
    yield page
    context.close()
    assert problems == []
