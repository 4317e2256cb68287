"""A large part inflated in pieces is the part read whole, with the same refusals for damage."""

from __future__ import annotations

import random
import struct
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest

from addin.errors import UnusableInput
from addin.package import inflate
from addin.package.inflate import pieces
from addin.package.parts import read_part

PART = "xl/worksheets/sheet1.xml"


def _sheet_xml(rows: int) -> bytes:
    """A worksheet of ``rows`` rows of varied cells: about 6 MB for 60,000 rows."""
    pick = random.Random(7)
    body = b"".join(
        b'<row r="%d"><c r="A%d" t="s"><v>%d</v></c><c r="B%d"><v>%d.%02d</v></c></row>'
        % (r, r, pick.randrange(5000), r, pick.randrange(10**6), pick.randrange(100))
        for r in range(1, rows + 1)
    )
    return b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>' + (
        body + b"</sheetData></worksheet>"
    )


@pytest.fixture(autouse=True, params=["isal", "zlib"])
def inflater(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each test with Intel ISA-L's inflate (where its wheel exists) and with the standard zlib
    (the fallback on machines without one): the same pieces, the same refusals."""
    if request.param == "zlib":
        monkeypatch.setattr(inflate, "_inflate", zlib)
        monkeypatch.setattr(inflate, "_INFLATE_ERRORS", ())
    elif inflate._inflate is zlib:
        pytest.skip("python-isal is not installed on this machine")
    return str(request.param)


@pytest.fixture(scope="module")
def big_zip(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes]:
    xml = _sheet_xml(60_000)
    assert len(xml) > 5 * 1024**2  # above the size read in pieces
    path = tmp_path_factory.mktemp("inflate") / "big.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", b"<Types/>")
        z.writestr(PART, xml)
    return path, xml


def _patched(source: Path, target: Path, change: Callable[[bytearray, zipfile.ZipInfo, int], None]) -> Path:
    """A copy of ``source`` with its bytes changed by ``change(data, info, central_entry_at)``."""
    with zipfile.ZipFile(source) as z:
        info = z.getinfo(PART)
    data = bytearray(source.read_bytes())
    central = data.rindex(b"PK\x01\x02")  # the part is the last member written
    assert data[central + 46 : central + 46 + len(PART)] == PART.encode()
    change(data, info, central)
    target.write_bytes(bytes(data))
    return target


def _data_at(info: zipfile.ZipInfo) -> int:
    return info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)


def _wrong_checksum(data: bytearray, info: zipfile.ZipInfo, central: int) -> None:
    struct.pack_into("<L", data, central + 16, info.CRC ^ 1)


def _declared_smaller(data: bytearray, info: zipfile.ZipInfo, central: int) -> None:
    struct.pack_into("<L", data, central + 24, info.file_size - 1000)


def _cut_short(data: bytearray, info: zipfile.ZipInfo, central: int) -> None:
    struct.pack_into("<L", data, central + 20, info.compress_size // 2)


def _flipped(data: bytearray, info: zipfile.ZipInfo, central: int) -> None:
    at = _data_at(info) + info.compress_size // 2
    data[at : at + 64] = bytes(64)


def _other_name(data: bytearray, info: zipfile.ZipInfo, central: int) -> None:
    at = info.header_offset + 30 + len(PART) - len("1.xml")
    data[at] = ord("9")  # the local header names sheet9.xml


def _outcome(read: Callable[[], bytes]) -> tuple[str, str] | bytes:
    try:
        return read()
    except Exception as exc:  # the kind of refusal is what is compared
        return type(exc).__name__, exc.message if isinstance(exc, UnusableInput) else ""


def test_the_pieces_are_the_part(big_zip: tuple[Path, bytes]) -> None:
    path, xml = big_zip
    with zipfile.ZipFile(path) as z:
        got = list(pieces(z, PART))
        assert len(got) > 2 and b"".join(got) == xml == read_part(z, PART)
        assert list(pieces(z, "[Content_Types].xml")) == [b"<Types/>"]  # a small part: one piece


@pytest.mark.parametrize("damage", [_wrong_checksum, _declared_smaller, _cut_short, _flipped, _other_name])
def test_damage_is_refused_as_a_whole_read_refuses_it(
    damage: Callable[[bytearray, zipfile.ZipInfo, int], None], big_zip: tuple[Path, bytes], tmp_path: Path
) -> None:
    path = _patched(big_zip[0], tmp_path / "damaged.zip", damage)
    with zipfile.ZipFile(path) as z:
        in_pieces = _outcome(lambda: b"".join(pieces(z, PART)))
        whole = _outcome(lambda: read_part(z, PART))
    # Refused, with the exception the reader tells as "cannot be read", the one zipfile raises.
    assert isinstance(in_pieces, tuple) and in_pieces[0] in ("BadZipFile", "error", "EOFError")
    assert in_pieces == whole
