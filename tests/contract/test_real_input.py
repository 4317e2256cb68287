"""What clerks really type (DESIGN.md, "Reading what clerks really type"): each kind built in
code from the example, and the shared real-input cases, each giving the right figure or a
located message, and nothing written when there is an error."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from addin.cli import main
from addin.core import Evaluation
from addin.errors import DataErrors, UnusableInput
from addin.headless import evaluate_file, generate
from tests.libreoffice import require
from tests.peak_rss import measure

CASES = Path(__file__).resolve().parents[3] / "shared" / "cases" / "real-input"
Tables = dict[str, list[list[Any]]]
Edit = Callable[[openpyxl.Workbook], None]


def codes(ev: Evaluation) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for f in ev.findings:
        found.setdefault(f.code, set()).add(f.location)
    return found


def assert_reference(ev: Evaluation, *, score: str = "97.96") -> None:
    data = ev.as_json()
    assert ev.ok, [f.as_line() for f in ev.findings.errors]
    assert data["budget"]["total"] == "9647.82"
    assert data["budget"]["execution_rate"] == "96.67"
    assert data["budget"]["spending_progress"] == "97.02"
    assert data["procurement"]["total"] == "1758.16"
    assert data["procurement"]["sme_share"] == "66.7"
    assert data["score"]["total"] == score


def assert_nothing_written(path: Path, tmp_path: Path) -> None:
    before = path.read_bytes()
    out = tmp_path / ("out" + path.suffix)
    with pytest.raises(DataErrors):
        generate(path, out)
    assert not out.exists()
    assert path.read_bytes() == before


# -- percent points ------------------------------------------------------------------------


def _indicators(tables: Tables, row: int, col: int, value: Any) -> Tables:
    tables["tblIndicators"][row][col] = value
    return tables


def test_actual_typed_as_points_in_a_rate_row_is_read_with_a_warning(
    edited: Callable[..., Path], example_tables: Tables
) -> None:
    # 项目绩效自评完成率 (target "≥98%", rule 完成率扣分): 97.3 for 97.3%.
    ev = evaluate_file(edited(tblIndicators=_indicators(example_tables, 8, 6, 97.3)["tblIndicators"]))
    assert_reference(ev)
    hit = [f for f in ev.findings if f.code == "input_percent_points"]
    assert [f.location for f in hit] == ["绩效指标!G12"]
    assert hit[0].typed == "97.3" and hit[0].read_as == "97.3%"
    assert ev.as_json()["interpretations"][0]["location"] == "绩效指标!G12"


def test_target_typed_as_points_with_a_computed_rate_source(
    edited: Callable[..., Path], example_tables: Tables
) -> None:
    # 中小企业合同占比: 数据来源 names the computed rate (0.667); target typed 40 for 40%.
    ev = evaluate_file(edited(tblIndicators=_indicators(example_tables, 9, 5, 40)["tblIndicators"]))
    assert_reference(ev)
    assert codes(ev)["input_percent_points"] == {"绩效指标!F13"}


def test_percent_format_on_the_target_makes_the_row_a_rate_row(edited: Callable[..., Path]) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        ws = wb["绩效指标"]
        ws["G14"].number_format = "General"
        ws["F14"].number_format = "0%"  # 固定资产账实相符率 target 1 shown as 100%
        ws["G14"] = 92

    ev = evaluate_file(edited(edit))
    assert_reference(ev)
    assert codes(ev)["input_percent_points"] == {"绩效指标!G14"}


def test_without_evidence_points_beside_a_fraction_are_an_error(edited: Callable[..., Path], tmp_path: Path) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        ws = wb["绩效指标"]
        ws["F14"].number_format = ws["G14"].number_format = "General"
        ws["G14"] = 92  # target 1 (no format, no %, free-text source): 92 or 92%?

    path = edited(edit)
    ev = evaluate_file(path)
    assert codes(ev)["input_percent_ambiguous"] == {"绩效指标!G14"}
    assert ev.as_json()["score"]["total"] is None
    assert_nothing_written(path, tmp_path)


def test_rule_bounds_typed_as_points(edited: Callable[..., Path], example_tables: Tables) -> None:
    rules = example_tables["tblRules"]
    rules[4][2] = 95  # 执行率扣分 下限 (used by 预算执行率 and 支出进度)
    rules[5][2] = 98  # 完成率扣分 下限 (used by a row whose target is "≥98%")
    ev = evaluate_file(edited(tblRules=rules))
    assert_reference(ev)
    assert codes(ev)["input_percent_points"] == {"计分规则!C8", "计分规则!C9"}


# -- stray cells ---------------------------------------------------------------------------

INPUT_SHEETS = ("基本信息", "预算执行", "采购合同", "采购汇总", "绩效指标", "计分规则", "文字材料")


def summary_json_and_peak_rss(path: Path) -> tuple[dict[str, Any], float]:
    """``summary --json`` of ``path`` in its own process (exit 0 asserted), and its peak RSS in MiB."""
    run = measure([sys.executable, "-m", "addin", "summary", "--json", str(path)])
    assert run.returncode == 0, run.stderr.decode()
    data: dict[str, Any] = json.loads(run.stdout)
    return data, run.peak_mib


def test_stray_cell_at_xfd1048576_on_every_input_sheet_costs_what_the_data_cost(
    edited: Callable[..., Path],
) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        for name in INPUT_SHEETS:
            wb[name]["XFD1048576"] = " "

    data, peak = summary_json_and_peak_rss(edited(edit))
    assert peak <= 300, f"peak RSS {peak:.0f} MiB"
    assert data["score"]["total"] == "97.96" and data["budget"]["total"] == "9647.82"
    strays = {c["location"] for c in data["checks"] if c["code"] == "input_stray_cells"}
    assert "采购合同!XFD1048576" in strays


def test_stray_cell_in_a_table_less_sheet_far_below_the_data(edited: Callable[..., Path]) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        ws = wb["绩效指标"]
        del ws.tables["tblIndicators"]  # read by its header row
        ws["A1048576"] = "x"

    ev = evaluate_file(edited(edit))
    assert_reference(ev)
    assert codes(ev)["input_stray_cells"] == {"绩效指标!A1048576"}


# -- formulas without a saved result -------------------------------------------------------


def _uncached_row(wb: openpyxl.Workbook) -> None:
    source = wb.create_sheet("源数据")
    source.append(["广州对外交流发展中心", "二级", 800, 833.58, 807.89, 810.58])
    ws = wb["预算执行"]
    for col in "ABCDEF":
        ws[f"{col}7"] = f"=源数据!{col}1"  # openpyxl saves formulas without a result


def test_formulas_without_a_saved_result_are_one_located_error(
    edited: Callable[..., Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = edited(_uncached_row)
    ev = evaluate_file(path)
    errors = ev.findings.errors
    assert [(f.code, f.location) for f in errors] == [("input_formula_no_result", "预算执行!A7:F7")]
    # The finding says what works in every door; the command line adds its own way out.
    assert "WPS" in errors[0].message and "--recalc" not in errors[0].message
    assert main(["check", str(path)]) == 1
    assert "或加 --recalc 运行（需已安装 LibreOffice）" in capsys.readouterr().out
    assert ev.as_json()["budget"]["total"] is None
    assert_nothing_written(path, tmp_path)


def test_recalc_reads_a_recalculated_copy_and_says_so(
    edited: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    require("soffice")
    path = edited(_uncached_row)
    before = path.read_bytes()
    assert main(["summary", str(path), "--json", "--recalc"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["budget"]["total"] == "9647.82" and data["score"]["total"] == "97.96"
    assert any(c["code"] == "input_recalculated" for c in data["checks"])
    assert path.read_bytes() == before


def test_recalc_without_libreoffice_says_so(
    edited: Callable[..., Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    assert main(["check", str(edited()), "--recalc"]) == 2
    assert "未找到 LibreOffice" in capsys.readouterr().err


# -- ordinary forms ------------------------------------------------------------------------


@pytest.mark.parametrize("label", ["汇总", "小计", "合 计", "总\u3000计"])
def test_typed_total_rows_in_budget_and_procurement(
    edited: Callable[..., Path], example_tables: Tables, label: str
) -> None:
    budget = example_tables["tblBudget"] + [[label, None, 9200, 9647.82, 9326.11, 9360.25, None]]
    procurement = example_tables["tblProcurement"] + [[label, 1758.16, 1172.10, 126.34]]
    assert_reference(evaluate_file(edited(tblBudget=budget, tblProcurement=procurement)))


def test_typed_total_row_that_disagrees_is_an_error(edited: Callable[..., Path], example_tables: Tables) -> None:
    budget = example_tables["tblBudget"] + [["汇总", None, 9200, 9600, 9326.11, 9360.25, None]]
    ev = evaluate_file(edited(tblBudget=budget))
    assert not ev.ok
    assert any(f.location.startswith("预算执行!") and "8" in f.location for f in ev.findings.errors)


def test_contract_ledger_total_row(edited: Callable[..., Path], example_tables: Tables) -> None:
    good = [*example_tables["tblContracts"], [None, "合计", None, 1758.16, None, None, None]]
    assert_reference(evaluate_file(edited(tblContracts=good)))
    bad = [*example_tables["tblContracts"], ["合计", None, None, 1700, None, None, None]]
    ev = evaluate_file(edited(tblContracts=bad, name="bad.xlsx"))
    assert codes(ev)["contracts_total_mismatch"] == {"采购合同!D13"}
    # A 小计 after every contract is their subtotal: checked against the same rows, as a subtotal.
    bad[-1][0] = "小计"
    ev = evaluate_file(edited(tblContracts=bad, name="subtotal.xlsx"))
    assert codes(ev)["input_subtotal_mismatch"] == {"采购合同!D13"}


def test_targets_and_actuals_with_units(edited: Callable[..., Path], example_tables: Tables) -> None:
    rows = example_tables["tblIndicators"]
    rows[1][5:7] = ["≥60场", "65场"]
    rows[2][5:7] = ["≥105个", "105个"]
    rows[9][5:7] = ["≥40百分比", None]
    rows[10][5:7] = ["≥100百分比", "92百分比"]
    ev = evaluate_file(edited(tblIndicators=rows))
    assert_reference(ev)


def test_target_and_actual_in_different_units_name_both_cells(
    edited: Callable[..., Path], example_tables: Tables
) -> None:
    rows = example_tables["tblIndicators"]
    rows[1][5:7] = ["≥60场", "65次"]
    ev = evaluate_file(edited(tblIndicators=rows))
    mismatch = [f for f in ev.findings if f.code == "input_unit_mismatch"]
    assert [f.location for f in mismatch] == ["绩效指标!G5"]
    assert "绩效指标!F5" in mismatch[0].message and "绩效指标!G5" in mismatch[0].message
    assert ev.as_json()["score"]["total"] is None


def test_a_phrase_as_the_actual_of_a_ratio_row_suggests_qualitative(
    edited: Callable[..., Path], example_tables: Tables
) -> None:
    rows = example_tables["tblIndicators"]
    rows[0][6] = "达成预期指标"
    ev = evaluate_file(edited(tblIndicators=rows))
    found = [f for f in ev.findings.errors if f.code == "input_phrase_actual"]
    assert [f.location for f in found] == ["绩效指标!G4"]
    assert "定性" in found[0].message and "自评得分" in found[0].message


def test_merged_indicator_levels_are_filled_down_with_one_warning_per_range(
    edited: Callable[..., Path],
) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        ws = wb["绩效指标"]
        for r in range(5, 9):
            ws[f"A{r}"] = None
        ws["B5"] = None
        ws.merge_cells("A4:A8")
        ws.merge_cells("B4:B5")

    ev = evaluate_file(edited(edit))
    assert_reference(ev)
    assert codes(ev)["input_merged_filled"] == {"绩效指标!A4:A8", "绩效指标!B4:B5"}
    assert ev.as_json()["score"]["dimensions"][0]["name"] == "履职效能"


def test_merged_amount_cells_stay_an_error(edited: Callable[..., Path]) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        ws = wb["预算执行"]
        ws["D5"] = None
        ws.merge_cells("D4:D5")

    ev = evaluate_file(edited(edit))
    assert codes(ev)["input_merged_cell"] == {"预算执行!D5"}


def _plain_budget_headers(headers: dict[str, str]) -> Edit:
    def edit(wb: openpyxl.Workbook) -> None:
        ws = wb["预算执行"]
        del ws.tables["tblBudget"]
        for cell, text in headers.items():
            ws[cell] = text

    return edit


def test_headers_carrying_the_unit_match_their_column(edited: Callable[..., Path]) -> None:
    edit = _plain_budget_headers({"D3": "全年预算数（万元）", "E3": "执行数(万元)", "F3": "支出数（单位：万元）"})
    assert_reference(evaluate_file(edited(edit)))


def test_a_header_unit_other_than_the_amount_unit_is_an_error_at_the_header(edited: Callable[..., Path]) -> None:
    ev = evaluate_file(edited(_plain_budget_headers({"D3": "全年预算数（元）"})))
    assert codes(ev)["input_header_unit"] == {"预算执行!D3"}


def test_a_missing_column_is_reported_at_the_header_row(edited: Callable[..., Path]) -> None:
    with pytest.raises(UnusableInput) as caught:
        evaluate_file(edited(_plain_budget_headers({"D3": "预算"})))
    assert caught.value.message.startswith("预算执行!A3:G3：")
    assert "全年预算数" in caught.value.message
    assert "未能识别的表头：预算执行!D3“预算”" in caught.value.message  # the cell to retype


def test_a_header_with_the_unit_in_words_is_named_as_not_recognised(edited: Callable[..., Path]) -> None:
    with pytest.raises(UnusableInput) as caught:
        evaluate_file(edited(_plain_budget_headers({"D3": "全年预算数 单位：万元"})))
    assert "缺少列“全年预算数”" in caught.value.message and "预算执行!D3“全年预算数 单位：万元”" in caught.value.message


# -- smaller -------------------------------------------------------------------------------


def test_hidden_rows_inside_a_table_are_counted_with_one_warning(edited: Callable[..., Path]) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        wb["采购合同"].row_dimensions[6].hidden = True
        wb["采购合同"].row_dimensions[8].hidden = True

    ev = evaluate_file(edited(edit))
    assert_reference(ev)
    hidden = [f for f in ev.findings if f.code == "input_hidden_rows"]
    assert len(hidden) == 1 and "6、8" in hidden[0].message


def test_no_break_spaces_in_numbers_are_shown_visibly(edited: Callable[..., Path], example_tables: Tables) -> None:
    budget = example_tables["tblBudget"]
    budget[0][3] = "7\u00a0215.46"
    budget[0][4] = "6\u202f968.33"
    ev = evaluate_file(edited(tblBudget=budget))
    assert_reference(ev)
    read = {f.location: f.message for f in ev.findings if f.code == "input_text_number"}
    assert "U+00A0" in read["预算执行!D4"] and "U+202F" in read["预算执行!E4"]
    budget[0][3] = "7\u00a0215,46"  # not a number: the message shows the invisible space
    ev = evaluate_file(edited(tblBudget=budget, name="bad.xlsx"))
    assert any("U+00A0" in f.message for f in ev.findings.errors if f.location == "预算执行!D4")


def test_a_failed_run_withholds_every_dependent_figure(edited: Callable[..., Path], example_tables: Tables) -> None:
    rows = example_tables["tblIndicators"]
    for row in rows[1:]:
        row[0] = None  # only the first indicator keeps its 一级指标
    data = evaluate_file(edited(tblIndicators=rows)).as_json()
    assert data["ok"] is False
    assert data["score"]["total"] is None and data["score"]["grade"] is None
    assert data["budget"]["total"] == "9647.82"  # the budget did not depend on the bad rows


def test_debug_works_after_the_verb(tmp_path: Path) -> None:
    with pytest.raises(UnusableInput):
        main(["check", str(tmp_path / "missing.xlsx"), "--debug"])
    assert main(["check", str(tmp_path / "missing.xlsx")]) == 2


# -- the shared cases (../shared/cases/real-input) -----------------------------------------

SHARED = {
    "02d-typed-sum-row-huizong.xlsm": set(),
    "05a-actual-as-percent-points.xlsm": {
        ("input_percent_points", "绩效指标!G12"),
        ("input_percent_points", "绩效指标!G14"),
    },
    "05b-rule-bounds-as-points.xlsm": {
        ("input_percent_points", "计分规则!C8"),
        ("input_percent_points", "计分规则!C9"),
    },
    "06a-targets-with-units.xlsm": set(),
    "07-merged-indicator-cells-no-table.xlsm": {
        ("input_merged_filled", "绩效指标!A4:A8"),
        ("input_merged_filled", "绩效指标!A9:A15"),
        ("input_merged_filled", "绩效指标!B4:B5"),
        ("input_merged_filled", "绩效指标!B10:B11"),
    },
    "13b-stray-cell-XFD60000.xlsm": {("input_stray_cells", "采购合同!XFD60000")},
    "15-headers-with-unit.xlsm": set(),
}


def _shared(name: str) -> Path:
    path = CASES / name
    if not path.exists():
        pytest.skip(f"shared case missing: {path}")
    return path


@pytest.mark.parametrize("name", sorted(SHARED))
def test_shared_case_gives_the_reference_figures(name: str) -> None:
    ev = evaluate_file(_shared(name))
    assert_reference(ev)
    warnings = {(f.code, f.location) for f in ev.findings.warnings}
    assert ("budget_spent_differs", "预算执行!F4") in warnings or any(loc == "预算执行!F4" for _, loc in warnings)
    assert SHARED[name] <= warnings


def test_shared_case_formula_without_result(tmp_path: Path) -> None:
    path = _shared("01b-formula-nocache-lastrow.xlsm")
    ev = evaluate_file(path)
    assert [(f.code, f.location) for f in ev.findings.errors] == [("input_formula_no_result", "预算执行!A7:F7")]
    out = tmp_path / "out.xlsm"
    with pytest.raises(DataErrors):
        generate(path, out)
    assert not out.exists()


def test_shared_case_hidden_contract_row() -> None:
    ev = evaluate_file(_shared("08b-hidden-contract-ledger-only.xlsm"))
    data = ev.as_json()
    assert ev.ok
    assert data["procurement"]["total"] == "2058.16" and data["procurement"]["sme_share"] == "56.9"
    assert data["score"]["total"] == "97.96"
    assert {(f.code, f.location) for f in ev.findings.warnings} >= {("input_hidden_rows", "采购合同!13:13")}


# -- batch ---------------------------------------------------------------------------------


def test_batch_over_good_stray_truncated_and_erroneous_workbooks(
    edited: Callable[..., Path], example_tables: Tables, tmp_path: Path
) -> None:
    import time

    folder = tmp_path / "folder"
    folder.mkdir()
    shutil.copy(edited(name="a-good.xlsx"), folder / "a-good.xlsx")

    def stray(wb: openpyxl.Workbook) -> None:
        for name in INPUT_SHEETS:
            wb[name]["XFD1048576"] = " "
        wb["基本信息"]["B4"] = "另一部门"  # a copy of one department and year is ranked once

    shutil.copy(edited(stray, name="b-stray.xlsx"), folder / "b-stray.xlsx")
    good = (folder / "a-good.xlsx").read_bytes()
    (folder / "c-truncated.xlsx").write_bytes(good[: len(good) // 2])
    rows = example_tables["tblIndicators"]
    rows[3][0] = None
    rows[5][0] = None
    shutil.copy(edited(tblIndicators=rows, name="d-errors.xlsx"), folder / "d-errors.xlsx")
    out = tmp_path / "summary.xlsx"
    start = time.monotonic()
    code = subprocess.run(
        [sys.executable, "-m", "addin", "batch", str(folder), "-o", str(out)], capture_output=True, timeout=120
    ).returncode
    assert time.monotonic() - start < 60
    assert code in (0, 1)
    wb = openpyxl.load_workbook(out)
    listed = {row[1]: row for row in wb["汇总"].iter_rows(min_row=4, values_only=True)}
    assert set(listed) == {"a-good.xlsx", "b-stray.xlsx", "d-errors.xlsx"}
    for name in ("a-good.xlsx", "b-stray.xlsx"):
        assert listed[name][12] == pytest.approx(97.96) and listed[name][13] == 1 and listed[name][14] == "优"
    erroneous = listed["d-errors.xlsx"]
    assert erroneous[15] == 2 and erroneous[12] == "-" and erroneous[13] == "-" and erroneous[14] == "-"
    failed = [row[0] for row in wb["未能读取"].iter_rows(min_row=2, values_only=True)]
    assert failed == ["c-truncated.xlsx"]
    grades = dict(wb["等级统计"].iter_rows(min_row=2, max_row=5, values_only=True))
    assert grades == {"优": 2, "良": 0, "中": 0, "差": 0}


def test_batch_worker_that_dies_or_hangs_costs_only_its_file(
    edited: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    import faulthandler
    import time

    from addin import batch

    good = edited(name="good.xlsx")
    dies = edited(name="dies.xlsx")
    hangs = edited(name="hangs.xlsx")
    real = batch._one

    def worker(path: str, tracebacks: bool = True) -> batch.DepartmentRow:
        # Workers are forked, so they run this: a native crash and a hang, as a process would.
        if path.endswith("dies.xlsx"):
            # Die as a native crash does (SIGABRT), but without the "Fatal Python error" report
            # pytest's faulthandler, inherited by the fork, would write on the run's terminal.
            faulthandler.disable()
            os.dup2(os.open(os.devnull, os.O_WRONLY), 2)
            os.abort()
        if path.endswith("hangs.xlsx"):
            time.sleep(60)
        return real(path, tracebacks)

    monkeypatch.setattr(batch, "_one", worker)
    start = time.monotonic()
    rows = batch.collect([good, dies, hangs], workers=2, time_limit=5)
    assert time.monotonic() - start < 30
    assert rows[0].score == Decimal("97.96") and not rows[0].failure
    assert "意外退出（退出码 -6）" in rows[1].failure  # SIGABRT, as the worker died
    assert "秒" in rows[2].failure


def test_a_truncated_zip_is_refused_with_a_message(tmp_path: Path, edited: Callable[..., Path]) -> None:
    data = edited().read_bytes()
    path = tmp_path / "broken.xlsx"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(UnusableInput):
        evaluate_file(path)
    assert zipfile.is_zipfile(edited()) is True
