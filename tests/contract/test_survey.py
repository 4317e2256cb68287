"""What the sheets' XML says is learnt while python-calamine reads the tables on a thread of its
own, and the result is the one of reading after the survey: the same tables and cell facts, the
first damaged sheet's message (never what python-calamine raised meanwhile), nothing written."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from addin.cli import main
from addin.contract.file_reader import read_tables
from addin.contract.raw import RawTable
from addin.package import integrity
from addin.package.parts import sheet_parts


def _cell_facts(wb: openpyxl.Workbook) -> None:
    """A hidden contract row, formulas without a saved result, a percent and a scaled format."""
    wb["采购合同"].row_dimensions[6].hidden = True
    wb.create_sheet("源数据").append(["广州对外交流发展中心", "二级", 800, 833.58, 807.89, 810.58])
    for col in "ABCDEF":
        wb["预算执行"][f"{col}7"] = f"=源数据!{col}1"  # openpyxl saves formulas without a result
    wb["绩效指标"]["F14"].number_format = "0%"
    wb["预算执行"]["D5"].number_format = "0!.0000"


def _with_far_cell(wb: openpyxl.Workbook) -> None:
    _cell_facts(wb)
    wb["文字材料"]["XFD1048576"] = " "  # one far sheet: every sheet is read after the survey


def _facts(raw: RawTable | None) -> object:
    if raw is None:
        return None
    cells = (raw.hidden_rows, dict(raw.uncached), raw.percent_cells, dict(raw.scaled_cells))
    return (raw.sheet, raw.first_row, raw.rows, *cells)


def test_cells_facts_learnt_while_python_calamine_reads_are_those_read_after_the_survey(
    edited: Callable[..., Path],
) -> None:
    overlapped = read_tables(edited(_cell_facts, name="overlapped.xlsx"))
    after = read_tables(edited(_with_far_cell, name="after.xlsx"))
    contracts, budget, indicators = (overlapped[t] for t in ("tblContracts", "tblBudget", "tblIndicators"))
    assert contracts is not None and budget is not None and indicators is not None
    assert contracts.hidden_rows == {6}
    assert {c for r, c in budget.uncached if r == 7} == set(range(6))
    assert (14, 5) in indicators.percent_cells and budget.scaled_cells[(5, 3)] == 10000
    assert after["tblNarrative"] is not None and after["tblNarrative"].stray == ("XFD1048576",)
    assert not any(raw.stray for raw in overlapped.values() if raw is not None)
    assert {t: _facts(raw) for t, raw in overlapped.items() if t != "tblNarrative"} == {
        t: _facts(raw) for t, raw in after.items() if t != "tblNarrative"
    }


def _part(path: Path, sheet: str) -> str:
    with zipfile.ZipFile(path) as z:
        return next(s.part for s in sheet_parts(z) if s.name == sheet)


def _damaged(path: Path, changes: dict[str, tuple[bytes, bytes]]) -> Path:
    """A copy of ``path`` with each sheet's first match of a pattern replaced."""
    parts = {_part(path, sheet): change for sheet, change in changes.items()}
    target = path.with_name("damaged.xlsx")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename in parts:
                data, n = re.subn(*parts[info.filename], data, count=1)
                assert n == 1, info.filename
            out.writestr(info, data)
    return target


# The first unit's name in 预算执行 made text where a shared-string index belongs.
_BAD_STRING = (rb'(<c r="A4"[^>]*t="s"[^>]*><v>)\d+', "\\g<1>办公室".encode())
# The first indicator's 一级指标 made text where a shared-string index belongs.
_BAD_STRING_LATER = (rb'(<c r="A4"[^>]*t="s"[^>]*><v>)\d+', b"\\g<1>x")
# A dimension python-calamine cannot parse: it raises while reading 采购合同.
_CALAMINE_ERROR = (rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:"/>')
_CUT_SHORT = (rb"</worksheet>\s*$", b"")


def _refused(path: Path, tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> str:
    out = tmp_path / "report.xlsx"
    assert main(["generate", str(path), "-o", str(out)]) == 2
    assert not out.exists()
    err = capfd.readouterr().err
    assert "Traceback" not in err and "panicked" not in err, err
    return err


def test_a_damaged_sheet_is_told_not_what_python_calamine_raised_meanwhile(
    edited: Callable[..., Path], tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    path = edited()
    err = _refused(_damaged(path, {"采购合同": _CALAMINE_ERROR}), tmp_path, capfd)
    assert "采购合同" in err and "读取组件出错" in err  # python-calamine's error alone: told
    err = _refused(_damaged(path, {"预算执行": _BAD_STRING, "采购合同": _CALAMINE_ERROR}), tmp_path, capfd)
    assert "工作表“预算执行”的单元格 A4 引用的共享字符串编号无效" in err and "读取组件出错" not in err


@pytest.mark.parametrize(
    ("changes", "said"),
    [
        ({"预算执行": _BAD_STRING, "采购合同": _CUT_SHORT}, "工作表“预算执行”的单元格 A4 引用的共享字符串编号无效"),
        ({"预算执行": _CUT_SHORT, "绩效指标": _BAD_STRING_LATER}, "工作表“预算执行”不完整"),
    ],
    ids=["bad-string-before-a-sheet-cut-short", "sheet-cut-short-before-a-bad-string"],
)
def test_the_first_damaged_sheet_is_the_one_told(
    changes: dict[str, tuple[bytes, bytes]],
    said: str,
    edited: Callable[..., Path],
    tmp_path: Path,
    capfd: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The package check leaves large sheets' endings to the reader: make the example's large.
    monkeypatch.setattr(integrity, "FULL_PARSE_BYTES", 1000)
    assert said in _refused(_damaged(edited(), changes), tmp_path, capfd)
