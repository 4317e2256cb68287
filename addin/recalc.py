"""``--recalc``: recalculate a temporary copy of a workbook with LibreOffice (headless).

A workbook written by a program and never opened in Excel or WPS holds formulas without saved
results; python-calamine cannot compute them. LibreOffice, when installed, opens a copy in a
private profile (so a LibreOffice the clerk has open is not disturbed), computes every formula
and saves it as .xlsx; the figures are read from that copy, which is deleted afterwards. The
clerk's file is never modified by this step.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import UnusableInput

__all__ = ["RECALC_NOTE", "find_soffice", "recalculated"]

RECALC_NOTE = "已用 LibreOffice 重新计算临时副本中的公式（原文件未改动），以下数字来自重新计算的结果"
_TIMEOUT_S = 300


def find_soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@contextmanager
def recalculated(path: Path) -> Iterator[Path]:
    """A recalculated .xlsx copy of ``path``, removed when the block ends; raises UnusableInput."""
    soffice = find_soffice()
    if soffice is None:
        raise UnusableInput(
            "未找到 LibreOffice，无法重新计算公式：请安装 LibreOffice，或用 Excel/WPS 打开该文件保存后再试"
        )
    with tempfile.TemporaryDirectory(prefix="jixiao-recalc-") as tmp:
        folder = Path(tmp)
        source = folder / ("input" + path.suffix.lower())
        shutil.copyfile(path, source)
        out = folder / "out"
        try:
            subprocess.run(
                [
                    soffice,
                    f"-env:UserInstallation={(folder / 'profile').as_uri()}",
                    "--headless",
                    "--norestore",
                    "--convert-to",
                    "xlsx",
                    "--outdir",
                    str(out),
                    str(source),
                ],
                capture_output=True,
                timeout=_TIMEOUT_S,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise UnusableInput(
                f"LibreOffice 重新计算“{path.name}”超过 {_TIMEOUT_S} 秒未完成：请用 Excel/WPS 打开保存后再试"
            ) from None
        result = out / "input.xlsx"
        if not result.exists():
            raise UnusableInput(f"LibreOffice 未能重新计算“{path.name}”：请用 Excel/WPS 打开保存后再试")
        yield result
