"""What python-calamine does not say about a worksheet, read straight from its XML.

python-calamine reads an error cell (#DIV/0!, …) and a formula without a saved result as an
empty cell, does not report hidden rows or number formats, and allocates the whole rectangle
from the first to the last cell it finds (a stray cell at XFD1048576 asks for terabytes and
aborts the process; so does a damaged reference such as G99999999999999999999). A shared-string
cell whose value is not an index ("-1", text) it reads as the first shared string, silently.
These scans answer those questions with regular expressions over the part's bytes; each one
looks for a marker first, so a sheet without it costs one ``in`` test.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import unescape

__all__ = [
    "MAX_COLUMN",
    "MAX_ROW",
    "Bounded",
    "FarCells",
    "SheetScan",
    "bounded_sheet",
    "cell_index",
    "far_rows",
    "grid_cell",
    "last_row",
    "number_formats",
    "out_of_grid",
    "parse_ref",
    "percent_styles",
    "scaled_styles",
    "scan_facts",
    "scan_sheet",
    "sheet_facts",
    "styled_cells",
]

_ERROR_CELL = re.compile(rb'<(?:\w+:)?c\b([^>]*?\bt="e"[^>]*)>(.*?)</(?:\w+:)?c>', re.S)
_REF = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>")
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*\bref="([A-Z]{1,3})(\d+)(?::([A-Z]{1,3})(\d+))?"')
_CELL = re.compile(rb"<((?:\w+:)?)c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_ROW = re.compile(rb"<(?:\w+:)?row\b([^>]*)>")
_ROW_NUMBER = re.compile(rb'\br="(\d+)"')
_HIDDEN = re.compile(rb'\bhidden="(?:1|true)"')
_STYLE = re.compile(rb'\bs="(\d+)"')
_FORMULA = re.compile(rb"<(?:\w+:)?f\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?f>)", re.S)
_TEXT_TYPE = re.compile(rb'\bt="(?:str|s|inlineStr)"')
_ROOT_PREFIX = re.compile(rb"<(\w+:)?worksheet\b")
# A cell whose column has two letters or more (AA or beyond), or whose row number has seven
# digits or more (a stray at row 1,000,000 or a damaged reference): the far test for sheets
# whose tables end by column Z; three letters for tables reaching beyond it. The quantifiers are
# possessive: one pass over a 54 MB ledger costs what the two-letter test alone cost.
_FAR_2 = re.compile(rb'r="[A-Z]?+(?:[A-Z]|\d{7})')
_FAR_3 = re.compile(rb'r="[A-Z]{0,2}+(?:[A-Z]|\d{7})')
# A shared-string cell (t="s") whose value is not a whole number: not an index.
_BAD_STRING = re.compile(rb't="s"[^>]*+><(?:\w+:)?v>(?!\d++<)')
_CELL_START = re.compile(rb"<(?:\w+:)?c\b[^>]*>")
_ANY_REF = re.compile(rb'\br="([^"]*)"')
MAX_ROW = 1048576
MAX_COLUMN = 16384  # XFD


def cell_index(letters: str) -> int:
    """A → 0, Z → 25, AA → 26."""
    index = 0
    for ch in letters:
        index = index * 26 + (ord(ch) - 64)
    return index - 1


def parse_ref(ref: str) -> tuple[int, int]:
    """ "B12" → (12, 1): 1-based row, 0-based column; ValueError unless inside A1:XFD1048576."""
    cell = grid_cell(ref.upper())
    if cell is None:
        raise ValueError(ref)
    return cell


def scan_sheet(xml: bytes) -> tuple[dict[tuple[int, int], str], Sequence[tuple[int, int, int, int]]]:
    """({(row, col): '#DIV/0!'}, [(row1, col1, row2, col2)]) with 1-based rows, 0-based cols."""
    errors: dict[tuple[int, int], str] = {}
    if b't="e"' in xml:
        for match in _ERROR_CELL.finditer(xml):
            ref = _REF.search(match.group(1))
            value = _VALUE.search(match.group(2))
            if ref is None:
                continue
            text = value.group(1).decode("utf-8", "replace") if value else "#VALUE!"
            errors[(int(ref.group(2)), cell_index(ref.group(1).decode()))] = text
    merged: list[tuple[int, int, int, int]] = []
    if b"mergeCell" in xml:
        for match in _MERGE.finditer(xml):
            c1, r1, c2, r2 = match.groups()
            c2 = c2 or c1
            r2 = r2 or r1
            merged.append((int(r1), cell_index(c1.decode()), int(r2), cell_index(c2.decode())))
    return errors, merged


@dataclass(frozen=True, slots=True)
class SheetScan:
    """The facts one pass over a sheet's XML gives, for the rows of its tables.

    ``uncached`` maps (row, col) to the formula text of a cell that has a formula and no saved
    result; ``far`` is True when a cell lies so far outside ``keep`` (rows, cols) that reading
    the sheet whole would cost what its used range claims rather than what its data hold.
    """

    last_row: int = 0
    hidden_rows: frozenset[int] = frozenset()
    uncached: dict[tuple[int, int], str] = field(default_factory=dict)
    far: bool = False
    bad_string: str = ""  # the reference of a shared-string cell whose value is not an index


def last_row(xml: bytes) -> int:
    """The number of the sheet's last <row> element (rows are stored in order)."""
    tail = xml[-(1 << 16) :]
    rows = _ROW.findall(tail) or _ROW.findall(xml)
    for attrs in reversed(rows):
        number = _ROW_NUMBER.search(attrs)
        if number is not None:
            return int(number.group(1))
    return 0


def _prefix(xml: bytes) -> bytes:
    root = _ROOT_PREFIX.search(xml[:4096])
    return root.group(1) or b"" if root else b""


class FarCells:
    """Whether a sheet has a cell far to the right of its data or a seven-digit row number, fed
    its XML in pieces as they are inflated (``inflate.pieces``) or whole (one piece).

    A cell beyond column Z (beyond ZZ when the data reach past Z, ``keep_cols`` > 26) or with a
    row number of seven digits or more is far. A match is at most 12 bytes (r=", two letters,
    seven digits): each piece is searched, and so are the 11 bytes before it joined to its first
    11, so a match split between two pieces is found and none is found that the whole would not
    hold (the patterns have no anchor or look-around).
    """

    _SPAN = 11

    def __init__(self, keep_cols: int) -> None:
        self._pattern = _FAR_2 if keep_cols <= 26 else _FAR_3
        self._tail = b""
        self.found = False

    def feed(self, piece: bytes) -> None:
        if self.found:
            return
        seam = self._tail + piece[: self._SPAN]
        self.found = self._pattern.search(seam) is not None or self._pattern.search(piece) is not None
        self._tail = seam[-self._SPAN :] if len(piece) <= self._SPAN else piece[-self._SPAN :]


def far_rows(last: int, keep_rows: int) -> bool:
    """Whether a sheet whose last row is ``last`` reaches more than 1,000 rows below its data."""
    return last > keep_rows + 1000


def sheet_facts(xml: bytes) -> tuple[frozenset[int], dict[tuple[int, int], str], str]:
    """(hidden row numbers, {(row, col): formula} of the formulas without a saved result, the
    reference of the first shared-string cell whose value is not an index or "")."""
    hidden: set[int] = set()
    if b"hidden=" in xml:
        for attrs in _ROW.findall(xml):
            if _HIDDEN.search(attrs):
                number = _ROW_NUMBER.search(attrs)
                if number is not None:
                    hidden.add(int(number.group(1)))
    uncached: dict[tuple[int, int], str] = {}
    prefix = _prefix(xml)
    if re.search(b"<" + re.escape(prefix) + rb"f[\s>/]", xml):
        for match in _CELL.finditer(xml):
            body = match.group(3) or b""
            if b"f" not in body:
                continue
            formula = _FORMULA.search(body)
            if formula is None:
                continue
            value = _VALUE.search(body)
            # An empty <v></v> is a saved empty text only on a text-typed cell (t="str").
            if value is not None and (value.group(1) or _TEXT_TYPE.search(match.group(2))):
                continue
            ref = _REF.search(match.group(2))
            if ref is not None:
                text = (formula.group(1) or b"").decode("utf-8", "replace")
                uncached[(int(ref.group(2)), cell_index(ref.group(1).decode()))] = text
    bad = ""
    if b't="s"' in xml:
        found = _BAD_STRING.search(xml)
        if found is not None:
            start = xml.rfind(b"<", 0, found.start())
            tag = _CELL_START.match(xml, start)
            ref = _ANY_REF.search(tag.group(0)) if tag else None
            bad = ref.group(1).decode("utf-8", "replace") if ref else "?"
    return frozenset(hidden), uncached, bad


def scan_facts(xml: bytes, keep_rows: int, keep_cols: int) -> SheetScan:
    """Hidden rows, formulas without a saved result, and whether a cell lies far out.

    ``keep_rows``/``keep_cols`` bound the data (last row, number of columns); a cell beyond
    column Z (beyond ZZ when the data reach past Z) or more than 1,000 rows below the data is far.
    """
    hidden, uncached, bad = sheet_facts(xml)
    far = FarCells(keep_cols)
    far.feed(xml)
    last = last_row(xml)
    return SheetScan(last, hidden, uncached, far.found or far_rows(last, keep_rows), bad)


_GRID_REF = re.compile(r"\$?([A-Z]{1,3})\$?(\d{1,7})")


def grid_cell(ref: str) -> tuple[int, int] | None:
    """(row, col) of "B12" (or "$B$12"): 1-based row, 0-based column; None for anything that is
    not a reference inside the sheet's grid A1:XFD1048576."""
    m = _GRID_REF.fullmatch(ref)
    if m is None:
        return None
    row, col = int(m.group(2)), cell_index(m.group(1))
    return (row, col) if 1 <= row <= MAX_ROW and col < MAX_COLUMN else None


def out_of_grid(xml: bytes) -> str:
    """The first cell reference (or row) outside A1:XFD1048576, "" when there is none: a damaged
    sheet python-calamine would answer by allocating without bound. Costs one search unless the
    sheet has a three-letter column or a seven-digit row."""
    last = last_row(xml)
    if last > MAX_ROW:
        return f"第 {last} 行"
    if _FAR_3.search(xml) is None:
        return ""
    for match in _CELL.finditer(xml):
        written = _ANY_REF.search(match.group(2))
        if written is not None and grid_cell(written.group(1).decode("utf-8", "replace")) is None:
            return written.group(1).decode("utf-8", "replace")[:40]
    return ""


@dataclass(frozen=True, slots=True)
class Bounded:
    """A sheet without its far cells: ``xml``, the references of the non-empty cells dropped,
    and the first reference outside the grid A1:XFD1048576 (a damaged sheet), "" when none."""

    xml: bytes
    dropped: list[str]
    beyond: str = ""


def bounded_sheet(xml: bytes, keep_rows: int, keep_cols: int) -> Bounded:
    """The sheet without the cells beyond ``keep_rows`` × ``keep_cols`` (see ``Bounded``)."""
    dropped: list[str] = []
    beyond: list[str] = []
    last = last_row(xml)
    if last > MAX_ROW:
        beyond.append(f"第 {last} 行")

    def cell(match: re.Match[bytes]) -> bytes:
        written = _ANY_REF.search(match.group(2))
        if written is None:
            return match.group(0)
        at = grid_cell(written.group(1).decode("utf-8", "replace"))
        if at is None:
            beyond.append(written.group(1).decode("utf-8", "replace"))
            return b""
        row, col = at
        if row <= keep_rows and col < keep_cols:
            return match.group(0)
        if match.group(3):
            dropped.append(written.group(1).decode())
        return b""

    bounded = _CELL.sub(cell, xml)
    return Bounded(bounded, dropped, beyond[0][:40] if beyond else "")


_NUMFMT = re.compile(rb'<(?:\w+:)?numFmt\b[^>]*?\bnumFmtId="(\d+)"[^>]*?\bformatCode="([^"]*)"')
_NUMFMT_REV = re.compile(rb'<(?:\w+:)?numFmt\b[^>]*?\bformatCode="([^"]*)"[^>]*?\bnumFmtId="(\d+)"')
_NUMFMTS = re.compile(rb"<(?:\w+:)?numFmts\b[^>]*>(.*?)</(?:\w+:)?numFmts>", re.S)
_CELL_XFS = re.compile(rb"<(?:\w+:)?cellXfs\b[^>]*>(.*?)</(?:\w+:)?cellXfs>", re.S)
_XF = re.compile(rb"<(?:\w+:)?xf\b([^>]*)")
_XF_NUMFMT = re.compile(rb'\bnumFmtId="(\d+)"')


def _is_percent_code(code: str) -> bool:
    # A % inside quotes or after a backslash is literal text, not the percent format.
    bare = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", code)
    return "%" in bare


# Excel's built-in number formats a number cell may carry without a numFmt element (ECMA-376
# 18.8.30); the date, time and text ones print as General in an excerpt anyway.
_BUILTIN_FORMATS = {
    1: "0",
    2: "0.00",
    3: "#,##0",
    4: "#,##0.00",
    9: "0%",
    10: "0.00%",
    37: "#,##0 ;(#,##0)",
    38: "#,##0 ;[Red](#,##0)",
    39: "#,##0.00;(#,##0.00)",
    40: "#,##0.00;[Red](#,##0.00)",
}


def number_formats(styles_xml: bytes) -> dict[int, str]:
    """The number format code of each cell format (cellXfs index) that has one other than
    General: its own numFmt, else Excel's built-in code for the id."""
    codes = dict(_BUILTIN_FORMATS)
    # Only the numFmts list: a conditional format's own numFmt (in dxfs) reuses the same ids.
    listed = _NUMFMTS.search(styles_xml)
    own = listed.group(1) if listed is not None else b""
    for num_id, code in _NUMFMT.findall(own):
        codes[int(num_id)] = unescape(code.decode("utf-8", "replace"))
    for code, num_id in _NUMFMT_REV.findall(own):
        codes[int(num_id)] = unescape(code.decode("utf-8", "replace"))
    xfs = _CELL_XFS.search(styles_xml)
    if xfs is None:
        return {}
    found = {}
    for i, attrs in enumerate(_XF.findall(xfs.group(1))):
        num = _XF_NUMFMT.search(attrs)
        if num is not None and int(num.group(1)) in codes:
            found[i] = codes[int(num.group(1))]
    return found


def percent_styles(styles_xml: bytes) -> frozenset[int]:
    """Indices of the cell formats (cellXfs) whose number format shows a percentage."""
    return frozenset(i for i, code in number_formats(styles_xml).items() if _is_percent_code(code))


# A literal dot (0!.0000, 0\.0000, 0"."0000) before digit placeholders, with no decimal point of
# its own: the format shows the number divided by 10 per placeholder after it (元 shown as 万元).
_LITERAL_DOT = re.compile(r'(?:!\.|\\\.|"\.")([0#?]+)')


def _scale_of_code(code: str) -> int:
    """How many times smaller a format code shows a number (1: as it is)."""
    section = re.sub(r"\[[^\]]*\]", "", code.split(";", 1)[0])
    dot = _LITERAL_DOT.search(section)
    bare = re.sub(r'"[^"]*"|\\.|!.', "", section)
    if dot is not None and "." not in bare:
        return int(10 ** len(dot.group(1)))
    trailing = re.search(r"[0#?](,+)(?:[^0#?,]*)$", bare)  # 0.00,, : thousands, millions
    return int(1000 ** len(trailing.group(1))) if trailing is not None else 1


def scaled_styles(styles_xml: bytes) -> dict[int, int]:
    """Indices of the cell formats whose number format shows a number scaled down, with the
    divisor (0!.0000 → 10000; #,##0, → 1000)."""
    out = {}
    for i, code in number_formats(styles_xml).items():
        scale = _scale_of_code(code)
        if scale > 1:
            out[i] = scale
    return out


def styled_cells(xml: bytes, styles: frozenset[int], keep_rows: int, keep_cols: int) -> frozenset[tuple[int, int]]:
    """(row, col) of the cells within ``keep_rows`` × ``keep_cols`` whose style index is in
    ``styles``. A sheet that names none of them costs one search; otherwise one more
    regular-expression pass that looks only at cells carrying such a style."""
    if not styles:
        return frozenset()
    ids = b"|".join(b"%d" % s for s in sorted(styles))
    if re.search(rb' s="(?:' + ids + rb')"', xml) is None:
        return frozenset()
    # Each s="…" found by its literal text, then the tag around it: a <c> start tag
    # (<(?:\w+:)?c\b[^>]*?\bs="…"[^>]*>) holding it. Scanning every tag's attributes for the
    # style was 18 ms on a 4,500-row project table.
    found: set[tuple[int, int]] = set()
    for match in re.finditer(rb's="(?:' + ids + rb')"', xml):
        at = match.start()
        if at and xml[at - 1 : at] in _WORD:
            continue  # not at a word boundary (\bs=)
        start = xml.rfind(b"<", 0, at)
        end = xml.find(b">", at)
        if start < 0 or end < 0 or xml.find(b">", start, at) >= 0 or _CELL_OPEN.match(xml, start) is None:
            continue
        ref = _REF.search(xml, start, end + 1)
        if ref is None:
            continue
        row, col = int(ref.group(2)), cell_index(ref.group(1).decode())
        if row <= keep_rows and col < keep_cols:
            found.add((row, col))
    return frozenset(found)


_WORD = frozenset(bytes([b]) for b in b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")
_CELL_OPEN = re.compile(rb"<(?:\w+:)?c\b")  # the start of a <c> tag, for styled_cells
