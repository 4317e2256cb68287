"""Matching a table's header cells to the contract's columns, as clerks and published forms
write them.

A header matches its column whatever spaces, full-width characters or line breaks it carries
("全年预算数\\n（万元）"), and may carry the unit in brackets ("合同金额(元)", "执行数（万）").
Two header cells matching one column is an error naming both (which one holds the figure is
not evident). A two-level published header (预算数 merged over 年初/全年 in the row below) is
read from both rows.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .labels import is_blank, label_key
from .schema import AMOUNT_UNITS, Kind, TableSpec

__all__ = ["HeaderMatch", "amount_unit_alias", "decode_header", "header_key", "match_header", "sub_header_row"]

# "全年预算数(万元)", "合同金额[元]", "支出数(单位:万元)" after label_key.
_HEADER_UNIT = re.compile(r"^(.*?)[(\[](?:单位:?)?([^()\[\]]{1,8}?)[)\]]$")
_RENAMED = re.compile(r"^(.+?)\d{1,2}$")
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
# Short forms of the amount units that statements print (万 for 万元, 亿 for 亿元).
_UNIT_ALIASES = {
    "万": "万元",
    "亿": "亿元",
    "人民币万元": "万元",
    "人民币元": "元",
    "人民币亿元": "亿元",
    "万元人民币": "万元",
}


def amount_unit_alias(unit: str) -> str:
    """万 → 万元, 亿 → 亿元; any other text unchanged."""
    return _UNIT_ALIASES.get(unit, unit)


def header_key(text: str) -> str:
    """A header's text as matched: NFKC, spaces and line breaks removed."""
    return label_key(text)


def decode_header(text: str) -> str:
    """A table column name as stored in the file: OOXML escapes a line break as _x000a_."""
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text


@dataclass(frozen=True, slots=True)
class HeaderMatch:
    column: str  # the contract column it names
    unit: str  # the amount unit it carries ("" when none)
    loose: bool  # it matched only after NFKC (full-width characters, inner spaces): worth a note


def match_header(spec: TableSpec, text: str) -> HeaderMatch | None:
    """The contract column a header cell names, or None."""
    plain = re.sub(r"[\r\n]+", "", text).strip(" \t")
    if plain in spec.headers:
        return HeaderMatch(plain, "", loose=False)
    key = header_key(text)
    if key in spec.headers:
        return HeaderMatch(key, "", loose=True)
    renamed = _RENAMED.match(key)
    if renamed is not None and renamed.group(1) in spec.headers:
        # Excel renames a second column typed with an existing name: 全年预算数 → 全年预算数2.
        return HeaderMatch(renamed.group(1), "", loose=True)
    m = _HEADER_UNIT.match(key)
    if m is None or m.group(1) not in spec.headers:
        return None
    name, unit = m.group(1), amount_unit_alias(m.group(2))
    if unit in AMOUNT_UNITS or unit.endswith("元"):
        if spec.column(name).kind is not Kind.AMOUNT:
            return None
        return HeaderMatch(name, unit, loose=False)
    return HeaderMatch(name, "", loose=False)  # "分值(分)", "目标值(%)": a unit that is not an amount


def _is_header_like(spec: TableSpec, row: Sequence[Any]) -> bool:
    """Every non-blank cell is text naming a contract column, and at least one does."""
    hits = 0
    for value in row:
        if is_blank(value):
            continue
        if not isinstance(value, str) or match_header(spec, value) is None:
            return False
        hits += 1
    return hits > 0


def sub_header_row(spec: TableSpec, headers: Sequence[Any], rows: Sequence[Sequence[Any]]) -> list[Any] | None:
    """The headers of a two-level header (a parent such as 预算数 merged over 年初预算数 and
    全年预算数 in the row below), or None when the first data row is not such a second level.

    Read only when the header row lacks a column the row below supplies."""
    if not rows or not _is_header_like(spec, rows[0]):
        return None
    named = {m.column for h in headers if isinstance(h, str) and (m := match_header(spec, h)) is not None}
    below = rows[0]
    supplies = {m.column for v in below if isinstance(v, str) and (m := match_header(spec, v)) is not None} - named
    if not supplies:
        return None
    width = max(len(headers), len(below))
    merged: list[Any] = []
    for i in range(width):
        sub = below[i] if i < len(below) else None
        top = headers[i] if i < len(headers) else None
        merged.append(sub if not is_blank(sub) else top)
    return merged
