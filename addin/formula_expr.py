"""The small part of Excel's formula language that the workbook's own JX_* formulas use, parsed
and evaluated in Python for formulas saved without a result (see ``jx_values``).

Covered: numbers, "text", TRUE/FALSE; references (resolved by the caller into rows of values);
+ - * / & and the comparisons = <> < > <= >=; the functions IF (lazy, as in Excel), SUM, COUNTIF,
SUMIF, SUMIFS (criteria as Excel reads them: "合计", ">0", "<>x", a number, * and ? wildcards)
and whatever the caller adds (the JX_* functions). Anything else (another function, an error
value in arithmetic, a division by zero, text where a number or a condition is needed) raises
``NotComputable``: the caller keeps the formula rather than guess.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .contract.coerce import EXCEL_ERRORS

__all__ = ["Call", "Literal", "Node", "NotComputable", "Operation", "Reference", "evaluate", "parse"]


class NotComputable(Exception):
    """The formula cannot be computed here; the message (Chinese) says why."""


@dataclass(frozen=True, slots=True)
class Literal:
    value: Any


@dataclass(frozen=True, slots=True)
class Reference:
    text: str  # A1, B2:C9, 'Sheet'!A1, tblBudget[执行数], tblRules[#All], a table's name


@dataclass(frozen=True, slots=True)
class Call:
    name: str  # upper case, without _xludf.
    args: tuple[Node | None, ...]  # None: an omitted argument


@dataclass(frozen=True, slots=True)
class Operation:
    op: str  # "+", "-", "*", "/", "&", "=", "<>", "<", ">", "<=", ">=", or "neg"
    left: Node
    right: Node | None = None


Node = Literal | Reference | Call | Operation

_SHEET = r"(?:'(?:[^']|'')+'|[^\s!'(),=<>&+\-*/\[\]\"]+)!"
_CELLS = r"\$?[A-Za-z]{1,3}\$?\d+(?::\$?[A-Za-z]{1,3}\$?\d+)?"
_TOKENS = re.compile(
    rf"""\s*(?:
    (?P<string>"(?:[^"]|"")*")
  | (?P<range>(?:{_SHEET})?{_CELLS})(?![\w(\[])
  | (?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<call>(?:_xludf\.)?[A-Za-z_][\w.]*)\s*\(
  | (?P<name>[^\W\d][\w.\\]*)
  | (?P<op><>|<=|>=|[-+*/&=<>(),])
  )""",
    re.X,
)


def _tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        match = _TOKENS.match(text, pos)
        if match is None:
            raise NotComputable(f"公式中“{text[pos : pos + 10]}”无法识别")
        kind = match.lastgroup or ""
        value = match.group(kind)
        pos = match.end()
        if kind == "name" and pos < len(text) and text[pos] == "[":
            end = _bracket_end(text, pos)
            value, pos = value + text[pos:end], end  # a table reference: tblBudget[执行数]
        out.append((kind, value))
    return out


def _bracket_end(text: str, start: int) -> int:
    """The offset past the "]" that closes the "[" at ``start`` ("'" escapes a bracket)."""
    depth = 0
    i = start
    while i < len(text):
        ch = text[i]
        if ch == "'":
            i += 2
            continue
        depth += ch == "["
        depth -= ch == "]"
        i += 1
        if depth == 0:
            return i
    raise NotComputable("表格引用的方括号不成对")


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.pos = 0

    def peek(self) -> tuple[str, str]:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else ("end", "")

    def take(self) -> tuple[str, str]:
        token = self.peek()
        self.pos += 1
        return token

    def expect(self, op: str) -> None:
        if self.take() != ("op", op):
            raise NotComputable(f"公式中缺少“{op}”")

    def binary(self, ops: tuple[str, ...], below: Callable[[], Node]) -> Node:
        node = below()
        while self.peek()[0] == "op" and self.peek()[1] in ops:
            node = Operation(self.take()[1], node, below())
        return node

    def comparison(self) -> Node:
        return self.binary(("=", "<>", "<", ">", "<=", ">="), self.concat)

    def concat(self) -> Node:
        return self.binary(("&",), self.additive)

    def additive(self) -> Node:
        return self.binary(("+", "-"), self.term)

    def term(self) -> Node:
        return self.binary(("*", "/"), self.unary)

    def unary(self) -> Node:
        if self.peek() == ("op", "-"):
            self.take()
            return Operation("neg", self.unary())
        if self.peek() == ("op", "+"):
            self.take()
        return self.primary()

    def primary(self) -> Node:
        kind, value = self.take()
        if kind == "number":
            return Literal(float(value))
        if kind == "string":
            return Literal(value[1:-1].replace('""', '"'))
        if kind == "range":
            return Reference(value)
        if kind == "name":
            if value.upper() in ("TRUE", "FALSE"):
                return Literal(value.upper() == "TRUE")
            return Reference(value)
        if kind == "call":
            return self.call(re.sub(r"^_xludf\.", "", value, flags=re.I).upper())
        if (kind, value) == ("op", "("):
            node = self.comparison()
            self.expect(")")
            return node
        raise NotComputable("公式不完整")

    def call(self, name: str) -> Call:
        args: list[Node | None] = []
        if self.peek() == ("op", ")"):
            self.take()
            return Call(name, ())
        while True:
            if self.peek() in (("op", ","), ("op", ")")):
                args.append(None)
            else:
                args.append(self.comparison())
            kind, value = self.take()
            if (kind, value) == ("op", ")"):
                return Call(name, tuple(args))
            if (kind, value) != ("op", ","):
                raise NotComputable(f"{name} 的参数无法识别")


def parse(formula: str) -> Node:
    """The formula (without "=") as a tree; NotComputable when it is outside the subset."""
    parser = _Parser(_tokens(formula.lstrip("=")))
    node = parser.comparison()
    if parser.peek()[0] != "end":
        raise NotComputable("公式无法识别")
    return node


# -- evaluation --------------------------------------------------------------------------------

Resolve = Callable[[str], list[list[Any]]]
Function = Callable[[list[Any]], Any]  # evaluated arguments (a range is rows of values) → value

_ERRORS = EXCEL_ERRORS


def _scalar(value: Any) -> Any:
    if isinstance(value, list):
        if len(value) == 1 and len(value[0]) == 1:
            return value[0][0]
        raise NotComputable("区域不能直接参与运算")
    return value


def _number(value: Any) -> float:
    value = _scalar(value)
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


def _text(value: Any) -> str:
    value = _scalar(value)
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


_COMPARE: Mapping[str, Callable[[Any, Any], bool]] = {
    "=": lambda a, b: a == b,
    "<>": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    ">": lambda a, b: a > b,
    "<=": lambda a, b: a <= b,
    ">=": lambda a, b: a >= b,
}


def _compare(op: str, left: Any, right: Any) -> bool:
    a, b = _scalar(left), _scalar(right)
    if a is None and isinstance(b, str):
        a = ""
    if b is None and isinstance(a, str):
        b = ""
    return _COMPARE[op](_rank(a), _rank(b))


def _cells(value: Any) -> list[Any]:
    if isinstance(value, list):
        return [cell for row in value for cell in row]
    return [value]


def _criterion(criterion: Any) -> Callable[[Any], bool]:
    """A COUNTIF/SUMIF(S) criterion as a test on one cell."""
    criterion = _scalar(criterion)
    if not isinstance(criterion, str):
        return lambda cell: _is_number(cell) and _number(cell) == _number(criterion)
    match = re.match(r"^(<=|>=|<>|<|>|=)?(.*)$", criterion, re.S)
    assert match is not None
    op, operand = match.group(1) or "=", match.group(2)
    try:
        number = float(operand.replace(",", ""))
    except ValueError:
        number = None
    if number is not None:
        return lambda cell: _is_number(cell) and _COMPARE[op](_number(cell), number)
    if op in ("=", "<>") and re.search(r"(?<!~)[*?]", operand):
        pattern = re.compile(_wildcards(operand), re.I | re.S)
        return lambda cell: (pattern.fullmatch(_text(cell)) is not None) == (op == "=")
    if op in ("=", "<>"):
        wanted = operand.replace("~*", "*").replace("~?", "?").lower()
        return lambda cell: (_text(cell).lower() == wanted) == (op == "=")
    return lambda cell: isinstance(cell, str) and _COMPARE[op](cell.lower(), operand.lower())


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
    total = 0.0
    for arg in args:
        if isinstance(arg, list):
            for cell in _cells(arg):
                if isinstance(cell, str) and cell in _ERRORS:
                    raise NotComputable(f"求和的区域中有错误值 {cell}")
                if _is_number(cell):
                    total += cell
        elif arg is not None:
            total += _number(arg)
    return total


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


_BUILTINS: Mapping[str, Function] = {"SUM": _sum, "SUMIFS": _sumifs, "SUMIF": _sumif, "COUNTIF": _countif}


def evaluate(node: Node, resolve: Resolve, functions: Mapping[str, Function]) -> Any:
    """The value of ``node``: a scalar (float, str, bool, None) or a range (rows of values)."""

    def value(n: Node | None) -> Any:
        return None if n is None else evaluate(n, resolve, functions)

    if isinstance(node, Literal):
        return node.value
    if isinstance(node, Reference):
        return resolve(node.text)
    if isinstance(node, Operation):
        if node.op == "neg":
            return -_number(value(node.left))
        left, right = value(node.left), value(node.right)
        if node.op in _COMPARE:
            return _compare(node.op, left, right)
        if node.op == "&":
            return _text(left) + _text(right)
        a, b = _number(left), _number(right)
        if node.op == "+":
            return a + b
        if node.op == "-":
            return a - b
        if node.op == "*":
            return a * b
        if b == 0:
            raise NotComputable("除数为 0")
        return a / b
    if node.name == "IF":
        if len(node.args) not in (2, 3):
            raise NotComputable("IF 的参数个数不对")
        condition = _scalar(value(node.args[0]))
        if isinstance(condition, str):
            raise NotComputable("IF 的条件是文字")
        if not condition and len(node.args) == 2:
            return False
        chosen = node.args[1] if condition else node.args[2]
        return 0.0 if chosen is None else value(chosen)  # only the branch taken, as in Excel
    function = functions.get(node.name) or _BUILTINS.get(node.name)
    if function is None:
        raise NotComputable(f"函数 {node.name} 不在可计算的范围内")
    return function([value(a) for a in node.args])
