"""The VBA project of our macro-enabled workbooks, built from the text in ``macros/*.bas``.

No Excel runs here, so the project is not generated from nothing: the base is an
Excel-authored project that xlwings ships (``quickstart_standalone.xlsm``, holding the
xlwings module with RunPython, so the buttons work without the xlwings add-in), and
pyOpenVBA only adds our modules' source to it (and drops xlwings' sample Module1). It also
invalidates the compiled p-code cache, so Excel compiles the new source on first open.
"""

from __future__ import annotations

import importlib.util
import os
import re
import sys
import tempfile
import zipfile
from pathlib import Path

__all__ = ["MACRO_NAMES", "macro_sources", "macros_folder", "vba_project_bytes"]

# The Sub each button calls, by caption: the template binds them, the tests check them.
MACRO_NAMES = {
    "生成报告": "GenerateReport",
    "校验数据": "CheckInputs",
    "导出共享副本": "ExportShareCopy",
    "导出Word报告": "ExportDocx",
}
_NAME = re.compile(r'^Attribute VB_Name = "([^"]+)"', re.M)


def _xlwings_folder() -> Path:
    # Located without importing xlwings: the headless door never needs it loaded.
    spec = importlib.util.find_spec("xlwings")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("xlwings is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def macros_folder() -> Path:
    """macros/ of the source checkout, or the copy installed under share/jixiao/macros."""
    candidates = [Path(__file__).resolve().parents[2] / "macros", Path(sys.prefix) / "share" / "jixiao" / "macros"]
    if os.environ.get("JIXIAO_MACROS"):
        candidates.insert(0, Path(os.environ["JIXIAO_MACROS"]))
    for candidate in candidates:
        if candidate.is_dir() and any(candidate.glob("*.bas")):
            return candidate
    raise FileNotFoundError("macros/*.bas not found (set JIXIAO_MACROS to the folder)")


def macro_sources() -> dict[str, str]:
    """Module name → source text (CRLF, as VBA stores it) of every macros/*.bas."""
    sources = {}
    for path in sorted(macros_folder().glob("*.bas")):
        text = path.read_text(encoding="ascii")
        match = _NAME.search(text)
        name = match.group(1) if match else path.stem
        sources[name] = text.replace("\r\n", "\n").replace("\n", "\r\n")
    return sources


def vba_project_bytes() -> bytes:
    """The xlwings-authored project with our modules added: a vbaProject.bin."""
    from pyopenvba import ExcelFile

    with tempfile.TemporaryDirectory(prefix="jixiao-vba-") as tmp:
        target = Path(tmp) / "project.xlsm"
        with ExcelFile(str(_xlwings_folder() / "quickstart_standalone.xlsm")) as book:
            project = book.vba_project()
            project.delete_module("Module1")
            for name, source in macro_sources().items():
                project.add_module(name, source)
            book.save(str(target))
        with zipfile.ZipFile(target) as package:
            return package.read("xl/vbaProject.bin")
