"""The functions of Excel's language that ``formula_expr`` evaluates, and how values convert.

SUM, SUMIF(S), COUNTIF as the template's quick checks use them; ROUND, ROUNDUP, ROUNDDOWN, ABS,
MIN, MAX and AVERAGE, which clerks put around JX_* results. Each takes its evaluated arguments (a
range is rows of values) and gives Excel's value, or raises ``NotComputable`` where Excel would
show an error: the caller then keeps the formula rather than guess.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from decimal import ROUND_DOWN, ROUND_HALF_UP, ROUND_UP, Decimal
from typing import Any

from .contract.coerce import EXCEL_ERRORS
from .core.numbers import shown_decimal

__all__ = ["BUILTINS", "COMPARE", "Function", "NotComputable", "compare", "number", "scalar", "text"]

Function = Callable[[list[Any]], Any]  # evaluated arguments (a range is rows of values) → value


class NotComputable(Exception):
    """The formula cannot be computed here; the message (Chinese) says why."""


_ERRORS = EXCEL_ERRORS


def scalar(value: Any) -> Any:
    if isinstance(value, list):
        if len(value) == 1 and len(value[0]) == 1:
            return value[0][0]
        raise NotComputable("区域不能直接参与运算")
    return value


def number(value: Any) -> float:
    value = scalar(value)
    if value is None:
        return 0.0
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str) and value not in _ERRORS:
        try:
            return float(value.replace(",", ""))
        except ValueError:
            pass
    raise NotComputable(f"“{value}”不是数字，无法参与运算")


def text(value: Any) -> str:
    value = scalar(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str) and value in _ERRORS:
        raise NotComputable(f"引用的单元格为错误值 {value}")
    return str(value)


def _rank(value: Any) -> tuple[int, Any]:
    """Excel's order across types: numbers < text < logical values; text case-insensitive."""
    if isinstance(value, bool):
        return 2, value
    if isinstance(value, int | float) or value is None:
        return 0, float(value or 0)
    return 1, str(value).lower()


COMPARE: Mapping[str, Callable[[Any, Any], bool]] = {
    "=": lambda a, b: a == b,
    "<>": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    ">": lambda a, b: a > b,
    "<=": lambda a, b: a <= b,
    ">=": lambda a, b: a >= b,
}


def compare(op: str, left: Any, right: Any) -> bool:
    a, b = scalar(left), scalar(right)
    if a is None and isinstance(b, str):
        a = ""
    if b is None and isinstance(a, str):
        b = ""
    return COMPARE[op](_rank(a), _rank(b))


def _cells(value: Any) -> list[Any]:
    if isinstance(value, list):
        return [cell for row in value for cell in row]
    return [value]


def _criterion(criterion: Any) -> Callable[[Any], bool]:
    """A COUNTIF/SUMIF(S) criterion as a test on one cell."""
    criterion = scalar(criterion)
    if not isinstance(criterion, str):
        return lambda cell: _is_number(cell) and number(cell) == number(criterion)
    match = re.match(r"^(<=|>=|<>|<|>|=)?(.*)$", criterion, re.S)
    assert match is not None
    op, operand = match.group(1) or "=", match.group(2)
    try:
        bound: float | None = float(operand.replace(",", ""))
    except ValueError:
        bound = None
    if bound is not None:
        limit = bound
        return lambda cell: _is_number(cell) and COMPARE[op](number(cell), limit)
    if op in ("=", "<>") and re.search(r"(?<!~)[*?]", operand):
        pattern = re.compile(_wildcards(operand), re.I | re.S)
        return lambda cell: (pattern.fullmatch(text(cell)) is not None) == (op == "=")
    if op in ("=", "<>"):
        wanted = operand.replace("~*", "*").replace("~?", "?").lower()
        return lambda cell: (text(cell).lower() == wanted) == (op == "=")
    return lambda cell: isinstance(cell, str) and COMPARE[op](cell.lower(), operand.lower())


def _wildcards(text: str) -> str:
    out = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "~" and i + 1 < len(text):
            out.append(re.escape(text[i + 1]))
            i += 2
            continue
        out.append(".*" if ch == "*" else "." if ch == "?" else re.escape(ch))
        i += 1
    return "".join(out)


def _is_number(cell: Any) -> bool:
    return isinstance(cell, int | float) and not isinstance(cell, bool)


def _sum(args: list[Any]) -> float:
    return sum(_numbers(args), 0.0)


def _matching(pairs: Sequence[tuple[Any, Any]]) -> list[bool]:
    """Per cell position: whether every (range, criterion) pair matches there."""
    ranges = [_cells(r) for r, _ in pairs]
    if len({len(r) for r in ranges}) > 1:
        raise NotComputable("条件区域的大小不一致")
    tests = [_criterion(c) for _, c in pairs]
    return [all(t(r[i]) for t, r in zip(tests, ranges, strict=True)) for i in range(len(ranges[0]))]


def _sum_where(values: Any, pairs: Sequence[tuple[Any, Any]]) -> float:
    cells = _cells(values)
    keep = _matching(pairs)
    if len(cells) != len(keep):
        raise NotComputable("求和区域与条件区域的大小不一致")
    return _sum([[[c] for c, k in zip(cells, keep, strict=True) if k]])


def _sumifs(args: list[Any]) -> float:
    if len(args) < 3 or len(args) % 2 == 0:
        raise NotComputable("SUMIFS 的参数个数不对")
    return _sum_where(args[0], [(args[i], args[i + 1]) for i in range(1, len(args), 2)])


def _sumif(args: list[Any]) -> float:
    if len(args) not in (2, 3):
        raise NotComputable("SUMIF 的参数个数不对")
    return _sum_where(args[2] if len(args) == 3 else args[0], [(args[0], args[1])])


def _countif(args: list[Any]) -> float:
    if len(args) != 2:
        raise NotComputable("COUNTIF 的参数个数不对")
    return float(sum(_matching([(args[0], args[1])])))


def _numbers(args: list[Any]) -> list[float]:
    """The numbers of the arguments as SUM, MIN, MAX and AVERAGE take them: in a range only
    numbers count (text and blanks are passed over), a value given directly must be one."""
    found: list[float] = []
    for arg in args:
        if isinstance(arg, list):
            for cell in _cells(arg):
                if isinstance(cell, str) and cell in _ERRORS:
                    raise NotComputable(f"区域中有错误值 {cell}")
                if _is_number(cell):
                    found.append(float(cell))
        elif arg is not None:
            found.append(number(arg))
    return found


def _rounding(mode: str) -> Function:
    """ROUND (half away from zero), ROUNDUP (away from zero), ROUNDDOWN (toward zero) on the
    decimal value the cell shows (2.675 → 2.68), to ``digits`` places (negative: tens, …)."""

    def call(args: list[Any]) -> float:
        if len(args) != 2:
            raise NotComputable("舍入函数需要 2 个参数")
        value = shown_decimal(number(args[0]))
        digits = int(number(args[1]))
        return float(value.scaleb(digits).quantize(Decimal(1), rounding=mode).scaleb(-digits))

    return call


def _abs(args: list[Any]) -> float:
    if len(args) != 1:
        raise NotComputable("ABS 需要 1 个参数")
    return abs(number(args[0]))


def _min(args: list[Any]) -> float:
    return min(_numbers(args), default=0.0)


def _max(args: list[Any]) -> float:
    return max(_numbers(args), default=0.0)


def _average(args: list[Any]) -> float:
    found = _numbers(args)
    if not found:
        raise NotComputable("AVERAGE 没有可计算的数字（Excel 显示 #DIV/0!）")
    return sum(found) / len(found)


BUILTINS: Mapping[str, Function] = {
    "SUM": _sum,
    "SUMIFS": _sumifs,
    "SUMIF": _sumif,
    "COUNTIF": _countif,
    "ROUND": _rounding(ROUND_HALF_UP),
    "ROUNDUP": _rounding(ROUND_UP),
    "ROUNDDOWN": _rounding(ROUND_DOWN),
    "ABS": _abs,
    "MIN": _min,
    "MAX": _max,
    "AVERAGE": _average,
}
