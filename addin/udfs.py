"""Worksheet functions (UDFs) named JX_* (绩效), registered through xlwings.

Each returns the presented value as Excel shows it: rates as fractions rounded to their
presented places (0.9667 for 96.67%), amounts and scores to 2 decimals, half-up on the
decimal value. Cells are read as the file reader reads them (``contract.coerce``: blanks skipped,
numbers stored as text read, a percentage where an amount or points belong refused), and the
table functions (JX_SCORE, JX_TOTAL_SCORE, JX_PROCUREMENT, and the quick checks JX_EXECUTION_RATE,
JX_SPENDING_PROGRESS, JX_SME_SHARE: the report's headline figure, ``report.headline``) hand their
ranges to the reader and the core themselves (``jx_tables``), so they leave out total, 小计 and
其中 rows as the report does; JX_EXEC_RATE and JX_SHARE add up whatever cells they are given.
A function shows the report's figure or a Chinese reason in
the cell (an error value, a word where a number belongs, a table a figure needs), never another
figure and never a bare #VALUE!. A reason from another JX function passed as an argument is
shown as it is, not wrapped again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

import xlwings as xw

from .contract.coerce import EXCEL_ERRORS, Coercer, parse_number_text
from .core.findings import Findings
from .core.numbers import cell_fraction as _fraction
from .core.numbers import divide, round_half_up, shown_decimal
from .core.scoring import grade, total_out_of_range
from .core.units import UNIT_FACTORS, convert
from .jx_tables import Refused, department_evaluation, indicator_score, ledger_figures, total_score
from .report.headline import WITHHELD, headline_figures

__all__ = [
    "JX_EXECUTION_RATE",
    "JX_EXEC_RATE",
    "JX_GRADE",
    "JX_PROCUREMENT",
    "JX_ROUND",
    "JX_SCORE",
    "JX_SHARE",
    "JX_SME_SHARE",
    "JX_SPENDING_PROGRESS",
    "JX_TOTAL_SCORE",
]

ERROR_PREFIX = "错误："


class _Passed(Exception):
    """An argument that is itself another JX function's refusal: shown as it is, not nested."""


def _safely(compute: Callable[[], Any]) -> Any:
    """Run a UDF's body; a refusal or a failure becomes a message in the cell.

    A plain call rather than a decorator: classic xlwings reads each UDF's own signature,
    which a wrapper would hide."""
    try:
        return compute()
    except _Passed as exc:
        return str(exc)
    except Refused as exc:
        return f"{ERROR_PREFIX}{exc}"
    except Exception:  # a UDF must show a reason, never a bare #VALUE!
        return f"{ERROR_PREFIX}无法计算，请检查公式引用的单元格是否为数字或文字"


def _flat(value: Any) -> list[Any]:
    if not isinstance(value, list):
        return [value]
    if all(not isinstance(item, list) for item in value):
        return value
    return [v for item in value for v in (item if isinstance(item, list) else [item])]


def _passed_through(value: Any) -> None:
    if isinstance(value, str) and value.startswith(ERROR_PREFIX):
        raise _Passed(value)


def _number(value: Any, kind: str = "number") -> Decimal | None:
    """A cell as the reader reads a number of ``kind`` (coerce.Coercer): blanks None, text
    numbers read, error values, words and (for amounts and points) percentages refused."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if type(value) is float and (value >= 0 or kind != "amount"):
        return shown_decimal(value)
    _passed_through(value)
    found = Findings()
    coercer = Coercer(found)
    # Amounts as the file reader reads them: a negative one is refused (Coercer.amount).
    number = coercer.amount(value, "", "金额") if kind == "amount" else coercer.number(value, "", "输入", kind=kind)
    if found.has_errors or number is None:
        raise Refused(_reason(value, found))
    return number


def _reason(value: Any, found: Findings) -> str:
    if isinstance(value, bool):
        return f"逻辑值 {value} 不是数字"
    text = str(value).strip()
    if text in EXCEL_ERRORS:
        return f"输入含错误值 {text}"
    if found.errors and found.errors[0].code == "input_percent_not_allowed":
        return f"“{text}”是百分数，这里应为{'金额' if '金额' in found.errors[0].message else '分数'}"
    if found.errors and found.errors[0].code == "input_negative":
        return found.errors[0].message
    return f"“{text}”不是数字"


def _sums(*ranges: Any) -> list[Decimal]:
    """The amounts of each range (金额: a percentage is refused). Amounts typed with a unit
    ("833.58万元") are exact only beside amounts typed with units (all are then taken in 元): a
    plain number is in the workbook's 金额单位, which a worksheet function is not told."""
    plain_sums: list[Decimal] = []
    unit_sums: list[Decimal] = []
    plain = units = False
    for value in ranges:
        total = in_yuan = Decimal(0)
        for cell in _flat(value):
            # A range of 200,000 numbers: floats take the direct exact path, the rest (and a
            # negative float, refused there as the reader refuses it) _number.
            if type(cell) is float and cell >= 0:
                total += shown_decimal(cell)
                plain = True
                continue
            unit = _unit_of(cell)
            if unit:
                typed = _number(str(cell).strip().removesuffix(unit), "amount") or Decimal(0)
                in_yuan += convert(typed, unit, "元")
                units = True
                continue
            number = _number(cell, "amount")
            if number is not None:
                total += number
                plain = True
        plain_sums.append(total)
        unit_sums.append(in_yuan)
    if units and plain:
        raise Refused(
            "既有带单位（如“万元”）的金额，又有不带单位的数字，无法确定金额单位：请统一去掉单位，或都写上单位"
        )
    return unit_sums if units else plain_sums


def _unit_of(cell: Any) -> str:
    if not isinstance(cell, str):
        return ""
    parsed = parse_number_text(cell.strip())
    return parsed[1] if parsed is not None and parsed[1] in UNIT_FACTORS else ""


def _exec_rate(executed: Any, budget: Any) -> Any:
    return _fraction(divide(*_sums(executed, budget)), 2)


@xw.func
@xw.arg("executed", ndim=2, doc="执行数（单元格或区域，区域中的数全部相加）")
@xw.arg("budget", ndim=2, doc="全年预算数（单元格或区域，区域中的数全部相加）")
def JX_EXEC_RATE(executed: Any, budget: Any) -> Any:
    """执行率 = 执行数 / 预算数（所给区域中的数全部相加，合计、小计行也计入），四舍五入到 0.01%（如 0.9667 即
    96.67%）；预算为 0 时返回“-”。部门的预算执行率请用 JX_EXECUTION_RATE。"""
    return _safely(lambda: _exec_rate(executed, budget))


def _share(part: Any, whole: Any) -> Any:
    return _fraction(divide(*_sums(part, whole)), 1)


@xw.func
@xw.arg("part", ndim=2, doc="部分金额（单元格或区域，区域中的数全部相加）")
@xw.arg("whole", ndim=2, doc="总额（单元格或区域，区域中的数全部相加）")
def JX_SHARE(part: Any, whole: Any) -> Any:
    """占比 = 部分 / 总额（所给区域中的数全部相加，合计行也计入），四舍五入到 0.1%（如 0.667 即 66.7%）；
    总额为 0 时返回“-”（基数为0，不可比）。部门的中小企业合同占比请用 JX_SME_SHARE。"""
    return _safely(lambda: _share(part, whole))


def _round(x: Any, digits: Any) -> Any:
    number = _number(x)
    places = _number(digits)
    if number is None:
        return None
    if places is None or places != places.to_integral() or not 0 <= places <= 10:
        raise Refused("小数位数应为 0 到 10 的整数")
    return float(round_half_up(number, int(places)))


@xw.func
@xw.arg("x", doc="要舍入的数值")
@xw.arg("digits", doc="保留的小数位数（0～10）")
def JX_ROUND(x: Any, digits: Any) -> Any:
    """四舍五入（按单元格显示的十进制数值，0.125 → 0.13，2.675 → 2.68），不受二进制浮点误差影响。"""
    return _safely(lambda: _round(x, digits))


def _grade(score: Any, total: Any) -> Any:
    number = _number(score, "points")
    if number is None:
        return None
    out_of = _number(total, "points") if total is not None else Decimal(100)
    if out_of is None or out_of <= 0:
        return None
    problem = total_out_of_range(number, out_of)
    if problem is not None:
        raise Refused(problem)
    return grade(number, out_of)


@xw.func
@xw.arg("score", doc="自评总分")
@xw.arg("total", doc="指标总分（可省略，默认 100）")
def JX_GRADE(score: Any, total: Any = None) -> Any:
    """评价等级，按自评总分占指标总分的比例：优（≥90%）、良（80%～90%）、中（60%～80%）、差（<60%）；
    指标总分默认 100 分（即 90/80/60 分），总分按四舍五入到 0.01 后判断。"""
    return _safely(lambda: _grade(score, total))


def _score(
    method: Any, weight: Any, target: Any, actual: Any, direction: Any, rules: Any, coefficient: Any, name: Any
) -> Any:
    for value in (method, weight, target, actual, direction, coefficient, name):
        _passed_through(value)
    score = indicator_score(method, weight, target, actual, direction, rules, coefficient, name)
    return score if isinstance(score, str) else float(round_half_up(score, 2))


@xw.func
@xw.arg("method", doc="计分方法：比率、定性、不适用、得分系数，或计分规则中的规则名称")
@xw.arg("weight", doc="分值")
@xw.arg("target", doc="目标值（比率法和以目标值为准的规则需要；可写 ≥95% 之类）")
@xw.arg("actual", doc="实际值（定性指标为自评得分）")
@xw.arg("direction", doc="指标方向：正向（默认）或反向")
@xw.arg("rules", ndim=2, doc="计分规则表（如 tblRules[#All]），按规则计分时需要")
@xw.arg("coefficient", doc="得分系数（计分方法为得分系数时需要，如 76%）")
@xw.arg("name", doc="指标名称（三级指标；扣分规则看不出是比率还是数量时需要）")
def JX_SCORE(
    method: Any,
    weight: Any,
    target: Any,
    actual: Any,
    direction: Any = "正向",
    rules: Any = None,
    coefficient: Any = None,
    name: Any = None,
) -> Any:
    """一项指标的得分（按其分值，四舍五入到 0.01 分），与“生成报告”对同一行的读取和计分完全相同
    （如比率行中的 92 按 92% 读取）；读取时的提示请点“校验数据”查看。"""
    return _safely(lambda: _score(method, weight, target, actual, direction, rules, coefficient, name))


def _tables(**ranges: Any) -> Mapping[str, Any]:
    for value in ranges.values():
        for cell in _flat(value) if isinstance(value, list) else [value]:
            _passed_through(cell)
    return ranges


def _total_score(**ranges: Any) -> Any:
    return float(round_half_up(total_score(_tables(**ranges)), 2))


@xw.func
@xw.arg("indicators", ndim=2, doc="绩效指标表（如 tblIndicators[#All]）")
@xw.arg("rules", ndim=2, doc="计分规则表（如 tblRules[#All]），有按规则计分的指标时需要")
@xw.arg("budget", ndim=2, doc="预算执行表（如 tblBudget[#All]），数据来源为预算执行率、支出进度、预算调整率时需要")
@xw.arg("contracts", ndim=2, doc="采购合同表（如 tblContracts[#All]），数据来源为采购占比或采购总额时需要")
@xw.arg("procurement", ndim=2, doc="采购汇总表（如 tblProcurement[#All]），数据来源为采购占比或采购总额时需要")
@xw.arg("info", ndim=2, doc="基本信息表（如 tblInfo[#All]）：指标总分、口径和金额单位")
@xw.arg("projects", ndim=2, doc="项目表（如 tblProjects[#All]），数据来源为项目绩效自评完成率时需要")
@xw.arg("project_funds", ndim=2, doc="项目资金表（如 tblProjectFunds[#All]）")
@xw.arg("project_indicators", ndim=2, doc="项目指标表（如 tblProjectIndicators[#All]）")
def JX_TOTAL_SCORE(
    indicators: Any,
    rules: Any = None,
    budget: Any = None,
    contracts: Any = None,
    procurement: Any = None,
    info: Any = None,
    projects: Any = None,
    project_funds: Any = None,
    project_indicators: Any = None,
) -> Any:
    """自评总分，与“生成报告”的计算完全相同（“不适用”指标的分值按比例分配给其他指标），四舍五入到 0.01 分；
    数据来源为计算值（如预算执行率）的指标需要相应的表作参数。"""
    return _safely(
        lambda: _total_score(
            tblIndicators=indicators,
            tblRules=rules,
            tblBudget=budget,
            tblContracts=contracts,
            tblProcurement=procurement,
            tblInfo=info,
            tblProjects=projects,
            tblProjectFunds=project_funds,
            tblProjectIndicators=project_indicators,
        )
    )


def _headline(key: str, required: tuple[str, ...], **ranges: Any) -> Any:
    """The report's headline figure ``key`` of the tables given (report.headline, the figure
    ``summary`` prints): a percentage as its presented fraction, 未填报 or "-" as the report says."""
    evaluation = department_evaluation(_tables(**ranges), required)
    figure = next(f for f in headline_figures(evaluation) if f.key == key)
    if figure.value == WITHHELD:  # withheld only on an error: a safeguard, the error is refused first
        raise Refused(f"{figure.label}依赖有错误的数据：请点击“校验数据”查看")
    return figure.value if figure.ratio is None else _fraction(figure.ratio, figure.places)


_BUDGET_ARG = "预算执行表（如 tblBudget[#All]）"
_INFO_ARG = "基本信息表（如 tblInfo[#All]）：执行率口径和金额单位"


@xw.func
@xw.arg("budget", ndim=2, doc=_BUDGET_ARG)
@xw.arg("info", ndim=2, doc=_INFO_ARG)
def JX_EXECUTION_RATE(budget: Any, info: Any = None) -> Any:
    """部门预算执行率，与“生成报告”完全相同：合计、小计和“其中”行不重复计入，按执行率口径（全年预算数或年初预算数）
    计算，四舍五入到 0.01%（如 0.9667 即 96.67%）；预算为 0 时返回“-”，数据有错误时显示第一个错误。"""
    return _safely(lambda: _headline("execution_rate", ("tblBudget",), tblBudget=budget, tblInfo=info))


@xw.func
@xw.arg("budget", ndim=2, doc=_BUDGET_ARG)
@xw.arg("info", ndim=2, doc=_INFO_ARG)
def JX_SPENDING_PROGRESS(budget: Any, info: Any = None) -> Any:
    """部门支出进度 = 支出数 / 全年预算数，与“生成报告”完全相同：合计、小计和“其中”行不重复计入，四舍五入到 0.01%；
    未填支出数时返回“未填报”，预算为 0 时返回“-”，数据有错误时显示第一个错误。"""
    return _safely(lambda: _headline("spending_progress", ("tblBudget",), tblBudget=budget, tblInfo=info))


@xw.func
@xw.arg("contracts", ndim=2, doc="采购合同表（如 tblContracts[#All]）")
@xw.arg("procurement", ndim=2, doc="采购汇总表（如 tblProcurement[#All]）")
@xw.arg("info", ndim=2, doc="基本信息表（如 tblInfo[#All]）：金额单位")
def JX_SME_SHARE(contracts: Any, procurement: Any = None, info: Any = None) -> Any:
    """中小企业合同占比，与“生成报告”完全相同：有合同台账按台账，否则按采购汇总（合计、总计、汇总行为总数），
    四舍五入到 0.1%（如 0.667 即 66.7%）；未填报时返回“未填报”，总额为 0 时返回“-”，数据有错误时显示第一个错误。"""
    return _safely(
        lambda: _headline(
            "sme_share",
            ("tblContracts", "tblProcurement"),
            tblContracts=contracts,
            tblProcurement=procurement,
            tblInfo=info,
        )
    )


_PROCUREMENT_HEADERS = [
    "采购类别",
    "支出金额",
    "授予中小企业合同金额",
    "中小企业占比",
    "其中授予小微企业合同金额",
    "小微企业占中小企业比",
]


def _procurement(contracts: Any) -> Any:
    p = ledger_figures(_tables(tblContracts=contracts)["tblContracts"])
    table: list[list[Any]] = [_PROCUREMENT_HEADERS]
    for c in p.categories:
        table.append(
            [
                c.name,
                _money(c.amount),
                _money(c.sme),
                _fraction(c.sme_share, 1),
                _money(c.small_micro),
                _fraction(c.small_micro_share_of_sme, 1),
            ]
        )
    table.append(
        [
            "合计",
            _money(p.total),
            _money(p.sme),
            _fraction(p.sme_share, 1),
            _money(p.small_micro),
            _fraction(p.small_micro_share_of_sme, 1),
        ]
    )
    return table


def _money(value: Decimal | None) -> float | str:
    # A ledger states every split, so None does not occur here; "-" keeps the types honest.
    return "-" if value is None else float(round_half_up(value, 2))


@xw.func
@xw.arg("contracts", ndim=2, doc="采购合同表（如 tblContracts[#All]）")
def JX_PROCUREMENT(contracts: Any) -> Any:
    """按采购类别汇总合同：支出金额、授予中小企业合同金额及占比、小微企业金额及占比（动态数组，含合计行）。"""
    return _safely(lambda: _procurement(contracts))
