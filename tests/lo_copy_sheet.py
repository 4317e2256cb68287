"""Copy one sheet of a workbook with LibreOffice's own 移动或复制工作表 (Sheets.copyByName), as a
clerk does in LibreOffice, and save the result as .xlsx: run by Debian's python3 (the Python-UNO
bridge, python3-uno), never imported by the tests.

    /usr/bin/python3 tests/lo_copy_sheet.py SOURCE SHEET NEW_NAME TARGET.xlsx
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
import tempfile
import time

import uno  # type: ignore[import-not-found]
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]


def _prop(name: str, value: object) -> PropertyValue:
    prop = PropertyValue()
    prop.Name, prop.Value = name, value
    return prop


def main(source: str, sheet: str, new_name: str, target: str) -> None:
    with tempfile.TemporaryDirectory(prefix="lo-copy-") as profile:
        pipe = "jixiao-copy-" + profile.rsplit("-", 1)[-1]
        office = subprocess.Popen(
            [
                "soffice",
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--norestore",
                "--invisible",
                f"--accept=pipe,name={pipe};urp;",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            local = uno.getComponentContext()
            resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
            for _ in range(600):  # LibreOffice takes a few seconds to start on a busy machine
                try:
                    context = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                    break
                except Exception:
                    time.sleep(0.1)
            else:
                raise SystemExit("LibreOffice did not start")
            desktop = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
            doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(source), "_blank", 0, (_prop("Hidden", True),))
            doc.Sheets.copyByName(sheet, new_name, doc.Sheets.Count)
            doc.storeToURL(uno.systemPathToFileUrl(target), (_prop("FilterName", "Calc MS Excel 2007 XML"),))
            doc.close(True)
            with contextlib.suppress(Exception):  # the bridge drops as LibreOffice quits
                desktop.terminate()
        finally:
            try:
                office.wait(timeout=60)
            except subprocess.TimeoutExpired:
                office.kill()


if __name__ == "__main__":
    main(*sys.argv[1:5])
