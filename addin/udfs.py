"""Worksheet functions (UDFs) named JX_* (绩效), registered through xlwings.

Each returns the presented value as Excel shows it: rates as fractions rounded to their
presented places (0.9667 for 96.67%), amounts and scores to 2 decimals, half-up on the
decimal value. Blanks are skipped, numbers stored as text are read, and an error value or a
word where a number belongs gives a short Chinese message in the cell, never a bare #VALUE!.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

import xlwings as xw

from .contract.coerce import EXCEL_ERRORS, Coercer, clean_text, parse_number_text
from .contract.schema import CONTRACTS, INDICATORS, RULES, TableSpec
from .core.findings import Findings
from .core.measures import is_rate_row
from .core.model import ContractLedger, Indicator, RowRef, RuleRow, TableRef
from .core.numbers import cell_fraction as _fraction
from .core.numbers import divide, round_half_up, to_decimal
from .core.procurement import CATEGORIES, SIZES, from_ledger
from .core.rulebook import compile_rules
from .core.rules import TARGET_WORD, Case, apply_rule, ratio_score
from .core.scoring import (
    METHOD_COEFFICIENT,
    METHOD_NOT_APPLICABLE,
    METHOD_QUALITATIVE,
    METHOD_RATIO,
    grade,
    score_indicators,
)

__all__ = [
    "JX_EXEC_RATE",
    "JX_GRADE",
    "JX_PROCUREMENT",
    "JX_ROUND",
    "JX_SCORE",
    "JX_SHARE",
    "JX_TOTAL_SCORE",
]


class _Refused(Exception):
    """An input the function cannot use; its message is what the cell shows."""


def _safely(compute: Callable[[], Any]) -> Any:
    """Run a UDF's body; a refusal or a failure becomes a message in the cell.

    A plain call rather than a decorator: classic xlwings reads each UDF's own signature,
    which a wrapper would hide."""
    try:
        return compute()
    except _Refused as exc:
        return f"错误：{exc}"
    except Exception:  # a UDF must show a reason, never a bare #VALUE!
        return "错误：无法计算，请检查公式引用的单元格是否为数字或文字"


def _flat(value: Any) -> list[Any]:
    if not isinstance(value, list):
        return [value]
    if all(not isinstance(item, list) for item in value):
        return value
    return [v for item in value for v in (item if isinstance(item, list) else [item])]


def _number(value: Any) -> Decimal | None:
    """A cell as a Decimal: blanks None, text numbers read, errors and words refused."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise _Refused(f"逻辑值 {value} 不是数字")
    if isinstance(value, int | float):
        return to_decimal(value)
    text = str(value).strip()
    if text in EXCEL_ERRORS:
        raise _Refused(f"输入含错误值 {text}")
    parsed = parse_number_text(text)
    if parsed is None:
        raise _Refused(f"“{text}”不是数字")
    number, suffix = parsed
    return number / 100 if suffix == "%" else number


def _sum(value: Any) -> Decimal:
    total = Decimal(0)
    for cell in _flat(value):
        # A range of 200,000 numbers: floats take the direct exact path, the rest _number.
        if type(cell) is float:
            total += Decimal(repr(cell))
        elif cell is not None:
            number = _number(cell)
            if number is not None:
                total += number
    return total


def _exec_rate(executed: Any, budget: Any) -> Any:
    return _fraction(divide(_sum(executed), _sum(budget)), 2)


@xw.func
@xw.arg("executed", ndim=2, doc="执行数（单元格或区域，区域按合计计算）")
@xw.arg("budget", ndim=2, doc="全年预算数（单元格或区域，区域按合计计算）")
def JX_EXEC_RATE(executed: Any, budget: Any) -> Any:
    """预算执行率 = 执行数 / 全年预算数，四舍五入到 0.01%（如 0.9667 即 96.67%）；预算为 0 时返回“-”。"""
    return _safely(lambda: _exec_rate(executed, budget))


def _share(part: Any, whole: Any) -> Any:
    return _fraction(divide(_sum(part), _sum(whole)), 1)


@xw.func
@xw.arg("part", ndim=2, doc="部分金额（如授予中小企业合同金额）")
@xw.arg("whole", ndim=2, doc="总额（如政府采购支出总额）")
def JX_SHARE(part: Any, whole: Any) -> Any:
    """占比 = 部分 / 总额，四舍五入到 0.1%（如 0.667 即 66.7%）；总额为 0 时返回“-”（基数为0，不可比）。"""
    return _safely(lambda: _share(part, whole))


def _round(x: Any, digits: Any) -> Any:
    number = _number(x)
    places = _number(digits)
    if number is None:
        return None
    if places is None or places != places.to_integral() or not 0 <= places <= 10:
        raise _Refused("小数位数应为 0 到 10 的整数")
    return float(round_half_up(number, int(places)))


@xw.func
@xw.arg("x", doc="要舍入的数值")
@xw.arg("digits", doc="保留的小数位数（0～10）")
def JX_ROUND(x: Any, digits: Any) -> Any:
    """四舍五入（按单元格显示的十进制数值，0.125 → 0.13，2.675 → 2.68），不受二进制浮点误差影响。"""
    return _safely(lambda: _round(x, digits))


def _grade(score: Any, total: Any) -> Any:
    number = _number(score)
    if number is None:
        return None
    out_of = _number(total) if total is not None else Decimal(100)
    if out_of is None or out_of <= 0:
        return None
    return grade(number, out_of)


@xw.func
@xw.arg("score", doc="自评总分")
@xw.arg("total", doc="指标总分（可省略，默认 100）")
def JX_GRADE(score: Any, total: Any = None) -> Any:
    """评价等级，按自评总分占指标总分的比例：优（≥90%）、良（80%～90%）、中（60%～80%）、差（<60%）；
    指标总分默认 100 分（即 90/80/60 分），总分按四舍五入到 0.01 后判断。"""
    return _safely(lambda: _grade(score, total))


def _header_index(rows: list[list[Any]], spec: TableSpec) -> tuple[dict[str, int], list[list[Any]]]:
    """Column positions from a header row when the range has one, else the contract's order."""
    if rows:
        heads = [clean_text(v).replace(" ", "") if isinstance(v, str) else "" for v in rows[0]]
        found = {name: heads.index(name) for name in spec.headers if name in heads}
        if len(found) >= 2:
            return found, rows[1:]
    return {name: i for i, name in enumerate(spec.headers)}, rows


def _cell(row: list[Any], index: dict[str, int], name: str) -> Any:
    i = index.get(name)
    return row[i] if i is not None and i < len(row) else None


def _udf_ref(spec: TableSpec) -> TableRef:
    return TableRef(spec.sheet, spec.table, {name: i for i, name in enumerate(spec.headers)}, 1)


def _rules(rules: Any) -> list[RuleRow]:
    rows = [list(r) for r in (rules or [])]
    index, body = _header_index(rows, RULES)
    ref = _udf_ref(RULES)
    out = []
    for n, row in enumerate(body, start=2):
        name = _cell(row, index, "规则名称")
        if name is None or not str(name).strip():
            continue
        lower, upper = _cell(row, index, "下限"), _cell(row, index, "上限")
        out.append(
            RuleRow(
                clean_text(str(name)).replace(" ", ""),
                clean_text(str(_cell(row, index, "规则类型") or "")),
                None if _is_target(lower) else _number(lower),
                None if _is_target(upper) else _number(upper),
                _number(_cell(row, index, "得分比例")),
                _number(_cell(row, index, "每点扣分")),
                RowRef(ref, n),
                _number(_cell(row, index, "每档")),
                _is_target(lower),
                _is_target(upper),
            )
        )
    return out


def _is_target(value: Any) -> bool:
    return isinstance(value, str) and clean_text(value).replace(" ", "") == TARGET_WORD


def _first_error(findings: Findings) -> None:
    if findings.has_errors:
        raise _Refused(findings.errors[0].message)


def _value(value: Any, column: str) -> Decimal | None:
    return Coercer(Findings()).value(value, "", column)[0] if not isinstance(value, list) else None


def _score(method: Any, weight: Any, target: Any, actual: Any, direction: Any, rules: Any, coefficient: Any) -> Any:
    how = clean_text(str(method or "")).replace(" ", "")
    points = _number(weight)
    if points is None or points < 0:
        raise _Refused("分值应为非负数")
    if how == METHOD_NOT_APPLICABLE:
        return METHOD_NOT_APPLICABLE
    if how == METHOD_COEFFICIENT:
        factor = _value(coefficient, "得分系数")
        if factor is None or not 0 <= factor <= 1:
            raise _Refused("得分系数应在 0 到 100% 之间")
        return float(round_half_up(factor * points, 2))
    value = _value(actual, "实际值")
    if how == METHOD_QUALITATIVE:
        if value is None or not 0 <= value <= points:
            raise _Refused(f"定性得分应在 0 到 {points.normalize():f} 之间")
        return float(round_half_up(value, 2))
    if value is None:
        raise _Refused("实际值为空或不是数字")
    goal = _value(target, "目标值")
    reverse = clean_text(str(direction or "")) == "反向"
    if how == METHOD_RATIO:
        if goal is None or goal < 0 or value < 0:
            raise _Refused("比率法需要非负的目标值和实际值")
        return float(round_half_up(ratio_score(points, goal, value, reverse=reverse), 2))
    findings = Findings()
    compiled = compile_rules(_rules(rules), findings)
    _first_error(findings)
    rule = compiled.get(how)
    if rule is None:
        raise _Refused(f"计分规则中没有“{how}”")
    texts = [str(v) for v in (target, actual) if isinstance(v, str)]
    case = Case(points, value, goal, reverse=reverse, rate=is_rate_row("", texts, values=(goal, value)))
    outcome = apply_rule(rule, case)
    if outcome.score is None:
        raise _Refused(outcome.problem)
    return float(round_half_up(outcome.score, 2))


@xw.func
@xw.arg("method", doc="计分方法：比率、定性、不适用、得分系数，或计分规则中的规则名称")
@xw.arg("weight", doc="分值")
@xw.arg("target", doc="目标值（比率法和以目标值为准的规则需要；可写 ≥95% 之类）")
@xw.arg("actual", doc="实际值（定性指标为自评得分）")
@xw.arg("direction", doc="指标方向：正向（默认）或反向")
@xw.arg("rules", ndim=2, doc="计分规则表（如 tblRules[#All]），按规则计分时需要")
@xw.arg("coefficient", doc="得分系数（计分方法为得分系数时需要，如 76%）")
def JX_SCORE(
    method: Any,
    weight: Any,
    target: Any,
    actual: Any,
    direction: Any = "正向",
    rules: Any = None,
    coefficient: Any = None,
) -> Any:
    """按计分方法计算一项指标的得分，四舍五入到 0.01 分（得分系数法：得分系数 × 分值）。"""
    return _safely(lambda: _score(method, weight, target, actual, direction, rules, coefficient))


def _total_score(indicators: Any, rules: Any) -> Any:
    rows = [list(r) for r in (indicators or [])]
    index, body = _header_index(rows, INDICATORS)
    ref = _udf_ref(INDICATORS)
    coercer = Coercer(Findings())
    items = []
    for n, row in enumerate(body, start=2):
        weight = _number(_cell(row, index, "分值"))
        if weight is None:
            continue
        target, target_text = coercer.value(_cell(row, index, "目标值"), "", "目标值")
        actual, actual_text = coercer.value(_cell(row, index, "实际值"), "", "实际值")
        items.append(
            Indicator(
                str(_cell(row, index, "一级指标") or ""),
                str(_cell(row, index, "二级指标") or ""),
                str(_cell(row, index, "三级指标") or f"第{n}行"),
                weight,
                clean_text(str(_cell(row, index, "指标方向") or "正向")),
                target,
                target_text,
                actual,
                actual_text,
                "",
                clean_text(str(_cell(row, index, "计分方法") or "")).replace(" ", ""),
                _number(_cell(row, index, "自评得分")),
                "",
                RowRef(ref, n),
                _value(_cell(row, index, "得分系数"), "得分系数"),
            )
        )
    if not items:
        raise _Refused("没有可计分的指标")
    findings = Findings()
    declared = sum((i.weight for i in items), Decimal(0))
    result = score_indicators(items, _rules(rules), {}, declared, findings)
    _first_error(findings)
    if result.total is None:
        raise _Refused("无法计算总分")
    return float(round_half_up(result.total, 2))


@xw.func
@xw.arg("indicators", ndim=2, doc="绩效指标表（如 tblIndicators[#All]）")
@xw.arg("rules", ndim=2, doc="计分规则表（如 tblRules[#All]），有按规则计分的指标时需要")
def JX_TOTAL_SCORE(indicators: Any, rules: Any = None) -> Any:
    """自评总分：逐项计分后合计（“不适用”指标的分值按比例分配给其他指标），四舍五入到 0.01 分。"""
    return _safely(lambda: _total_score(indicators, rules))


_PROCUREMENT_HEADERS = [
    "采购类别",
    "支出金额",
    "授予中小企业合同金额",
    "中小企业占比",
    "其中授予小微企业合同金额",
    "小微企业占中小企业比",
]


def _procurement(contracts: Any) -> Any:
    rows = [list(r) for r in (contracts or [])]
    index, body = _header_index(rows, CONTRACTS)
    categories: list[str] = []
    amounts: list[Decimal] = []
    sizes: list[str] = []
    for row in body:
        amount = _number(_cell(row, index, "合同金额"))
        category = clean_text(str(_cell(row, index, "采购类别") or ""))
        size = clean_text(str(_cell(row, index, "供应商规模") or ""))
        if amount is None and not category:
            continue
        if category not in CATEGORIES:
            raise _Refused(f"采购类别“{category}”应为 {'/'.join(CATEGORIES)}")
        if size not in SIZES:
            raise _Refused(f"供应商规模“{size}”应为 {'/'.join(SIZES)}")
        categories.append(category)
        amounts.append(amount or Decimal(0))
        sizes.append(size)
    n = len(amounts)
    ledger = ContractLedger(_udf_ref(CONTRACTS), [""] * n, [""] * n, categories, amounts, sizes, range(n))
    p = from_ledger(ledger)
    table: list[Sequence[Any]] = [_PROCUREMENT_HEADERS]
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
