"""What the reader learns about each input sheet from its XML, in two steps.

Only one answer must come before python-calamine touches a sheet: whether it has a cell far
outside its data (a stray cell at XFD1048576 makes python-calamine allocate the whole used range
and abort the process). ``survey`` answers that, inflating each sheet in pieces and searching
them as they come (``inflate.pieces``, ``sheetscan.FarCells``), and checks that the sheet ends.
Everything else only has to be known before the tables are used, so ``learn`` (hidden rows,
formulas without a saved result, shared-string cells that are not an index, percent and scaled
number formats) runs while python-calamine reads (``file_reader``): on the 200,000-contract
ledger 130 ms of passes that now cost about 30 ms, what python-calamine's reader loses beside
them on two cores (the survey itself is 110 ms). When a sheet has far cells, ``learn`` also makes
its copy without them, and python-calamine reads only after it, from that copy.

A sheet that cannot be surveyed (unreadable, cut short, a table range that is not a range) ends
the survey: its reason is raised by ``learn`` in its place, after the sheets before it are
learnt, so the first sheet's fault is the one told, as when each sheet was read in one pass.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import UnusableInput
from ..package.inflate import pieces
from ..package.integrity import complete, damaged
from ..package.parts import TablePart, read_part, sheet_parts, styles_part
from ..package.sheetscan import (
    FarCells,
    SheetScan,
    bounded_sheet,
    far_rows,
    last_row,
    percent_styles,
    scaled_styles,
    sheet_facts,
    styled_cells,
)
from ..package.zipcopy import ZipLayoutError, rewrite_zip
from .table_geometry import ROW_GAP, table_bounds

__all__ = ["SheetSurvey", "Styles", "bounded_copy", "learn", "survey"]

# A sheet read by its header row keeps this many columns (contract tables are ≤ 11 wide).
_FALLBACK_COLUMNS = 26
# What reading a sheet's part can raise (the reader tells them as one "cannot be read" line).
# ``complete`` looks at the first and the last 4 KiB of a part.
_ENDS = 4096
_UNREADABLE = (UnusableInput, zipfile.BadZipFile, zlib.error, KeyError, ValueError, OSError, EOFError)


@dataclass(slots=True)
class Inflated:
    """A sheet's XML in the pieces it was inflated in, joined only when a scan needs it whole:
    joining the ledger's 54 MB costs 20 ms, which ``learn`` spends while python-calamine reads."""

    pieces: list[bytes]

    def whole(self) -> bytes:
        if len(self.pieces) != 1:
            self.pieces = [b"".join(self.pieces)]
        return self.pieces[0]

    def tail(self, size: int) -> bytes:
        """The last ``size`` bytes (the whole when it is no longer)."""
        tail = b""
        for piece in reversed(self.pieces):
            tail = piece[-(size - len(tail)) :] + tail
            if len(tail) == size:
                break
        return tail

    def ends(self, size: int) -> bytes:
        """The first ``size`` bytes and the last ``size`` (the whole when it is no longer)."""
        if sum(map(len, self.pieces)) <= 2 * size:
            return self.whole()
        head = b""
        for piece in self.pieces:
            head += piece[: size - len(head)]
            if len(head) == size:
                break
        return head + self.tail(size)


@dataclass(slots=True)
class SheetSurvey:
    """What the two steps learnt about one input sheet (rows 1-based, columns 0-based)."""

    part: str
    tables: list[TablePart]
    last_row: int = 0  # the sheet's last <row>
    keep_rows: int = 0  # the rows and columns the data keep; cells beyond them are strays
    keep_cols: int = 0
    far: bool = False  # a cell lies far outside them (``sheetscan.FarCells``, ``far_rows``)
    refusal: BaseException | None = None  # why the sheet cannot be read (raised by ``learn``)
    xml: Inflated = field(default_factory=lambda: Inflated([]))  # kept from ``survey`` to ``learn``
    scan: SheetScan = field(default_factory=SheetScan)
    stray: list[str] = field(default_factory=list)
    bounded: bytes | None = None  # the sheet without its far cells, when it has any
    percent: frozenset[tuple[int, int]] = frozenset()
    scaled: dict[tuple[int, int], int] = field(default_factory=dict)  # cell → the divisor its format shows


def _fallback_rows(xml: bytes) -> int:
    """The last row of a table-less sheet's data: rows after a gap of ROW_GAP are strays."""

    last = 0
    for match in re.finditer(rb'<(?:\w+:)?row\b[^>]*?\br="(\d+)"[^>]*?(/?)>', xml):
        if match.group(2):
            continue  # an empty <row/> holds no cell
        row = int(match.group(1))
        if last and row - last > ROW_GAP:
            break
        last = row
    return last


def survey(path: Path, package: zipfile.ZipFile, wanted: dict[str, list[TablePart] | None]) -> dict[str, SheetSurvey]:
    """Each wanted sheet (name → its contract tables, None for a header-row sheet) read, checked
    for its ending and for far cells; the survey stops at a sheet that cannot be read (its
    ``refusal``)."""
    parts = {s.name: s for s in sheet_parts(package)}
    names = set(package.namelist())
    out: dict[str, SheetSurvey] = {}
    for name, tables in wanted.items():
        sheet = parts.get(name)
        if sheet is None or sheet.part not in names:
            continue
        info = out[name] = SheetSurvey(sheet.part, tables or [])
        try:
            _keep_from_tables(name, info)
            info.xml = _read(package, info)
        except _UNREADABLE as exc:
            info.refusal = exc
            break
        if not complete(info.xml.ends(_ENDS)):  # a large sheet's ending is checked here, on bytes read anyway
            info.refusal = damaged(path.name, f"工作表“{name}”不完整（XML 在结尾前中断）")
            break
        if info.refusal is not None:  # a table range that is not a range: after the reading
            break
        # The last <row> from the last 64 KiB (last_row looks there first), else from the whole.
        info.last_row = last_row(info.xml.tail(1 << 16)) or last_row(info.xml.whole())
        if not tables:
            info.keep_rows = _fallback_rows(info.xml.whole())
        elif info.last_row > info.keep_rows:  # rows below a table: read up to the data's end
            info.keep_rows = max(info.keep_rows, _fallback_rows(info.xml.whole()))
        info.far = info.far or far_rows(info.last_row, info.keep_rows)
    return out


def _keep_from_tables(name: str, info: SheetSurvey) -> None:
    """The columns (and a table's rows) the data keep, from the table ranges."""
    info.keep_cols = _FALLBACK_COLUMNS
    if info.tables:
        try:
            bounds = [table_bounds(name, t) for t in info.tables]
        except UnusableInput as exc:
            info.refusal = exc  # raised once the sheet is known to be whole, as before
            return
        info.keep_rows = max(b[2] for b in bounds)
        info.keep_cols = max(b[3] for b in bounds) + 1


def _read(package: zipfile.ZipFile, info: SheetSurvey) -> Inflated:
    far = FarCells(info.keep_cols)
    got = []
    for piece in pieces(package, info.part):
        far.feed(piece)
        got.append(piece)
    info.far = far.found
    return Inflated(got)


class Styles:
    """The cell formats showing a percentage, and those showing a number scaled down, read from
    the package once, when first asked."""

    def __init__(self, package: zipfile.ZipFile) -> None:
        self._package = package
        self._found: tuple[frozenset[int], dict[int, int]] | None = None

    def __call__(self) -> tuple[frozenset[int], dict[int, int]]:
        if self._found is None:
            part = styles_part(self._package)
            if not part:
                self._found = (frozenset(), {})
            else:
                xml = read_part(self._package, part)
                self._found = (percent_styles(xml), scaled_styles(xml))
        return self._found


def learn(path: Path, name: str, info: SheetSurvey, styles: Styles) -> None:
    """The rest of what the sheet's XML says, into ``info``; raises the sheet's refusal, or
    UnusableInput naming the sheet and cell when it is damaged in a way python-calamine would
    read silently or abort on (``sheetscan``)."""
    if info.refusal is not None:
        raise info.refusal
    xml, info.xml = info.xml.whole(), Inflated([])
    hidden, uncached, bad = sheet_facts(xml)
    info.scan = SheetScan(info.last_row, hidden, uncached, info.far, bad)
    if bad:
        raise damaged(path.name, f"工作表“{name}”的单元格 {bad} 引用的共享字符串编号无效")
    keep_rows, keep_cols = info.keep_rows, info.keep_cols
    if info.far:
        bounded = bounded_sheet(xml, keep_rows, keep_cols)
        if bounded.beyond:
            raise damaged(path.name, f"工作表“{name}”的单元格位置“{bounded.beyond}”超出工作表范围（A1:XFD1048576）")
        info.bounded, info.stray = bounded.xml, bounded.dropped
    # Percent formats: on rates they say the row is a rate; on amounts and points they
    # are an error (the clerk typed a percentage where none belongs).
    percent_xfs, scaled_xfs = styles()
    if percent_xfs:
        info.percent = styled_cells(xml, percent_xfs, keep_rows, keep_cols)
    # Formats that show a number scaled down (0!.0000: 元 shown as 万元): said at the cells.
    for divisor in set(scaled_xfs.values()):
        xfs = frozenset(i for i, d in scaled_xfs.items() if d == divisor)
        info.scaled.update(dict.fromkeys(styled_cells(xml, xfs, keep_rows, keep_cols), divisor))


def bounded_copy(path: Path, sheets: dict[str, SheetSurvey]) -> io.BytesIO | None:
    """The package with far cells removed from the sheets that have them, in memory."""
    replace = {info.part: info.bounded for info in sheets.values() if info.bounded is not None}
    if not replace:
        return None
    out = io.BytesIO()
    try:
        with path.open("rb") as source:
            rewrite_zip(source, path.stat().st_size, out, replace, ())
    except ZipLayoutError:
        raise UnusableInput(
            f"“{path.name}”使用了不常见的压缩格式（ZIP64），且含有远离数据的单元格："
            "请在 Excel 中另存为 .xlsx/.xlsm 后再试"
        ) from None
    out.seek(0)
    return out
