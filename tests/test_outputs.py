"""-o never destroys a clerk's file: an output may not be one of the command's inputs, and an
existing file at -o with other bytes is kept as name.backup-YYYYMMDD-HHMMSS.ext first (every
verb with -o, and the files the buttons write beside the workbook)."""

from __future__ import annotations

import hashlib
import io
import re
import shutil
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

import openpyxl
import pytest

from addin.batch import is_summary
from addin.cli import main
from addin.package.save import atomic_write

Make = Callable[..., Path]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def backups(path: Path) -> list[Path]:
    return sorted(path.parent.glob(f"{path.stem}.backup-*{path.suffix}"))


@pytest.fixture
def folder(make_workbook: Make, example_tables: dict[str, list[list[object]]], tmp_path: Path) -> Path:
    """A bureau's folder: two department workbooks."""
    where = tmp_path / "bureau"
    where.mkdir()
    for name in ("外办", "侨办"):
        example_tables["tblInfo"][0][1] = name
        shutil.copy(make_workbook(example_tables, name=f"{name}.xlsx"), where / f"{name}.xlsx")
    return where


def test_batch_refuses_a_department_workbook_of_the_folder_as_its_output(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    department = folder / "侨办.xlsx"
    before = digest(department)
    assert main(["batch", str(folder), "-o", str(department)]) == 2
    err = capsys.readouterr().err
    assert "侨办.xlsx" in err and "-o" in err
    assert digest(department) == before and not backups(department)


def test_batch_rewrites_its_own_summary_and_never_reads_one_as_a_department(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = folder / "汇总.xlsx"
    assert main(["batch", str(folder), "-o", str(out)]) == 0
    assert is_summary(out)
    shutil.copy(out, folder / "汇总-上次.xlsx")  # an earlier run's summary left in the folder
    assert main(["batch", str(folder), "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "已跳过 汇总-上次.xlsx" in printed and "已汇总 2 个部门" in printed
    listed = [row[1] for row in openpyxl.load_workbook(out)["汇总"].iter_rows(min_row=4, values_only=True)]
    assert sorted(str(name) for name in listed) == ["侨办.xlsx", "外办.xlsx"]
    assert not list(openpyxl.load_workbook(out)["未能读取"].iter_rows(min_row=2, values_only=True))
    assert not is_summary(folder / "外办.xlsx")


def test_generate_onto_another_existing_workbook_keeps_it(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source, other = folder / "外办.xlsx", folder / "侨办.xlsx"
    before = digest(other)
    assert main(["generate", str(source), "-o", str(other)]) == 0
    [kept] = backups(other)
    assert digest(kept) == before
    assert f"原有文件已备份为：{kept}" in capsys.readouterr().out
    # The same data again give the same bytes: nothing more to keep.
    assert main(["generate", str(source), "-o", str(other)]) == 0
    assert backups(other) == [kept]


def test_generate_refuses_its_data_workbook_as_the_output(folder: Path) -> None:
    data = folder / "侨办.xlsx"
    before = digest(data)
    assert main(["generate", str(folder / "外办.xlsx"), "--from", str(data), "-o", str(data)]) == 2
    assert digest(data) == before and not backups(data)


def test_share_keeps_an_existing_copy_and_refuses_its_source(folder: Path, tmp_path: Path) -> None:
    source = folder / "外办.xlsx"
    before = digest(source)
    assert main(["share", str(source), "-o", str(source)]) == 2
    assert digest(source) == before
    target = tmp_path / "共享副本.xlsx"
    target.write_bytes(b"a colleague's notes")
    assert main(["share", str(source), "-o", str(target)]) == 0
    [kept] = backups(target)
    assert kept.read_bytes() == b"a colleague's notes"


def test_docx_keeps_a_report_the_clerk_edited(folder: Path, tmp_path: Path) -> None:
    target = tmp_path / "自评报告.docx"
    assert main(["docx", str(folder / "外办.xlsx"), "-o", str(target)]) == 0
    assert not backups(target)
    target.write_bytes(target.read_bytes() + b"edited in Word")
    edited = digest(target)
    assert main(["docx", str(folder / "外办.xlsx"), "-o", str(target)]) == 0
    [kept] = backups(target)
    assert digest(kept) == edited


def test_demo_and_template_keep_a_changed_file_and_not_an_identical_one(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    assert main(["demo", "-o", str(out)]) == 0
    example = out / "example.xlsm"
    assert main(["demo", "-o", str(out)]) == 0
    assert not backups(example)  # the same bytes: nothing lost, nothing kept
    example.write_bytes(example.read_bytes() + b"x")
    assert main(["demo", "-o", str(out)]) == 0
    assert len(backups(example)) == 1
    template = tmp_path / "mine.xlsm"
    template.write_bytes(b"a clerk filled the template in place")
    assert main(["template", "-o", str(template)]) == 0
    [kept] = backups(template)
    assert kept.read_bytes() == b"a clerk filled the template in place"


def test_an_output_that_is_a_folder_is_refused(folder: Path, tmp_path: Path) -> None:
    (tmp_path / "out.xlsx").mkdir()
    assert main(["batch", str(folder), "-o", str(tmp_path / "out.xlsx")]) == 2


def writing(data: bytes) -> Callable[[BinaryIO], None]:
    def write(out: BinaryIO) -> None:
        out.write(data)

    return write


def test_atomic_write_keeps_only_what_differs(tmp_path: Path) -> None:
    path = tmp_path / "a.bin"
    assert atomic_write(path, writing(b"one")) is None
    assert atomic_write(path, writing(b"one")) is None
    kept = atomic_write(path, writing(b"two"))
    assert kept is not None and kept.read_bytes() == b"one" and path.read_bytes() == b"two"
    assert atomic_write(path, writing(b"three"), keep_existing=False) is None
    assert path.read_bytes() == b"three" and backups(path) == [kept]


def test_every_verb_twice_writes_the_same_bytes_and_keeps_nothing(folder: Path, tmp_path: Path) -> None:
    """Re-running with unchanged inputs (a clock later: zip entry times and created dates are not
    the clock's) gives the same bytes, so nothing is kept as a backup."""
    out = tmp_path / "out"
    out.mkdir()
    source = folder / "外办.xlsx"
    runs = {
        "generate": (["generate", str(source), "-o", str(out / "report.xlsx")], out / "report.xlsx"),
        "share": (["share", str(source), "-o", str(out / "share.xlsx")], out / "share.xlsx"),
        "docx": (["docx", str(source), "-o", str(out / "report.docx")], out / "report.docx"),
        "batch": (["batch", str(folder), "-o", str(out / "汇总.xlsx")], out / "汇总.xlsx"),
        "demo": (["demo", "-o", str(out / "demo")], out / "demo" / "example.xlsm"),
        "template": (["template", "-o", str(out / "tpl")], out / "tpl" / "部门整体支出绩效自评模板.xlsm"),
    }
    first = {}
    for verb, (args, path) in runs.items():
        assert main(args) == 0, verb
        first[verb] = digest(path)
    time.sleep(2.1)  # the next second, and the next two-second step of a zip entry's time
    for verb, (args, path) in runs.items():
        assert main(args) == 0, verb
        assert digest(path) == first[verb], verb
        assert not backups(path), verb


def test_batch_never_reads_a_share_copy_as_a_department(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A share copy in the folder (whatever its name, newer than the workbook) is recognised by
    its mark and passed over, so the department's own workbook is the one summarised."""
    source = folder / "外办.xlsx"
    _without_custom_properties(source)
    copy = folder / "外办-最新.xlsx"
    assert main(["share", str(source), "-o", str(copy)]) == 0
    with zipfile.ZipFile(copy) as z:  # a workbook without custom properties gets the mark added
        assert "docProps/custom.xml" in z.namelist()
        assert "custom-properties" in z.read("_rels/.rels").decode()
    assert openpyxl.load_workbook(copy).sheetnames  # still a valid package
    capsys.readouterr()
    out = folder.parent / "汇总.xlsx"
    assert main(["batch", str(folder), "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "已跳过 外办-最新.xlsx：这是导出的共享副本" in printed and "已汇总 2 个部门" in printed
    listed = [row[1] for row in openpyxl.load_workbook(out)["汇总"].iter_rows(min_row=4, values_only=True)]
    assert sorted(str(name) for name in listed) == ["侨办.xlsx", "外办.xlsx"]


def _without_custom_properties(path: Path) -> None:
    """The workbook as Excel saves one that never had a custom document property."""
    data = path.read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            if info.filename == "docProps/custom.xml":
                continue
            body = src.read(info)
            if info.filename in ("_rels/.rels", "[Content_Types].xml"):
                body = re.sub(rb"<(Relationship|Override)\b[^>]*custom[^>]*/>", b"", body)
            out.writestr(info, body)
