"""Hostile and malformed packages: refused with a message, the file untouched, nothing written."""

from __future__ import annotations

import hashlib
import re
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from addin.errors import UnusableInput
from addin.headless import evaluate_file, generate
from addin.package.archive import MAX_RATIO
from tests.peak_rss import measure

Make = Callable[..., Path]

BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(f'<!ENTITY lol{i} "{"&lol{};".format(i - 1 if i > 1 else "") * 10}">'.encode() for i in range(1, 10))
    + b"]>"
)
XXE = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def rewrite(path: Path, member: str, change: Callable[[bytes], bytes], *, store: bool = False) -> Path:
    """Copy of the package with one member changed (or added)."""
    target = path.with_name(path.stem + "-hostile" + path.suffix)
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        names = src.namelist()
        for name in names:
            data = src.read(name)
            out.writestr(name, change(data) if name == member else data)
        if member not in names:
            out.writestr(member, change(b""), compress_type=zipfile.ZIP_STORED if store else zipfile.ZIP_DEFLATED)
    return target


def assert_refused(path: Path, tmp_path: Path, says: str) -> None:
    before = digest(path)
    out = tmp_path / ("out" + path.suffix)
    with pytest.raises(UnusableInput, match=says):
        evaluate_file(path)
    with pytest.raises(UnusableInput, match=says):
        generate(path, out)
    with pytest.raises(UnusableInput, match=says):
        generate(path)
    assert digest(path) == before and not out.exists()
    assert not list(tmp_path.glob("*.backup-*"))


def test_entity_expansion_is_refused(make_workbook: Make, tmp_path: Path) -> None:
    path = rewrite(make_workbook(), "xl/workbook.xml", lambda xml: BILLION_LAUGHS + xml[xml.index(b"?>") + 2 :])
    assert_refused(path, tmp_path, "DOCTYPE")


def test_external_entities_are_refused(make_workbook: Make, tmp_path: Path) -> None:
    path = rewrite(make_workbook(), "xl/sharedStrings.xml", lambda xml: XXE + xml[xml.index(b"?>") + 2 :])
    assert_refused(path, tmp_path, "DOCTYPE")


def test_a_zip_bomb_is_refused_before_decompression(make_workbook: Make, tmp_path: Path) -> None:
    path = rewrite(make_workbook(), "xl/media/bomb.xml", lambda _: b" " * (8 * 1024 * 1024))
    with zipfile.ZipFile(path) as z:
        info = z.getinfo("xl/media/bomb.xml")
        assert info.file_size > MAX_RATIO * info.compress_size
    assert_refused(path, tmp_path, "过大")


def test_a_truncated_package_is_refused(make_workbook: Make, tmp_path: Path) -> None:
    path = make_workbook()
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    path.unlink()
    assert_refused(broken, tmp_path, "损坏")


def test_a_corrupt_member_is_refused(make_workbook: Make, tmp_path: Path) -> None:
    path = make_workbook()
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:
        info = z.getinfo("xl/workbook.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + 8
    data[start : start + 40] = b"\xff" * 40
    broken = tmp_path / "corrupt.xlsx"
    broken.write_bytes(bytes(data))
    path.unlink()
    assert_refused(broken, tmp_path, "损坏")


@pytest.mark.parametrize("text", ["=1+1", "+SUM(A1:A2)", "-2+3", '@HYPERLINK("http://x")', "=cmd|' /C calc'!A0"])
def test_formula_like_text_from_input_is_written_as_text(
    text: str,
    make_workbook: Make,
    example_tables,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    example_tables["tblBudget"][1][0] = text
    example_tables["tblIndicators"][3][10] = text
    for row in example_tables["tblContracts"]:
        if row[1] == "广州市人民对外友好协会":
            row[1] = text
    out = tmp_path / "out.xlsx"
    generate(make_workbook(example_tables), out)
    with zipfile.ZipFile(out) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
        report = max(sheets, key=lambda n: b"97.96" in z.read(n))
        xml = z.read(report).decode("utf-8")
    assert "<f>" not in xml and "<f " not in xml
    from xml.sax.saxutils import escape

    assert f"<t>{escape(text)}</t>" in xml or f'<t xml:space="preserve">{escape(text)}</t>' in xml


HUGE_SHEET = """
import sys
from pathlib import Path
from addin.contract.file_reader import read_tables
from addin.headless import evaluate_file
path = Path(sys.argv[1])
ev = evaluate_file(path)
found_by = read_tables(path)["tblContracts"].name or "header-row"
print(ev.score.total, found_by)
"""


@pytest.mark.parametrize("keep_table", [True, False], ids=["table", "header-row"])
def test_a_sheet_reaching_row_1048576_does_not_exhaust_memory(keep_table: bool, make_workbook: Make) -> None:
    def stray(xml: bytes) -> bytes:
        xml = xml.replace(
            b"</sheetData>",
            b'<row r="1048576"><c r="G1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>',
        )
        return xml if keep_table else xml.replace(b"<tableParts", b"<!--").replace(b"</tableParts>", b"-->")

    path = rewrite(make_workbook(), "xl/worksheets/sheet3.xml", stray)  # 采购合同
    if not keep_table:
        # The sheet without its table: the relationship goes too (a relationship to nowhere is damage).
        path = rewrite(
            path, "xl/worksheets/_rels/sheet3.xml.rels", lambda xml: re.sub(rb"<Relationship [^>]*/>", b"", xml)
        )
    run = measure([sys.executable, "-c", HUGE_SHEET, str(path)], timeout=300)
    assert run.returncode == 0, run.stderr.decode()
    total, found_by = run.stdout.decode().split()
    peak_kib = run.peak_kib
    assert total == "97.96"
    assert found_by == ("tblContracts" if keep_table else "header-row")
    assert int(peak_kib) < 300 * 1024, f"peak {int(peak_kib) // 1024} MiB"
    print(f"\n1,048,576-row sheet ({'table' if keep_table else 'header row'}): peak {int(peak_kib) // 1024} MiB")
