"""The web batch as bureaus really fill it, over a real server: workbooks with errors get no
figure anywhere, zips from any system are read with every member accounted for, and one bad
file never fails the whole batch."""

from __future__ import annotations

import base64
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import httpx
import openpyxl
import pytest

from .conftest import TOKEN
from .server import Server, wait_empty

FOREIGN = Path(__file__).resolve().parents[1] / "data" / "foreign"


class _Named(zipfile.ZipInfo):
    """A member named in ``encoding`` without the UTF-8 flag, as Info-ZIP on Linux and 信创
    machines and macOS write UTF-8, and Windows' own 压缩 writes GBK."""

    encoding = "utf-8"

    def _encodeFilenameFlags(self) -> tuple[bytes, int]:
        return self.filename.encode(self.encoding), self.flag_bits & ~0x800


class _Gbk(_Named):
    encoding = "gbk"


def _stream(client: httpx.Client, files: list[tuple[str, tuple[str, bytes]]]) -> dict[str, Any]:
    response = client.post("/api/batch", files=files, headers={"Accept": "application/x-ndjson"})
    assert response.status_code == 200, response.text
    done: dict[str, Any] = json.loads(response.text.splitlines()[-1])
    assert done["event"] == "done", done
    return done


def _workbook(done: dict[str, Any], tmp_path: Path) -> openpyxl.Workbook:
    path = tmp_path / "summary.xlsx"
    path.write_bytes(base64.b64decode(done["content"]))
    return openpyxl.load_workbook(path)


@pytest.fixture
def api(guarded_server: Server) -> httpx.Client:
    with guarded_server.client(TOKEN) as client:
        yield client  # type: ignore[misc]
    assert wait_empty(guarded_server.temp) == []


def test_a_workbook_with_errors_shows_no_score_or_grade_anywhere(
    api: httpx.Client, bureau: list[Path], broken_data: Path, tmp_path: Path
) -> None:
    files = [("file", (p.name, p.read_bytes())) for p in (bureau[0], broken_data)]
    done = _stream(api, files)
    rows = {d["file"]: d for d in done["departments"]}
    broken = rows[broken_data.name]
    assert broken["errors"] > 0 and (broken["score"], broken["grade"]) == (None, None)
    assert rows[bureau[0].name]["score"] is not None
    # The summary workbook says the same (one rule decides what a row shows: batch.presented).
    sheet = _workbook(done, tmp_path)["汇总"]
    row = next(r for r in sheet.iter_rows(min_row=4, values_only=True) if r[1] == broken_data.name)
    assert row[12] == "-" and row[14] == "-"  # 自评得分, 等级


def test_a_zip_from_any_system_with_every_member_accounted_for(
    api: httpx.Client, bureau: list[Path], tmp_path: Path
) -> None:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr(_Named("各部门/甲局.xlsx"), bureau[0].read_bytes())  # UTF-8, no flag
        z.writestr(_Gbk("各部门/乙局.xlsx"), bureau[1].read_bytes())  # GBK, no flag
        z.writestr("各部门/丙局.xls", (FOREIGN / "base.xls").read_bytes())
        z.writestr("各部门/说明.docx", b"PK\x03\x04 a Word document")
        z.writestr("各部门/往年/2022.zip", b"PK\x05\x06" + b"\0" * 18)
        z.writestr("各部门/备注.txt", "文字")
        z.writestr("各部门/~$甲局.xlsx", "Excel lock file")  # these three are no clerk's files:
        z.writestr("__MACOSX/各部门/._甲局.xlsx", "resource fork")  # passed over in silence
        z.writestr("各部门/.DS_Store", "Finder")
    files = [
        ("file", ("各部门.zip", archive.getvalue())),
        ("file", ("甲局.xlsx", bureau[0].read_bytes())),  # the same name as a member
    ]
    done = _stream(api, files)
    rows = {d["file"]: d for d in done["departments"]}
    assert set(rows) == {
        "各部门.zip/各部门/甲局.xlsx",
        "甲局.xlsx",
        "乙局.xlsx",
        "丙局.xls",
        "说明.docx",
        "2022.zip",
        "备注.txt",
    }
    assert not rows["各部门.zip/各部门/甲局.xlsx"]["failure"] and not rows["乙局.xlsx"]["failure"]
    assert rows["乙局.xlsx"]["department"] == "乙局"
    assert ".xls" in rows["丙局.xls"]["failure"]
    assert "Word 文档" in rows["说明.docx"]["failure"]
    assert "压缩包中的压缩包" in rows["2022.zip"]["failure"]
    assert "不是 Excel 工作簿" in rows["备注.txt"]["failure"]
    not_read = [r[0] for r in _workbook(done, tmp_path)["未能读取"].iter_rows(min_row=2, values_only=True)]
    assert sorted(not_read) == sorted(["丙局.xls", "说明.docx", "2022.zip", "备注.txt"])


def test_one_bad_file_never_fails_the_batch(api: httpx.Client, bureau: list[Path]) -> None:
    files = [
        ("file", ("坏的.zip", b"not a zip at all")),
        ("file", ("x" * 90 + "局" * 90 + ".xlsx", bureau[0].read_bytes())),  # a name too long for a disk
        ("file", (bureau[1].name, bureau[1].read_bytes())),
    ]
    done = _stream(api, files)
    failures = {d["file"]: d["failure"] for d in done["departments"]}
    assert "不是有效的 zip 压缩文件" in failures["坏的.zip"]
    assert [f for f in failures.values() if not f] == ["", ""]
    # Alone, a zip that cannot be opened is the request's own error.
    alone = api.post("/api/batch", files=[("file", ("坏的.zip", b"not a zip at all"))])
    assert alone.status_code == 400 and "不是有效的 zip 压缩文件" in alone.json()["error"]


def test_the_most_recent_copy_of_a_department_is_kept_as_the_cli_keeps_it(
    api: httpx.Client, bureau: list[Path]
) -> None:
    """The rule of batch_rows.mark_duplicates: a zip member's own date; an upload's date as the
    page sends it (``modified`` before its file); without one, name order, said in the note."""
    data = bureau[0].read_bytes()
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr(zipfile.ZipInfo("各部门/甲局.xlsx", (2024, 3, 1, 10, 0, 0)), data)  # first by name, older
        z.writestr(zipfile.ZipInfo("各部门/甲局（修订）.xlsx", (2024, 3, 15, 10, 0, 0)), data)
    done = _stream(api, [("file", ("各部门.zip", archive.getvalue()))])
    rows = {d["file"]: d for d in done["departments"]}
    assert rows["甲局.xlsx"]["duplicate_of"] == "甲局（修订）.xlsx" and not rows["甲局（修订）.xlsx"]["duplicate_of"]
    assert "2024-03-15 10:00" in rows["甲局.xlsx"]["kept_because"]
    assert done["tally"].startswith("1 个部门，2 个文件")

    dated = [
        ("modified", (None, "1709287200000")),  # 2024-03-01
        ("file", ("甲局.xlsx", data)),
        ("modified", (None, "1710496800000")),  # 2024-03-15
        ("file", ("甲局（修订）.xlsx", data)),
    ]
    rows = {d["file"]: d for d in _stream(api, dated)["departments"]}
    assert rows["甲局.xlsx"]["duplicate_of"] == "甲局（修订）.xlsx"

    undated = [("file", ("甲局（修订）.xlsx", data)), ("file", ("甲局.xlsx", data))]  # curl -F file=@…
    rows = {d["file"]: d for d in _stream(api, undated)["departments"]}
    assert rows["甲局（修订）.xlsx"]["duplicate_of"] == "甲局.xlsx"
    assert "没有修改时间" in rows["甲局（修订）.xlsx"]["kept_because"]
    assert "按文件名顺序" in rows["甲局（修订）.xlsx"]["kept_because"]


def test_a_lock_file_picked_with_the_workbooks_is_passed_over_as_batch_does(
    api: httpx.Client, bureau: list[Path]
) -> None:
    files = [
        ("file", (bureau[0].name, bureau[0].read_bytes())),
        ("file", ("~$" + bureau[0].name, b"\x0bowner" + b"\x00" * 150)),  # Excel's owner file
        ("file", ("Thumbs.db", b"\x00" * 64)),
    ]
    done = _stream(api, files)
    assert [d["file"] for d in done["departments"]] == [bureau[0].name]
    assert not done["departments"][0]["failure"]
