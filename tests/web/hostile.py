"""A hostile upload built in code: a contract ledger too large for a worker's memory limit,
although every zip bound of the headless door holds (each part is honest about its size and
compresses far less than 500 to 1). Its cells are ordinary contracts, so no reader can skip
them: the cost is the data's own."""

from __future__ import annotations

import random
import re
import zipfile
from pathlib import Path

__all__ = ["huge_ledger"]

_POOL = 4096  # distinct rows, cycled: more than deflate's 32 KiB window, so no 1000:1 ratio


def _part(z: zipfile.ZipFile, sheet: str) -> str:
    workbook = z.read("xl/workbook.xml").decode()
    rels = z.read("xl/_rels/workbook.xml.rels").decode()
    found = re.search(rf'<sheet [^>]*name="{sheet}"[^>]*r:id="(rId\d+)"', workbook)
    assert found is not None
    target = re.search(rf'Id="{found.group(1)}"[^>]*Target="([^"]+)"', rels)
    assert target is not None
    return "xl/" + target.group(1).lstrip("/").removeprefix("xl/")


def huge_ledger(source: Path, target: Path, contracts: int) -> Path:
    """``source`` (a workbook from the template) with ``contracts`` more rows in tblContracts,
    each a copy of its first contract with its own amount."""
    rng = random.Random(13)
    with zipfile.ZipFile(source) as z:
        part = _part(z, "采购合同")
        xml = z.read(part).decode()
        first = re.search(r'<row r="4"[^>]*>.*?</row>', xml)
        assert first is not None
        template = re.sub(r' (?:r|spans)="[^"]*"', "", first.group(0))
        amount = re.search(r"(<c[^>]*><v>)([0-9.]+)(</v></c>)", template.split("</c>", 3)[3] + "</c>")
        assert amount is not None
        old = amount.group(0)
        pool = [
            template.replace(old, f"{amount.group(1)}{rng.randrange(100, 99999) / 100}{amount.group(3)}", 1).encode()
            for _ in range(_POOL)
        ]
        last_row = int(re.findall(r'<row r="(\d+)"', xml)[-1])
        table_part = next(n for n in z.namelist() if n.startswith("xl/tables/") and b'name="tblContracts"' in z.read(n))
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
            for info in z.infolist():
                data = z.read(info)
                if info.filename == table_part:
                    data = re.sub(rb'ref="A3:G\d+"', f'ref="A3:G{last_row + contracts}"'.encode(), data)
                if info.filename != part:
                    out.writestr(info, data)
                    continue
                body = re.sub(r"<dimension [^>]*/>", "", xml)
                cut = body.index("</sheetData>")
                with out.open(info.filename, "w", force_zip64=True) as handle:
                    handle.write(body[:cut].encode())
                    block = b"".join(pool)
                    for _ in range(contracts // _POOL):
                        handle.write(block)
                    handle.write(b"".join(pool[: contracts % _POOL]))
                    handle.write(body[cut:].encode())
    return target
