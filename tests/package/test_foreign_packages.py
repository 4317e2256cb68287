"""Writing into workbooks other tools made: a minimal or missing styles part, and part names
that differ from ours only in case (OPC part names are case-insensitive)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest

from addin.headless import generate

from .preservation import Diff

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CT_BASE = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/Sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "{styles}</Types>"
)
STYLES_CT = (
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
)
MINIMAL_STYLES = (
    f'<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="{MAIN}">'
    '<fonts count="1"><font><sz val="11"/><name val="Arial"/></font></fonts>'
    '<cellXfs count="1"><xf numFmtId="0" fontId="0"/></cellXfs></styleSheet>'
)
SHEET = (
    f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}" xmlns:r="{R}"><sheetData>'
    '<row r="1"><c r="A1" t="inlineStr"><is><t>clerk</t></is></c></row></sheetData>'
    '<hyperlinks><hyperlink ref="A1" r:id="rId1"/></hyperlinks></worksheet>'
)
SHEET_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{R}/hyperlink" Target="https://example.org/" TargetMode="External"/>'
    "</Relationships>"
)


def foreign(path: Path, *, styles: str | None) -> Path:
    """A one-sheet workbook as a program writes it: Sheet1.xml with a capital S, its own rels."""
    wb_rels = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{R}/worksheet" Target="worksheets/Sheet1.xml"/>'
        + (f'<Relationship Id="rId2" Type="{R}/styles" Target="styles.xml"/>' if styles is not None else "")
        + "</Relationships>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CT_BASE.format(styles=STYLES_CT if styles is not None else ""))
        z.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{R}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        z.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{R}">'
            '<sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        z.writestr("xl/_rels/workbook.xml.rels", wb_rels)
        z.writestr("xl/worksheets/Sheet1.xml", SHEET)
        z.writestr("xl/worksheets/_rels/Sheet1.xml.rels", SHEET_RELS)
        if styles is not None:
            z.writestr("xl/styles.xml", styles)
    return path


# openpyxl warns when our output lacks what a styles part needs (no default style): a defect.
@pytest.mark.filterwarnings("error::UserWarning")
@pytest.mark.parametrize("styles", [MINIMAL_STYLES, None], ids=["styles-without-fills", "no-styles-part"])
def test_report_goes_into_a_foreign_package(styles: str | None, example_path: Path, tmp_path: Path) -> None:
    source = foreign(tmp_path / "official.xlsx", styles=styles)
    out = tmp_path / "out.xlsx"
    generate(source, out, data_from=example_path)
    with zipfile.ZipFile(out) as z:
        names = z.namelist()
        assert len({n.lower() for n in names}) == len(names), names
        assert z.read("xl/worksheets/Sheet1.xml") == SHEET.encode()
        assert z.read("xl/worksheets/_rels/Sheet1.xml.rels") == SHEET_RELS.encode()
        stylesheet = z.read("xl/styles.xml").decode()
    assert '<cellStyle name="Normal" xfId="0" builtinId="0"/>' in stylesheet and "<cellStyleXfs" in stylesheet
    fills = stylesheet.split("<fills", 1)[1]
    assert fills.index('patternType="none"') < fills.index('patternType="gray125"') < fills.index('"solid"')
    wb = openpyxl.load_workbook(out)
    assert wb["Data"]["A1"].value == "clerk" and wb["Data"]["A1"].hyperlink is not None
    assert 97.96 in {c for row in wb["自评报告"].iter_rows(values_only=True) for c in row}
    diff = Diff(source, out)
    assert [n for n in diff.untouched_parts_differing() if n != "+xl/styles.xml"] == []
