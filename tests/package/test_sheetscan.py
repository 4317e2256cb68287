"""The far-cell search fed a sheet in pieces answers what it answers for the whole sheet."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from addin.package.sheetscan import MAX_ROW, FarCells, scan_facts


def _fed(xml: bytes, cuts: list[int], keep_cols: int) -> bool:
    far = FarCells(keep_cols)
    at = 0
    for cut in sorted(cuts):
        far.feed(xml[at:cut])
        at = cut
    far.feed(xml[at:])
    return far.found


def _whole(xml: bytes, keep_cols: int) -> bool:
    return scan_facts(xml, MAX_ROW, keep_cols).far  # rows kept to the grid's end: columns decide


_CELL = st.sampled_from(["A", "G", "Z", "AA", "XFD", "ZZ", "AAA"]).flatmap(
    lambda col: st.sampled_from(["1", "12", "99999", "1048576", "20000000"]).map(
        lambda row: f'<c r="{col}{row}" t="s"><v>3</v></c>'.encode()
    )
)


@given(
    cells=st.lists(_CELL, min_size=1, max_size=6),
    cuts=st.lists(st.integers(min_value=0, max_value=200), max_size=6),
    keep_cols=st.sampled_from([7, 26, 27, 702]),
)
def test_pieces_give_the_answer_of_the_whole(cells: list[bytes], cuts: list[int], keep_cols: int) -> None:
    xml = b'<worksheet><sheetData><row r="1">' + b"".join(cells) + b"</row></sheetData></worksheet>"
    assert _fed(xml, cuts, keep_cols) == _whole(xml, keep_cols)


@pytest.mark.parametrize("ref", [b"AB5", b"A1048576", b"1234567"])
def test_a_far_reference_cut_anywhere_between_two_pieces_is_found(ref: bytes) -> None:
    xml = b'<row r="5"><c r="A5"/><c r="' + ref + b'"><v>1</v></c></row>'
    at = xml.index(b'r="' + ref)
    for cut in range(at - 2, at + len(ref) + 5):
        assert _fed(xml, [cut], 7), cut
        assert _fed(xml, [cut - 1, cut], 7), cut  # and with a one-byte piece between
    assert not _fed(xml.replace(ref, b"B5"), [at + 2], 7)
