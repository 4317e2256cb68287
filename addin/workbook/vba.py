"""The VBA project of macro-enabled workbooks.

An Excel-authored project is used as the base: xlwings ships one in
``quickstart_standalone.xlsm`` holding the xlwings module, so RunPython works in Excel without
the xlwings add-in installed.
"""

from __future__ import annotations

import zipfile
from importlib import resources

__all__ = ["vba_project_bytes"]


def vba_project_bytes() -> bytes:
    source = resources.files("xlwings") / "quickstart_standalone.xlsm"
    with source.open("rb") as handle, zipfile.ZipFile(handle) as package:
        return package.read("xl/vbaProject.bin")
