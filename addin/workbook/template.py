"""The template (what a clerk starts from) and the example workbook, built the same way."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..contract.parse import SAMPLE_MARK, parse_department
from ..contract.raw import RawTable
from ..contract.schema import ALL_TABLES
from ..core import Evaluation, Findings, evaluate
from ..example.data import EXAMPLE_NOTE, EXAMPLE_TABLES
from ..jx_values import table_formula_value
from ..quick_checks import QUICK_CHECKS
from .builder import BuildOptions, QuickCheck, build_workbook
from .vba import vba_project_bytes

__all__ = ["EXAMPLE_NAME", "TEMPLATE_NAME", "TEMPLATE_TABLES", "build_template", "evaluate_tables"]

TEMPLATE_NAME = "部门整体支出绩效自评模板.xlsm"
EXAMPLE_NAME = "部门整体支出绩效自评示例.xlsm"
TEMPLATE_NOTE = "每张表中标有“示例”的行仅作填写示范，请替换或删除；增加行时在表格最后一行下方直接输入即可。"
SAMPLE = SAMPLE_MARK

# One example row per table, marked 示例, so a clerk sees what each column expects.
TEMPLATE_TABLES: dict[str, list[list[Any]]] = {
    "tblInfo": [
        ["部门名称", "（示例）某某局"],
        ["评价年度", 2024],
        ["金额单位", "万元"],
        ["小微占比口径", "中小企业合同金额"],
        ["填报人", ""],
        ["联系电话", ""],
        ["报告日期", ""],
        ["指标总分", 100],
        ["执行率口径", "全年预算数"],
    ],
    "tblBudget": [["示例单位", "本级", 1000.00, 1000.00, 950.00, 960.00, SAMPLE]],
    "tblContracts": [["示例-001", "示例单位", "服务", 100.00, "小型", dt.date(2024, 3, 1), SAMPLE]],
    # 采购汇总 has no free-text column: the mark is in its label ("（示例）服务").
    "tblProcurement": [[f"（{SAMPLE}）服务", 100.00, 100.00, 100.00]],
    "tblIndicators": [
        [
            "履职效能",
            "重点工作",
            "示例：重点工作任务完成率",
            100,
            "正向",
            1.0,
            1.0,
            "年度工作总结",
            "比率",
            None,
            SAMPLE,
        ]
    ],
    "tblRules": [["示例扣分规则", "扣分", 0.95, None, None, 0.5]],
    "tblNarrative": [["部门概况", "示例：请在此填写部门概况。"]],
    # The sample project is called 示例 so that each of its rows is flagged as a sample.
    "tblProjects": [[SAMPLE, "（示例）某某局", "示例单位", 10, "示例：项目年度总体目标", "示例：实际完成情况"]],
    "tblProjectFunds": [[SAMPLE, "财政拨款", 100.00, 100.00, 95.00]],
    "tblProjectIndicators": [
        [SAMPLE, "产出指标", "数量指标", "示例：完成数量", 90, "正向", 100, 100, "比率", None, ""],
    ],
}


def _raw(tables: Mapping[str, Sequence[Sequence[Any]]]) -> dict[str, RawTable | None]:
    return {
        spec.table: RawTable(spec, spec.sheet, spec.table, 3, 0, list(spec.headers), tables.get(spec.table, []), 4)
        for spec in ALL_TABLES
    }


def evaluate_tables(tables: Mapping[str, Sequence[Sequence[Any]]]) -> Evaluation:
    """The figures of in-memory tables, exactly as the readers would give them."""
    findings = Findings()
    return evaluate(parse_department(_raw(tables), findings), findings)


def _quick_checks(tables: Mapping[str, Sequence[Sequence[Any]]]) -> list[QuickCheck]:
    """The quick checks with their cached values: the formulas' own results over the workbook's
    tables (jx_values.table_formula_value), so a workbook opened where the add-in is missing, and
    a share copy, show what Excel with it would show."""
    with_headers = {
        spec.table: [list(spec.headers), *(list(r) for r in tables.get(spec.table, ()))] for spec in ALL_TABLES
    }
    return [
        QuickCheck(label, formula, table_formula_value(formula, with_headers), number_format)
        for label, formula, number_format in QUICK_CHECKS
    ]


def build_template(path: Path, *, example: bool) -> None:
    """The template (one 示例 row per table) or the example workbook (the reference data)."""
    tables = EXAMPLE_TABLES if example else TEMPLATE_TABLES
    options = BuildOptions(
        note=EXAMPLE_NOTE if example else TEMPLATE_NOTE,
        vba_project=vba_project_bytes(),
        instructions=True,
        quick_checks=_quick_checks(tables),
        udf_modules="addin.udfs",
    )
    build_workbook(path, tables, options)
