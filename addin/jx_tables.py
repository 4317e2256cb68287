"""What JX_SCORE and JX_TOTAL_SCORE compute: the tables they are given, read by the file
reader's own layer (``contract``: values, percent points, indicators, rules) and evaluated by
the core, so a worksheet function never shows a figure ``check``/``generate`` would not.

A function sees only the ranges it is given. A figure that needs another table (a 数据来源 of
预算执行率 needs tblBudget, its 执行率口径 tblInfo) is refused with a reason naming the argument
to add, never computed from less. Readings that are interpretations (92 in a % row read as 92%)
give the core's figure; the warning itself can only be shown by 校验数据 (a cell holds one value).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .contract import schema
from .contract.labels import is_blank
from .contract.parse import parse_department
from .contract.ranges import grid, range_table
from .contract.raw import RawTable
from .contract.values import is_amount_unit, read_value_text
from .core import Evaluation, Findings, evaluate
from .core.findings import Finding
from .core.measures import evident_rate
from .core.procurement import ProcurementFigures
from .core.rules import KIND_DEDUCTION
from .core.scoring import METHOD_NOT_APPLICABLE, METHOD_QUALITATIVE, IndicatorScore
from .errors import UnusableInput

__all__ = ["Refused", "department_evaluation", "indicator_score", "ledger_figures", "total_score"]

# The arguments a 数据来源 figure is computed from (DESIGN.md, 绩效指标.数据来源).
_NEEDS: dict[str, tuple[tuple[str, ...], str]] = {
    "预算执行率": (("tblBudget",), "tblBudget[#All]"),
    "支出进度": (("tblBudget",), "tblBudget[#All]"),
    "预算调整率": (("tblBudget",), "tblBudget[#All]"),
    "中小企业合同占比": (("tblContracts", "tblProcurement"), "tblContracts[#All]、tblProcurement[#All]"),
    "小微企业合同占比": (("tblContracts", "tblProcurement"), "tblContracts[#All]、tblProcurement[#All]"),
    "小微企业占中小企业比": (("tblContracts", "tblProcurement"), "tblContracts[#All]、tblProcurement[#All]"),
    "政府采购支出总额": (("tblContracts", "tblProcurement"), "tblContracts[#All]、tblProcurement[#All]"),
    "项目绩效自评完成率": (
        ("tblProjects", "tblProjectFunds", "tblProjectIndicators"),
        "tblProjects[#All]、tblProjectFunds[#All]、tblProjectIndicators[#All]",
    ),
}
_CELL = re.compile(r"[（(]?[^\s（）()!，,：:“”]+![A-Z]{1,3}\d+(?::[A-Z]{1,3}\d+)?[）)]?")
# The name JX_SCORE's row goes by in a message when the clerk gives none.
_UNNAMED = "该指标"


class Refused(Exception):
    """What the function cannot compute, and why (the text the cell shows, in Chinese); the
    code of the finding behind it, when one is."""

    def __init__(self, message: str, code: str = "") -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True, slots=True)
class _Run:
    evaluation: Evaluation
    errors: list[Finding]  # the errors of the tables given (none of the stand-ins')


def _stand_in(spec: schema.TableSpec, rows: Sequence[Sequence[Any]] = ()) -> RawTable:
    return RawTable(spec, spec.sheet, spec.table, 3, 0, list(spec.headers), [list(r) for r in rows], 4)


def _run(given: Mapping[str, Any], info_rows: Sequence[Sequence[Any]] = ()) -> _Run:
    """Read the given ranges (table name → values) as the file reader reads a workbook and
    evaluate them; the tables not given stand in empty and their findings are left out."""
    tables: dict[str, RawTable | None] = {}
    standing_in: set[str] = set()
    for spec in schema.ALL_TABLES:
        value = given.get(spec.table)
        if value is not None:
            tables[spec.table] = range_table(spec, value)
        elif spec.required:
            tables[spec.table] = _stand_in(spec, info_rows if spec is schema.INFO else ())
            standing_in.add(spec.sheet)
        else:
            tables[spec.table] = None
    findings = Findings()
    try:
        data = parse_department(tables, findings)
    except UnusableInput as exc:
        raise Refused(exc.message) from None
    evaluation = evaluate(data, findings)
    errors = [f for f in evaluation.findings.errors if f.location.split("!", 1)[0] not in standing_in]
    return _Run(evaluation, errors)


def _missing_context(run: _Run, given: Mapping[str, Any]) -> None:
    """Refuse a figure the given tables cannot settle: a 数据来源 computed from a table not given,
    or, without tblInfo, anything 基本信息 decides (口径, 金额单位)."""
    info = given.get("tblInfo") is not None
    for ind in run.evaluation.data.indicators:
        need = _NEEDS.get(ind.source)
        if need is not None and not any(given.get(name) is not None for name in need[0]):
            raise Refused(f"指标“{ind.level3}”的数据来源“{ind.source}”要由 {need[1]} 计算：请在公式中加上该参数")
        if need is not None and not info:
            raise Refused(
                f"指标“{ind.level3}”的数据来源“{ind.source}”按基本信息中的口径和金额单位计算："
                "请在公式中加上参数 tblInfo[#All]"
            )
        if not info and any(_amount(text) for text in (ind.target_text, ind.actual_text)):
            raise Refused(
                f"指标“{ind.level3}”的目标值或实际值带有金额单位，要按基本信息中的金额单位换算："
                "请在公式中加上参数 tblInfo[#All]"
            )


def _empty(value: Any) -> bool:
    """An argument left out, or a blank cell given in its place."""
    return all(is_blank(v) for row in grid(value) for v in row)


def _amount(text: str) -> bool:
    if not any(mark in text for mark in "元万亿"):  # every amount unit has one (a cheap test first)
        return False
    typed = read_value_text(text)
    return typed is not None and is_amount_unit(typed.unit)


def _message(finding: Finding, *, cells: bool, info_given: bool) -> str:
    text = finding.message if cells else _CELL.sub("", finding.message)
    if finding.code == "score_weights_total" and not info_given:
        text += (
            "（未提供 tblInfo，指标总分按 100 计：如基本信息中的指标总分不是 100，请在公式中加上参数 tblInfo[#All]）"
        )
    return text


def _given(tables: Mapping[str, Any], required: Sequence[str]) -> dict[str, Any]:
    """The arguments not left out; ``Refused`` naming the ``required`` tables (one of them is
    enough) when all are."""
    given = {name: value for name, value in tables.items() if not _empty(value)}
    if not any(name in given for name in required):
        specs = [s for name in required for s in schema.ALL_TABLES if s.table == name]
        sheets = "或".join(f"{s.sheet}表" for s in specs)
        raise Refused(f"请提供{sheets}，如 {'、'.join(f'{s.table}[#All]' for s in specs)}")
    return given


def total_score(tables: Mapping[str, Any]) -> Decimal:
    """自评总分 (unrounded) of the tables given (table name → a range's values; tblIndicators
    required, the others as the indicators need them), as ``summary`` computes it; ``Refused``
    with the first error, or with the argument a figure needs."""
    given = _given(tables, ("tblIndicators",))
    run = _run(given)
    _missing_context(run, given)
    if run.errors:
        raise Refused(_message(run.errors[0], cells=True, info_given="tblInfo" in given))
    total = run.evaluation.score.total
    if total is None:  # the core gives an error for every score it cannot compute
        raise Refused("无法计算总分：请点击“校验数据”查看原因")
    return total


def department_evaluation(tables: Mapping[str, Any], required: Sequence[str]) -> Evaluation:
    """The tables given (table name → a range's values) read and evaluated as ``summary`` reads a
    workbook's, for a figure the report states from them. tblInfo is required with one of
    ``required`` (its 执行率口径 and 金额单位 decide the report's figures); ``Refused`` without them, or, as
    JX_TOTAL_SCORE, with the first error of the tables given (never a figure of input with an
    error)."""
    given = _given(tables, required)
    if "tblInfo" not in given:
        raise Refused("该数据按基本信息中的执行率口径和金额单位计算：请在公式中加上参数 tblInfo[#All]")
    run = _run(given)
    if run.errors:
        raise Refused(_message(run.errors[0], cells=True, info_given=True))
    return run.evaluation


@dataclass(frozen=True, slots=True)
class _Row:
    """JX_SCORE's arguments as a row of 绩效指标."""

    method: Any
    weight: Any
    target: Any
    actual: Any  # the 自评得分 of a 定性 row
    direction: Any
    coefficient: Any

    def cells(self, name: str) -> list[Any]:
        qualitative = isinstance(self.method, str) and self.method.strip() == METHOD_QUALITATIVE
        row = {
            "一级指标": "指标",
            "三级指标": name,
            "分值": self.weight,
            "指标方向": "正向" if self.direction in (None, "") else self.direction,
            "目标值": self.target,
            "实际值": None if qualitative else self.actual,
            "计分方法": self.method,
            "自评得分": self.actual if qualitative else None,
            "得分系数": self.coefficient,
        }
        return [row.get(h) for h in schema.INDICATORS.headers]


# A row scored by the same rule whose target and actual say "rate": what another row of the
# workbook (or a percent format on the rule's bounds, which a function does not see) can make
# of a rule (percent.read_percent_points).
_RATE_NEIGHBOUR = "（比率指标）"


def _scored(row: _Row, name: str, rules: Any, *, rate_rule: bool = False) -> tuple[_Run, IndicatorScore]:
    """The row read and scored alone with the rules (with a rate row beside it using the same
    rule when ``rate_rule``); ``Refused`` with the first error of the row or the rules."""
    body = [row.cells(name)]
    if rate_rule:
        body.append(_Row(row.method, 0, "100%", "100%", "正向", None).cells(_RATE_NEIGHBOUR))
    given: dict[str, Any] = {"tblIndicators": [list(schema.INDICATORS.headers), *body]}
    if not _empty(rules):
        given["tblRules"] = rules
    run = _run(given, info_rows=[["部门名称", "工作表函数"], ["评价年度", 2000]])
    # One row is not the table: its 分值 is not the 指标总分, and 不适用 rescales nothing.
    errors = [f for f in run.errors if f.code not in ("score_weights_total", "score_all_not_applicable")]
    if errors:
        raise Refused(_message(errors[0], cells=False, info_given=True), errors[0].code)
    scored = run.evaluation.score.indicators
    if not scored or scored[0].indicator.level3 != name:
        raise Refused("无法读取该指标：请点击“校验数据”查看原因")
    return run, scored[0]


def _score_or_none(row: _Row, name: str, rules: Any) -> Decimal | None:
    try:
        return _scored(row, name, rules)[1].raw
    except Refused:
        return None


def indicator_score(
    method: Any,
    weight: Any,
    target: Any,
    actual: Any,
    direction: Any,
    rules: Any,
    coefficient: Any,
    name: Any,
) -> Decimal | str:
    """One indicator's score on its own 分值 (unrounded), read and scored as a row of 绩效指标
    with the given rules; "不适用" for a 不适用 row. ``actual`` is the 自评得分 of a 定性 row.

    Read alone, a row may lack what the sheet knows from elsewhere; where that changes the
    score the function refuses: a 扣分 rule's point (1% or 1) when neither the cells nor a
    name say rate or count, and a rule that other rows (or percent-formatted bounds) make a
    rate rule, under which bare numbers read as percent points."""
    row = _Row(method, weight, target, actual, direction, coefficient)
    named = isinstance(name, str) and bool(name.strip())
    label = name.strip() if named else _UNNAMED
    run, result = _scored(row, label, rules)
    ind = result.indicator
    if ind.method == METHOD_NOT_APPLICABLE:
        return METHOD_NOT_APPLICABLE
    if result.raw is None:
        raise Refused("无法计算得分：请点击“校验数据”查看原因")
    score: Decimal = result.raw
    used = [r for r in run.evaluation.data.rules if r.name == ind.method]
    bare = ind.rate is None and evident_rate((ind.target_text, ind.actual_text)) is None
    deduction = any(r.kind == KIND_DEDUCTION for r in used)
    if bare and not named and deduction and {_score_or_none(row, f"{_UNNAMED}{e}", rules) for e in "率数"} != {score}:
        raise Refused(
            "扣分规则的一个点在比率上是 1%、在数量上是 1，从目标值和实际值看不出该指标是哪一种，两种读法得分不同："
            "请在目标值中写明单位（如 95% 或 60场），或在最后一个参数填写指标名称"
        )
    if used and ind.rate is None:
        try:
            as_rate = _scored(row, label, rules, rate_rule=True)[1].raw
        except Refused as exc:
            if exc.code == "rule_rate_and_count":  # a count row: the sheet would say so at the rule
                return score
            raise Refused(f"规则“{ind.method}”若也用于比率指标（如 95%）：{exc}") from None
        if as_rate != score:
            raise Refused(
                f"规则“{ind.method}”若也用于比率指标（如 95%），该指标不带 % 的目标值、实际值要按百分点读取，得分不同："
                "请在目标值和实际值中写明 %（如 95%、92%）或数量单位（如 60场）"
            )
    return score


def ledger_figures(contracts: Any) -> ProcurementFigures:
    """The procurement figures of a contract ledger (a range's values), read as the file reader
    reads tblContracts (total, 其中 and sample rows, text numbers, units); ``Refused`` with the
    first error."""
    run = _run({} if _empty(contracts) else {"tblContracts": contracts})
    if run.errors:
        raise Refused(_message(run.errors[0], cells=True, info_given=False))
    return run.evaluation.procurement
