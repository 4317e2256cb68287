"""Realistic large contract workbooks for the benchmarks (and the batch folder).

    python -m benchmarks.generate OUT.xlsx [--contracts 200000] [--units 500] [--indicators 300]
                                           [--projects 0] [--project-indicators 15]
    python -m benchmarks.generate --batch FOLDER [--departments 200]

Amounts are whole cents, so every figure is exact; the category summary is computed from the
generated contracts (in Decimal), so ledger and summary agree as a clerk's would.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
from decimal import Decimal
from pathlib import Path
from typing import Any

from addin.example.data import EXAMPLE_TABLES
from addin.workbook.builder import BuildOptions, build_workbook

__all__ = ["department_tables", "project_tables", "write_department"]

CATEGORIES = ("货物", "工程", "服务")
SIZES = ("大型", "中型", "小型", "微型")


def department_tables(
    seed: int, *, contracts: int, units: int, indicators: int, name: str = "某某局"
) -> dict[str, list[list[Any]]]:
    rng = random.Random(seed)
    unit_names = [f"{name}第{i + 1:03d}单位" for i in range(units)]
    budget = []
    for i, unit in enumerate(unit_names):
        total = rng.randint(50_000, 5_000_000) / 100  # 500 to 50,000 万元
        executed = round(total * rng.uniform(0.85, 1.0), 2)
        spent = round(total * rng.uniform(0.85, 1.0), 2)
        budget.append([unit, "本级" if i == 0 else "二级", round(total * 0.95, 2), total, executed, spent, ""])
    ledger = []
    sums: dict[str, list[Decimal]] = {c: [Decimal(0)] * 3 for c in CATEGORIES}
    start = dt.date(2023, 1, 1)
    for i in range(contracts):
        category = rng.choices(CATEGORIES, weights=(5, 1, 10))[0]
        size = rng.choices(SIZES, weights=(3, 4, 5, 3))[0]
        cents = rng.randint(100, 50_000)  # 1.00 to 500.00 万元
        amount = cents / 100
        ledger.append(
            [
                f"HT{seed:03d}-{i:07d}",
                rng.choice(unit_names),
                category,
                amount,
                size,
                start + dt.timedelta(days=rng.randrange(365)),
                "",
            ]
        )
        exact = Decimal(cents) / 100
        sums[category][0] += exact
        if size != "大型":
            sums[category][1] += exact
            if size != "中型":
                sums[category][2] += exact
    summary = [[c, float(s[0]), float(s[1]), float(s[2])] for c, s in sums.items()]
    rows = []
    methods = ["比率", "满意度区间", "执行率扣分", "定性", "比率"]
    # Weights in whole hundredths adding up to exactly 100.
    base, extra = divmod(10_000, indicators)
    for i in range(indicators):
        weight = (base + (1 if i < extra else 0)) / 100
        method = methods[i % len(methods)]
        direction = "定性" if method == "定性" else ("反向" if i % 7 == 0 else "正向")
        target, actual = (1.0, round(rng.uniform(0.8, 1.0), 4)) if method != "定性" else ("良好", "良好")
        manual = round(weight * 0.9, 4) if method == "定性" else None
        rows.append(
            [
                "履职效能" if i % 2 else "管理效率",
                f"二级{i % 10}",
                f"指标{i + 1:03d}",
                weight,
                direction,
                target,
                actual,
                "台账",
                method,
                manual,
                "",
            ]
        )
    tables = dict(EXAMPLE_TABLES)
    tables.update(
        {
            "tblInfo": [
                ["部门名称", name],
                ["评价年度", 2023],
                ["金额单位", "万元"],
                ["小微占比口径", "中小企业合同金额"],
                ["指标总分", 100],
            ],
            "tblBudget": budget,
            "tblContracts": ledger,
            "tblProcurement": summary,
            "tblIndicators": rows,
        }
    )
    return tables


_PROJECT_METHODS = ("比率", "比率", "满意度区间", "完成率扣分", "定性")


def project_tables(seed: int, *, projects: int, indicators: int) -> dict[str, list[list[Any]]]:
    """``projects`` projects of ``indicators`` indicators each (90 points between them, 执行率分值
    10), two 资金来源 and a 年度资金总额 row each, every rule kind, some missed targets with
    their reasons: the three project tables of a large department."""
    rng = random.Random(seed)
    rows: list[list[Any]] = []
    funds: list[list[Any]] = []
    measures: list[list[Any]] = []
    base, extra = divmod(9_000, indicators)  # weights in hundredths adding up to exactly 90
    for p in range(projects):
        name = f"项目{p + 1:04d}"
        rows.append([name, "某某局", f"第{p % 20 + 1:02d}单位", 10, f"{name}的年度总体目标", f"{name}的实际完成情况"])
        public_cents = rng.randint(10_000, 2_000_000)
        carried_cents = rng.randint(0, 200_000)
        spent = [round(c * rng.uniform(0.85, 1.01)) for c in (public_cents, carried_cents)]
        funds.append([name, "年度资金总额", None, (public_cents + carried_cents) / 100, sum(spent) / 100])
        funds.append([name, "财政拨款", None, public_cents / 100, spent[0] / 100])
        funds.append([name, "上年结转", None, carried_cents / 100, spent[1] / 100])
        for i in range(indicators):
            weight = (base + (1 if i < extra else 0)) / 100
            method = _PROJECT_METHODS[i % len(_PROJECT_METHODS)]
            level1 = ("产出指标", "效益指标", "满意度指标")[min(i * 3 // indicators, 2)]
            if method == "定性":
                target, actual, manual, direction = "良好", "良好", weight, "定性"
            else:
                target, actual, manual, direction = 0.95, round(rng.uniform(0.9, 1.0), 4), None, "正向"
            measures.append(
                [
                    name,
                    level1,
                    f"二级{i % 4}",
                    f"指标{i + 1:02d}",
                    weight,
                    direction,
                    target,
                    actual,
                    method,
                    manual,
                    "原因",
                ]
            )
    return {"tblProjects": rows, "tblProjectFunds": funds, "tblProjectIndicators": measures}


def write_department(
    path: Path,
    seed: int,
    *,
    contracts: int,
    units: int,
    indicators: int,
    name: str = "某某局",
    projects: int = 0,
    project_indicators: int = 15,
) -> Path:
    tables = department_tables(seed, contracts=contracts, units=units, indicators=indicators, name=name)
    tables.update(project_tables(seed, projects=projects, indicators=project_indicators))
    build_workbook(path, tables, BuildOptions())
    return path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("output", nargs="?", type=Path)
    parser.add_argument("--contracts", type=int, default=200_000)
    parser.add_argument("--units", type=int, default=500)
    parser.add_argument("--indicators", type=int, default=300)
    parser.add_argument("--projects", type=int, default=0)
    parser.add_argument("--project-indicators", type=int, default=15)
    parser.add_argument("--batch", type=Path)
    parser.add_argument("--departments", type=int, default=200)
    args = parser.parse_args()
    if args.batch:
        args.batch.mkdir(parents=True, exist_ok=True)
        for i in range(args.departments):
            write_department(
                args.batch / f"部门{i + 1:03d}.xlsx",
                i,
                contracts=2000,
                units=8,
                indicators=30,
                name=f"第{i + 1:03d}部门",
            )
        print(f"{args.departments} workbooks in {args.batch}")
    elif args.output:
        write_department(
            args.output,
            1,
            contracts=args.contracts,
            units=args.units,
            indicators=args.indicators,
            projects=args.projects,
            project_indicators=args.project_indicators,
        )
        print(args.output)
    else:
        parser.error("give OUT.xlsx or --batch FOLDER")


if __name__ == "__main__":
    main()
