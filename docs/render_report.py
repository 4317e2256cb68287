"""Render the 自评报告 sheet of a workbook alone to PDF and PNG pages with LibreOffice.

    python docs/render_report.py WORKBOOK OUTDIR

Every other sheet is hidden in a temporary copy (LibreOffice prints visible sheets only), then
soffice converts it to PDF and pdftoppm to one PNG per page. Used for docs/report-preview.png
and by the tests that check the report fits on A4.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

REPORT = "自评报告"


def report_only(source: Path, target: Path) -> None:
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/workbook.xml":
                text = data.decode("utf-8")
                names = re.findall(r'<sheet\b[^>]*\bname="([^"]*)"', text)
                text = re.sub(
                    r'<sheet\b(?![^>]*name="' + REPORT + r'")',
                    '<sheet state="hidden"',
                    text,
                )
                text = re.sub(r'activeTab="\d+"', f'activeTab="{names.index(REPORT)}"', text)
                if "activeTab" not in text:
                    text = text.replace("<workbookView ", f'<workbookView activeTab="{names.index(REPORT)}" ', 1)
                data = text.encode("utf-8")
            out.writestr(info, data)


def render(workbook: Path, outdir: Path, resolution: int = 110) -> tuple[Path, list[Path]]:
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="report-only-") as tmp:
        copy = Path(tmp) / f"report{workbook.suffix}"
        report_only(workbook, copy)
        profile = Path(tmp) / "profile"
        subprocess.run(
            [
                "soffice",
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--norestore",
                "--convert-to",
                "pdf",
                "--outdir",
                str(outdir),
                str(copy),
            ],
            check=True,
            capture_output=True,
            timeout=240,
        )
    pdf = outdir / "report.pdf"
    for old in outdir.glob("report-page-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-r", str(resolution), "-png", str(pdf), str(outdir / "report-page")], check=True)
    return pdf, sorted(outdir.glob("report-page-*.png"))


if __name__ == "__main__":
    pdf, pages = render(Path(sys.argv[1]), Path(sys.argv[2]))
    print(pdf, *pages, sep="\n")
