"""The README's picture of the web page: the example uploaded, a finding's cells opened.

    python docs/screenshot_web.py [OUT.png]      (default docs/web-page.png)

Starts ``python -m addin serve`` on a free 127.0.0.1 port (the tests' helper), drives Debian's
Chromium headless with Playwright (the system browser, no download), stops the server again.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "web-page.png"
    sys.path.insert(0, str(ROOT))
    from addin.example.build import build_example
    from tests.web.browser import launch
    from tests.web.server import running_server

    with tempfile.TemporaryDirectory() as tmp, running_server(Path(tmp)) as server:
        example = Path(tmp) / "部门整体支出绩效自评示例.xlsm"
        build_example(example)
        with sync_playwright() as playwright:
            browser = launch(playwright)
            page = browser.new_page(viewport={"width": 1180, "height": 900}, locale="zh-CN")
            page.goto(server.url + "/")
            page.set_input_files("#file", str(example))
            page.wait_for_selector("#result:not([hidden])")
            page.click("#findings a.loc")
            page.wait_for_timeout(600)
            page.evaluate("window.scrollTo(0, 0)")
            height = page.evaluate("document.querySelector('.sheet').getBoundingClientRect().top") + 620
            page.screenshot(path=str(target), clip={"x": 0, "y": 0, "width": 1180, "height": height}, full_page=True)
            browser.close()
    print(target)


if __name__ == "__main__":
    main()
