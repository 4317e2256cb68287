"""The small part of Excel's formula language that the workbook's own JX_* formulas use, parsed
and evaluated in Python for formulas saved without a result (see ``jx_values``).

Covered: numbers, "text", TRUE/FALSE; references (resolved by the caller into rows of values);
+ - * / & and the comparisons = <> < > <= >=; IF (lazy, as in Excel) and the functions of
``formula_functions``: SUM, COUNTIF, SUMIF, SUMIFS (criteria as Excel reads them: "合计", ">0",
"<>x", a number, * and ? wildcards), ROUND, ROUNDUP, ROUNDDOWN, ABS, MIN, MAX, AVERAGE,
and whatever the caller adds (the JX_* functions). Anything else (another function, an error
value in arithmetic, a division by zero, text where a number or a condition is needed) raises
``NotComputable``: the caller keeps the formula rather than guess.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .formula_functions import BUILTINS, COMPARE, Function, NotComputable, compare, number, scalar, text

__all__ = ["Call", "Literal", "Node", "NotComputable", "Operation", "Reference", "evaluate", "parse"]


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
            return -number(value(node.left))
        left, right = value(node.left), value(node.right)
        if node.op in COMPARE:
            return compare(node.op, left, right)
        if node.op == "&":
            return text(left) + text(right)
        a, b = number(left), number(right)
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
        condition = scalar(value(node.args[0]))
        if isinstance(condition, str):
            raise NotComputable("IF 的条件是文字")
        if not condition and len(node.args) == 2:
            return False
        chosen = node.args[1] if condition else node.args[2]
        return 0.0 if chosen is None else value(chosen)  # only the branch taken, as in Excel
    function = functions.get(node.name) or BUILTINS.get(node.name)
    if function is None:
        raise NotComputable(f"函数 {node.name} 不在可计算的范围内")
    return function([value(a) for a in node.args])
