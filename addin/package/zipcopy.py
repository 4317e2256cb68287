"""Rewriting a zip package: untouched members copied byte for byte, others replaced or added.

Unchanged parts are copied as their compressed bytes with their original local and central
headers (only the offset is patched), so a 100 MB sheet costs a file copy, not a re-deflate,
and its bytes cannot change.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Iterable, Mapping
from typing import BinaryIO

__all__ = ["ZipLayoutError", "rewrite_zip", "with_fixed_times"]

_LOCAL = b"PK\x03\x04"
_CENTRAL = b"PK\x01\x02"
_EOCD = b"PK\x05\x06"
_DESCRIPTOR = b"PK\x07\x08"
_DOS_DATE_1980 = (0, (1 << 5) | 1)  # 00:00:00, 1980-01-01


class ZipLayoutError(ValueError):
    """The source zip uses a layout this copier does not handle (e.g. zip64)."""


def _central_directory(data: BinaryIO, size: int) -> tuple[int, list[tuple[str, bytes]]]:
    tail_len = min(size, 65536 + 22)
    data.seek(size - tail_len)
    tail = data.read(tail_len)
    at = tail.rfind(_EOCD)
    if at < 0:
        raise ZipLayoutError("no end of central directory")
    (_, disk, cd_disk, _, entries, cd_size, cd_offset, _) = struct.unpack("<4s4H2LH", tail[at : at + 22])
    if disk or cd_disk or entries == 0xFFFF or cd_offset == 0xFFFFFFFF:
        raise ZipLayoutError("multi-disk or zip64 archive")
    data.seek(cd_offset)
    blob = data.read(cd_size)
    out: list[tuple[str, bytes]] = []
    pos = 0
    for _ in range(entries):
        if blob[pos : pos + 4] != _CENTRAL:
            raise ZipLayoutError("bad central directory entry")
        flags = struct.unpack("<H", blob[pos + 8 : pos + 10])[0]
        n, m, k = struct.unpack("<3H", blob[pos + 28 : pos + 34])
        raw_name = blob[pos + 46 : pos + 46 + n]
        name = raw_name.decode("utf-8" if flags & 0x800 else "cp437")
        end = pos + 46 + n + m + k
        out.append((name, blob[pos:end]))
        pos = end
    return cd_offset, out


def _member_bytes(data: BinaryIO, entry: bytes) -> bytes:
    """The member's local header, data and data descriptor, exactly as stored."""
    flags, _, _, _, _, csize, usize = struct.unpack("<HHHHLLL", entry[8:28])
    offset = struct.unpack("<L", entry[42:46])[0]
    if 0xFFFFFFFF in (csize, usize, offset):
        raise ZipLayoutError("zip64 member")
    data.seek(offset)
    header = data.read(30)
    if header[:4] != _LOCAL:
        raise ZipLayoutError("bad local header")
    n, m = struct.unpack("<2H", header[26:30])
    rest = data.read(n + m + csize)
    blob = header + rest
    if flags & 0x8:
        peek = data.read(16)
        blob += peek[:16] if peek[:4] == _DESCRIPTOR else peek[:12]
    return blob


def _new_member(name: str, payload: bytes, date_time: tuple[int, int]) -> tuple[bytes, bytes]:
    """(local header + deflated data, central entry without offset) for a new member."""
    raw_name = name.encode("utf-8")
    flags = 0 if raw_name.isascii() else 0x800
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    body = compressor.compress(payload) + compressor.flush()
    crc = zlib.crc32(payload) & 0xFFFFFFFF
    time, date = date_time
    local = (
        struct.pack("<4s5H3L2H", _LOCAL, 20, flags, 8, time, date, crc, len(body), len(payload), len(raw_name), 0)
        + raw_name
    )
    central = (
        struct.pack(
            "<4s6H3L5H2L",
            _CENTRAL,
            20,
            20,
            flags,
            8,
            time,
            date,
            crc,
            len(body),
            len(payload),
            len(raw_name),
            0,
            0,
            0,
            0,
            0,
            0,
        )
        + raw_name
    )
    return local + body, central


def _with_offset(central: bytes, offset: int) -> bytes:
    return central[:42] + struct.pack("<L", offset) + central[46:]


def rewrite_zip(
    source: BinaryIO,
    source_size: int,
    target: BinaryIO,
    replace: Mapping[str, bytes],
    add: Iterable[tuple[str, bytes]],
    remove: Iterable[str] = (),
) -> None:
    """Copy ``source`` to ``target``, replacing, removing and adding members."""
    _, entries = _central_directory(source, source_size)
    removed = set(remove)
    centrals: list[bytes] = []
    position = 0
    for name, entry in entries:
        if name in removed:
            continue
        if name in replace:
            time, date = struct.unpack("<2H", entry[12:16])
            blob, central = _new_member(name, replace[name], (time, date))
        else:
            blob, central = _member_bytes(source, entry), entry
        target.write(blob)
        centrals.append(_with_offset(central, position))
        position += len(blob)
    for name, payload in add:
        blob, central = _new_member(name, payload, _DOS_DATE_1980)
        target.write(blob)
        centrals.append(_with_offset(central, position))
        position += len(blob)
    directory = b"".join(centrals)
    target.write(directory)
    target.write(struct.pack("<4s4H2LH", _EOCD, 0, 0, len(centrals), len(centrals), len(directory), position, 0))


def with_fixed_times(package: bytes, out: BinaryIO) -> None:
    """``package`` (a zip a library wrote, its entries stamped with the clock) rewritten with
    every entry dated 1980-01-01 00:00, in the same order: the same content gives the same
    bytes on every run, so re-running a command keeps no backup of an unchanged output."""
    with zipfile.ZipFile(io.BytesIO(package)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            target.writestr(entry, source.read(info))
