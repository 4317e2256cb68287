"""The pages in a real browser: Debian's Chromium, headless, driven by Playwright, against a
real uvicorn server. No browser download: Playwright is given the system executable."""

from __future__ import annotations

import base64
from pathlib import Path

import openpyxl
import python_calamine
from playwright.sync_api import Page

from addin.headless import evaluate_file

from .conftest import TOKEN
from .server import Server, wait_empty


def _upload(page: Page, server: Server, workbook: Path) -> None:
    page.goto(server.url + "/")
    page.set_input_files("#file", str(workbook))  # choosing the file starts the upload
    page.wait_for_selector("#result:not([hidden])")


def test_upload_shows_the_figures_findings_and_report_then_downloads_it(
    page: Page, open_server: Server, example_path: Path, tmp_path: Path
) -> None:
    _upload(page, open_server, example_path)
    figures = page.inner_text("#figures")
    for shown in ("96.67%", "66.7%", "97.96 优"):
        assert shown in figures
    warning = page.locator("#findings li.warning").filter(has_text="支出数")
    assert "执行数" in warning.inner_text()
    warning.locator("a.loc").click()  # the location opens the clerk's own cells around it
    hit = warning.locator(".cell-view td.hit")
    hit.wait_for()
    assert hit.inner_text() == "6,990.12"  # as the clerk's sheet shows it (#,##0.00)

    report = page.locator('.sheet-pane[data-sheet="自评报告"]')
    text = report.inner_text()
    assert "部门整体支出绩效自评报告" in text and "9,647.82" in text and "基数为0，不可比" in text
    assert report.locator("svg[role=img]").count() == 2
    _tabs_by_keyboard(page)
    page.click('.tab:text("校验结果")')
    checks = page.locator('.sheet-pane[data-sheet="校验结果"]')
    assert checks.is_visible() and not report.is_visible()
    checks.locator('a.loc[data-loc="预算执行!F4"]').click()  # the sheet's link opens the same cells
    assert warning.locator(".cell-view").is_visible()
    # A link from one preview sheet to another (as a summary sheet links its project sheets)
    # opens that sheet's tab.
    page.evaluate(
        """() => {
            const link = document.createElement("a");
            link.className = "loc"; link.href = "#"; link.dataset.loc = "'自评报告'!A1"; link.id = "to-report";
            link.textContent = "自评报告";
            document.querySelector('.sheet-pane[data-sheet="校验结果"]').appendChild(link);
        }"""
    )
    page.click("#to-report")
    assert report.is_visible() and not checks.is_visible()

    with page.expect_download() as got:
        page.click("#get-workbook")
    download = got.value
    assert download.suggested_filename == "example-自评报告.xlsm"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    summary = evaluate_file(saved).as_json()
    assert (summary["budget"]["execution_rate"], summary["procurement"]["sme_share"]) == ("96.67", "66.7")
    assert (summary["score"]["total"], summary["score"]["grade"]) == ("97.96", "优")
    with python_calamine.CalamineWorkbook.from_path(str(saved)) as book:
        cells = {v for row in book.get_sheet_by_name("自评报告").to_python() for v in row}
    assert {0.9667, 9647.82, 0.667, 97.96} <= cells  # the report's figures, as the reader reads them

    with page.expect_download() as got:
        page.click("#get-docx")
    assert got.value.suggested_filename == "example-自评报告.docx"
    with page.expect_download() as got:
        page.click("#get-share")
    assert got.value.suggested_filename == "example-共享副本.xlsx"
    assert wait_empty(open_server.temp) == []


def test_a_text_file_renamed_xlsx_gets_the_chinese_message(
    page: Page, open_server: Server, text_as_workbook: Path
) -> None:
    page.goto(open_server.url + "/")
    page.set_input_files("#file", str(text_as_workbook))
    status = page.locator("#status.error")
    status.wait_for()
    assert "“数据.xlsx”不是 Excel 工作簿" in status.inner_text()
    assert page.locator("#result").is_hidden()

    # Dropping the file on the page does the same, with no extra click.
    page.evaluate(
        """([name, data]) => {
            const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
            const transfer = new DataTransfer();
            transfer.items.add(new File([bytes], name));
            document.getElementById("status").textContent = "";
            document.getElementById("drop").dispatchEvent(new DragEvent("drop", { dataTransfer: transfer }));
        }""",
        ["拖入的.xlsx", base64.b64encode(text_as_workbook.read_bytes()).decode()],
    )
    page.locator("#status.error", has_text="“拖入的.xlsx”不是 Excel 工作簿").wait_for()


def test_batch_of_three_workbooks_with_progress(
    page: Page, open_server: Server, bureau: list[Path], tmp_path: Path
) -> None:
    page.goto(open_server.url + "/batch")
    page.set_input_files("#files", [str(p) for p in bureau])
    page.locator("#result:not([hidden])").wait_for()
    assert page.locator("#bar").evaluate("bar => [bar.value, bar.max]") == [3, 3]
    assert "3 / 3" in page.inner_text("#progress-text")
    assert "汇总完成：3 个部门" in page.inner_text("#status")
    assert page.locator("#departments tbody tr").count() == 3
    with page.expect_download() as got:
        page.click("#save")
    assert got.value.suggested_filename == "部门整体支出绩效自评汇总.xlsx"
    saved = tmp_path / "汇总.xlsx"
    got.value.save_as(saved)
    rows = list(openpyxl.load_workbook(saved)["汇总"].iter_rows(min_row=4, values_only=True))
    assert sorted(r[2] for r in rows if r[1]) == ["丙局", "乙局", "甲局"]


def test_the_page_asks_for_the_token_once_per_session(page: Page, guarded_server: Server, example_path: Path) -> None:
    page.goto(guarded_server.url + "/")
    dialog = page.locator("#token-dialog")
    dialog.wait_for()  # the service needs a token: asked before the first upload
    page.fill("#token-input", "not-the-token")
    page.click('#token-form button[type="submit"]')
    page.set_input_files("#file", str(example_path))
    dialog.wait_for()  # a wrong token is asked again
    assert "不正确" in dialog.inner_text()
    page.fill("#token-input", TOKEN)
    page.click('#token-form button[type="submit"]')
    page.wait_for_selector("#result:not([hidden])")
    assert "97.96 优" in page.inner_text("#figures")

    page.reload()  # same browser session: no question
    page.set_input_files("#file", str(example_path))
    page.wait_for_selector("#result:not([hidden])")
    assert dialog.is_hidden()
    with page.expect_download() as got:
        page.click("button[data-get='/api/template']")
    assert got.value.suggested_filename == "部门整体支出绩效自评模板.xlsm"
    assert wait_empty(guarded_server.temp) == []


def _tabs_by_keyboard(page: Page) -> None:
    """The preview's tabs follow the WAI-ARIA tabs pattern: one tab stop (roving tabindex),
    Left/Right (wrapping), Home/End move and select, each tab controls its panel."""
    state = """() => Array.from(document.querySelectorAll('#tabs [role=tab]')).map((t) => [
        t.getAttribute('aria-selected') === 'true', t.tabIndex, t === document.activeElement,
        !document.getElementById(t.getAttribute('aria-controls')).hidden,
        document.getElementById(t.getAttribute('aria-controls')).getAttribute('aria-labelledby') === t.id])"""

    def selected() -> int:
        tabs = page.evaluate(state)
        chosen = [i for i, (on, index, focused, shown, labelled) in enumerate(tabs) if on]
        assert len(chosen) == 1 and all(labelled for *_, labelled in tabs), tabs
        i = chosen[0]
        assert [(index, shown) for _, index, _, shown, _ in tabs] == [
            (0 if j == i else -1, j == i) for j in range(len(tabs))
        ]
        assert tabs[i][2], "the selected tab has the focus"
        return i

    count = page.locator("#tabs [role=tab]").count()
    assert count >= 2
    page.locator("#tabs [aria-selected=true]").focus()
    page.keyboard.press("End")
    assert selected() == count - 1
    page.keyboard.press("ArrowRight")
    assert selected() == 0  # wraps
    page.keyboard.press("ArrowLeft")
    assert selected() == count - 1
    page.keyboard.press("Home")
    assert selected() == 0
    page.keyboard.press("ArrowRight")
    assert selected() == 1
    page.keyboard.press("Home")
