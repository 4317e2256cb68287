"""The pages as a new user really uses them, in Chromium: the cards show the server's figures,
what is shown and what is downloaded belong to the same file whatever is chosen meanwhile,
the same file can be chosen again, a full-width token works, stray drops and wrong files get
a message, and the pages fit a phone's width."""

from __future__ import annotations

import base64
import contextlib
import copy
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import docx
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, Route

from addin.example.data import EXAMPLE_TABLES
from addin.headless import evaluate_file

from ..libreoffice import require
from .conftest import TOKEN, department, without_results
from .server import Server, wait_empty


def _wait(page: Page, condition: object, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        page.wait_for_timeout(50)  # lets Playwright deliver its events (routes) meanwhile


def _choose(page: Page, path: Path) -> None:
    """Choose a file as a clerk does: the file chooser of the drop zone."""
    with page.expect_file_chooser() as chooser:
        page.click("#drop")
    chooser.value.set_files(str(path))


def _drop(page: Page, target: str, files: list[tuple[str, bytes]]) -> bool:
    """Drop files on ``target``; whether the page took the drop (prevented the default)."""
    return bool(
        page.evaluate(
            """([target, files]) => {
                const transfer = new DataTransfer();
                for (const [name, data] of files) {
                    const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
                    transfer.items.add(new File([bytes], name));
                }
                const drop = new DragEvent("drop", { dataTransfer: transfer, bubbles: true, cancelable: true });
                document.querySelector(target).dispatchEvent(drop);
                return drop.defaultPrevented;
            }""",
            [target, [[name, base64.b64encode(data).decode()] for name, data in files]],
        )
    )


def test_the_cards_are_the_reports_figures_on_the_workbooks_bases(
    page: Page, open_server: Server, tmp_path: Path
) -> None:
    info = copy.deepcopy(EXAMPLE_TABLES["tblInfo"])
    for row in info:
        row[1] = {"执行率口径": "年初预算数", "小微占比口径": "政府采购支出总额"}.get(row[0], row[1])
    path = department(tmp_path, "甲局", tblInfo=info)
    page.goto(open_server.url + "/")
    page.set_input_files("#file", str(path))
    page.wait_for_selector("#result:not([hidden])")
    cards = {
        card.get_attribute("data-key"): card.inner_text().split("\n") for card in page.locator("#figures .figure").all()
    }
    assert cards["execution_rate"][:3] == [
        "预算执行率（年初）",
        "101.37%",
        "执行数 9,326.11 万元 / 年初预算数 9,200.00 万元",
    ]
    assert cards["small_micro_share"][:3] == [
        "小微占政府采购支出比",
        "7.2%",
        "小微企业 126.34 万元 / 政府采购支出总额 1,758.16 万元",
    ]
    report = page.locator('.sheet-pane[data-sheet="自评报告"]').inner_text()
    assert "预算执行率（年初）" in report and "101.37%" in report and "小微占政府采购支出比" in report


def test_what_is_shown_is_what_is_downloaded_whatever_is_chosen_meanwhile(
    page: Page, open_server: Server, bureau: list[Path]
) -> None:
    first, second = bureau[0], bureau[1]
    held: list[Route] = []

    def hold_the_first(route: Route) -> None:
        if held:
            route.continue_()
        else:
            held.append(route)  # the first upload is slow …

    page.route("**/api/preview", hold_the_first)
    page.goto(open_server.url + "/")
    page.set_input_files("#file", str(first))
    _wait(page, lambda: held)
    page.set_input_files("#file", str(second))  # … and the clerk chooses another file meanwhile
    page.wait_for_selector("#result:not([hidden])")
    assert "乙局" in page.inner_text("#title")
    with contextlib.suppress(PlaywrightError):
        held[0].continue_()  # the first one's answer, if it still comes, changes nothing
    page.wait_for_timeout(500)
    assert "乙局" in page.inner_text("#title") and "乙局" in page.inner_text("#status")
    with page.expect_request("**/api/generate") as sent, page.expect_download() as got:
        page.click("#get-workbook")
    assert b'filename="\xe4\xb9\x99\xe5\xb1\x80.xlsx"' in (sent.value.post_data_buffer or b"")  # 乙局.xlsx
    assert got.value.suggested_filename == "乙局-自评报告.xlsx"


def test_a_new_batch_while_one_runs_replaces_it_and_says_so(
    page: Page, open_server: Server, bureau: list[Path]
) -> None:
    held: list[Route] = []
    page.route("**/api/batch", lambda route: held.append(route))
    page.goto(open_server.url + "/batch")
    page.set_input_files("#files", [str(p) for p in bureau[:2]])
    _wait(page, lambda: len(held) == 1)
    page.set_input_files("#files", [str(bureau[2])])
    _wait(page, lambda: len(held) == 2)
    assert "已取消上一批的汇总" in page.inner_text("#status")
    with contextlib.suppress(PlaywrightError):
        held[0].continue_()
    held[1].continue_()
    page.wait_for_selector("#result:not([hidden])")
    page.wait_for_timeout(300)
    assert page.locator("#departments tbody tr").all_inner_texts()[0].startswith(bureau[2].name)
    assert page.locator("#departments tbody tr").count() == 1
    assert "汇总完成：1 个部门" in page.inner_text("#status")


def test_the_same_file_again_after_fixing_it_and_a_file_changed_after_upload(
    page: Page, open_server: Server, bureau: list[Path], broken_data: Path, tmp_path: Path
) -> None:
    mine = tmp_path / "我的工作簿.xlsx"
    shutil.copy(broken_data, mine)
    page.goto(open_server.url + "/")
    _choose(page, mine)
    page.locator("#status.error", has_text="处错误").wait_for()
    assert page.eval_on_selector("#file", "input => input.value") == ""
    shutil.copy(bureau[0], mine)  # the clerk fixes the file, saves it, and chooses it again
    _choose(page, mine)
    page.locator("#status.done", has_text="计算完成").wait_for()
    assert "甲局" in page.inner_text("#title")

    # Edited again after the upload: the download is still what the page shows, and says so.
    time.sleep(0.05)
    shutil.copy(bureau[1], mine)
    with page.expect_download() as got:
        page.click("#get-workbook")
    page.locator("#status.error", has_text="文件已修改，请重新选择文件").wait_for()
    saved = tmp_path / "saved.xlsx"
    got.value.save_as(saved)
    assert evaluate_file(saved).data.info.department == "甲局"


def test_a_full_width_token_typed_with_a_chinese_input_method(page: Page, guarded_server: Server) -> None:
    page.goto(guarded_server.url + "/")
    page.locator("#token-dialog").wait_for()
    page.fill("#token-input", "局里的令牌")
    page.click('#token-form button[type="submit"]')
    assert "只能包含英文字母、数字和符号" in page.inner_text("#token-problem")  # asked again, not stored
    full_width = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in TOKEN)  # ｂｕｒｅａｕ－…
    page.fill("#token-input", full_width)
    page.click('#token-form button[type="submit"]')
    assert page.locator("#token-dialog").is_hidden()
    with page.expect_download() as got:
        page.click("button[data-get='/api/template']")
    assert got.value.suggested_filename == "部门整体支出绩效自评模板.xlsm"
    assert wait_empty(guarded_server.temp) == []


def test_drops_and_wrong_files_get_a_message(
    page: Page, open_server: Server, bureau: list[Path], tmp_path: Path
) -> None:
    page.goto(open_server.url + "/")
    # Dropped outside the zone: the page takes it (the browser does not open the file instead).
    assert _drop(page, "footer", [(bureau[0].name, bureau[0].read_bytes())])
    page.wait_for_selector("#result:not([hidden])")
    assert page.url == open_server.url + "/"
    # Two files: the first is processed, and the page says so and where several go.
    _drop(page, "#drop", [(p.name, p.read_bytes()) for p in bureau[1:]])
    page.locator("#status", has_text="只处理第一个").wait_for()
    assert "乙局" in page.inner_text("#title") and "批量汇总" in page.inner_text("#status")
    _drop(page, "#drop", [("各部门.zip", b"PK\x05\x06" + b"\0" * 18)])
    status = page.locator("#status.error")
    status.wait_for()
    assert "压缩文件" in status.inner_text() and status.locator("a[href='/batch']").count() == 1
    word = tmp_path / "自评报告.docx"
    docx.Document().save(str(word))
    _drop(page, "#drop", [(word.name, word.read_bytes())])
    page.locator("#status.error", has_text="是 Word 文档").wait_for()
    # Over the upload limit, one file: no advice to upload it in parts.
    page.evaluate("document.body.dataset.maxUpload = '1000'")
    message = page.evaluate("() => Jixiao.tooLarge([new File([new Uint8Array(5000)], '大.xlsx')])")
    assert "分批" not in message and "大图片" in message


def test_the_batch_page_says_how_many_have_errors(
    page: Page, open_server: Server, bureau: list[Path], broken_data: Path
) -> None:
    page.goto(open_server.url + "/batch")
    page.set_input_files("#files", [str(bureau[0]), str(broken_data)])
    page.wait_for_selector("#result:not([hidden])")
    assert "其中 1 个有错误" in page.inner_text("#status")
    row = page.locator("#departments tbody tr.problem").inner_text().split("\t")
    assert row[0] == broken_data.name and row[2:4] == ["-", "-"]  # no score, no grade


def test_the_pages_fit_a_phone(page: Page, open_server: Server, bureau: list[Path], broken_data: Path) -> None:
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(open_server.url + "/")
    for link in page.locator("header nav a").all():
        box = link.bounding_box()
        assert box is not None and box["height"] < 40  # one line each
    page.set_input_files("#file", str(bureau[0]))
    page.wait_for_selector("#result:not([hidden])")
    width = "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    scroll, client = page.evaluate(width)
    assert scroll <= client
    page.goto(open_server.url + "/batch")
    page.set_input_files("#files", [str(bureau[0]), str(broken_data)])
    page.wait_for_selector("#result:not([hidden])")
    scroll, client = page.evaluate(width)
    assert scroll <= client  # the table scrolls inside its own box
    inner = page.eval_on_selector(".table-scroll", "box => [box.scrollWidth, box.clientWidth]")
    assert inner[0] > inner[1]


def test_the_server_recalculates_formulas_when_the_clerk_asks(
    page: Page, open_server: Server, make_workbook: Callable[..., Path]
) -> None:
    require("soffice")
    path = without_results(make_workbook(name="程序生成.xlsx"))
    page.goto(open_server.url + "/")
    page.set_input_files("#file", str(path))
    page.locator("#status.error").wait_for()
    finding = page.locator("#findings li.error").inner_text()
    assert "服务器重新计算公式" in finding and "--recalc" not in finding
    page.check("#recalc")  # the same file again, recalculated on the server
    page.locator("#status.done").wait_for()
    assert "97.96 优" in page.inner_text("#figures")
    with page.expect_request("**/api/generate?recalc=1"), page.expect_download() as got:
        page.click("#get-workbook")
    assert got.value.suggested_filename == "程序生成-自评报告.xlsx"


def test_six_copies_of_one_department_are_one_department_and_the_newest_is_kept(
    page: Page, open_server: Server, bureau: list[Path], tmp_path: Path
) -> None:
    """The page sends each file's date (multipart has none): the newest copy is ranked, as
    the CLI ranks it, and the count is of departments, with the copies said."""
    copies = [tmp_path / f"甲局（{i}）.xlsx" for i in range(1, 7)]
    for i, path in enumerate(copies):
        shutil.copyfile(bureau[0], path)
        stamp = 1_700_000_000 + (86_400 if i == 3 else i)  # the fourth by name is the latest save
        os.utime(path, (stamp, stamp))
    page.goto(open_server.url + "/batch")
    page.set_input_files("#files", [str(p) for p in copies])
    page.locator("#result:not([hidden])").wait_for()
    status = page.inner_text("#status")
    assert "汇总完成：1 个部门，6 个文件（其中 5 个是同一部门同一年度的副本" in status, status
    notes = {row.split("\t")[0]: row.split("\t")[-1] for row in page.locator("#departments tbody tr").all_inner_texts()}
    assert notes[copies[3].name] == "" and all(
        "只按 甲局（4）.xlsx 排名" in notes[p.name] for p in copies if p != copies[3]
    )
    assert "最近修改" in notes[copies[0].name]
