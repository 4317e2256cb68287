"""The shareable copy edits sheet, drawing and VML parts by their structure: nested markup that
Excel and LibreOffice write for form controls (mc:AlternateContent inside <controls> inside
mc:AlternateContent) is removed whole, and every XML part of the copy parses."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
import python_calamine
from defusedxml import ElementTree

from addin.cli import main
from addin.errors import AddinError, BrokenOutput
from addin.headless import generate
from addin.package.package import Plan, verify_xml
from addin.package.xmlspans import drop_empty_alternates, elements, remove_elements
from addin.share import share_copy

from ..libreoffice import convert, pdf_text
from ..package.test_corpus_preservation import corpus_files
from ..reference import REFERENCE_FIGURES

XML_PARTS = (".xml", ".rels", ".vml")


def unparsable_parts(path: Path, source: Path | None = None) -> list[str]:
    """The XML parts of ``path`` that do not parse (those that did not parse in ``source``
    either are the source's own and are left out)."""
    bad = []
    with zipfile.ZipFile(path) as z:
        original = zipfile.ZipFile(source) if source is not None else None
        for name in z.namelist():
            if not name.lower().endswith(XML_PARTS):
                continue
            try:
                ElementTree.fromstring(z.read(name))
            except ElementTree.ParseError as exc:
                if original is not None and name in original.namelist():
                    try:
                        ElementTree.fromstring(original.read(name))
                    except ElementTree.ParseError:
                        continue
                bad.append(f"{name}: {exc}")
    return bad


@pytest.fixture(scope="session")
def libreoffice_saved(example_path: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The example with its report, re-saved by LibreOffice as .xlsx and as .xlsm."""
    folder = tmp_path_factory.mktemp("lo-saved")
    with_report = folder / "example.xlsm"
    generate(example_path, with_report)
    xlsx_dir, xlsm_dir = folder / "xlsx", folder / "xlsm"
    xlsx_dir.mkdir()
    xlsm_dir.mkdir()
    return {
        "xlsx": convert(with_report, "xlsx", xlsx_dir),
        "xlsm": convert(with_report, "xlsm:Calc MS Excel 2007 VBA XML", xlsm_dir),
    }


@pytest.mark.parametrize("kind", ["xlsx", "xlsm"])
def test_share_of_a_libreoffice_resave_is_well_formed(
    kind: str, libreoffice_saved: dict[str, Path], tmp_path: Path
) -> None:
    source = libreoffice_saved[kind]
    with zipfile.ZipFile(source) as z:
        sheet1 = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<controls>" in sheet1 and sheet1.count("AlternateContent") > 4  # the nested markup
    target = tmp_path / "shared.xlsx"
    assert main(["share", str(source), "-o", str(target)]) == 0
    assert unparsable_parts(target) == []
    with zipfile.ZipFile(target) as z:
        names = z.namelist()
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
        assert "controls" not in sheet and "AlternateContent" not in sheet
        assert not any("ctrlProp" in n or "vbaProject" in n for n in names)
        for name in names:
            if name.startswith("xl/drawings/") and name.endswith(".xml"):
                text = z.read(name).decode()
                assert "Button" not in text and "生成报告" not in text, name  # the DrawingML twins
    # Everything else as it was: each remaining sheet's values.
    with (
        python_calamine.CalamineWorkbook.from_path(str(source)) as a,
        python_calamine.CalamineWorkbook.from_path(str(target)) as b,
    ):
        for name in b.sheet_names:
            assert a.get_sheet_by_name(name).to_python() == b.get_sheet_by_name(name).to_python(), name


def test_libreoffice_opens_the_share_of_its_own_resave(libreoffice_saved: dict[str, Path], tmp_path: Path) -> None:
    target = tmp_path / "shared.xlsx"
    summary = share_copy(libreoffice_saved["xlsx"], target)
    assert summary.controls_removed == 4
    text = pdf_text(convert(target, "pdf", tmp_path)).replace(" ", "")
    for figure in REFERENCE_FIGURES:
        assert figure in text, figure


def test_share_over_the_corpus_writes_only_well_formed_parts(tmp_path: Path) -> None:
    files = corpus_files()
    if not files:
        pytest.skip("the shared corpus is not on this machine (set JIXIAO_CORPUS)")
    failures: list[str] = []
    shared = with_controls = 0
    for i, source in enumerate(files):
        target = tmp_path / f"{i}.xlsx"
        try:
            summary = share_copy(source, target)
        except AddinError as exc:
            assert exc.exit_code == 2 and not target.exists(), source
            continue
        shared += 1
        with_controls += summary.controls_removed > 0
        bad = unparsable_parts(target, source)
        if bad:
            failures.append(f"{source.name}: {bad[:2]}")
        target.unlink()
    print(f"\nshare over the corpus: {shared} copies, {with_controls} with controls removed")
    assert not failures, "\n".join(failures[:20])
    assert shared > 0.95 * len(files) and with_controls >= 10


# -- the structure-aware edit itself ------------------------------------------------------------

NESTED = (
    '<ws xmlns:mc="m"><a/><mc:AlternateContent><mc:Choice Requires="x14"><controls>'
    '<mc:AlternateContent><mc:Choice Requires="x14"><control shapeId="1025" name="a>b"/></mc:Choice>'
    "</mc:AlternateContent><mc:AlternateContent><mc:Choice><control shapeId='1026'/></mc:Choice>"
    "</mc:AlternateContent></controls></mc:Choice></mc:AlternateContent>"
    "<!-- <controls> --><![CDATA[</controls>]]><b/></ws>"
)


def test_an_element_ends_at_its_balancing_end_tag() -> None:
    text, removed = remove_elements(NESTED, ("controls",))
    assert len(removed) == 1
    assert [e.attr("shapeId") for e in elements(NESTED[removed[0].start : removed[0].end], ("control",))] == [
        "1025",
        "1026",
    ]
    assert text == (
        '<ws xmlns:mc="m"><a/><mc:AlternateContent><mc:Choice Requires="x14"></mc:Choice></mc:AlternateContent>'
        "<!-- <controls> --><![CDATA[</controls>]]><b/></ws>"
    )
    assert drop_empty_alternates(text) == '<ws xmlns:mc="m"><a/><!-- <controls> --><![CDATA[</controls>]]><b/></ws>'
    ElementTree.fromstring(drop_empty_alternates(text))


def test_an_alternate_that_still_holds_something_stays() -> None:
    text = '<r xmlns:mc="m"><mc:AlternateContent><mc:Choice/><mc:Fallback><x/></mc:Fallback></mc:AlternateContent></r>'
    assert drop_empty_alternates(text) == text


def test_an_unclosed_element_is_an_error_not_a_guess() -> None:
    with pytest.raises(ValueError):
        remove_elements("<r><controls><control/></r>", ("controls",))


def test_a_rewritten_part_that_does_not_parse_is_never_written() -> None:
    plan = Plan()
    plan.replace["xl/worksheets/sheet1.xml"] = b"<worksheet><controls></mc:Choice></worksheet>"
    plan.replace["xl/media/image1.png"] = b"<not xml"  # not an XML part: not checked
    with pytest.raises(BrokenOutput) as caught:
        verify_xml(plan, "部门.xlsm")
    assert caught.value.exit_code == 3
    assert "xl/worksheets/sheet1.xml" in caught.value.message and "部门.xlsm" in caught.value.message
