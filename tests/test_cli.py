"""The command line as a clerk or a script uses it: real processes, real files."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from addin.cli import main

from .reference import REFERENCE_FIGURES

FOREIGN = Path(__file__).parent / "data" / "foreign"
Make = Callable[..., Path]


def run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "addin", *map(str, args)], capture_output=True, text=True, cwd=cwd, env=env, timeout=300
    )


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo")
    result = run("demo", "-o", folder)
    assert result.returncode == 0, result.stderr
    return folder


def test_demo_writes_the_example_and_prints_the_headline_figures(demo_dir: Path) -> None:
    assert (demo_dir / "example.xlsm").is_file()
    result = run("demo", "-o", demo_dir)
    out = result.stdout
    for figure in (*REFERENCE_FIGURES, "优", str(demo_dir / "example.xlsm")):
        assert figure in out, figure


def test_summary_json_gives_every_reference_figure(demo_dir: Path) -> None:
    result = run("summary", demo_dir / "example.xlsm", "--json")
    assert result.returncode == 0, result.stderr
    s = json.loads(result.stdout)
    assert (s["department"], s["year"], s["amount_unit"]) == ("中共广州市委外事工作委员会办公室", 2023, "万元")
    b = s["budget"]
    assert (b["total"], b["executed"], b["execution_rate"], b["spent"], b["spending_progress"]) == (
        "9647.82",
        "9326.11",
        "96.67",
        "9360.25",
        "97.02",
    )
    p = s["procurement"]
    assert (p["total"], p["sme"], p["sme_share"], p["small_micro"], p["small_micro_share_of_sme"]) == (
        "1758.16",
        "1172.10",
        "66.7",
        "126.34",
        "10.8",
    )
    c = p["categories"]
    assert (c["货物"]["amount"], c["货物"]["sme_share"]) == ("213.53", "100.0")
    assert (c["工程"]["amount"], c["工程"]["sme_share"], c["工程"]["note"]) == ("0.00", None, "基数为0，不可比")
    assert (c["服务"]["amount"], c["服务"]["sme"], c["服务"]["sme_share"]) == ("1544.63", "958.57", "62.1")
    assert (s["score"]["total"], s["score"]["grade"]) == ("97.96", "优")
    assert [d["name"] for d in s["score"]["dimensions"]] == ["履职效能", "管理效率"]
    warnings = [w for w in s["checks"] if w["severity"] == "warning"]
    assert any("9,326.11" in w["message"] and "9,360.25" in w["message"] for w in warnings)
    assert all(isinstance(u["total"], str) for u in b["units"])


def test_the_report_sheets_are_in_the_demo_workbook(demo_dir: Path) -> None:
    import openpyxl

    wb = openpyxl.load_workbook(demo_dir / "example.xlsm")
    assert wb.sheetnames[-6:] == ["自评报告", "校验结果", "项目自评汇总", "项目自评-1", "项目自评-2", "项目自评-3"]
    texts = [str(v) for row in wb["自评报告"].iter_rows(values_only=True) for v in row if v is not None]
    assert any("97.96" in t for t in texts)


def test_generate_to_a_new_file_leaves_the_source_alone(example_copy: Path, tmp_path: Path) -> None:
    before = digest(example_copy)
    out = tmp_path / "out.xlsm"
    result = run("generate", example_copy, "-o", out)
    assert result.returncode == 0, result.stderr
    assert out.is_file() and digest(example_copy) == before
    assert "报告已写入" in result.stdout


def test_generate_in_place_keeps_a_backup_and_rerunning_replaces_the_report(example_copy: Path) -> None:
    import openpyxl

    original = digest(example_copy)
    assert run("generate", example_copy).returncode == 0
    first = digest(example_copy)
    assert run("generate", example_copy).returncode == 0
    backups = list(example_copy.parent.glob("example.backup-*.xlsm"))
    assert len(backups) == 2 and {digest(b) for b in backups} == {original, first}
    assert digest(example_copy) == first  # the same data give the same report, byte for byte
    names = openpyxl.load_workbook(example_copy).sheetnames
    assert names.count("自评报告") == 1 and names.count("校验结果") == 1


def test_generate_from_another_workbook(example_path: Path, make_workbook: Make, tmp_path: Path) -> None:
    import openpyxl

    target = make_workbook(name="submission.xlsx")
    out = tmp_path / "submission-report.xlsx"
    result = run("generate", target, "--from", example_path, "-o", out)
    assert result.returncode == 0, result.stderr
    assert "自评报告" in openpyxl.load_workbook(out).sheetnames


def test_bad_data_exits_1_naming_the_place_and_writes_nothing(
    make_workbook: Make, example_tables, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    example_tables["tblBudget"][1][4] = "约九千万"
    path = make_workbook(example_tables)
    before = digest(path)
    out = tmp_path / "out.xlsx"
    for args in (("generate", path, "-o", out), ("generate", path), ("check", path)):
        result = run(*args)
        assert result.returncode == 1
        text = result.stdout + result.stderr
        assert "预算执行!E5" in text and "约九千万" in text
        assert "Traceback" not in text
    assert digest(path) == before
    assert not out.exists()
    assert sorted(p.name for p in path.parent.iterdir()) == ["dept.xlsx"]
    one_line = run("generate", path).stderr.strip().splitlines()
    assert len(one_line) == 1


def test_summary_with_data_errors_still_prints_json_and_exits_1(make_workbook: Make, example_tables) -> None:  # type: ignore[no-untyped-def]
    example_tables["tblIndicators"][4][9] = 6  # 定性 score above its 分值 of 5
    result = run("summary", make_workbook(example_tables), "--json")
    assert result.returncode == 1
    s = json.loads(result.stdout)
    assert s["ok"] is False
    assert any(c["code"] == "score_manual_out_of_range" and c["location"] == "绩效指标!J8" for c in s["checks"])


def test_check_on_clean_data_exits_0(example_path: Path) -> None:
    result = run("check", example_path)
    assert result.returncode == 0
    assert "0 处错误，3 处警告" in result.stdout  # 执行数/支出数, typed 完成率 vs the projects', a project


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("base.xls", "旧版 .xls"),
        ("base.xlsb", ".xlsb"),
        ("base.ods", ".ods"),
        ("password.xlsx", "密码"),
        ("empty_file.xlsx", "空文件"),
        ("base.xlsx", "缺少工作表“基本信息”"),
    ],
)
def test_unusable_files_exit_2_with_one_line(name: str, says: str, tmp_path: Path) -> None:
    source = FOREIGN / name
    path = tmp_path / name
    shutil.copy(source, path)
    before = digest(path)
    for verb in ("check", "summary", "generate"):
        result = run(verb, path)
        assert result.returncode == 2, (verb, result.stderr)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and says in lines[0]
        assert "Traceback" not in result.stderr
    assert digest(path) == before
    assert [p.name for p in tmp_path.iterdir()] == [name]


def test_not_a_workbook_and_missing_file(tmp_path: Path) -> None:
    text = tmp_path / "notes.xlsx"
    text.write_text("这不是工作簿", encoding="utf-8")
    result = run("check", text)
    assert result.returncode == 2 and "不是 Excel 工作簿" in result.stderr
    corrupt = tmp_path / "corrupt.xlsx"
    corrupt.write_bytes(b"PK\x03\x04" + b"\0" * 100)
    result = run("check", corrupt)
    assert result.returncode == 2 and "损坏" in result.stderr
    result = run("check", tmp_path / "missing.xlsx")
    assert result.returncode == 2 and "找不到文件" in result.stderr


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    result = run("--debug", "check", tmp_path / "missing.xlsx")
    assert result.returncode != 0 and "Traceback" in result.stderr


@pytest.mark.parametrize("lock_name", ["~${}", ".~lock.{}#"], ids=["excel-wps", "libreoffice"])
def test_a_workbook_open_in_excel_is_not_written(example_copy: Path, lock_name: str) -> None:
    lock = example_copy.with_name(lock_name.format(example_copy.name))
    lock.write_bytes(b"owner")
    before = digest(example_copy)
    result = run("generate", example_copy)
    assert result.returncode == 2 and "正在 Excel" in result.stderr
    assert digest(example_copy) == before
    assert sorted(p.name for p in example_copy.parent.iterdir()) == sorted([example_copy.name, lock.name])


def test_a_read_only_workbook_is_not_written(example_copy: Path) -> None:
    example_copy.chmod(0o444)
    try:
        before = digest(example_copy)
        result = run("generate", example_copy)
        assert result.returncode == 2 and "只读" in result.stderr
        assert digest(example_copy) == before
        assert [p.name for p in example_copy.parent.iterdir()] == [example_copy.name]
    finally:
        example_copy.chmod(0o644)


def _only_adds(before: object, after: object, path: str = "") -> list[str]:
    """Where ``after`` differs from ``before`` other than by keys added to objects."""
    if isinstance(before, dict) and isinstance(after, dict):
        return [
            d
            for key in before
            for d in (
                _only_adds(before[key], after[key], f"{path}.{key}") if key in after else [f"{path}.{key} removed"]
            )
        ]
    if isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        return [d for i, (a, b) in enumerate(zip(before, after, strict=True)) for d in _only_adds(a, b, f"{path}[{i}]")]
    return [] if before == after else [f"{path}: {before!r} → {after!r}"]


def test_summary_json_of_the_example_only_gains_keys(demo_dir: Path) -> None:
    """The JSON as it was before the real report forms (tests/data), compared key by key."""
    before = json.loads((Path(__file__).parent / "data" / "example-summary-before-issue-11.json").read_text("utf-8"))
    result = run("summary", demo_dir / "example.xlsm", "--json")
    after = json.loads(result.stdout)
    # The example's projects (issue 12) add their own finding (the project that spent 105.42%)
    # after the department's: the department's JSON is compared without it.
    project_checks = [c for c in after["checks"] if c["code"].startswith("project_")]
    assert [c["code"] for c in project_checks] == ["project_over_executed"]
    # The typed 项目绩效自评完成率 (97.3%) beside the projects' 100.00% is named at its cell.
    completion = [c for c in after["checks"] if c["code"] == "score_completion_typed_differs"]
    assert [c["location"] for c in completion] == ["绩效指标!G12"]
    after["checks"] = [c for c in after["checks"] if c not in project_checks and c not in completion]
    assert _only_adds(before, after) == []
    assert after["procurement"]["granularity"] == "contracts"
    assert after["budget"]["execution_basis"] == "全年预算数"
    assert after["procurement"]["categories"]["货物"]["share_of_total"] == "12.1"
    assert _only_adds({"a": [1, {"b": 2}]}, {"a": [1, {"b": 3}]}) == [".a[1].b: 2 → 3"]  # the comparison bites


def test_output_piped_into_a_reader_that_stops_early_is_no_error(demo_dir: Path) -> None:
    """`summary --json | head -1`: the reader closes the pipe; no 程序内部错误, no traceback."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    for args in (("summary", "--json"), ("summary",), ("check",)):
        process = subprocess.Popen(
            [sys.executable, "-m", "addin", args[0], str(demo_dir / "example.xlsm"), *args[1:]],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        assert process.stdout is not None and process.stderr is not None
        process.stdout.readline()
        process.stdout.close()  # as `head -1` does once it has its line
        stderr = process.stderr.read().decode("utf-8")
        assert process.wait(timeout=120) in (0, 1), stderr
        assert "内部错误" not in stderr and "Traceback" not in stderr and "BrokenPipe" not in stderr, stderr


def test_generate_names_the_sheets_it_wrote(make_workbook: Make, tmp_path: Path) -> None:
    from addin.example.data import EXAMPLE_TABLES

    one = {
        name: [row for row in rows if row[0] == EXAMPLE_TABLES["tblProjects"][0][0]]
        for name, rows in EXAMPLE_TABLES.items()
        if name.startswith("tblProject")
    }
    result = run("generate", make_workbook(**one), "-o", tmp_path / "out.xlsx")
    assert result.returncode == 0, result.stderr
    assert "1 张项目支出绩效自评表“项目自评-1”）" in result.stdout and "至" not in result.stdout.splitlines()[-1]
    result = run("generate", make_workbook(name="three.xlsx"), "-o", tmp_path / "three-out.xlsx")
    assert "3 张项目支出绩效自评表“项目自评-1”至“项目自评-3”" in result.stdout


@pytest.mark.parametrize(
    "verb", [None, "demo", "generate", "check", "summary", "share", "docx", "batch", "serve", "template"]
)
def test_help_is_chinese_throughout(verb: str | None, capsys: pytest.CaptureFixture[str]) -> None:
    """argparse's own words (usage, section titles, -h, its errors) in Chinese, every argument
    explained."""
    with pytest.raises(SystemExit) as stop:
        main([*([verb] if verb else []), "--help"])
    assert stop.value.code == 0
    shown = capsys.readouterr().out
    for english in ("usage:", "positional arguments", "options:", "show this help message", "optional arguments"):
        assert english not in shown, (verb, english)
    assert shown.startswith("用法：") and "显示本帮助并退出" in shown
    lines = shown.splitlines()
    for i, line in enumerate(lines):  # an argument line without help ends the line at its name
        if line.startswith("  ") and not line.startswith("   ") and verb is not None:
            assert len(line.split()) > 1 or lines[i + 1].startswith("      "), (verb, line)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["generate"], "错误：缺少参数：WORKBOOK"),
        (["frob"], "错误：参数 命令 的值 'frob' 无效"),
        (["check", "a.xlsx", "b.xlsx"], "错误：无法识别的参数：b.xlsx"),
        (["batch", "in", "-o", "out.xlsx", "--workers", "two"], "错误：参数 --workers 的值 'two' 应为整数"),
    ],
)
def test_argument_errors_are_chinese(args: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(args)
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert message in err and "usage:" not in err and "error:" not in err


def test_the_collector_is_tuned_only_for_a_process_that_is_one_command(example_path: Path) -> None:
    import gc

    from addin.cli import main

    before = gc.get_threshold(), gc.get_freeze_count()
    assert main(["check", str(example_path)]) == 0  # a caller that goes on (this test run)
    assert (gc.get_threshold(), gc.get_freeze_count()) == before
    probe = (
        "import gc, sys; from addin import cli; code = cli.main(sys.argv[1:], whole_process=True); "
        "print(code, gc.get_threshold()[0], gc.get_freeze_count() > 0)"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe, "check", str(example_path)], capture_output=True, text=True, timeout=120
    )
    assert result.stdout.split()[-3:] == ["0", "100000", "True"], result.stderr


@pytest.mark.parametrize("verb", [["summary", "--json"], ["check"], ["generate", "-o", "out.xlsm"]])
def test_reading_and_writing_verbs_load_no_heavy_library(example_copy: Path, verb: list[str]) -> None:
    """generate, summary and check start fast: python-docx, pandas, openpyxl, XlsxWriter and
    xlwings are loaded only by the verbs that need them."""
    probe = (
        "import atexit, runpy, sys\n"
        "heavy = ('docx', 'lxml', 'pandas', 'numpy', 'openpyxl', 'xlsxwriter', 'xlwings', 'starlette')\n"
        "atexit.register(lambda: print(sorted({m.split('.')[0] for m in sys.modules} & set(heavy)), file=sys.stderr))\n"
        "sys.argv = ['addin', *sys.argv[1:]]\n"
        "runpy.run_module('addin', run_name='__main__')\n"
    )
    args = [verb[0], str(example_copy), *verb[1:]]
    result = subprocess.run(
        [sys.executable, "-c", probe, *args], capture_output=True, text=True, cwd=example_copy.parent, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip().splitlines()[-1] == "[]"
    if verb[0] == "generate":
        assert (example_copy.parent / "out.xlsm").is_file()
