"""Malformed variants of the example workbook, derived in code: every part removed in turn,
XML parts truncated, bytes flipped (a fixed seed), relationships to nowhere, and the
structural contradictions a damaged or hand-edited package carries (duplicate sheet names, a
sheet listed twice, a table shared by two sheets, shared-string indexes that are none, cell
references and table ranges out of the grid, garbage defined names).

Each variant says what a clerk must get from the reading verbs (summary, check, generate, docx):
``READS`` (the package lost nothing the figures need: exit 0 and the reference figures),
``FINDING`` (exit 1, an error located at ``where``), ``REFUSED`` (exit 2, one Chinese line naming
the file) or ``ANY`` (exit 0, 1 or 2: a flipped byte may land in a number). ``cells`` marks damage
inside a sheet's cells: only the reader sees it, and ``share`` (which copies sheets it does not
read) may pass it on; any other damage ``share`` refuses too."""

from __future__ import annotations

import random
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

READS = "reads"
FINDING = "finding"
REFUSED = "refused"
ANY = "any"

Members = dict[str, bytes]
Mutation = Callable[[Members], Members]

# The parts truncated at three points (the others only in the middle).
_KEY_PARTS = (
    "[Content_Types].xml",
    "_rels/.rels",
    "xl/workbook.xml",
    "xl/_rels/workbook.xml.rels",
    "xl/styles.xml",
    "xl/sharedStrings.xml",
    "xl/worksheets/sheet3.xml",  # 预算执行
    "xl/worksheets/_rels/sheet3.xml.rels",
    "xl/tables/table2.xml",  # tblBudget
    "xl/worksheets/sheet13.xml",  # 自评报告 (a sheet of ours)
    "docProps/core.xml",
)
# Optional parts: a package without them (and without what points at them) is whole.
_OPTIONAL = (
    "docProps/core.xml",
    "docProps/app.xml",
    "docProps/custom.xml",
    "xl/theme/theme1.xml",
    "xl/styles.xml",
    "xl/vbaProject.bin",
)
_FLIPS = 16
_SEED = 20240611

BUDGET_SHEET = "xl/worksheets/sheet3.xml"
BUDGET_RELS = "xl/worksheets/_rels/sheet3.xml.rels"
BUDGET_TABLE = "xl/tables/table2.xml"
WORKBOOK = "xl/workbook.xml"
WB_RELS = "xl/_rels/workbook.xml.rels"


@dataclass(frozen=True, slots=True)
class Variant:
    id: str
    mutate: Mutation
    expect: str
    cells: bool = False
    where: str = ""  # the location of the error a FINDING variant gives


def _without(part: str) -> Mutation:
    def mutate(members: Members) -> Members:
        return {k: v for k, v in members.items() if k != part}

    return mutate


def _changed(part: str, change: Callable[[bytes], bytes]) -> Mutation:
    def mutate(members: Members) -> Members:
        out = dict(members)
        out[part] = change(members[part])
        return out

    return mutate


def _sub(part: str, pattern: bytes, replacement: bytes, count: int = 1) -> Mutation:
    def change(xml: bytes) -> bytes:
        new, n = re.subn(pattern, replacement, xml, count=count)
        assert n, (part, pattern)
        return new

    return _changed(part, change)


def _both(*mutations: Mutation) -> Mutation:
    def mutate(members: Members) -> Members:
        for m in mutations:
            members = m(members)
        return members

    return mutate


def _slug(part: str) -> str:
    return part.replace("[Content_Types].xml", "content-types").replace("/", "_")


def _removals(names: list[str]) -> list[Variant]:
    """Each part alone removed: what pointed at it now points at nothing (a package property
    excepted: Excel passes over a missing one, and so does the product)."""
    return [Variant(f"remove-{_slug(n)}", _without(n), READS if n.startswith("docProps/") else REFUSED) for n in names]


def _dropped(part: str) -> Mutation:
    """The part removed with the relationships that lead to it and its content-type override."""
    base = re.escape(part.rsplit("/", 1)[-1].encode())

    def mutate(members: Members) -> Members:
        out = {k: v for k, v in members.items() if k != part}
        for name, data in out.items():
            if name.endswith(".rels"):
                out[name] = re.sub(rb'<Relationship [^>]*Target="[^"]*' + base + rb'"[^>]*/>', b"", data)
        out["[Content_Types].xml"] = re.sub(
            rb'<Override PartName="/' + re.escape(part.encode()) + rb'"[^>]*/>', b"", out["[Content_Types].xml"]
        )
        return out

    return mutate


def _drops() -> list[Variant]:
    return [Variant(f"drop-{_slug(part)}", _dropped(part), READS) for part in _OPTIONAL]


def _truncations(names: list[str]) -> list[Variant]:
    out = []
    for name in names:
        if not name.endswith((".xml", ".rels", ".vml")):
            continue
        points = {"start": lambda d: d[:40], "middle": lambda d: d[: len(d) // 2], "end": lambda d: d[:-3]}
        for point, cut in points.items():
            if point != "middle" and name not in _KEY_PARTS:
                continue
            out.append(Variant(f"truncate-{point}-{_slug(name)}", _changed(name, cut), REFUSED))
    return out


def _flips(members: Members) -> list[Variant]:
    rng = random.Random(_SEED)
    out = []
    for i in range(_FLIPS):
        part = _KEY_PARTS[i % len(_KEY_PARTS)]
        size = len(members[part])
        at = rng.randrange(size)
        byte = rng.randrange(256)

        def flip(data: bytes, at: int = at, byte: int = byte) -> bytes:
            new = byte if byte != data[at] else data[at] ^ 0xFF
            return data[:at] + bytes([new]) + data[at + 1 :]

        out.append(Variant(f"flip-{_slug(part)}@{at}", _changed(part, flip), ANY))
    return out


def _duplicate_member(part: str) -> Mutation:
    """The zip holds the member twice (a second, different copy appended)."""

    def mutate(members: Members) -> Members:
        out = dict(members)
        out[part + "\0dup"] = members[part].replace(b"<v>6850</v>", b"<v>9999</v>")
        return out

    return mutate


def _semantic() -> list[Variant]:
    table_rel = (
        b'<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/table" '
        b'Target="../tables/table2.xml"/></Relationships>'
    )
    a4 = rb'(<c r="A4" s="\d+" t="s"><v>)\d+'  # the first unit's name (any style index)
    return [
        # Relationships to parts that are not there.
        Variant("rels-sheet-to-missing", _sub(WB_RELS, rb"worksheets/sheet3\.xml", b"worksheets/gone.xml"), REFUSED),
        Variant(
            "rels-sheet-of-instructions-to-missing", _sub(WB_RELS, rb"worksheets/sheet1\.xml", b"gone.xml"), REFUSED
        ),
        Variant("rels-table-to-missing", _sub(BUDGET_RELS, rb"table2\.xml", b"gone.xml"), REFUSED),
        Variant("rels-styles-to-missing", _sub(WB_RELS, rb'Target="styles\.xml"', b'Target="gone.xml"'), REFUSED),
        Variant("rels-shared-strings-to-missing", _sub(WB_RELS, rb'"sharedStrings\.xml"', b'"gone.xml"'), REFUSED),
        Variant("rels-office-document-to-missing", _sub("_rels/.rels", rb"xl/workbook\.xml", b"xl/gone.xml"), REFUSED),
        Variant(
            "rels-chart-to-missing", _sub("xl/drawings/_rels/drawing1.xml.rels", rb"chart1\.xml", b"gone.xml"), REFUSED
        ),
        Variant("rels-sheet-id-unknown", _sub(WORKBOOK, rb'r:id="rId3"', b'r:id="rId99"'), REFUSED),
        Variant("rels-sheet-id-absent", _sub(WORKBOOK, rb' r:id="rId3"', b""), REFUSED),
        # workbook.xml contradicting itself.
        Variant(
            "sheet-names-duplicate", _sub(WORKBOOK, 'name="预算执行"'.encode(), 'name="基本信息"'.encode()), REFUSED
        ),
        Variant(
            "sheet-names-differ-in-case", _sub(WORKBOOK, b'name="xlwings.conf"', 'name="项目自评-1"'.encode()), REFUSED
        ),
        Variant(
            "sheet-listed-twice",
            _sub(WORKBOOK, b"</sheets>", '<sheet name="预算执行2" sheetId="40" r:id="rId3"/></sheets>'.encode()),
            REFUSED,
        ),
        Variant("sheet-id-not-a-number", _sub(WORKBOOK, rb'sheetId="3"', b'sheetId="x"'), REFUSED),
        Variant("sheet-ids-duplicate", _sub(WORKBOOK, rb'sheetId="3"', b'sheetId="2"'), REFUSED),
        Variant("sheets-none", _sub(WORKBOOK, rb"<sheets>.*</sheets>", b"<sheets/>"), REFUSED),
        Variant("sheet-name-empty", _sub(WORKBOOK, 'name="预算执行"'.encode(), b'name=""'), REFUSED),
        Variant(
            "table-in-two-sheets",
            _both(
                _sub("xl/worksheets/_rels/sheet4.xml.rels", rb"</Relationships>", table_rel),
                _sub(
                    "xl/worksheets/sheet4.xml",
                    rb'<tableParts count="1"><tablePart r:id="rId1"/>',
                    b'<tableParts count="2"><tablePart r:id="rId1"/><tablePart r:id="rId9"/>',
                ),
            ),
            REFUSED,
        ),
        Variant(
            "table-names-duplicate",
            _sub("xl/tables/table3.xml", rb'(display)?[Nn]ame="tblContracts"', b'\\1name="TBLBUDGET"', 2),
            REFUSED,
        ),
        # Shared strings.
        Variant(
            "shared-strings-empty",
            _sub(
                "xl/sharedStrings.xml",
                rb'<sst ([^>]*)count="\d+" uniqueCount="\d+">.*</sst>',
                rb'<sst \1count="0" uniqueCount="0"/>',
            ),
            REFUSED,
            cells=True,
        ),
        Variant("shared-string-index-out-of-range", _sub(BUDGET_SHEET, a4, rb"\g<1>99999"), REFUSED, cells=True),
        Variant("shared-string-index-negative", _sub(BUDGET_SHEET, a4, rb"\g<1>-1"), REFUSED, cells=True),
        Variant("shared-string-index-text", _sub(BUDGET_SHEET, a4, "\\g<1>办公室".encode()), REFUSED, cells=True),
        Variant("shared-string-index-decimal", _sub(BUDGET_SHEET, a4, rb"\g<1>1.5"), REFUSED, cells=True),
        Variant(
            "shared-string-type-with-inline-text",
            _sub(BUDGET_SHEET, rb'(<c r="C4" s="\d+")><v>6850</v>', rb'\1 t="s"><is><t>6850</t></is>'),
            READS,
            cells=True,
        ),
        # Cell references.
        *(
            Variant(f"cell-ref-{label}", _sub(BUDGET_SHEET, rb'<c r="C4"', b'<c r="' + ref + b'"'), REFUSED, cells=True)
            for label, ref in (
                ("invalid", b"4C"),
                ("empty", b""),
                ("row-zero", b"C0"),
                ("beyond-last-column", b"XFE4"),
                ("four-letters", b"ABCD4"),
                ("huge-row-number", b"C99999999999999999999"),
            )
        ),
        Variant(
            "cell-ref-huge-row-under-an-unsaved-formula",  # share computes the formula from the damaged sheet
            _both(
                _sub(BUDGET_SHEET, rb'<c r="C4"', b'<c r="C99999999999999999999"'),
                _sub("xl/worksheets/sheet1.xml", rb"(JX_EXECUTION_RATE\([^<]*\)</f>)<v>[^<]*</v>", rb"\1"),
            ),
            REFUSED,
            cells=True,
        ),
        *(
            Variant(label, _sub(BUDGET_SHEET, rb"</sheetData>", row + b"</sheetData>"), REFUSED, cells=True)
            for label, row in (
                ("cell-ref-beyond-last-row", b'<row r="1048577"><c r="XFD1048577"><v>1</v></c></row>'),
                ("row-number-huge", b'<row r="4294967297"><c><v>1</v></c></row>'),
            )
        ),
        Variant("row-number-invalid", _sub(BUDGET_SHEET, rb'<row r="5"', b'<row r="x"'), REFUSED, cells=True),
        Variant("cell-ref-lower-case", _sub(BUDGET_SHEET, rb'<c r="C4"', b'<c r="c4"'), READS, cells=True),
        Variant(
            "cell-value-not-a-number",
            _sub(BUDGET_SHEET, rb"<v>6850</v>", b"<v>6,850x</v>"),
            FINDING,
            True,
            "预算执行!C4",
        ),
        Variant("cell-type-unknown", _sub(BUDGET_SHEET, rb'(<c r="C4" s="\d+")>', rb'\1 t="zz">'), REFUSED, cells=True),
        Variant(
            "cell-style-out-of-range", _sub(BUDGET_SHEET, rb'<c r="C4" s="\d+"', b'<c r="C4" s="99999"'), READS, True
        ),
        # Table ranges.
        *(
            Variant(f"table-ref-{label}", _sub(BUDGET_TABLE, rb' ref="A3:G7"', b' ref="' + ref + b'"'), REFUSED)
            for label, ref in (
                ("negative", b"A-3:G7"),
                ("zero-row", b"A0:G7"),
                ("beyond-grid", b"A3:XFE1048577"),
                ("garbage", b"3A:?7"),
                ("empty", b""),
                ("huge-number", b"A3:G99999999999999999999"),
                ("three-corners", b"A3:G7:H9"),
            )
        ),
        Variant("table-ref-reversed", _sub(BUDGET_TABLE, rb' ref="A3:G7"', b' ref="G7:A3"'), READS),
        Variant(
            "table-ref-one-cell", _sub(BUDGET_TABLE, rb' ref="A3:G7"', b' ref="A3"'), FINDING, where="预算执行!A4:G7"
        ),
        Variant(
            "table-row-counts-negative",
            _sub(BUDGET_TABLE, rb' ref="A3:G7"', b' ref="A3:G7" headerRowCount="-1" totalsRowCount="7"'),
            REFUSED,
        ),
        # Defined names.
        Variant(
            "defined-names-garbage",
            _sub(
                WORKBOOK,
                rb"<definedNames>",
                b'<definedNames><definedName name="">)(*&amp;</definedName>'
                b'<definedName name="x" localSheetId="99">#REF!!$$:</definedName>'
                b'<definedName name="y" localSheetId="-1">A1:</definedName>',
            ),
            READS,
        ),
        Variant("defined-name-local-id-text", _sub(WORKBOOK, rb'localSheetId="1"', b'localSheetId="one"'), READS),
        # The zip and the package's bookkeeping.
        Variant("zip-member-twice", _duplicate_member(BUDGET_SHEET), REFUSED),
        Variant("zip-member-corrupt-shared-strings", _corrupted("xl/sharedStrings.xml"), REFUSED),
        Variant("zip-member-corrupt-report-sheet", _corrupted("xl/worksheets/sheet13.xml"), REFUSED),
        Variant("zip-member-corrupt-workbook-rels", _corrupted(WB_RELS), REFUSED),
        Variant("zip-member-corrupt-vba", _corrupted("xl/vbaProject.bin"), REFUSED),
        Variant("zip-members-differ-in-case", _renamed_copy(BUDGET_TABLE, "xl/tables/Table2.xml"), REFUSED),
        Variant(
            "content-type-of-sheet-missing",
            _sub("[Content_Types].xml", rb'<Override PartName="/xl/worksheets/sheet3\.xml"[^>]*/>', b""),
            REFUSED,
        ),
        Variant("encoding-declared-utf16", _sub(BUDGET_SHEET, rb'encoding="UTF-8"', b'encoding="UTF-16"'), REFUSED),
        Variant(
            "doctype-after-a-long-comment",
            _sub(BUDGET_SHEET, rb"\?>", b"?><!--" + b"x" * 5000 + b'--><!DOCTYPE worksheet [<!ENTITY e "e">]>'),
            REFUSED,
        ),
        Variant(
            "xml-namespace-wrong", _sub(BUDGET_SHEET, rb'<worksheet xmlns="[^"]*"', b'<worksheet xmlns="urn:x"'), ANY
        ),
    ]


def _renamed_copy(part: str, other: str) -> Mutation:
    """A second member whose name differs from ``part`` only in case."""

    def mutate(members: Members) -> Members:
        return {**members, other: members[part]}

    return mutate


def variants(source: Path) -> list[Variant]:
    members = read_members(source)
    names = list(members)
    return [*_removals(names), *_drops(), *_truncations(names), *_flips(members), *_semantic()]


def read_members(source: Path) -> Members:
    with zipfile.ZipFile(source) as z:
        return {name: z.read(name) for name in z.namelist()}


CORRUPT = "\0corrupt"


def _corrupted(part: str) -> Mutation:
    """The part's compressed bytes damaged in the middle (the zip directory intact): a disk or
    a transfer that flipped bits."""

    def mutate(members: Members) -> Members:
        return {**members, CORRUPT: part.encode()}

    return mutate


def write_package(members: Members, target: Path) -> Path:
    """The members as a zip; a key ``name\\0dup`` is written as a second member ``name``, and
    the member named by ``CORRUPT`` has a byte of its compressed data flipped."""
    members = dict(members)
    corrupt = members.pop(CORRUPT, b"").decode()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name.split("\0")[0], data)
    if corrupt:
        with zipfile.ZipFile(target) as z:
            info = z.getinfo(corrupt)
        data = bytearray(target.read_bytes())
        start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
        data[start + info.compress_size // 2] ^= 0x55
        target.write_bytes(bytes(data))
    return target
