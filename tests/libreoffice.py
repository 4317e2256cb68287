"""LibreOffice (headless) as the independent spreadsheet application of the tests.

CI installs it (.ci/run) and sets JIXIAO_REQUIRE_LIBREOFFICE=1, so a missing LibreOffice fails
there instead of skipping; on a developer machine without it, these tests are skipped.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

__all__ = ["convert", "copy_sheet", "pdf_text", "require"]


def _find(name: str) -> str | None:
    return shutil.which(name)


def require(*tools: str) -> None:
    missing = [t for t in tools if _find(t) is None]
    if missing:
        if os.environ.get("JIXIAO_REQUIRE_LIBREOFFICE") == "1":
            pytest.fail(f"required tool missing: {', '.join(missing)}")
        pytest.skip(f"not installed: {', '.join(missing)}")


def convert(source: Path, target_format: str, outdir: Path, *, filter_options: str = "") -> Path:
    """Convert with soffice in a private profile; returns the converted file."""
    require("soffice")
    fmt = f"{target_format}:{filter_options}" if filter_options else target_format
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        result = subprocess.run(
            [
                "soffice",
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--norestore",
                "--convert-to",
                fmt,
                "--outdir",
                str(outdir),
                str(source),
            ],
            capture_output=True,
            text=True,
            timeout=240,
        )
    target = outdir / (source.stem + "." + target_format.split(":")[0])
    assert target.exists(), f"LibreOffice did not convert {source.name}: {result.stdout} {result.stderr}"
    return target


_SYSTEM_PYTHON = "/usr/bin/python3"  # Debian's, with python3-uno (LibreOffice's Python bridge)


def copy_sheet(source: Path, sheet: str, new_name: str, target: Path) -> Path:
    """``target`` (.xlsx): ``source`` with ``sheet`` copied by LibreOffice itself (its copy of a
    sheet, with whatever it carries along), saved by LibreOffice."""
    require("soffice")
    has_bridge = Path(_SYSTEM_PYTHON).exists()
    if has_bridge:
        has_bridge = subprocess.run([_SYSTEM_PYTHON, "-c", "import uno"], capture_output=True).returncode == 0
    if not has_bridge:
        if os.environ.get("JIXIAO_REQUIRE_LIBREOFFICE") == "1":
            pytest.fail("required: python3-uno (LibreOffice's Python bridge) for /usr/bin/python3")
        pytest.skip("not installed: python3-uno")
    script = Path(__file__).with_name("lo_copy_sheet.py")
    result = subprocess.run(
        [_SYSTEM_PYTHON, str(script), str(source), sheet, new_name, str(target)],
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert target.exists(), f"LibreOffice did not copy {sheet}: {result.stdout} {result.stderr}"
    return target


def pdf_text(pdf: Path, first: int | None = None, last: int | None = None) -> str:
    require("pdftotext")
    args = ["pdftotext", "-layout"]
    if first is not None:
        args += ["-f", str(first)]
    if last is not None:
        args += ["-l", str(last)]
    return subprocess.run([*args, str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def pdf_pages(pdf: Path) -> int:
    require("pdfinfo")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
