"""Render one sheet of a workbook (default 自评报告) alone to PDF and PNG pages with LibreOffice.

    python docs/render_report.py WORKBOOK OUTDIR [SHEET]

Every other sheet is hidden in a temporary copy (LibreOffice prints visible sheets only), then
soffice converts it to PDF and pdftoppm to one PNG per page (OUTDIR/report.pdf and
report-page-N.png for 自评报告, OUTDIR/<SHEET>.pdf and <SHEET>-page-N.png for another sheet).
Used for docs/report-preview-*.png and docs/project-preview.png, and by the tests that check
the report and the project sheets fit on A4.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

REPORT = "自评报告"


def report_only(source: Path, target: Path, sheet: str = REPORT) -> None:
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/workbook.xml":
                text = data.decode("utf-8")
                names = re.findall(r'<sheet\b[^>]*\bname="([^"]*)"', text)
                # every other sheet hidden (a state="visible" of its own, as openpyxl writes, goes)
                text = re.sub(
                    r'<sheet\b(?![^>]*name="' + re.escape(sheet) + r'")([^>]*?)\s+state="\w+"',
                    r"<sheet\1",
                    text,
                )
                text = re.sub(
                    r'<sheet\b(?![^>]*name="' + re.escape(sheet) + r'")',
                    '<sheet state="hidden"',
                    text,
                )
                # LibreOffice prints a hidden sheet that has a print area: keep only this sheet's.
                shown = str(names.index(sheet))
                text = re.sub(
                    r'<definedName name="_xlnm\.Print_(?:Area|Titles)" localSheetId="(?!' + shown + r'")\d+">[^<]*'
                    r"</definedName>",
                    "",
                    text,
                )
                text = re.sub(r'activeTab="\d+"', f'activeTab="{names.index(sheet)}"', text)
                if "activeTab" not in text:
                    text = text.replace("<workbookView ", f'<workbookView activeTab="{names.index(sheet)}" ', 1)
                data = text.encode("utf-8")
            out.writestr(info, data)


def render(workbook: Path, outdir: Path, resolution: int = 110, sheet: str = REPORT) -> tuple[Path, list[Path]]:
    outdir.mkdir(parents=True, exist_ok=True)
    stem = "report" if sheet == REPORT else sheet
    with tempfile.TemporaryDirectory(prefix="report-only-") as tmp:
        copy = Path(tmp) / f"{stem}{workbook.suffix}"
        report_only(workbook, copy, sheet)
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
    pdf = outdir / f"{stem}.pdf"
    for old in outdir.glob(f"{stem}-page-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-r", str(resolution), "-png", str(pdf), str(outdir / f"{stem}-page")], check=True)
    return pdf, sorted(outdir.glob(f"{stem}-page-*.png"))


if __name__ == "__main__":
    pdf, pages = render(Path(sys.argv[1]), Path(sys.argv[2]), sheet=sys.argv[3] if len(sys.argv) > 3 else REPORT)
    print(pdf, *pages, sep="\n")
