"""The performance benchmark: ratios measured in one run, on this machine.

    python -m benchmarks.run [--runs 5] [--workdir DIR] [--departments 200]

Whole processes (the package's bytecode compiled first, as installed), median of --runs:
`summary --json` on a 200,000-contract workbook against the read floor (pandas +
python-calamine reading the same sheets and nothing else) and against a naive pandas +
openpyxl reader; `generate` against `summary`; `generate` of the same workbook
with 300 projects × 15 indicators (项目支出绩效自评表) against the department report alone, and
the same for an ordinary department (2,000 contracts), each against 2×; peak RSS; xlwings
actions per report at 1×, 10× and 100× contracts and per project sheet at 3, 30 and 300
projects; each UDF on 200,000-row ranges; and batch throughput over generated department
workbooks.
"""

from __future__ import annotations

import argparse
import compileall
import copy
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

SCALAR_UDFS = ("JX_SCORE", "JX_GRADE", "JX_ROUND")
SHEETS = ["基本信息", "预算执行", "采购合同", "采购汇总", "绩效指标", "计分规则", "文字材料"]
FLOOR = "import pandas as pd, sys; pd.read_excel(sys.argv[1], sheet_name={sheets!r}, header=2, engine='{engine}')"


def run_process(args: list[str]) -> tuple[float, int]:
    """Wall time (s) and peak RSS (KiB) of one whole process, started from a small launcher.

    Started straight from this process, the child would report this process's own peak (Linux
    keeps it across fork and exec): see tests/peak_rss.py.
    """
    from tests.peak_rss import measure

    run = measure(args, timeout=3600)
    if run.returncode not in (0, 1):
        raise RuntimeError(f"{args} failed: {run.stderr.decode(errors='replace')}")
    return run.seconds, run.peak_kib


def median_of(args: list[str], runs: int) -> tuple[float, int]:
    results = [run_process(args) for _ in range(runs)]
    return statistics.median(t for t, _ in results), max(m for _, m in results)


def xlwings_actions(folder: Path) -> dict[int, int]:
    """Actions queued by generate_report on xlwings' remote engine, per contract multiple."""
    os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")  # this benchmark process only
    import xlwings as xw

    from addin import buttons
    from addin.example.data import EXAMPLE_TABLES
    from addin.workbook.builder import BuildOptions, build_workbook
    from tests.excel.payload import payload

    counts = {}
    for factor in (1, 10, 100):
        tables = copy.deepcopy(EXAMPLE_TABLES)
        tables["tblContracts"] = [
            [f"{row[0]}-{i}", *row[1:3], round(row[3] / factor, 6), *row[4:]]
            for row in EXAMPLE_TABLES["tblContracts"]
            for i in range(factor)
        ]
        path = folder / f"x{factor}.xlsx"
        build_workbook(path, tables, BuildOptions())
        book = xw.Book(json=payload(path))
        buttons.generate_report(book)
        counts[factor] = len(book.json()["actions"])
    return counts


def project_sheet_actions(folder: Path) -> dict[int, tuple[int, int]]:
    """(largest actions per project sheet, actions of the 项目自评汇总) queued by generate_report
    with the example's 3 projects repeated 1×, 10× and 100×."""
    os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")  # this benchmark process only
    import xlwings as xw

    from addin import buttons
    from addin.example.data import EXAMPLE_TABLES
    from addin.workbook.builder import BuildOptions, build_workbook
    from tests.excel.payload import payload

    counts = {}
    for copies in (1, 10, 100):
        tables = copy.deepcopy(EXAMPLE_TABLES)
        for name in ("tblProjects", "tblProjectFunds", "tblProjectIndicators"):
            tables[name] = [[f"{r[0]}-{n}", *r[1:]] for n in range(copies) for r in EXAMPLE_TABLES[name]]
        path = folder / f"projects-x{copies}.xlsx"
        build_workbook(path, tables, BuildOptions())
        data = payload(path)
        book = xw.Book(json=data)
        buttons.generate_report(book)
        sheets = [s["name"] for s in data["sheets"]]
        per_sheet: dict[str, int] = {}
        for action in book.json()["actions"]:
            if action["func"] == "addSheet":
                sheets.insert(action["args"][0], action["args"][1])
            elif action["sheet_position"] is not None:
                name = sheets[action["sheet_position"]]
                per_sheet[name] = per_sheet.get(name, 0) + 1
        largest = max(n for name, n in per_sheet.items() if name.startswith("项目自评-"))
        counts[copies * 3] = (largest, per_sheet["项目自评汇总"])
    return counts


def udf_timings(rows: int = 200_000) -> dict[str, float]:
    """Seconds per call of each UDF on ranges of ``rows`` rows (direct Python calls)."""
    import random

    from addin import udfs
    from addin.contract import schema

    rng = random.Random(7)
    executed = [[rng.randint(100, 10_000_00) / 100] for _ in range(rows)]
    budget = [[v[0] * 1.05] for v in executed]
    contracts = [list(schema.CONTRACTS.headers)] + [
        [
            f"C{i:06d}",  # a ledger's own numbers: rows alike in the rest are two contracts
            "单位",
            rng.choice(("货物", "工程", "服务")),
            rng.randint(100, 50_000) / 100,
            rng.choice(("大型", "中型", "小型", "微型")),
            None,
            None,
        ]
        for i in range(rows)
    ]
    indicators = [list(schema.INDICATORS.headers)] + [
        ["维度", "二级", f"指标{i}", 100 / rows, "正向", 1.0, rng.uniform(0.8, 1.0), "", "比率", None, ""]
        for i in range(rows)
    ]
    units = [list(schema.BUDGET.headers)] + [
        [f"单位{i}", "二级", None, b[0], e[0], None, None]
        for i, (e, b) in enumerate(zip(executed, budget, strict=True))
    ]
    info = [list(schema.INFO.headers), ["部门名称", "某局"], ["评价年度", 2024], ["金额单位", "万元"]]
    calls: dict[str, Any] = {
        "JX_EXEC_RATE": lambda: udfs.JX_EXEC_RATE(executed, budget),
        "JX_EXECUTION_RATE": lambda: udfs.JX_EXECUTION_RATE(units, info),
        "JX_SME_SHARE": lambda: udfs.JX_SME_SHARE(contracts, None, info),
        "JX_SHARE": lambda: udfs.JX_SHARE(executed, budget),
        "JX_PROCUREMENT": lambda: udfs.JX_PROCUREMENT(contracts),
        "JX_TOTAL_SCORE": lambda: udfs.JX_TOTAL_SCORE(indicators),
        "JX_SCORE": lambda: udfs.JX_SCORE("比率", 5, 1.0, 0.92),
        "JX_GRADE": lambda: udfs.JX_GRADE(97.96),
        "JX_ROUND": lambda: udfs.JX_ROUND(2.675, 2),
    }
    timings = {}
    for name, call in calls.items():
        samples = []
        for _ in range(3):
            start = time.perf_counter()
            result = call()
            samples.append(time.perf_counter() - start)
            assert not (isinstance(result, str) and result.startswith("错误")), (name, result)
        timings[name] = statistics.median(samples)
    return timings


def stray_cell_workbook(folder: Path) -> Path:
    """The example with a stray cell at XFD1048576 on every input sheet (DESIGN.md: ≤ 300 MiB)."""
    import openpyxl

    from addin.example.data import EXAMPLE_NOTE, EXAMPLE_TABLES
    from addin.workbook.builder import BuildOptions, build_workbook

    path = folder / "example-stray-xfd1048576.xlsx"
    build_workbook(path, copy.deepcopy(EXAMPLE_TABLES), BuildOptions(note=EXAMPLE_NOTE))
    wb = openpyxl.load_workbook(path)
    for name in SHEETS:
        wb[name]["XFD1048576"] = " "
    wb.save(path)
    return path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--departments", type=int, default=200)
    parser.add_argument(
        "--baseline",
        type=Path,
        help="a checkout of an earlier commit: its `summary` on the same workbook is timed in this run too",
    )
    args = parser.parse_args()
    # Timed as an installed copy runs: with the package's bytecode compiled (pip compiles it at
    # install). Without it (an editable install under PYTHONDONTWRITEBYTECODE) every process
    # compiles ~100 modules first: about 0.07 s, which made a short run look slower than it is.
    compileall.compile_dir(str(Path(__file__).resolve().parent.parent / "addin"), quiet=1)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="jixiao-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    python = sys.executable
    big = workdir / "contracts-200k.xlsx"
    if not big.exists():
        print("generating the 200,000-contract workbook …", file=sys.stderr)
        subprocess.run([python, "-m", "benchmarks.generate", str(big)], check=True, stdout=subprocess.DEVNULL)

    floor, floor_rss = median_of([python, "-c", FLOOR.format(sheets=SHEETS, engine="calamine"), str(big)], args.runs)
    ours, ours_rss = median_of([python, "-m", "addin", "summary", str(big), "--json"], args.runs)
    baseline = None
    if args.baseline is not None:
        # The earlier tree's own package first on the path: python -m runs it from that folder.
        env_python = [
            python,
            "-c",
            "import runpy, sys; sys.path.insert(0, sys.argv.pop(1)); runpy.run_module('addin', run_name='__main__')",
        ]
        baseline, _ = median_of([*env_python, str(args.baseline), "summary", str(big), "--json"], args.runs)
    _, stray_rss = median_of([python, "-m", "addin", "summary", str(stray_cell_workbook(workdir)), "--json"], 1)
    naive, _ = median_of([python, "-c", FLOOR.format(sheets=SHEETS, engine="openpyxl"), str(big)], args.runs)
    out = workdir / "with-report.xlsx"
    gen, gen_rss = median_of([python, "-m", "addin", "generate", str(big), "-o", str(out)], args.runs)

    # The same departments with 300 projects × 15 indicators: one 项目支出绩效自评表 per project.
    sizes = {
        "large": ["--contracts", "200000"],
        "ordinary": ["--contracts", "2000", "--units", "8", "--indicators", "30"],
    }
    projects: dict[str, tuple[float, float, int]] = {}
    for size, options in sizes.items():
        # the large department alone is the 200,000-contract workbook measured above
        plain = big if size == "large" else workdir / f"{size}.xlsx"
        with_projects = workdir / f"{size}-projects.xlsx"
        for path, extra in ((plain, []), (with_projects, ["--projects", "300", "--project-indicators", "15"])):
            if not path.exists():
                print(f"generating {path.name} …", file=sys.stderr)
                command = [python, "-m", "benchmarks.generate", str(path), *options, *extra]
                subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        alone, _ = median_of([python, "-m", "addin", "generate", str(plain), "-o", str(out)], args.runs)
        both, both_rss = median_of([python, "-m", "addin", "generate", str(with_projects), "-o", str(out)], args.runs)
        projects[size] = (alone, both, both_rss)

    actions = xlwings_actions(workdir)
    project_actions = project_sheet_actions(workdir)
    udf = udf_timings()

    batch_dir = workdir / "departments"
    if not batch_dir.exists() or len(list(batch_dir.glob("*.xlsx"))) < args.departments:
        print(f"generating {args.departments} department workbooks …", file=sys.stderr)
        subprocess.run(
            [python, "-m", "benchmarks.generate", "--batch", str(batch_dir), "--departments", str(args.departments)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    batch_time, batch_rss = run_process(
        [python, "-m", "addin", "batch", str(batch_dir), "-o", str(workdir / "bureau.xlsx")]
    )
    per_hour = args.departments / batch_time * 3600

    cpu = platform.processor() or platform.machine()
    print(
        f"machine: {os.cpu_count()} cores, {cpu}, Python {platform.python_version()}, runs={args.runs} (median), "
        "bytecode compiled"
    )
    print("| measure | value | ratio / target |")
    print("|---|---|---|")
    print(f"| read floor: pandas + python-calamine, same sheets | {floor:.2f} s | 1.00× |")
    print(
        f"| `summary --json`, 200,000 contracts, 500 units, 300 indicators | {ours:.2f} s | "
        f"{ours / floor:.2f}× the floor (target ≤ 1.5×) |"
    )
    if baseline is not None:
        print(
            f"| `summary --json` of `--baseline` ({args.baseline.name}), same workbook | {baseline:.2f} s | "
            f"now {ours / baseline:.2f}× (target ≤ 1.10×) |"
        )
    print(
        f"| peak RSS of `summary`: example + stray cell at XFD1048576 on every input sheet | "
        f"{stray_rss // 1024} MiB | target ≤ 300 MiB |"
    )
    print(f"| naive pandas + openpyxl reader, same sheets | {naive:.2f} s | summary is {naive / ours:.1f}× faster |")
    print(f"| `generate -o` (summary + writing the report) | {gen:.2f} s | {gen / ours:.2f}× summary |")
    for size, label in (("large", "200,000 contracts"), ("ordinary", "2,000 contracts, 8 units")):
        alone, both, both_rss = projects[size]
        print(
            f"| `generate -o`, {label}: report alone / with 300 projects × 15 indicators | "
            f"{alone:.2f} s / {both:.2f} s, peak {both_rss // 1024} MiB | {both / alone:.2f}× (target ≤ 2×) |"
        )
    print(
        f"| peak RSS: summary / generate / floor | {ours_rss // 1024} / {gen_rss // 1024} / "
        f"{floor_rss // 1024} MiB | target ≤ 600 MiB |"
    )
    print(
        f"| xlwings actions per report at 1× / 10× / 100× contracts | "
        f"{actions[1]} / {actions[10]} / {actions[100]} | constant: {len(set(actions.values())) == 1} |"
    )
    shown = " and ".join(f"{sheet} / {summary}" for sheet, summary in project_actions.values())
    constant = len({sheet for sheet, _ in project_actions.values()}) == 1
    print(
        f"| xlwings actions per project sheet / 项目自评汇总 at 3 / 30 / 300 projects | {shown} | "
        f"per sheet constant: {constant} |"
    )
    for name, seconds in udf.items():
        what = "scalar arguments" if name in SCALAR_UDFS else "200,000-row ranges"
        value = f"{seconds * 1e6:.0f} µs" if seconds < 1e-3 else f"{seconds * 1000:.0f} ms"
        print(f"| {name} on {what} | {value} per call | |")
    print(
        f"| `batch`: {args.departments} department workbooks (2,000 contracts each) | {batch_time:.1f} s, "
        f"peak {batch_rss // 1024} MiB | {per_hour:,.0f} workbooks per hour |"
    )


if __name__ == "__main__":
    main()
